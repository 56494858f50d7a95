// The record command's work without oclif (src/record/run.ts): how long to record, and the summary
// of a short recording of the real sample allocinfo (--source FILE).
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parseDuration, record} from '../../src/record/record.js'
import {progressLine, runRecord} from '../../src/record/run.js'
import {runCli} from '../helpers/cli.js'
import {SAMPLES} from '../helpers/paths.js'

const source = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt')
const env = {tool: 'allocscope record test', tty: false}

describe('runRecord', () => {
  it('needs --count or --duration', async () => {
    await expect(runRecord({out: '/tmp/x.arec.gz', source, interval: '10ms'}, env)).rejects.toThrow('give --count N or --duration TIME: how long to record')
  })

  it('--count 2 of the real sample: two samples, and the Report points at trend', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'allocscope-record-run-')), 'r.arec.gz')
    const r = await runRecord({out, source, interval: '10ms', count: 2}, env)
    expect((r.result as {samples: number}).samples).toBe(2)
    const rows = (r.report.blocks[0] as {rows: {key: string; value: unknown}[]}).rows
    expect(rows.find((x) => x.key === 'next')?.value).toBe(`allocscope trend ${out}`)
  })

  // trend refuses a recording of one snapshot ("needs at least 2"), which the Report named as next.
  it('--count 1: the Report points at diff against the source, which runs', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'allocscope-record-run-')), 'one.arec.gz')
    const r = await runRecord({out, source, interval: '10ms', count: 1}, env)
    const rows = (r.report.blocks[0] as {rows: {key: string; value: unknown; note?: string}[]}).rows
    const next = rows.find((x) => x.key === 'next')!
    expect(next).toEqual({key: 'next', value: `allocscope diff ${out} ${source}`, note: 'one snapshot: trend needs 2 or more; diff compares it with the source as it is then'})
    const ran = await runCli((next.value as string).split(' ').slice(1))
    expect([ran.status, ran.stderr]).toEqual([0, ''])
  })

  // The stop rule is arithmetic on whole microseconds, whatever the clock: samples at 0, interval,
  // … up to and including the duration. 3 × 0.1 ms is 0.30000000000000004 ms in floating point,
  // which once dropped the last sample; so did a fractional start time (CI saw 3 of 4).
  it.each([
    ['0.1ms', '0.3ms', 4],
    ['0.7ms', '2.1ms', 4],
    ['0.25ms', '1ms', 5],
    ['0.3ms', '1ms', 4],
  ])('--interval %s --duration %s: %i samples', async (interval, duration, samples) => {
    const out = join(mkdtempSync(join(tmpdir(), 'allocscope-record-run-')), 'r.arec.gz')
    const r = await runRecord({out, source, interval, duration}, env)
    expect(r.result).toMatchObject({samples, stoppedBy: 'duration'})
  })

  it.each([
    [10, 4, 'duration'],
    [2, 2, 'count'],
  ])('--count %i with --duration 0.3ms every 0.1ms: %i samples (announced as n/that), stopped by %s', async (count, samples, stoppedBy) => {
    const out = join(mkdtempSync(join(tmpdir(), 'allocscope-record-run-')), 'r.arec.gz')
    const of: (number | undefined)[] = []
    const r = await record({source, out, intervalMs: 0.1, durationMs: 0.3, count, tool: 'test', onSample: (p) => of.push(p.of)})
    expect(r).toMatchObject({samples, stoppedBy})
    expect(new Set(of)).toEqual(new Set([samples]))
  })

  it('durations in whole microseconds', () => {
    expect(parseDuration('interval', '1.005s')).toBe(1005)
    expect(parseDuration('interval', '0.1ms')).toBe(0.1)
    expect(parseDuration('interval', '1.5h')).toBe(5_400_000)
    expect(() => parseDuration('interval', '0.0001ms')).toThrow('--interval: must be at least 1 microsecond (0.001ms)')
    expect(() => parseDuration('interval', '0.0005ms')).toThrow('--interval: must be at least 1 microsecond (0.001ms)')
  })

  it('the progress line', () => {
    expect(progressLine({n: 3, of: 10, elapsedMs: 2500, sites: 900, changed: 4, bytesWritten: 2048, cpuMs: 1.25} as never)).toBe(
      'record: sample 3/10, 3 s, 900 sites, 4 changed, 2.00 KiB written, 1.3 ms CPU',
    )
    // A dump of one site: '1 site' (was '1 sites').
    expect(progressLine({n: 1, elapsedMs: 0, sites: 1, changed: 0, bytesWritten: 0, cpuMs: 0} as never)).toBe('record: sample 1, 0 s, 1 site, 0 changed, 0 B written, 0.0 ms CPU')
  })
})

// DERIVED inputs: the real sample damaged the ways a dump gets damaged (appended twice, NUL-padded,
// cut to its header, one counter past s64). allocinfo, diff and trend warn on each; record did not.
describe('runRecord: a damaged --source', () => {
  const a = readFileSync(source)
  const derived: [string, Buffer, string][] = [
    ['appended', Buffer.concat([a, a]), '2 allocinfo snapshots in one file'],
    ['NUL-padded', Buffer.concat([a, Buffer.alloc(4096)]), 'skipped 4096 NUL bytes of padding'],
    ['header only', Buffer.from(a.toString('latin1').split('\n').slice(0, 2).join('\n') + '\n', 'latin1'), 'holds no site line'],
    ['an invalid counter', Buffer.from(a.toString('latin1').replace(/^ *0 /m, '9223372036854775818 '), 'latin1'), 'invalid-counter at init/main.c:1423 do_initcalls'],
  ]
  it.each(derived)('%s: one warning for 3 samples, saying how many had it', async (_name, bytes, says) => {
    const dir = mkdtempSync(join(tmpdir(), 'allocscope-record-run-'))
    const src = join(dir, 'allocinfo.txt')
    writeFileSync(src, bytes)
    const r = await runRecord({out: join(dir, 'r.arec.gz'), source: src, interval: '1ms', count: 3}, env)
    expect(r.warnings).toHaveLength(1)
    expect(r.warnings[0]).toContain(says)
    expect(r.warnings[0]).toMatch(/\(in 3 of 3 samples\)$/)
  })

  it('the real sample itself: no warning', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'allocscope-record-run-')), 'r.arec.gz')
    expect((await runRecord({out, source, interval: '1ms', count: 2}, env)).warnings).toEqual([])
  })
})
