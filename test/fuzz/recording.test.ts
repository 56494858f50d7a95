// CI slice of the recording fuzzer (src/readers/recording.ts): fixed seed, a few hundred cases (npm
// run fuzz runs 100 000), and the reader's line cap met exactly and passed, which the random mix
// reaches only rarely (an 8 MiB line per case).
import {describe, expect, it} from 'vitest'
import {runFuzz} from '../helpers/fuzz.js'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {snapshotsOf} from '../../src/readers/recording.js'
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

  it('a record line at the 8 MiB cap is read; one 1 MiB over it is refused with its line', async () => {
    await recordingTarget.check(capCase('at'))
    await recordingTarget.check(capCase('over'))
  }, 60_000)
})
