// `diff` reads recordings (`allocscope record`, docs/recording.md): a recording's snapshot is
// rebuilt whole from its deltas and diffed like an allocinfo dump. The recordings here are made
// in the test from the real sample dumps, plus a DERIVED snapshot (one site grown by a known
// amount) and a DERIVED counter beyond 2^53: what they must give is known exactly.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {parseAllocInfoText} from '../../src/readers/allocinfo.js'
import {snapshotsOf} from '../../src/readers/recording.js'
import {DeltaEncoder, RecordingWriter} from '../../src/trend/recording.js'
import type {AllocInfo} from '../../src/types.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

const POOL = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt')
const LATE = join(SAMPLES, 'linux-7.2-legacylate-c255-m1024', 'allocinfo.txt')
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-diff-rec-'))
const run = (args: string[]) => runCommand(['diff', ...args], {root: REPO})
const exitCode = (e: {oclif?: {exit?: number}} | undefined) => (e === undefined ? 0 : (e.oclif?.exit ?? -1))

const poolText = readFileSync(POOL, 'utf8')
// DERIVED: the pool sample with one known site (the first site line) grown by 4096 bytes, 1 call.
const grownLine = poolText.split('\n').findIndex((l) => /^\s*\d+\s+\d+\s+\S+:\d+/.test(l))
const grownText = poolText
  .split('\n')
  .map((l, i) => (i === grownLine ? l.replace(/^(\s*)(\d+)(\s+)(\d+)/, (_m, a, b, c, d) => `${a}${BigInt(b) + 4096n}${c}${BigInt(d) + 1n}`) : l))
  .join('\n')
const grownKey = parseAllocInfoText(poolText.split('\n')[grownLine] + '\n').sites[0]!.key

function record(path: string, texts: string[]): void {
  const w = new RecordingWriter(path, {created: '2026-12-04T18:00:00.000Z', source: 'test', host: 'test', tool: 'test', intervalS: 10})
  const enc = new DeltaEncoder()
  texts.forEach((t, i) => w.write(enc.encode(parseAllocInfoText(t), {time: new Date(Date.UTC(2026, 11, 4, 18, 0, i * 10)), uptimeS: 100 + i * 10, release: '7.2.13'})))
  w.close()
}

const REC = join(tmp, 'three.arec.gz')
record(REC, [poolText, grownText, readFileSync(LATE, 'utf8')])

const comparable = (a: AllocInfo) => new Map(a.sites.map((s) => [s.key, [s.bytes, s.calls]]))

describe('a recording rebuilt snapshot by snapshot', () => {
  it('each snapshot equals the dump it was recorded from (every site, its bytes and calls)', async () => {
    const {snapshots, total} = await snapshotsOf(REC, [0, 1, -1])
    expect(total).toBe(3)
    expect(snapshots.map((s) => s.snap)).toEqual([0, 1, 2])
    const want = [poolText, grownText, readFileSync(LATE, 'utf8')].map((t) => parseAllocInfoText(t))
    snapshots.forEach((s, i) => {
      expect(comparable(s.allocinfo)).toEqual(comparable(want[i]!))
      expect([s.allocinfo.totalBytes, s.allocinfo.totalCalls]).toEqual([want[i]!.totalBytes, want[i]!.totalCalls])
    })
    expect(snapshots[1]!.time).toBe('2026-12-04T18:00:10.000Z')
  })

  it('a snapshot names no line of a file: its sites have none (they had their id + 1), as its anomalies have line 0', async () => {
    const {snapshots} = await snapshotsOf(REC, [0, -1])
    for (const s of snapshots) {
      expect(s.allocinfo.sites.length).toBeGreaterThan(900)
      expect(s.allocinfo.sites.filter((x) => x.lines.length > 0)).toEqual([])
    }
  })

  it('a site gone from a later snapshot is absent from it', async () => {
    const path = join(tmp, 'gone.arec.gz')
    const lines = poolText.split('\n')
    record(path, [poolText, lines.filter((_, i) => i !== grownLine).join('\n')])
    const [, after] = (await snapshotsOf(path, [0, 1])).snapshots
    expect(after!.allocinfo.sites.some((s) => s.key === grownKey)).toBe(false)
    expect(after!.allocinfo.sites).toHaveLength(parseAllocInfoText(poolText).sites.length - 1)
  })
})

