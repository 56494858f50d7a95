// What fleet does with input that is not what it reads: a directory, a missing file, records of the
// right schema but the wrong shape (DERIVED from real records of the corpus through batch, a field
// removed or replaced), and an empty input. Bad input is exit 2 with the file, the line, what is
// wrong and what was expected — never an internal error, never a summary of made-up names — and
// every record the current batch writes for the real corpus passes the same check.
import fc from 'fast-check'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {InputError} from '../../src/errors.js'
import {fleetHtml} from '../../src/fleet/html.js'
import {summaryOfValue} from '../../src/fleet/read.js'
import {fleetReport} from '../../src/fleet/report.js'
import {batchRecord, fleetSummary} from '../../src/fleet/shape.js'
import {emptySummary, mergeSummaries} from '../../src/fleet/summary.js'
import {renderReport} from '../../src/render/format.js'
import {spawnCli} from '../helpers/cli.js'
import {corpusBatch} from '../helpers/corpus-batch.js'
import {cli} from '../batch/helpers.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-fleet-bad-'))
let lines: string[] = []
let real: Record<string, unknown>[] = []
let summary: Record<string, unknown>
const EXPECTED = 'expected NDJSON records of allocscope batch (allocscope/batch-v1) or a fleet summary (allocscope/fleet-v2, or fleet --json)'

beforeAll(async () => {
  lines = await corpusBatch()
  real = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
  const f = join(tmp, 'corpus.ndjson')
  writeFileSync(f, lines.join('\n') + '\n')
  const r = await cli(['fleet', '--json', f])
  expect(r.status, r.stderr).toBe(0)
  summary = (JSON.parse(r.stdout) as {result: Record<string, unknown>}).result
}, 900_000)

/** fleet over a file holding `text`: status and stderr. */
async function fleetOn(name: string, text: string) {
  const f = join(tmp, name)
  writeFileSync(f, text)
  return cli(['fleet', f])
}

const withFinding = () => real.find((r) => Array.isArray(r.findings) && r.findings.length > 0)!

