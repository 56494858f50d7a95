// A fuzz campaign per renderer (issue 14: "a fuzz/property campaign per reader and per renderer
// covers the classes (NULs, control bytes, huge counts, row counts up to 10^6)"). SYNTHETIC tables:
// cells drawn from ordinary text and what hostile names carry (ESC, BEL, backspace, NUL, CR, LF,
// bidi overrides, C1, zero-width, formula starts = + - @, # | " , < > & [ ] ` * \, non-ASCII),
// and the row number as a count. Once at 10^6 rows with `npm run fuzz:rows` (10^5 in npm test;
// in-process, each format rendered once), then
// many small random tables (fast-check). Invariants:
//   csv       csv-parse (comment '#', as the README says to read it) gives back every record and
//             cell: the count exact, each cell ASCII, no formula start unless a plain number, and
//             the original text once the escapes are undone;
//   json      JSON.parse gives back every value exactly, and the text holds no raw control byte;
//   markdown  one line per row with exactly the columns' pipes (every | in a value escaped), no raw
//             HTML, no control character;
//   text      every line within 79 columns, printable ASCII only;
//   table     every line within the width, no control or bidi character;
//   streamed  the row-by-row writers (predict --hosts) write what the held renderers write; table
//             and text sized from only their first rows keep every line within the width;
//   html      fleet --html: hostile names HTML-escaped, no control or bidi character, checked a
//             piece at a time as the page is written: N kernels (10^5; 10^6 with fuzz:rows, a
//             page longer than V8's longest string), every row and bar there.
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse} from 'csv-parse/sync'
import fc from 'fast-check'
import {beforeAll, describe, expect, it} from 'vitest'
import {writeUserFileParts} from '../../src/cli/write-file.js'
import {fleetHtml, fleetHtmlParts} from '../../src/fleet/html.js'
import {emptySummary, type FleetSummary} from '../../src/fleet/summary.js'
import {mulberry32} from '../../src/model/prng.js'
import {csvTableStream, renderCsv} from '../../src/render/csv.js'
import {renderReport, streamedTable} from '../../src/render/format.js'
import {jsonEnvelopeStream, toJson} from '../../src/render/json.js'
import {mdTableHeader, mdTableRow, renderMarkdownBlock} from '../../src/render/markdown.js'
import {NONE, type Report, type TableBlock} from '../../src/render/report.js'

const PLAIN = [...'abcdefxyz0123456789_/.:- ']
const HOSTILE = ['\x1b', '\x07', '\x08', '\x00', '\t', '\r', '\n', '\x7f', '\x9b', '\u202e', '\u2066', '\u200b', '\ufeff', '=', '+', '-', '@', '#', '|', '"', ',', "'", '<', '>', '&', '[', ']', '`', '*', '\\', 'é', 'Δ', '😀']
/** Control and bidi characters: none may reach a terminal, a spreadsheet or a page raw. */
const UNSAFE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/
/**
 * Rows of the one big table: 10^5 in `npm test` (issue 11: the suite stays fast; long fuzzing is
 * `npm run fuzz`), 10^6 in `npm run fuzz:rows` (ALLOCSCOPE_FUZZ_ROWS), the campaign issue 14 asks for.
 */
const N = Number(process.env.ALLOCSCOPE_FUZZ_ROWS ?? 100_000)
/** What a spreadsheet reads as a number: the one formula-looking start a cell may keep (OWASP). */
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?%?$/
const FORMULA = /^[=+\-@\t\r]/

/** A SYNTHETIC hostile cell: up to 10 characters, one in five hostile. */
function cellOf(rng: () => number): string {
  let s = ''
  for (let n = Math.floor(rng() * 11); n > 0; n--) s += rng() < 0.2 ? HOSTILE[Math.floor(rng() * HOSTILE.length)] : PLAIN[Math.floor(rng() * PLAIN.length)]
  return s
}

function tableOf(rows: {n: number; a: string; b: string}[]): TableBlock {
  return {
    kind: 'table',
    title: 'Fuzz',
    columns: [
      {key: 'n', header: 'count', align: 'right'},
      {key: 'a', header: 'name'},
      {key: 'b', header: 'site'},
    ],
    rows,
  }
}

/** The text before sanitising, from a cell the CSV/markdown escapes were applied to (\xNN, \uXXXX, \t \r \n). */
const unescape = (s: string) =>
  s.replace(/\\x([0-9a-f]{2})|\\u([0-9a-f]{4})|\\([trn])/g, (_, x, u, c) => (x ? String.fromCharCode(parseInt(x, 16)) : u ? String.fromCharCode(parseInt(u, 16)) : ({t: '\t', r: '\r', n: '\n'})[c as 't' | 'r' | 'n']))
