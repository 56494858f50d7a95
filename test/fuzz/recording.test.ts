// CI slice of the recording fuzzer (src/readers/recording.ts): fixed seed, a few hundred cases (npm
// run fuzz runs 100 000), and the reader's line cap met exactly and passed, which the random mix
// reaches only rarely (an 8 MiB line per case).
import {describe, expect, it} from 'vitest'
import {runFuzz} from '../helpers/fuzz.js'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {snapshotsOf, streamRecording} from '../../src/readers/recording.js'
import {build, capCase, encode, layoutCase, recordingTarget} from '../helpers/fuzz-recording.js'
import {CASE_BUDGET_MS, CI_RUNS, CI_SEED} from './slice.js'

describe('fuzz slice: recording reader', () => {
  it(`streamRecording and snapshotsOf keep their properties on ${CI_RUNS.recording} cases (seed ${CI_SEED})`, async () => {
    const r = await runFuzz(recordingTarget, {seed: CI_SEED, runs: CI_RUNS.recording, caseBudgetMs: CASE_BUDGET_MS})
    expect(r.runs).toBe(CI_RUNS.recording)
    expect(Object.keys(r.byKind).sort()).toEqual(['bytes', 'kernelish', 'layout', 'mutation'])
  })

  // Found by `npm run fuzz` (seed 1): the reader decoded each inflated chunk on its own, so a
  // character split between two chunks became two U+FFFD (a function name read back wrong).
  it('a first snapshot of 1767 sites with non-ASCII names (many gunzip chunks) replays to its names exactly', async () => {
    await recordingTarget.check(layoutCase({seed: 9, snaps: 1, sites: 1767, how: 'members', cut: 0}))
  })

  // Found by the CI slice: replay met `set` as an object (TypeError), and the reader took any error
  // for a gzip stream cut short: diff read fewer snapshots with a warning about gzip.
  it('a record of the wrong shape is an error naming its line and field, not a recording cut short', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'allocscope-rec-shape-'))
    const path = join(dir, 'synthetic.arec.gz')
    const lines = build(3, 3, 4).lines
    for (const [field, value, what] of [
      ['set', {0: [0, 1, 1]}, '"set" is not a list of [id, bytes, calls] with integer counters'],
      ['set', [[0, 1.5, 1]], '"set" is not a list of [id, bytes, calls] with integer counters'],
      ['gone', ['__proto__'], '"gone" is not a list of site ids'],
      ['release', 7, '"release" is not a string'],
    ] as const) {
      const bad = [...lines]
      bad[2] = JSON.stringify({...JSON.parse(bad[2]!), [field]: value})
      writeFileSync(path, encode(bad, 'members'))
      await expect(snapshotsOf(path, [-1])).rejects.toThrow(`${path}:3: ${what}; expected a snapshot record as docs/recording.md describes`)
    }
    rmSync(dir, {recursive: true, force: true})
  })

  // Found by `npm run fuzz` (seed 898375955): a recording cut inside its last member's gzip trailer.
  // zlib's stream gives the member's line before it meets the trailer, then fails; the line was read
  // or not as the consumer had taken it before the error came, so streamRecording and snapshotsOf
  // (two reads of one file) counted 6 and 5 snapshots. The member is unchecked (no whole CRC-32 and
  // size): like any damaged member, it is not read, and the warning says where the recording stops.
  it('a recording cut inside its last member\'s gzip trailer reads the snapshots before that member, every time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'allocscope-rec-trailer-'))
    const path = join(dir, 'synthetic.arec.gz')
    const lines = build(-1466519624, 6, 28).lines
    const whole = encode(lines, 'members')
    const last = encode([lines.at(-1)!], 'members').length
    // The fuzz case cut one byte before the end; every cut inside the 8-byte trailer is the same.
    for (const short of [1, 4, 8]) {
      writeFileSync(path, whole.subarray(0, whole.length - short))
      for (let i = 0; i < 3; i++) {
        const r = await streamRecording(path, () => {})
        expect(r.snapshots).toBe(5)
        expect(r.warnings).toEqual([`${path}: the gzip stream is cut short at byte ${whole.length - last}: read the 5 complete snapshots before it`])
        expect((await snapshotsOf(path, [0, -1])).total).toBe(5)
      }
    }
    await recordingTarget.check(layoutCase({seed: -1466519624, snaps: 6, sites: 28, how: 'cut', cut: 0.9999999999999998}))
    await recordingTarget.check(layoutCase({seed: 348953348, snaps: 2, sites: 12, how: 'cut', cut: 0.9999999999999998}))
    rmSync(dir, {recursive: true, force: true})
  })

  it('a record line at the 8 MiB cap is read; one 1 MiB over it is refused with its line', async () => {
    await recordingTarget.check(capCase('at'))
    await recordingTarget.check(capCase('over'))
  }, 60_000)
})