describe('fleet: input it does not read is refused with file, line and what was expected', () => {
  it('every record batch writes for the real corpus, and their summary, have the shape fleet reads', () => {
    expect(real.length).toBeGreaterThan(400)
    expect(real.map((r) => batchRecord(r)).filter(Boolean)).toEqual([])
    expect(fleetSummary(summary)).toBeUndefined()
  })

  it('a directory, a missing file: exit 2, saying what fleet expects', async () => {
    const dir = await cli(['fleet', tmp])
    expect([dir.status, dir.stderr]).toEqual([2, `allocscope: ${tmp}: is a directory; ${EXPECTED}\n`])
    const gone = await cli(['fleet', join(tmp, 'nonexist.ndjson')])
    expect([gone.status, gone.stderr]).toEqual([2, `allocscope: ${join(tmp, 'nonexist.ndjson')}: no such file or directory; ${EXPECTED}\n`])
  })

  it.each([
    ['no input', (r: Record<string, unknown>) => delete r.input, 'input: missing; expected an input {path, mtime?}'],
    ['findings a string', (r: Record<string, unknown>) => (r.findings = 'oops'), 'findings: "oops"; expected a list of findings'],
    ['a finding without its fields', (r: Record<string, unknown>) => (r.findings = [{x: 1}]), 'findings[0].id: missing; expected a string'],
    ['an unknown severity', (r: Record<string, unknown>) => ((r.findings as {severity: string}[])[0]!.severity = 'fatal'), 'findings[0].severity: "fatal"; expected one of info, notice'],
  ])('a DERIVED batch record, %s: exit 2 at its line', async (name, damage, message) => {
    const bad = structuredClone(withFinding())
    damage(bad)
    const r = await fleetOn(`${name.replace(/ /g, '-')}.ndjson`, `${lines[0]}\n${JSON.stringify(bad)}\n`)
    expect(r.status, r.stderr).toBe(2)
    expect(r.stderr).toContain(`.ndjson:2: a batch record (allocscope/batch-v1): ${message}`)
  })

  it('a NUL byte: exit 2 at its line (README), past the first read chunk too', async () => {
    // REAL records up to past 64 KiB (a read chunk), then a line with a NUL after one character.
    let k = 1
    while (Buffer.byteLength(lines.slice(0, k).join('\n')) < 200_000) k++
    const before = lines.slice(0, k).join('\n') + '\n'
    const r = await fleetOn('nul.ndjson', `${before}{\0"schema":1}\n`)
    expect([r.status, r.stderr]).toEqual([2, `allocscope: ${join(tmp, 'nul.ndjson')}:${k + 1}: binary data (a NUL byte at byte ${Buffer.byteLength(before) + 1}); ${EXPECTED}\n`])
  })

  it('the bare batch-v1 and fleet-v2 objects of the review: exit 2, not an internal error', async () => {
    const b = await fleetOn('bare-batch.ndjson', '{"schema":"allocscope/batch-v1"}\n')
    expect([b.status, b.stderr]).toEqual([2, `allocscope: ${join(tmp, 'bare-batch.ndjson')}:1: a batch record (allocscope/batch-v1): input: missing; expected an input {path, mtime?}\n`])
    const f = await fleetOn('bare-fleet.ndjson', '{"schema":"allocscope/fleet-v2"}\n')
    expect([f.status, f.stderr]).toEqual([2, `allocscope: ${join(tmp, 'bare-fleet.ndjson')}:1: a fleet summary (allocscope/fleet-v2): inputs: missing; expected a whole number >= 0\n`])
    // A summary saved by an earlier version: refused with what to do, not taken for a damaged one.
    const old = await fleetOn('old-fleet.ndjson', '{"schema":"allocscope/fleet-v1","inputs":1}\n')
    expect([old.status, old.stderr]).toEqual([2, `allocscope: ${join(tmp, 'old-fleet.ndjson')}:1: a fleet summary of an earlier version (allocscope/fleet-v1); expected allocscope/fleet-v2: run fleet again over the batch records it summarised\n`])
  })

  it('a DERIVED record whose CPU count is past 2^53 (a decimal string): summarised, and its summary read back', async () => {
    const rec = structuredClone(real.find((r) => (r.prediction as {legacyOverflow?: boolean} | undefined)?.legacyOverflow === true)!) as {host: {possibleCpus: {value: unknown}}}
    rec.host.possibleCpus.value = '1000000000000000000000'
    const f = join(tmp, 'bigcpu.ndjson')
    writeFileSync(f, JSON.stringify(rec) + '\n')
    const r = await cli(['fleet', '--json', f])
    expect(r.status, r.stderr).toBe(0)
    const back = await fleetOn('bigcpu-summary.json', r.stdout)
    expect(back.status, back.stderr).toBe(0)
  })

  it('a DERIVED summary whose host list is not sorted (merge needs sorted sets): exit 2 naming the field', async () => {
    const bad = structuredClone(summary) as {signatures: Record<string, {hosts: string[]}>}
    const sig = Object.values(bad.signatures).find((s) => s.hosts.length > 1)!
    sig.hosts.reverse()
    const r = await fleetOn('unsorted.json', JSON.stringify(bad, null, 2))
    expect(r.status, r.stderr).toBe(2)
    expect(r.stderr).toMatch(/unsorted\.json:1: a fleet summary \(allocscope\/fleet-v2\): signatures\[".*"\]\.hosts\[1\]: ".*"; expected a sorted list of distinct strings/)
  })
})

/** Every path to a value inside `v` (keys and indexes). */
function paths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (typeof v !== 'object' || v === null) return [at]
  return [at, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, Array.isArray(v) ? Number(k) : k]))]
}

/** `v` with the value at `path` replaced (or deleted when `to` is undefined). */
function damaged(v: unknown, path: (string | number)[], to: unknown): unknown {
  if (path.length === 0) return to
  const out = structuredClone(v) as Record<string | number, unknown>
  let o = out
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>
  if (to === undefined) delete o[path.at(-1)!]
  else o[path.at(-1)!] = to
  return out
}

