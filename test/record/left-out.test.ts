// Samples record leaves out: one cut short (its last line without its end: trend would read the
// sites after the cut as gone, a false unload leak), and one that cannot be read (a file being
// rewritten, read empty once: retried at the next sample; twice in a row ends the recording with
// what it holds, said, and the usual summary). The source is the real sample dump plus a module's
// site (DERIVED), rewritten between samples from onSample. Also the progress line's width and an
// interval past setTimeout's limit.
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {record} from '../../src/record/record.js'
import {progressLine} from '../../src/record/run.js'
import {analyseStore} from '../../src/trend/analyse.js'
import {readTrendInput} from '../../src/trend/input.js'
import {runCli} from '../helpers/cli.js'
import {SAMPLES} from '../helpers/paths.js'

const REAL = readFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt'), 'latin1')
/** DERIVED: the real dump plus one module's site, and that cut mid-line before the module's site. */
const WHOLE = `${REAL}${String(131072).padStart(12)} ${String(2).padStart(8)} drivers/leak.c:7 [leakmod] func:leaky \n`
const CUT = REAL.slice(0, REAL.length - 20)

function setup(): {source: string; out: string} {
  const dir = mkdtempSync(join(tmpdir(), 'allocscope-record-left-out-'))
  const source = join(dir, 'allocinfo.txt')
  writeFileSync(source, WHOLE, 'latin1')
  return {source, out: join(dir, 'r.arec.gz')}
}

describe('record leaves a sample out', () => {
  it('DERIVED: a sample cut short is left out and said so; trend of the recording sees no module unloaded', async () => {
    const {source, out} = setup()
    // Samples 1 and 3 whole, 2 and 4 cut.
    const r = await record({source, out, intervalMs: 1, count: 4, tool: 'test', onSample: (p) => writeFileSync(source, p.n % 2 === 1 ? CUT : WHOLE, 'latin1')})
    expect([r.samples, r.leftOut, r.stoppedBy]).toEqual([2, 2, 'count'])
    expect(r.warnings).toEqual([expect.stringMatching(/allocinfo\.txt: line \d+: truncated last line \(no newline\): the dump is cut short: left out of the recording .*\(in 2 of 4 samples\)$/)])
    const input = await readTrendInput([out], {timeFrom: 'auto'})
    expect(input.store.snapshots).toBe(2)
    expect(input.store.sites.find((s) => s.module === 'leakmod')!.lastSnap).toBe(1)
    expect(analyseStore(input.store, {minRatePerHour: 65536, alpha: 0.01, filter: {}}).unloadLeaks).toEqual([])
  })

  it('DERIVED: a source read empty once is left out and read again at the next sample: the recording goes on', async () => {
    const {source, out} = setup()
    const r = await record({source, out, intervalMs: 1, count: 4, tool: 'test', onSample: (p) => writeFileSync(source, p.n === 2 ? '' : WHOLE, 'latin1')})
    expect([r.samples, r.leftOut, r.stoppedBy]).toEqual([3, 1, 'count'])
    expect(r.warnings).toEqual([expect.stringMatching(/allocinfo\.txt: sample 3 unreadable \(empty: .*\): left out, read again at the next sample \(in 1 of 4 samples\)$/)])
  })

  it('DERIVED: a source gone for two samples in a row ends the recording: said, with the summary of what it holds', async () => {
    const {source, out} = setup()
    const r = await record({source, out, intervalMs: 1, count: 10, tool: 'test', onSample: (p) => p.n === 2 && rmSync(source)})
    expect([r.samples, r.leftOut, r.stoppedBy]).toEqual([2, 2, 'source'])
    expect(r.sourceError).toBe(`${source}: source unreadable after 2 samples (cannot read (no such file or directory)); the recording holds 2 snapshots`)
    expect(r.warnings.at(-1)).toBe(r.sourceError)
    expect((await readTrendInput([out], {timeFrom: 'auto'})).store.snapshots).toBe(2)
  })

  it('DERIVED: the lost-source message counts the samples read, not those left out as unreadable: 3 read (1 cut), 2 held', async () => {
    const {source, out} = setup()
    // Sample 1 whole, 2 cut, 3 empty (unreadable once), 4 whole, then gone: 5 and 6 unreadable.
    const next: Record<number, () => void> = {1: () => writeFileSync(source, CUT, 'latin1'), 2: () => writeFileSync(source, '', 'latin1'), 3: () => writeFileSync(source, WHOLE, 'latin1'), 4: () => rmSync(source)}
    const r = await record({source, out, intervalMs: 1, count: 10, tool: 'test', onSample: (p) => next[p.n]?.()})
    expect([r.samples, r.leftOut, r.stoppedBy]).toEqual([2, 4, 'source'])
    // Was "after 4 samples": 6 taken minus the last two, the cut and the once-unreadable counted as read.
    expect(r.sourceError).toBe(`${source}: source unreadable after 3 samples (cannot read (no such file or directory)); the recording holds 2 snapshots (1 cut short, left out)`)
  })
})

