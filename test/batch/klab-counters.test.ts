// A klab counter no kernel can print gates batch as it gates analyse (README Severity: a warning,
// allocinfo/report.ts badCounterSeverities): batch's record carried no klab data, so `batch
// --fail-on warning` exited 0 where `analyse --fail-on warning` exited 1, and the record did not
// say it. The record now carries the klab lines as analyse --json has them, `bad` included.
// The inputs are DERIVED from the real sample linux-7.2-pool-c64-m1024: its klab: early_pfn line
// rewritten with the hostile number (a log alone, and the capture directory with its real dump).
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {cli, records} from './helpers.js'
import {SAMPLES} from '../helpers/paths.js'
import type {FleetSummary} from '../../src/fleet/summary.js'

const REAL = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
const KLAB = 'klab: early_pfn recorded=142 pools=1 '
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-batch-klab-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

/** DERIVED: the real sample's capture directory, its log's klab: early_pfn line saying recorded=`recorded`. */
function derivedCapture(name: string, recorded: string): string {
  const text = readFileSync(join(REAL, 'dmesg.txt'), 'utf8')
  expect(text).toContain(KLAB)
  const cap = join(tmp, name)
  mkdirSync(cap)
  writeFileSync(join(cap, 'dmesg.txt'), text.replace(KLAB, `klab: early_pfn recorded=${recorded} pools=1 `))
  copyFileSync(join(REAL, 'allocinfo.txt'), join(cap, 'allocinfo.txt'))
  return cap
}

/** The exit statuses of analyse and batch over one input, at one --fail-on level. */
async function statuses(input: string, level: string): Promise<{analyse: number | null; batch: number | null}> {
  const [a, b] = [await cli(['analyse', input, '--fail-on', level]), await cli(['batch', '-j', '1', input, '--fail-on', level])]
  return {analyse: a.status, batch: b.status}
}

describe('batch gates on an impossible klab counter as analyse does', () => {
  it('recorded=-5 (DERIVED): analyse and batch exit 1 at --fail-on warning, 0 at error, for the capture directory and its log alone', async () => {
    const cap = derivedCapture('negative', '-5')
    for (const input of [cap, join(cap, 'dmesg.txt')]) {
      expect(await statuses(input, 'warning'), input).toEqual({analyse: 1, batch: 1})
      expect(await statuses(input, 'error'), input).toEqual({analyse: 0, batch: 0})
    }
    // The real sample, without the bad counter: the same status from both (nothing at warning).
    expect(await statuses(REAL, 'warning')).toEqual({analyse: 0, batch: 0})
  })

  it("the record carries the klab lines as analyse --json has them, the bad counter with its line; fleet reads it", async () => {
    const cap = derivedCapture('negative-record', '-5')
    const b = await cli(['batch', '-j', '1', cap])
    expect(b.status, b.stderr).toBe(0)
    const [rec] = records(b.stdout)
    const a = JSON.parse((await cli(['analyse', cap, '--json'])).stdout) as {result: {klab: unknown}}
    expect(rec!.klab).toEqual(a.result.klab)
    const early = rec!.klab!.find((k) => k.kind === 'early_pfn')!
    expect([early.line, early.bad]).toEqual([106, [{metric: 'recorded', digits: '-5', problem: 'negative'}]])
    const f = join(tmp, 'negative.ndjson')
    writeFileSync(f, b.stdout)
    const fleet = await cli(['fleet', f, '--json'])
    expect(fleet.status, fleet.stderr).toBe(0)
    expect((JSON.parse(fleet.stdout) as {result: {boots: number; errors: number}}).result).toMatchObject({boots: 1, errors: 0, badCounters: {early_pfn: {boots: 1, count: 1, example: cap}}})
  })

  it('batch | fleet gates on it as batch does (it exited 0 at warning), counts it by kind, and two shards summarise to the whole', async () => {
    const cap = derivedCapture('negative-fleet', '-5')
    const inputs = [cap, join(cap, 'dmesg.txt'), REAL]
    const whole = await cli(['batch', '-j', '1', ...inputs])
    const f = join(tmp, 'fleet-whole.ndjson')
    writeFileSync(f, whole.stdout)
    expect((await cli(['fleet', f, '--fail-on', 'warning'])).status).toBe(1)
    expect((await cli(['fleet', f, '--fail-on', 'error'])).status).toBe(0)
    const result = async (...args: string[]) => (JSON.parse((await cli(['fleet', '--json', ...args])).stdout) as {result: FleetSummary}).result
    // Two boots with the bad counter (the directory and its log), one bad counter each; the example is the least path.
    const all = await result(f)
    expect(all.badCounters).toEqual({early_pfn: {boots: 2, count: 2, example: cap}})
    // Two shards, each with a boot with the bad counter (the records in input order: -j 1), each summarised on its own.
    const lines = whole.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(3)
    const shards = [lines.slice(0, 1), lines.slice(1)].map((part, i) => {
      writeFileSync(join(tmp, `fleet-shard-${i}.ndjson`), part.join('\n') + '\n')
      return join(tmp, `fleet-shard-${i}.json`)
    })
    for (const [i, out] of shards.entries()) writeFileSync(out, (await cli(['fleet', '--json', join(tmp, `fleet-shard-${i}.ndjson`)])).stdout)
    expect((await result(shards[0]!)).badCounters).toEqual({early_pfn: {boots: 1, count: 1, example: cap}})
    expect(await result(...shards)).toEqual(all)
    expect(await result(...[...shards].reverse())).toEqual(all)
    // The table says what tripped the gate: the kind, its severity, boots and counters.
    const csv = (await cli(['fleet', f, '--block', 'Impossible klab counters', '--format', 'csv'])).stdout.split('\n')
    expect(csv.slice(0, 2)).toEqual(['kind,severity,boots,counters,example', `early_pfn,warning,2,2,${cap}`])
  })

  it('a counter beyond 64 bits (DERIVED): a record, not an internal error, its digits exact as analyse --json writes them', async () => {
    const digits = '18446744073709551616'
    const cap = derivedCapture('beyond-64', digits)
    const b = await cli(['batch', '-j', '1', cap, '--fail-on', 'warning'])
    expect(b.status, b.stderr).toBe(1)
    const [rec] = records(b.stdout)
    expect(rec!.error).toBeUndefined()
    const early = rec!.klab!.find((k) => k.kind === 'early_pfn')!
    expect([early.values.recorded, early.bad]).toEqual([digits, [{metric: 'recorded', digits, problem: 'beyond 64 bits'}]])
  })
})