describe('allocscope diff on a recording', () => {
  it('one recording: first against last by default, the same diff as the two dumps', async () => {
    // One after the other: runCommand captures the process's stdout while a command runs, so two at once mix their output.
    const fromRec = await run([REC, '--json'])
    const fromFiles = await run([POOL, LATE, '--json'])
    expect(exitCode(fromRec.error)).toBe(0)
    const r = JSON.parse(fromRec.stdout).result
    const f = JSON.parse(fromFiles.stdout).result
    expect(r.allocinfo.summaries).toEqual(f.allocinfo.summaries)
    expect(r.allocinfo.rows).toEqual(f.allocinfo.rows)
    // Which snapshots were compared is said: index and time.
    expect(r.a).toBe(`${REC}#0 (2026-12-04T18:00:00.000Z, uptime 100 s)`)
    expect(r.b).toBe(`${REC}#2 (2026-12-04T18:00:20.000Z, uptime 120 s)`)
  })

  it('--from-snap/--to-snap pick the moments: the one DERIVED growth is the only row', async () => {
    const {stdout, error} = await run([REC, '--from-snap', '0', '--to-snap', '-2', '--json'])
    expect(exitCode(error)).toBe(0)
    const a = JSON.parse(stdout).result.allocinfo
    expect(a.rows.map((r: {key: string; deltaBytes: number}) => [r.key, r.deltaBytes])).toEqual([[grownKey, 4096]])
    expect(a.summaries.calls.up).toBe(1)
  })

  it('a recording beside a dump: the recording stands for its last snapshot (or --from-snap)', async () => {
    const last = JSON.parse((await run([REC, LATE, '--json'])).stdout).result.allocinfo
    expect(last.rows).toEqual([])
    const first = JSON.parse((await run([REC, POOL, '--from-snap', '1', '--json'])).stdout).result.allocinfo
    expect(first.rows.map((r: {key: string; deltaBytes: number}) => [r.key, r.deltaBytes])).toEqual([[grownKey, -4096]])
  })

  it('two inputs: --from-snap picks a\'s snapshot, --to-snap b\'s; one naming a dump is exit 2 naming the flag and that input', async () => {
    const toSnap = await run([POOL, REC, '--to-snap', '1', '--json'])
    expect(exitCode(toSnap.error)).toBe(0)
    const rows = JSON.parse(toSnap.stdout).result.allocinfo.rows
    expect(rows.map((r: {key: string; deltaBytes: number}) => [r.key, r.deltaBytes])).toEqual([[grownKey, 4096]])
    for (const [args, flag, side, path] of [
      [[POOL, REC, '--from-snap', '1'], '--from-snap 1', 'a', POOL],
      [[REC, POOL, '--to-snap', '0'], '--to-snap 0', 'b', POOL],
    ] as const) {
      const r = await run([...args])
      expect(exitCode(r.error)).toBe(2)
      expect(r.stdout).toBe('')
      expect(r.stderr.trim().split('\n')).toEqual([`allocscope: ${flag}: picks a snapshot of input ${side} (${path}), which is an allocinfo dump, not a recording (allocscope record); with two inputs --from-snap is for a, --to-snap for b`])
    }
  })

  it('text output names the snapshots compared', async () => {
    const {stdout} = await run([REC, '--to-snap', '1', '--format', 'text'])
    expect(stdout).toContain('#0 (2026-12-04T18:00:00.000Z')
    expect(stdout).toContain('#1 (2026-12-04T18:00:10.000Z')
  })

  // The first against the last snapshot dropped the anomalies at sites outside the filters without a word.
  it("first against last with --file '^mm/': the wrapped calls outside it is counted, not shown nor gated on", async () => {
    const path = join(tmp, 'wrapped-scoped.arec.gz')
    const wrapped = poolText.split('\n').map((l, i) => (i === grownLine ? l.replace(/^(\s*)(\d+)(\s+)(\d+)/, '$1$2$3' + '18446744073709551615') : l)).join('\n')
    record(path, [poolText, wrapped])
    expect(grownKey).not.toMatch(/^mm\//)
    const {stdout, error} = await run([path, '--file', '^mm/', '--json', '--fail-on', 'warning'])
    expect(exitCode(error)).toBe(0)
    const a = JSON.parse(stdout).result.allocinfo
    expect([a.anomalies.appeared, a.anomaliesOutsideFilters]).toEqual([[], 1])
    expect((await run([path, '--file', '^mm/', '--format', 'text'])).stdout).toContain('1 anomaly outside --file (not gated on)')
  })

  it('a counter recorded beyond 2^53 (a wrapped calls) is exact and flagged as the dump reader flags it', async () => {
    const path = join(tmp, 'wrapped.arec.gz')
    const wrapped = poolText.split('\n').map((l, i) => (i === grownLine ? l.replace(/^(\s*)(\d+)(\s+)(\d+)/, '$1$2$3' + '18446744073709551615') : l)).join('\n')
    record(path, [poolText, wrapped])
    const {stdout, error} = await run([path, '--json', '--fail-on', 'warning'])
    expect(exitCode(error)).toBe(1) // an anomaly that appeared is a warning
    const a = JSON.parse(stdout).result.allocinfo
    expect(a.anomalies.appeared).toEqual([expect.objectContaining({key: grownKey, kind: 'wrapped-calls'})])
  })

  it('mistakes are one line, exit 2: a snapshot that is not there, --predicted, snaps without a recording', async () => {
    const missing = await run([REC, '--to-snap', '7'])
    expect(exitCode(missing.error)).toBe(2)
    expect(missing.stderr).toContain('no snapshot 7: the recording holds 3 (0 to 2, or -1 to -3 from the end)')
    const predicted = await run([REC, '--predicted'])
    expect(exitCode(predicted.error)).toBe(2)
    expect(predicted.stderr).toContain('a recording holds allocinfo snapshots only')
    // One check for both: two inputs neither of which is a recording, one input that is none (it
    // said "neither input is one" of a single input).
    const noRec = await run([POOL, LATE, '--from-snap', '1'])
    expect(exitCode(noRec.error)).toBe(2)
    expect(noRec.stderr).toBe(`allocscope: --from-snap 1: picks a snapshot of input a (${POOL}), which is an allocinfo dump, not a recording (allocscope record); with two inputs --from-snap is for a, --to-snap for b\n`)
    const one = await run([POOL, '--to-snap', '1'])
    expect(exitCode(one.error)).toBe(2)
    expect(one.stderr).toBe(`allocscope: --to-snap 1: picks a snapshot of the input (${POOL}), which is an allocinfo dump, not a recording (allocscope record)\n`)
  })

  it('a recording cut short (recorder killed mid-write) is read up to the cut, with a warning', async () => {
    const path = join(tmp, 'cut.arec.gz')
    const whole = readFileSync(REC)
    writeFileSync(path, whole.subarray(0, whole.length - 200))
    const {stdout, error} = await run([path, '--json'])
    expect(exitCode(error)).toBe(0)
    const j = JSON.parse(stdout)
    expect(j.result.b).toContain('#1 (')
    expect(j.warnings.join('\n')).toMatch(/gzip stream ends early|cut short/)
  })
})