// Every sample cut short: nothing recorded, and it exited 0 with no file, a script taking it for a
// recording. Now exit 66 (EXIT.sourceLost: no usable input), one line saying why and how many were
// taken, the summary on stdout (JSON: sourceError), and no file.
describe('record whose every sample is cut short', () => {
  it('SYNTHETIC: exit 66, why and how many on one line, the summary with sourceError, no recording file', async () => {
    const {source, out} = setup()
    writeFileSync(source, CUT, 'latin1') // SYNTHETIC: an allocinfo dump cut mid-line, no trailing newline
    const r = await runCli(['record', '--source', source, '--interval', '50ms', '--count', '3', '--out', out, '--json'])
    expect(r.status).toBe(66)
    const {result, warnings} = JSON.parse(r.stdout)
    expect(result).toMatchObject({samples: 0, leftOut: 3, stoppedBy: 'count', bytesWritten: 0})
    expect(result.sourceError).toBe(`${source}: nothing recorded: all 3 samples taken were cut short (the last line without its end); no recording written`)
    expect(warnings.at(-1)).toBe(result.sourceError)
    expect(existsSync(out)).toBe(false)
    const text = await runCli(['record', '--source', source, '--interval', '50ms', '--count', '2', '--out', out])
    expect(text.status).toBe(66)
    expect(text.stdout).toContain(`Recording ${out}`)
    expect(text.stderr.split('\n')).toContain(`allocscope: warning: ${source}: nothing recorded: all 2 samples taken were cut short (the last line without its end); no recording written`)
  })

})

describe('record: the progress line', () => {
  const big = {n: 100000, of: 100000, elapsedMs: 8_640_000_000, sites: 12345, changed: 12345, bytesWritten: 1023.99 * 2 ** 30, cpuMs: 123.45}
  it.each([80, 60, 40])('fits in %i columns (no wrap), the sample number first', (width) => {
    const line = progressLine(big, width)
    expect(line.length).toBeLessThan(width)
    expect(line).toMatch(/^record: sample 100000\/100000/)
    expect(progressLine(big, 20).length).toBeLessThan(20)
  })

  it('says when a sample was left out, and why', () => {
    expect(progressLine({...big, n: 3, of: 10, elapsedMs: 2000, leftOut: 'cut short'})).toBe('record: sample 3/10, 2 s, left out (cut short)')
  })
})

// setTimeout fires a delay past 2^31-1 ms (~24.8 days) after 1 ms: --interval 1000000d took both
// samples 1 ms apart (with a TimeoutOverflowWarning). The wait is taken in steps instead.
describe('record: an interval past setTimeout\'s limit', () => {
  it('waits (here until aborted) instead of taking the next sample at once', async () => {
    const {source, out} = setup()
    const abort = new AbortController()
    const warned: string[] = []
    const onWarning = (w: Error) => warned.push(w.name)
    process.on('warning', onWarning)
    setTimeout(() => abort.abort(), 300)
    const r = await record({source, out, intervalMs: 1_000_000 * 86_400_000, count: 2, tool: 'test', signal: abort.signal}).finally(() => process.off('warning', onWarning))
    expect([r.samples, r.stoppedBy, warned]).toEqual([1, 'signal', []])
  })
})