/** A value the decode check can judge: no backslash of its own, nothing transliterated (Δ), no astral character. */
const decodable = (v: string) => !/[\\Δ\u{10000}-\u{10ffff}]/u.test(v)

function checkCsv(out: string, rows: {n: number; a: string; b: string}[]): void {
  // Printable ASCII only, one record per line (a newline in a value became a space).
  expect(/^[\x20-\x7e\n]*$/.test(out)).toBe(true)
  const records: string[][] = parse(out, {comment: '#'})
  expect(records.length).toBe(rows.length + 1)
  expect(records[0]).toEqual(['count', 'name', 'site'])
  for (let i = 0; i < rows.length; i++) {
    const r = records[i + 1]
    if (r.length !== 3 || r[0] !== String(rows[i].n)) expect({row: i, record: r}).toEqual({row: i, record: [String(rows[i].n), '…', '…']})
    for (const [cell, v] of [
      [r[1], rows[i].a],
      [r[2], rows[i].b],
    ]) {
      // The table's placeholder for nothing (NONE, '-') is an empty CSV cell; a newline became a space.
      const want = v === NONE ? '' : v.replace(/\n/g, ' ')
      if (cell === want && !FORMULA.test(cell)) continue
      if (FORMULA.test(cell) && !PLAIN_NUMBER.test(cell)) expect({row: i, cell}).toBe('no formula start')
      // A formula-looking value got a leading ' (so a value of its own starting with ' reads either way).
      const backs = [cell, ...(cell.startsWith("'") ? [cell.slice(1)] : [])].map(unescape)
      if (decodable(v) && !backs.includes(want)) expect({row: i, back: backs[0]}).toEqual({row: i, back: want})
    }
  }
}

function checkMarkdown(out: string, rows: number): void {
  const lines = out.split('\n')
  // Title, blank, header, alignment, one line per row, then the block's and the document's ends.
  expect(lines.length).toBe(rows + 6)
  for (let i = 4; i < rows + 4; i++) {
    const l = lines[i]
    // Three cells: four unescaped pipes (a \| inside a value or a code span does not split).
    const pipes = l.replace(/\\\\/g, '').match(/(?<!\\)\|/g)?.length ?? 0
    // Raw HTML: a < outside a code span (inside one it is shown as it is) other than our own <br>.
    const html = /<(?!br>)/.test(l.replace(/(`+)[^`].*?\1/g, ''))
    if (pipes !== 4 || UNSAFE.test(l) || html) expect({line: i, text: l}).toBe('a row of three escaped cells')
  }
}

function checkLines(out: string, width: number, ascii: boolean): void {
  for (const l of out.split('\n')) {
    if (l.length > width || (ascii ? !/^[\x20-\x7e]*$/.test(l) : UNSAFE.test(l))) expect(l).toBe(`a line within ${width} columns, ${ascii ? 'printable ASCII' : 'no control character'}`)
  }
}

describe(`every renderer on one SYNTHETIC hostile table of ${N} rows (in-process, each format once; npm run fuzz:rows: 10^6)`, () => {
  let rows: {n: number; a: string; b: string}[]
  let report: Report
  beforeAll(() => {
    const rng = mulberry32(20261204)
    rows = Array.from({length: N}, (_, n) => ({n, a: cellOf(rng), b: cellOf(rng)}))
    report = {blocks: [tableOf(rows)]}
  })

  it('csv: csv-parse reads back every record and cell', () => {
    checkCsv(renderReport(report, 'csv', {width: 80, csv: {titles: true}}), rows)
  }, 300_000)

  it('json: every value back exactly, no raw control byte', () => {
    const out = toJson('fuzz', {rows})
    expect(/[\x00-\x09\x0b-\x1f]/.test(out)).toBe(false)
    const back = (JSON.parse(out) as {result: {rows: {n: number; a: string; b: string}[]}}).result.rows
    expect(back.length).toBe(rows.length)
    // A loop, not toEqual: a deep diff of 10^6 objects costs more than the rendering.
    for (let i = 0; i < rows.length; i++) if (back[i].n !== rows[i].n || back[i].a !== rows[i].a || back[i].b !== rows[i].b) expect(back[i]).toEqual(rows[i])
  }, 300_000)

  it('markdown: one line per row, pipes escaped, no raw HTML or control character', () => {
    checkMarkdown(renderReport(report, 'markdown', {width: 80}), N)
  }, 300_000)

  it('text: every line within 79 columns, printable ASCII', () => {
    checkLines(renderReport(report, 'text', {width: 80}), 79, true)
  }, 300_000)

  it('table: every line within the width, no control or bidi character', () => {
    checkLines(renderReport(report, 'table', {width: 100}), 100, false)
  }, 300_000)
})

