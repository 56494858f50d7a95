// Properties of the renderers on synthetic reports (they test the renderers, not the domain):
// nothing lost (every value's characters come out, wrapped but whole), nothing executable (no raw
// control character or bidi override in any format but --json), every line within the width,
// CSV cells a spreadsheet will not run, markdown that cannot become HTML or a link, and column
// fitting linear in the rows (no spread of rows into a call).
import {parse} from 'csv-parse/sync'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {neutraliseFormula} from '../../src/render/csv.js'
import {renderReport, type Format} from '../../src/render/format.js'
import {fitWidths, wordPieces, wrapCell, wrapLine} from '../../src/render/layout.js'
import {mdEscape} from '../../src/render/markdown.js'
import type {Report, TableBlock} from '../../src/render/report.js'
import {sanitize, sanitizeLine, toAscii} from '../../src/render/sanitize.js'

// Strings with what hostile names carry: ESC/OSC/BEL/backspace, bidi overrides, NUL, tabs, CR, and
// plenty of ordinary text and path punctuation.
const hostile = fc.string({
  unit: fc.oneof(
    {weight: 6, arbitrary: fc.constantFrom(...'abcdefghij_/.:-= 0123456789'.split(''))},
    {weight: 1, arbitrary: fc.constantFrom('\x1b', '\x07', '\x08', '\x00', '\t', '\r', '\u202e', '\u2066', '\x9b', '\u200b', '=', '+', '@', '<', '[', ']', '(', '`', '|', '*', 'é', 'Δ')},
  ),
  maxLength: 60,
})

const UNSAFE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/

function table(rows: string[][]): TableBlock {
  const n = rows[0]?.length ?? 1
  const columns = Array.from({length: n}, (_, i) => ({key: `c${i}`, header: `col${i}`, align: i === 0 && n > 1 ? ('right' as const) : ('left' as const)}))
  return {kind: 'table', title: 'T', columns, rows: rows.map((r) => Object.fromEntries(r.map((v, i) => [`c${i}`, v])))}
}

const nonSpace = (s: string) => s.replace(/\s+/g, '')

function isSubsequence(needle: string, hay: string): boolean {
  let j = 0
  for (let i = 0; i < hay.length && j < needle.length; i++) if (hay[i] === needle[j]) j++
  return j === needle.length
}

describe('sanitiser', () => {
  it('shows control characters and bidi overrides escaped, keeps the rest', () => {
    expect(sanitizeLine('a\x1b]0;pwn\x07b\u202ec')).toBe('a\\x1b]0;pwn\\x07b\\u202ec')
    expect(sanitize('x\ny\bz')).toBe('x\ny\\x08z')
    expect(sanitizeLine('mm/slub.c:3282 alloc_slab_page é')).toBe('mm/slub.c:3282 alloc_slab_page é')
    expect(toAscii('Δ calls ≤ 8 é')).toBe('delta calls <= 8 \\u00e9')
  })
  it('property: no unsafe character survives, and the escaped text decodes back', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const out = sanitizeLine(s)
        expect(out).not.toMatch(UNSAFE)
        expect(out).not.toContain('\n')
        const back = out.replace(/\\x([0-9a-f]{2})|\\u([0-9a-f]{4})|\\t|\\r|\\n/g, (m, x, u) => (x ? String.fromCharCode(parseInt(x, 16)) : u ? String.fromCharCode(parseInt(u, 16)) : m === '\\t' ? '\t' : m === '\\r' ? '\r' : '\n'))
        // Backslashes already in the input are not escaped (they are not dangerous): compare where none was.
        if (!s.includes('\\')) expect(back).toBe(s)
      }),
    )
  })
})