describe('fleet: any one field of a real record or summary damaged (SYNTHETIC damage, fast-check)', () => {
  const damage = (from: () => unknown[]) =>
    fc.tuple(fc.nat(), fc.nat(), fc.option(fc.jsonValue({maxDepth: 2}), {nil: undefined})).map(([i, j, to]) => {
      const values = from()
      const v = values[i % values.length]
      const ps = paths(v).filter((p) => p[0] !== 'schema')
      return damaged(v, ps[j % ps.length]!, to)
    })

  it('is refused as bad input (InputError) or summarised, merged and printed in every format without an internal error', () => {
    fc.assert(
      fc.property(fc.oneof(damage(() => real), damage(() => [summary])), (v) => {
        let s
        try {
          s = summaryOfValue(v, 'x.ndjson', 7)
        } catch (e) {
          expect(e).toBeInstanceOf(InputError)
          expect((e as Error).message).toMatch(/^x\.ndjson:7: .*; expected /)
          return
        }
        const m = mergeSummaries(mergeSummaries(emptySummary(), s), s)
        for (const f of ['table', 'csv', 'markdown'] as const) renderReport(fleetReport(m), f, {width: 100, csv: {titles: true}})
        fleetHtml(m)
        expect(fleetSummary(JSON.parse(JSON.stringify(m)))).toBeUndefined()
      }),
      {numRuns: 300, seed: 18},
    )
  })
})

describe('fleet: an input with no record', () => {
  it('an empty file, and an empty stdin: the empty summary on stdout, a warning naming the input on stderr, exit 0', async () => {
    const f = await fleetOn('empty.ndjson', '')
    expect(f.status).toBe(0)
    expect(f.stdout).toContain('inputs')
    expect(f.stderr).toBe(`allocscope: warning: no records in ${join(tmp, 'empty.ndjson')}: nothing to summarise\n`)
    const s = spawnCli(['fleet', '--json'], {input: ''})
    expect(s.status, s.stderr).toBe(0)
    const env = JSON.parse(s.stdout) as {result: unknown; warnings: string[]}
    expect(env.result).toEqual(emptySummary())
    expect(env.warnings).toEqual(['no records in <stdin>: nothing to summarise'])
    const some = await fleetOn('one.ndjson', `${lines[0]}\n`)
    expect(some.stderr).toBe('')
  })
})

describe('fleet: the summary block', () => {
  it('says how many accounting anomalies and impossible klab counters the tables below hold (SYNTHETIC counts)', () => {
    const s = {...emptySummary(), anomalies: {'duplicate-key': {dumps: 2, count: 5, example: 'a'}, 'negative-bytes': {dumps: 1, count: 1, example: 'b'}}, badCounters: {early_pfn: {boots: 1, count: 2, example: 'c'}}}
    const kv = fleetReport(s).blocks[0] as {rows: {key: string; value: unknown}[]}
    const value = (key: string) => kv.rows.find((r) => r.key === key)?.value
    expect([value('accounting anomalies'), value('impossible klab counters')]).toEqual([6, 2])
    const none = fleetReport(emptySummary()).blocks[0] as {rows: {key: string; value: unknown}[]}
    expect(none.rows.filter((r) => /anomalies|klab/.test(r.key)).map((r) => r.value)).toEqual([0, 0])
  })
})

describe('fleet: the HTML page lists the same head counts as the report', () => {
  it('every key of the Fleet block, with its value (SYNTHETIC counts)', () => {
    const s = {...emptySummary(), inputs: 7, anomalies: {'duplicate-key': {dumps: 2, count: 5, example: 'a'}}}
    const page = fleetHtml(s)
    const kv = fleetReport(s).blocks[0] as {rows: {key: string; value: unknown}[]}
    for (const r of kv.rows) expect(page, r.key).toContain(`<dt>${r.key}</dt><dd>${String(r.value)}`)
  })
})