describe('many small random tables (fast-check)', () => {
  const cell = fc.string({unit: fc.oneof({weight: 4, arbitrary: fc.constantFrom(...PLAIN)}, {weight: 1, arbitrary: fc.constantFrom(...HOSTILE)}), maxLength: 24})
  const rowsArb = fc.array(fc.record({n: fc.integer({min: -1e9, max: 1e9}), a: cell, b: cell}), {minLength: 1, maxLength: 40})

  it('csv and markdown keep their invariants; json round-trips', () => {
    fc.assert(
      fc.property(rowsArb, (rows) => {
        const report = {blocks: [tableOf(rows)]}
        checkCsv(renderReport(report, 'csv', {width: 80, csv: {titles: true}}), rows)
        checkMarkdown(renderReport(report, 'markdown', {width: 80}), rows.length)
        expect((JSON.parse(toJson('fuzz', {rows})) as {result: {rows: unknown}}).result.rows).toEqual(rows)
      }),
      {numRuns: 300, seed: 20261204},
    )
  })

  it('table and text fit any width from 20 to 200', () => {
    fc.assert(
      fc.property(rowsArb, fc.integer({min: 20, max: 200}), (rows, width) => {
        checkLines(renderReport({blocks: [tableOf(rows)]}, 'table', {width}), width, false)
        checkLines(renderReport({blocks: [tableOf(rows)]}, 'text', {width}), 79, true)
      }),
      {numRuns: 200, seed: 20261204},
    )
  })

  it('streamed (row by row, in batches) is byte for byte the held output: csv, json, markdown', () => {
    fc.assert(
      fc.property(rowsArb, fc.integer({min: 1, max: 7}), (rows, batch) => {
        const t = tableOf(rows)
        const csv = csvTableStream(t, {titles: true})
        let streamed = csv.head
        for (let i = 0; i < rows.length; i += batch) streamed += csv.rows(rows.slice(i, i + batch))
        expect(streamed).toBe(renderCsv({blocks: [t]}, {titles: true}))
        const env = jsonEnvelopeStream('fuzz', 'rows')
        expect(env.head + rows.map((r, i) => env.item(r, i)).join('') + env.tail(rows.length, ['w\x1b'])).toBe(toJson('fuzz', {rows}, ['w\x1b']))
        expect(`### Fuzz\n\n${mdTableHeader(t)}\n${rows.map((r) => `${mdTableRow(t, r)}\n`).join('')}`).toBe(renderMarkdownBlock(t))
      }),
      {numRuns: 200, seed: 20261204},
    )
    const env = jsonEnvelopeStream('fuzz', 'rows')
    expect(env.head + env.tail(0, [])).toBe(toJson('fuzz', {rows: []}))
  })
  it('streamed table and text (predict --hosts): every row measured, the held bytes; only the first rows measured, still within the width', () => {
    const streamed = (rows: {n: number; a: string; b: string}[], format: 'table' | 'text', width: number, measured: number) => {
      const st = streamedTable(tableOf([]), format, {width})
      for (const r of rows.slice(0, measured)) st.measure(r)
      return rows.map((r) => st.row(r)).join('') + st.end()
    }
    fc.assert(
      fc.property(rowsArb, fc.integer({min: 20, max: 200}), fc.nat(), (rows, width, k) => {
        for (const format of ['table', 'text'] as const) {
          expect(streamed(rows, format, width, rows.length)).toBe(renderReport({blocks: [tableOf(rows)]}, format, {width}))
          // Columns sized from the first rows (stdin's window): a wider cell later wraps, no line overflows.
          checkLines(streamed(rows, format, width, k % (rows.length + 1)), format === 'table' ? Math.max(20, width) : 79, format === 'text')
        }
      }),
      {numRuns: 200, seed: 20261204},
    )
  })
})