describe('wrapping loses nothing', () => {
  it('property: every line fits, and the characters come out in order', () => {
    fc.assert(
      fc.property(fc.string({maxLength: 300}), fc.integer({min: 1, max: 120}), fc.constantFrom('', '    '), (s, w, indent) => {
        const line = s.replace(/\n/g, ' ')
        const out = wrapLine(line, w, indent)
        for (const l of out) expect(l.length).toBeLessThanOrEqual(Math.max(1, w))
        expect(nonSpace(out.join(''))).toBe(nonSpace(line))
      }),
    )
  })
  // A cell's text: words of letters and the punctuation a signature or a path holds, single or
  // double spaces between them, deliberate `\n` breaks; no leading space (an indent is never broken).
  const cellText = fc
    .string({unit: fc.constantFrom(...'abcdefghWARNING_|/.,:-+()[]= \n'.split('')), maxLength: 120})
    .map((s) => s.replace(/^ +/, '').replace(/\n +/g, '\n'))

  /** Where the rule lets a line break: in a run of spaces or `\n`s, or between two pieces of a word (wordPieces). */
  function breakPoints(s: string): Set<number> {
    const at = new Set<number>([0])
    let pos = 0
    for (const tok of s.split(/([ \n]+)/)) {
      const pieces = /^[ \n]*$/.test(tok) ? tok.split('') : wordPieces(tok)
      for (const p of pieces) at.add((pos += p.length))
    }
    return at
  }

  it('property (cells): the pieces rejoin to the cell, only spaces and line breaks dropped between them; every break allowed when the longest piece fits', () => {
    fc.assert(
      fc.property(cellText, fc.integer({min: 1, max: 40}), (s, w) => {
        const pieces = wrapCell(s, w)
        for (const l of pieces) expect(l.length).toBeLessThanOrEqual(w)
        // In order and whole: each piece found where the last ended, past only spaces or a `\n`.
        let pos = 0
        const cuts: number[] = []
        for (const p of pieces) {
          while (pos < s.length && !s.startsWith(p, pos) && /[ \n]/.test(s[pos])) pos++
          expect(s.startsWith(p, pos), `${JSON.stringify(s)} in ${w}: ${JSON.stringify(pieces)}`).toBe(true)
          cuts.push(pos, pos + p.length)
          pos += p.length
        }
        expect(s.slice(pos)).toMatch(/^[ \n]*$/)
        if (!/[ \n]/.test(s) && s !== '') expect(pieces.join('')).toBe(s)
        // Inside a word only when one of its pieces is longer than the column.
        const longest = s.split(/[ \n]+/).flatMap(wordPieces).reduce((m, p) => Math.max(m, p.length), 0)
        if (longest <= w) {
          const ok = breakPoints(s)
          for (const c of cuts) expect(ok.has(c), `${JSON.stringify(s)} in ${w}: ${JSON.stringify(pieces)} cut at ${c}`).toBe(true)
        }
      }),
      {numRuns: 500},
    )
  })
  it('breaks a path after a separator, prose at a space', () => {
    expect(wrapLine('drivers/acpi/acpica/utobject.c:359', 24)).toEqual(['drivers/acpi/acpica/', 'utobject.c:359'])
    expect(wrapLine('one two three four', 9, '  ')).toEqual(['one two', '  three', '  four'])
  })
  it('fitWidths: natural when it fits, never below a column minimum, undefined when nothing fits', () => {
    const cols = [
      {header: 'bytes', align: 'right' as const, natural: 8},
      {header: 'site', align: 'left' as const, natural: 60},
      {header: 'function', align: 'left' as const, natural: 40},
    ]
    expect(fitWidths(cols, 200)).toEqual([8, 60, 40])
    const w = fitWidths(cols, 60)!
    expect(w.reduce((a, b) => a + b)).toBe(60)
    expect(w[0]).toBe(8)
    expect(fitWidths(cols, 20)).toBeUndefined()
  })
})

describe('every format on hostile tables', () => {
  const rowsArb = fc.array(fc.array(hostile, {minLength: 3, maxLength: 3}), {minLength: 1, maxLength: 8})
  it.each(['table', 'text', 'markdown', 'csv'] as Format[])('%s: no raw control or bidi character, nothing executable', (format) => {
    fc.assert(
      fc.property(rowsArb, fc.integer({min: 20, max: 160}), (rows, width) => {
        const out = renderReport({blocks: [table(rows), {kind: 'kv', title: 'K', rows: [{key: rows[0][0], value: rows[0][1]}]}, {kind: 'text', lines: rows[0]}]}, format, {width})
        expect(out).not.toMatch(UNSAFE)
      }),
      {numRuns: 150},
    )
  })

  it('table and text: every line within the width, every value whole (no column dropped, no ~ cut)', () => {
    fc.assert(
      fc.property(rowsArb, fc.integer({min: 20, max: 160}), fc.constantFrom<Format>('table', 'text'), (rows, width, format) => {
        const out = renderReport({blocks: [table(rows)]}, format, {width})
        const limit = format === 'text' ? 79 : width
        for (const l of out.split('\n')) expect(l.length).toBeLessThanOrEqual(limit)
        if (format === 'text') for (const l of out.split('\n')) expect(l).toMatch(/^[\x20-\x7e]*$/)
        // Wrapped cells interleave with their neighbours' continuation lines: each value must come
        // out whole as a subsequence (a cut or a dropped column would lose characters).
        const flat = nonSpace(out.replace(/[│┌┐└┘├┤┬┴┼─]/g, ''))
        for (const r of rows) for (const v of r) expect(isSubsequence(nonSpace(format === 'text' ? toAscii(v) : sanitize(v)).replace(/[│─]/g, ''), flat)).toBe(true)
      }),
      {numRuns: 150},
    )
  })

  it('text keeps the sorted-by column on a 79-column mail even with many wide columns', () => {
    const columns = ['bytes', 'calls', 'file:line', 'function', 'module', 'acc', 'summed'].map((k) => ({key: k, header: k}))
    const row = Object.fromEntries(columns.map((c) => [c.key, `${c.key}-value-${'x'.repeat(30)}`]))
    const out = renderReport({blocks: [{kind: 'table', columns, rows: [row]}]}, 'text', {width: 80})
    // Wrapped cells interleave line by line: each value comes out whole as a subsequence.
    for (const c of columns) expect(isSubsequence(nonSpace(`${c.key}-value-${'x'.repeat(30)}`), nonSpace(out))).toBe(true)
  })
})

