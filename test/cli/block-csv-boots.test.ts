// --block with --format csv on a log of several boots (README Output, csv): the block of each boot
// is ONE CSV table, no `# title` line, its first column `boot` (the boot's number as the Boots
// table and --json give it, journalctl's: 0 the last, -1 the one before), then the blocks'
// columns, the same for every row. Was: a `# Boot N: TITLE` table per boot, and a Findings table's
// `title corrupted` column only in a boot that had a finding.
// Inputs: DERIVED two-boot logs, two real samples cat'ed together in the test; synthetic reports.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {parse} from 'csv-parse/sync'
import {afterAll, describe, expect, it} from 'vitest'
import {renderCsv} from '../../src/render/csv.js'
import type {Block} from '../../src/render/report.js'
import {runCli} from '../helpers/cli.js'
import {captureDir} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-block-csv-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
const A = join(captureDir('linux-7.2-pool-c64-m1024'), 'dmesg.txt') // 64 CPUs, no finding
const B = join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'dmesg.txt') // 8 CPUs, one `alloc_tag was not set`
const a = readFileSync(A, 'utf8')
const b = readFileSync(B, 'utf8')
const linesOf = (text: string) => text.split('\n').length - (text.endsWith('\n') ? 1 : 0)

/** A DERIVED log: the given logs one after the other (two boots). */
function derived(name: string, ...texts: string[]): string {
  const p = join(tmp, `DERIVED-${name}.txt`)
  writeFileSync(p, texts.join(''))
  return p
}

/** The CSV as csv-parse reads it with no comment option: a `# title` line would be a record of its own. */
const records = (csv: string): string[][] => parse(csv, {relax_column_count: true}) as string[][]

async function csvOf(...args: string[]): Promise<string> {
  const r = await runCli(['analyse', ...args, '--format', 'csv'])
  expect(r.status, r.stderr).toBe(0)
  return r.stdout
}

const FINDINGS = ['boot', 'severity', 'id', 'title', 'title corrupted', 'line', 'count']

describe('analyse --block TITLE --format csv on a log of several boots: one table with a boot column', () => {
  it('--block findings: one header (boot, then the Findings columns), one row per finding with its boot; no # line (was: a titled table per boot, two headers)', async () => {
    // B's finding, on B's own line in B alone (no boot column there: its line is the 5th), A's lines later here.
    const bLine = Number(records(await csvOf(B, '--block', 'findings'))[1]![4])
    const csv = await csvOf(derived('a-then-b', a, b), '--block', 'findings')
    expect(csv.split('\n').filter((l) => l.startsWith('#') || l === '').length).toBe(1) // the final newline's empty string only
    const [header, ...rows] = records(csv)
    expect(header).toEqual(FINDINGS)
    expect(rows).toEqual([['0', 'warning', 'alloc-tag-not-set', 'alloc_tag was not set', '', String(linesOf(a) + bLine), '1']])
    expect(rows.every((r) => r.length === header!.length)).toBe(true)
  })

  it('the same header when the boot with the finding is the first (-1): the columns do not depend on which boot has rows', async () => {
    const p = derived('b-then-a', b, a)
    const csv = await csvOf(p, '--block', 'findings')
    const [header, ...rows] = records(csv)
    expect(header).toEqual(FINDINGS)
    expect(rows.map((r) => [r[0], r[2], r[5]])).toEqual([['-1', 'alloc-tag-not-set', '270']])
    // The boot column's number is the one --json (boots[].boot.offset) and the Boots table give that boot.
    const json = JSON.parse((await runCli(['analyse', p, '--json'])).stdout).result as {boots: {boot: {offset: number}; findings: unknown[]}[]}
    expect(json.boots.map((x) => [x.boot.offset, x.findings.length])).toEqual([
      [-1, 1],
      [0, 0],
    ])
    const table = (await runCli(['analyse', p, '--block', 'boots', '--format', 'csv'])).stdout
    expect(records(table).slice(1).map((r) => [r[0], r[4]])).toEqual([
      ['-1', '1'],
      ['0', '0'],
    ])
  })

  it('--block host (key/value blocks): boot, key, value, note; each boot its own rows', async () => {
    const [header, ...rows] = records(await csvOf(derived('kv', a, b), '--block', 'host'))
    expect(header).toEqual(['boot', 'key', 'value', 'note'])
    expect(rows.filter((r) => r[1] === 'possible CPUs').map((r) => [r[0], r[2]])).toEqual([
      ['-1', '64'],
      ['0', '8'],
    ])
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(['-1', '0']))
  })

  it('a prefix picking blocks of several titles (one boot\'s) keeps a # title line each, as without --block', async () => {
    const csv = await csvOf(derived('prefix', a, b), '--block', 'Boot -1')
    expect(csv.split('\n').filter((l) => l.startsWith('# ')).slice(0, 2)).toEqual(['# Boot -1: Host', '# Boot -1: Profiling'])
  })

  it('one boot with no finding: the Findings header has title corrupted too (was: severity,id,title,line,count)', async () => {
    expect(records(await csvOf(A, '--block', 'findings'))).toEqual([FINDINGS.slice(1)])
  })
})

describe('renderCsv: the same block of several scopes as one table (synthetic)', () => {
  const table = (scope: string, value: number, headers: string[], rows: Record<string, string>[], summary?: Record<string, string>): Block => ({
    kind: 'table',
    title: `${scope}: T`,
    scope,
    scopeCell: {header: 'boot', value},
    columns: headers.map((h) => ({key: h, header: h})),
    rows,
    ...(summary ? {summaryRows: [summary]} : {}),
  })

  it('the union of the columns, each where its block has it; a column a block lacks is empty in its rows', () => {
    const blocks = [table('Boot -1', -1, ['a', 'c'], [{a: '1', c: '3'}]), table('Boot 0', 0, ['a', 'b', 'c'], [{a: '4', b: '5', c: '6'}], {a: 'x', b: 'y', c: 'z'})]
    expect(records(renderCsv({blocks}, {titles: false}))).toEqual([
      ['boot', 'a', 'b', 'c', 'summary'],
      ['-1', '1', '', '3', ''],
      ['0', '4', '5', '6', ''],
      ['0', 'x', 'y', 'z', 'others'],
    ])
  })

  it('blocks of different titles, or with titles on (no --block), are not merged', () => {
    const other = {...table('Boot 0', 0, ['a'], [{a: '1'}]), title: 'Boot 0: U'}
    expect(renderCsv({blocks: [table('Boot -1', -1, ['a'], [{a: '1'}]), other]}, {titles: false})).not.toMatch(/^boot,/)
    expect(renderCsv({blocks: [table('Boot -1', -1, ['a'], [{a: '1'}]), table('Boot 0', 0, ['a'], [{a: '2'}])]}, {})).toMatch(/^# Boot -1: T\n/)
  })
})
