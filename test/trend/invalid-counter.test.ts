// A site line whose counter the kernel cannot print (beyond its s64/u64: an invalid-counter anomaly,
// left out of the sites) in one snapshot of a series: trend over the plain dumps and over a
// recording of them note it, and diff of the recording flags it as diff of the dumps does. The
// recording held no such site (DeltaEncoder saw only AllocInfo.sites), so readers saw it gone, and
// trend over the dumps said nothing either. Input: the real pool sample and a DERIVED copy of it
// with one site's bytes past s64; recordings written before still read (testdata/trend).
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {runRecord} from '../../src/record/run.js'
import {parseAllocInfoText, readAllocInfo} from '../../src/readers/allocinfo.js'
import {readTrendInput} from '../../src/trend/input.js'
import {DeltaEncoder, RecordingWriter} from '../../src/trend/recording.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

const REAL = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt')
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-invalid-'))
const exitCode = (e: {oclif?: {exit?: number}} | undefined) => (e === undefined ? 0 : (e.oclif?.exit ?? -1))

// DERIVED: the real dump with its first site of non-zero bytes at 10^20 - 1 bytes, past the kernel's s64.
const real = readFileSync(REAL, 'utf8')
const damaged = real.replace(/^ *[1-9]\d* /m, '99999999999999999999 ')
const key = parseAllocInfoText(damaged).anomalies.find((a) => a.kind === 'invalid-counter')!.key

/** Seven snapshots a minute apart, the fourth (snap 3) damaged, timed by their names. */
const dir = join(tmp, 'snaps')
mkdirSync(dir)
const files = Array.from({length: 7}, (_, i) => join(dir, `allocinfo-2026-12-04T18:0${i}:00Z.txt`))
files.forEach((f, i) => (i === 3 ? writeFileSync(f, damaged) : copyFileSync(REAL, f)))

/** A recording of those files, as record writes one (its DeltaEncoder and RecordingWriter). */
async function recordingOf(path: string): Promise<string> {
  const w = new RecordingWriter(path, {created: '2026-12-04T18:00:00Z', source: 'derived', tool: 'test'})
  const enc = new DeltaEncoder()
  for (const [i, f] of files.entries()) w.write(enc.encode(await readAllocInfo(f), {time: new Date(Date.UTC(2026, 11, 4, 18, i))}))
  w.close()
  return path
}

const noted = async (paths: string[]) => (await readTrendInput(paths, {timeFrom: 'auto'})).store.anomalies.map((a) => [a.kind, a.key, a.snap])

describe('a counter the kernel cannot print, in a series', () => {
  it('trend notes it at its snapshot, over the dumps and over a recording of them alike', async () => {
    const rec = await recordingOf(join(tmp, 'series.arec.gz'))
    expect(await noted([dir])).toEqual([['invalid-counter', key, 3]])
    expect(await noted([rec])).toEqual([['invalid-counter', key, 3]])
  })

  it("diff of the recording's snapshots flags it and counts it as diff of the dumps does (--fail-on warning: exit 1)", async () => {
    const rec = await recordingOf(join(tmp, 'diff.arec.gz'))
    const fromRecording = await runCommand(['diff', rec, '--from-snap', '2', '--to-snap', '3', '--fail-on', 'warning', '--json'], {root: REPO})
    const fromDumps = await runCommand(['diff', files[2]!, files[3]!, '--fail-on', 'warning', '--json'], {root: REPO})
    const [a, b] = [fromRecording, fromDumps].map((r) => JSON.parse(r.stdout).result.allocinfo)
    expect([exitCode(fromRecording.error), exitCode(fromDumps.error)]).toEqual([1, 1])
    const appeared = (d: {anomalies: {appeared: {kind: string; key: string}[]}}) => d.anomalies.appeared.map((x) => [x.kind, x.key])
    expect([appeared(a), appeared(b)]).toEqual([[['invalid-counter', key]], [['invalid-counter', key]]])
    // Its line is left out of the sites, in the dump as in the rebuilt snapshot: one site removed.
    expect([a.summary.remove, a.summary.net]).toEqual([b.summary.remove, b.summary.net])
  })

  it('record --source of the damaged dump keeps the line: trend of what it wrote notes it', async () => {
    const src = join(tmp, 'allocinfo.txt')
    writeFileSync(src, damaged)
    const out = join(tmp, 'record.arec.gz')
    const r = await runRecord({out, source: src, interval: '1ms', count: 2}, {tool: 'allocscope record test', tty: false})
    expect(r.warnings[0]).toContain(`invalid-counter at ${key}`)
    expect(await noted([out])).toEqual([['invalid-counter', key, 0]])
  })

  it('a counter longer than a recording stores (100 digits) is stored saturated: the recording reads, the anomaly is noted', async () => {
    // DERIVED: the damaged site's bytes 150 digits long.
    const src = join(tmp, 'long.txt')
    writeFileSync(src, damaged.replace('99999999999999999999 ', `${'7'.repeat(150)} `))
    const out = join(tmp, 'long.arec.gz')
    await runRecord({out, source: src, interval: '1ms', count: 1}, {tool: 'allocscope record test', tty: false})
    const t = await readTrendInput([out], {timeFrom: 'auto'})
    expect(t.store.anomalies.map((a) => [a.kind, a.detail.split(' ')[1]!.length])).toEqual([['invalid-counter', 100]])
  })

  it('a recording written before this reads as it did: the lab leak series, no anomaly', async () => {
    const t = await readTrendInput([join(REPO, 'testdata', 'trend', 'leak', 'recording.arec.gz')], {timeFrom: 'auto'})
    expect([t.store.snapshots, t.store.anomalyCount]).toEqual([40, 0])
  })
})
