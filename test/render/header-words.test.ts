// A table's header words wrap at their spaces, or after their punctuation (`leave-` / `one-` /
// `out`), never inside a word: at 80 columns predict's recorder table read `recorde` / `d` (text),
// calibrate's captures table `measur` / `ed` and `residua` / `l` (table), fleet's kernels table
// `finding` / `s`. A column is never narrower than its header's longest unbreakable piece; a table
// whose pieces cannot all fit is laid out as records (README Output), whose keys are whole headers.
// Checked on the real outputs of the commands over samples/ and on synthetic tables (fast-check).
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse} from 'csv-parse/sync'
import fc from 'fast-check'
import {afterAll, describe, expect, it} from 'vitest'
import {renderReport} from '../../src/render/format.js'
import {wordPieces} from '../../src/render/layout.js'
import type {Report, TableBlock} from '../../src/render/report.js'
import {runCli} from '../helpers/cli.js'

/** Every run of whole pieces of a header word: what a header line may show of it. */
function allowedTokens(headers: string[]): Set<string> {
  const out = new Set<string>()
  for (const word of headers.flatMap((h) => h.split(/\s+/))) {
    const p = wordPieces(word)
    for (let i = 0; i < p.length; i++) for (let j = i + 1; j <= p.length; j++) out.add(p.slice(i, j).join(''))
  }
  return out
}

/**
 * The words on the header lines of each grid table in a `table` or `text` rendering: between a
 * box's top and its header rule, or (text) between a title's underline and the column rule.
 */
export function headerTokens(output: string): string[] {
  const lines = output.split('\n')
  const tokens: string[] = []
  let head: string[] | undefined
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]
    if (l.startsWith('┌')) head = []
    else if (l.startsWith('├') || /^-+(  +-+)+$/.test(l)) {
      if (head) tokens.push(...head.flatMap((h) => h.split(/[\s│]+/).filter(Boolean)))
      head = undefined
    } else if (/^-+$/.test(l) && i > 0 && lines[i - 1].trim() !== '') head = []
    else if (l.trim() === '' || l.startsWith('└')) head = undefined
    else head?.push(l)
  }
  return tokens
}

/** The column names of every table of a `--format csv` output (the line after each `# title`). */
function csvHeaders(csv: string): string[] {
  const lines = csv.split('\n')
  return lines.flatMap((l, i) => (l.startsWith('# ') && lines[i + 1] ? (parse(lines[i + 1]) as string[][])[0] : []))
}

/**
 * Header tokens of the command's table and text output at 80 columns that split a word. `pictures`:
 * headers of columns CSV leaves out (trend's sparkline: README Output).
 */
async function splitWords(args: string[], pictures: string[] = []): Promise<string[]> {
  const csv = await runCli([...args, '--format', 'csv'])
  expect(csv.status, csv.stderr).toBe(0)
  const allowed = allowedTokens([...csvHeaders(csv.stdout), ...pictures])
  const bad: string[] = []
  for (const format of ['table', 'text']) {
    const r = await runCli([...args, '--format', format], {env: {COLUMNS: '80'}})
    expect(r.status, r.stderr).toBe(0)
    // A table's `Δ` is the CSV's `delta` (text spells it so too).
    bad.push(...headerTokens(r.stdout).filter((t) => !allowed.has(t.replace(/^Δ$/, 'delta'))).map((t) => `${format}: ${t}`))
  }
  return bad
}

describe('header words at 80 columns', () => {
  const dir = mkdtempSync(join(tmpdir(), 'allocscope-header-words-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('the checker finds the split it is for, and passes pieces', () => {
    const split = 'T\n-\nrecorder  recorde\n                d\n--------  -------\n'
    expect(headerTokens(split)).toEqual(['recorder', 'recorde', 'd'])
    expect(allowedTokens(['recorder', 'recorded']).has('recorde')).toBe(false)
    expect([...allowedTokens(['leave-one-out'])].sort()).toEqual(['leave-', 'leave-one-', 'leave-one-out', 'one-', 'one-out', 'out'])
  })

  it.each([
    [['predict', '--cpus', '16', '--kernel', '7.2']],
    [['predict', '--cpus', '1024']],
    [['predict', '--from', 'samples/linux-7.2-notrack-c8-m1024-shrink']],
    [['calibrate', 'samples/linux-7.2-pool-c64-m1024', 'samples/linux-7.2-pool-c255-m1024', 'testdata/captures/linux-7.2-pool-c4-m1024', 'testdata/captures/linux-7.2-pool-c16-m1024']],
    [['diff', 'testdata/captures/linux-7.2-pool-c4-m1024', 'samples/linux-7.2-pool-c64-m1024', '--top', '5']],
    [['diff', 'samples/linux-7.2-notrack-c8-m1024-shrink']],
    [['analyse', 'samples/linux-6.12-instr_smp064_2G_numa2']],
    [['allocinfo', 'samples/linux-7.2-pool-c64-m1024', '--top', '10']],
    [['trend', 'testdata/trend/unload'], ['bytes over time']],
  ])('%j: no header word split', async (args, pictures?: string[]) => {
    expect(await splitWords(args, pictures)).toEqual([])
  }, 60_000)

  it('fleet over batch records of the samples: no header word split', async () => {
    const b = await runCli(['batch', 'samples/linux-7.2-pool-c64-m1024', 'samples/linux-6.12-nodebug_smp064_1G', 'samples/lkml-7.0-rc4-alloc-tag-not-set', 'samples/linux-7.2-notrack-c8-m1024-shrink'])
    expect(b.status, b.stderr).toBe(0)
    const file = join(dir, 'records.ndjson')
    writeFileSync(file, b.stdout)
    expect(await splitWords(['fleet', file])).toEqual([])
  }, 60_000)

  it('property (synthetic tables): header lines hold whole pieces of header words, any width', () => {
    const word = fc.stringMatching(/^[a-z]{1,12}([-_.'/][a-z]{1,6})?$/)
    const header = fc.array(word, {minLength: 1, maxLength: 3}).map((ws) => ws.join(' '))
    const table = fc.array(fc.tuple(header, fc.boolean(), fc.integer({min: 0, max: 99999})), {minLength: 1, maxLength: 12}).map((cols): TableBlock => ({
      kind: 'table',
      title: 'synthetic',
      columns: cols.map(([h, right], i) => ({key: `c${i}`, header: h, align: right ? 'right' : 'left'})),
      rows: [Object.fromEntries(cols.map(([, right, n], i) => [`c${i}`, right ? n : `v${n}`]))],
    }))
    fc.assert(
      fc.property(table, fc.integer({min: 20, max: 120}), (t, width) => {
        const report: Report = {blocks: [t]}
        const allowed = allowedTokens(t.columns.map((c) => c.header))
        for (const format of ['table', 'text'] as const) {
          for (const tok of headerTokens(renderReport(report, format, {width}))) expect(allowed.has(tok), `${format} at ${width}: ${tok}`).toBe(true)
        }
      }),
    )
  })
})