/** A SYNTHETIC fleet summary: `kernels` hostile kernel names, one hostile signature seen on a hostile host. */
function summaryOf(kernels: string[], name: string): FleetSummary {
  const s = emptySummary()
  kernels.forEach((k, i) => (s.kernels[k] = {inputs: 1, boots: 1, findings: i % 3, recorders: {pool: 1}}))
  s.signatures[name] = {id: 'kasan', severity: 'warning', title: name, inputs: 2, occurrences: 3, hosts: [name], kernels: kernels.slice(0, 2), example: name} as FleetSummary['signatures'][string]
  s.errorReasons[name] = {count: 1, example: name}
  return s
}

/** The page outside its own script: no control or bidi character, no tag from the input. */
function checkHtml(page: string): void {
  const body = page.replace(/<script>[\s\S]*<\/script>/, '')
  expect(UNSAFE.test(body.replace(/\n/g, ''))).toBe(false)
  expect(body).not.toContain('<img')
  expect(body).not.toContain('<b>')
}

/** V8's longest string (0x1fffffe8 characters): a page longer than this cannot have been held as one. */
const V8_MAX_STRING = 0x1fffffe8

/** The page checked a piece at a time as fleet --html writes it (a page of 10^6 kernels is never held). */
function checkHtmlParts(parts: Iterable<string>): {chars: number; rows: number; bars: number} {
  const out = {chars: 0, rows: 0, bars: 0}
  for (const p of parts) {
    out.chars += p.length
    if (/^\n?<tr>/.test(p)) out.rows++
    if (p.includes('<rect class="bar"')) out.bars++
    // Our own script is the last piece; every other one holds no tag or control character from the input.
    if (!p.includes('<script>')) checkHtml(p)
  }
  return out
}

/** Kernels of the page: 25 000 in `npm test` (each piece is checked by RegExp: 7 s at 10^5), N in `npm run fuzz:rows`. */
const N_HTML = process.env.ALLOCSCOPE_FUZZ_ROWS ? N : 25_000

describe(`html (fleet --html): ${N_HTML} hostile kernel names (npm run fuzz:rows: 10^6)`, () => {
  it('laid out and written a piece at a time, every name escaped, every row and bar there', () => {
    const rng = mulberry32(7)
    // A long local version, as debug builds carry: 10^6 of them make a page longer than V8's longest string.
    const kernels = Array.from({length: N_HTML}, (_, i) => `7.${i}-${cellOf(rng)}<b>+debug-kasan-kmemleak-page_owner-alloc_tag`)
    const s = summaryOf(kernels, 'x\x1b]0;pwn\x07<img src=x onerror=alert(1)>\u202e')
    const got = checkHtmlParts(fleetHtmlParts(s))
    // A row per kernel, per signature, per (signature, kernel) pair and per error reason; a bar per kernel and per signature.
    expect(got.rows).toBe(N_HTML + 1 + 2 + 1)
    expect(got.bars).toBe(N_HTML + 1)
    // 10^6 kernels: a page longer than V8's longest string, which only a streamed writer can write.
    if (N_HTML >= 1_000_000) expect(got.chars).toBeGreaterThan(V8_MAX_STRING)
  }, 600_000)

  it('the file written in chunks is the page; a full disk is one line naming the file', () => {
    const s = summaryOf(Array.from({length: 3000}, (_, i) => `7.${i}<b>`), 'x')
    const dir = mkdtempSync(join(tmpdir(), 'allocscope-html-'))
    const page = join(dir, 'fleet.html')
    writeUserFileParts(page, fleetHtmlParts(s), 'the HTML page')
    const html = fleetHtml(s)
    expect(html.length).toBeGreaterThan(4 << 16)
    expect(readFileSync(page, 'utf8')).toBe(html)
    rmSync(dir, {recursive: true, force: true})
    if (existsSync('/dev/full')) expect(() => writeUserFileParts('/dev/full', fleetHtmlParts(s), 'the HTML page')).toThrow(/^\/dev\/full: cannot write the HTML page \(no space left on device\)$/)
  })

  it('random hostile names (fast-check): escaped, inert', () => {
    const cell = fc.string({unit: fc.oneof({weight: 3, arbitrary: fc.constantFrom(...PLAIN)}, {weight: 1, arbitrary: fc.constantFrom(...HOSTILE)}), minLength: 1, maxLength: 24})
    fc.assert(
      fc.property(fc.uniqueArray(cell, {minLength: 1, maxLength: 8}), cell, (kernels, name) => {
        checkHtml(fleetHtml(summaryOf(kernels.map((k) => `${k}<img src=x>`), `${name}<b>`)))
      }),
      {numRuns: 150, seed: 20261204},
    )
  })
})