describe('CSV for machines', () => {
  it('OWASP: formula-looking cells get a leading quote, plain numbers stay numbers', () => {
    expect(neutraliseFormula('=HYPERLINK("http://x","y")')).toBe(`'=HYPERLINK("http://x","y")`)
    expect(neutraliseFormula("=cmd|'/c calc'!A1")).toBe(`'=cmd|'/c calc'!A1`)
    expect(neutraliseFormula('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(neutraliseFormula('\tx')).toBe("'\tx")
    expect(neutraliseFormula('-5')).toBe('-5')
    expect(neutraliseFormula('+15613952')).toBe('+15613952')
    expect(neutraliseFormula('-1.5e3')).toBe('-1.5e3')
    expect(neutraliseFormula('-x')).toBe("'-x")
  })
  it('property: no parsed cell starts a formula unless it is a plain number; --csv-formulas writes them as they are', () => {
    fc.assert(
      fc.property(fc.array(fc.array(hostile, {minLength: 3, maxLength: 3}), {minLength: 1, maxLength: 6}), (rows) => {
        const out = renderReport({blocks: [table(rows)]}, 'csv', {width: 80})
        const cells: string[][] = parse(out, {comment: '#', relax_column_count: true})
        for (const c of cells.flat()) if (/^[=+\-@\t\r]/.test(c)) expect(c).toMatch(/^[+-]?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?%?$/)
        const raw = renderReport({blocks: [table([['=1+1', 'a', 'b']])]}, 'csv', {width: 80, csv: {formulas: true}})
        expect(raw).toContain('=1+1,')
      }),
      {numRuns: 100},
    )
  })
  it('raw numbers unless --csv-units, titles as # lines, summary rows marked or omitted', () => {
    const r: Report = {
      blocks: [
        {
          kind: 'table',
          title: 'sites',
          columns: [{key: 'b', header: 'bytes', align: 'right'}, {key: 's', header: 'site'}],
          rows: [{b: {text: '19.6 MiB', raw: 20551680n}, s: 'mm/slub.c:1 f'}],
          summaryRows: [{b: {text: '1.00 KiB', raw: 1024}, s: '[66 others]'}],
          footer: {b: {text: '19.6 MiB', raw: 20552704}, s: 'Total'},
        },
      ],
    }
    expect(renderReport(r, 'csv', {width: 80})).toBe('# sites\nbytes,site,summary\n20551680,mm/slub.c:1 f,\n1024,[66 others],others\n20552704,Total,total\n')
    expect(renderReport(r, 'csv', {width: 80, csv: {summary: 'omit', titles: false}})).toBe('bytes,site\n20551680,mm/slub.c:1 f\n')
    expect(renderReport(r, 'csv', {width: 80, csv: {units: true, summary: 'omit', titles: false}})).toBe('bytes,site\n19.6 MiB,mm/slub.c:1 f\n')
  })
})

describe('markdown from hostile input', () => {
  it('escapes raw HTML and links', () => {
    expect(mdEscape('<img/src=x onerror=alert(1)>')).toBe('&lt;img/src=x onerror=alert(1)&gt;')
    expect(mdEscape('[click](javascript:alert(1))')).toBe('\\[click\\](javascript:alert(1))')
    expect(mdEscape('see http://evil.example/x|y')).toBe('`see http://evil.example/x\\|y`')
    expect(mdEscape('__kernfs_new_node')).toBe('\\_\\_kernfs\\_new\\_node')
  })
  it('a text block holding a fence cannot close its fence', () => {
    const out = renderReport({blocks: [{kind: 'text', lines: ['```', '<b>x</b>']}]}, 'markdown', {width: 80})
    expect(out.split('\n')[0]).toBe('````')
  })
})

describe('size: linear column fitting', () => {
  const big = (n: number): Report => ({
    blocks: [
      table(Array.from({length: n}, (_, i) => [String(i * 4096), `mm/very/long/path/file${i % 977}.c:${i}`, `alloc_function_number_${i}`])),
    ],
  })
  it('125 000 rows in table and text: no "Maximum call stack size exceeded", well under a minute', () => {
    for (const f of ['table', 'text'] as Format[]) {
      const t = Date.now()
      const out = renderReport(big(125_000), f, {width: 100})
      expect(out.split('\n').length).toBeGreaterThan(125_000)
      expect(Date.now() - t).toBeLessThan(60_000)
    }
  })
  // Twice the rows at which the table's stack overflowed (~125 000: an argument list per row):
  // enough to catch one more spread or recursion per row; 10^6 rows: `npm run fuzz:rows`.
  const CSV_ROWS = Number(process.env.ALLOCSCOPE_FUZZ_ROWS ?? 250_000)
  it(`${CSV_ROWS} rows (one short column) of CSV`, () => {
    const r: Report = {blocks: [table(Array.from({length: CSV_ROWS}, (_, i) => [String(i)]))]}
    expect(renderReport(r, 'csv', {width: 80}).split('\n').length).toBeGreaterThan(CSV_ROWS)
  }, 120_000)
})
