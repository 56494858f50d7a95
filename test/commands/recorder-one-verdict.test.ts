// One boot, one recorder verdict: analyse, predict --from and batch apply the same rule
// (analysis/built-recorder.ts: without MEM_ALLOC_PROFILING_DEBUG no recorder is built). A review
// found a 7.2 boot whose page_ext came up after SMP (DEBUG not stated, inferred off) called `pool`
// by analyse and batch's profiling, `none` by predict --from and batch's prediction, the latter
// said as fact. An inferred DEBUG gives "most likely none" everywhere; a stated one a fact.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import type {BatchRecord} from '../../src/batch/schema.js'
import {runCli} from '../helpers/cli.js'
import {SAMPLES} from '../helpers/paths.js'

const dir = mkdtempSync(join(tmpdir(), 'allocscope-recorder-verdict-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

/** DERIVED from the real pool sample: its klab: lines dropped, its page_ext line moved after "smp: Brought up". */
function derivedLog(): string {
  const lines = readFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'dmesg.txt'), 'utf8').split('\n').filter((l) => !l.includes('klab:'))
  const [pageExt] = lines.splice(lines.findIndex((l) => l.includes('bytes of page_ext')), 1)
  lines.splice(lines.findIndex((l) => l.includes('smp: Brought up')) + 1, 0, pageExt)
  const path = join(dir, 'dmesg.txt')
  writeFileSync(path, lines.join('\n'))
  return path
}
const DERIVED = derivedLog()

interface Verdict {
  recorder: string
  reason: string
  /** The prediction's severity why (predict --from; batch's record). */
  why?: string
}

async function json<T>(args: string[]): Promise<T> {
  const r = await runCli([...args, '--json'])
  expect(r.status, r.stderr).toBe(0)
  return (JSON.parse(r.stdout) as {result: T}).result
}

/** The recorder of analyse, of predict --from and of batch (its profiling and its prediction). */
async function verdicts(input: string): Promise<{analyse: Verdict; predict: Verdict; batch: string[]; batchWhy?: string}> {
  const a = await json<{profiling: {recorder: string; recorderReason: string}}>(['analyse', input])
  const p = await json<{recorder: string; recorderReason: string; severity?: {why: string}}>(['predict', '--from', input])
  const b = await runCli(['batch', input])
  const rec = JSON.parse(b.stdout.trim().split('\n').at(-1)!) as BatchRecord
  return {
    analyse: {recorder: a.profiling.recorder, reason: a.profiling.recorderReason},
    predict: {recorder: p.recorder, reason: p.recorderReason, ...(p.severity ? {why: p.severity.why} : {})},
    batch: [rec.profiling!.recorder, (rec.prediction as {recorder: string}).recorder],
    batchWhy: (rec.prediction as {severity?: {why: string}}).severity?.why,
  }
}

describe('the recorder verdict of one boot is the same in analyse, predict --from and batch', () => {
  it('the DERIVED after-SMP 7.2 log (DEBUG inferred off): "most likely none" in all, said as an inference', async () => {
    const v = await verdicts(DERIVED)
    expect([v.analyse.recorder, v.predict.recorder, ...v.batch]).toEqual(['none', 'none', 'none', 'none'])
    const inferred = /^most likely none: page_ext came up after SMP \(line 152\), so DEBUG is most likely off, and without MEM_ALLOC_PROFILING_DEBUG no early-PFN recorder is built, though the kernel has the pool recorder's code \(/
    expect(v.analyse.reason).toMatch(inferred)
    expect(v.predict.reason).toMatch(inferred)
    // The severity (a notice: nothing warns without DEBUG) says the inference too, in predict and batch alike.
    expect(v.predict.why).toMatch(/does not warn \(page_ext came up after SMP \(line 152\), so DEBUG is most likely off\)$/)
    expect(v.batchWhy).toBe(v.predict.why)
  })

  it('the DERIVED log with --no-debug (stated): none as a fact; with --debug: the pool', async () => {
    const off = await json<{recorder: string; recorderReason: string}>(['predict', '--from', DERIVED, '--no-debug'])
    expect(off.recorder).toBe('none')
    expect(off.recorderReason).toMatch(/^without MEM_ALLOC_PROFILING_DEBUG no early-PFN recorder is built, though the kernel has the pool recorder's code/)
    const on = await json<{recorder: string}>(['predict', '--from', DERIVED, '--debug'])
    expect(on.recorder).toBe('pool')
  })

  it('the real samples keep their verdicts: 6.12 nodebug none (its release has no recorder), the 7.2 pool boots pool', async () => {
    const nodebug = await verdicts(join(SAMPLES, 'linux-6.12-nodebug_smp064_1G'))
    expect([nodebug.analyse.recorder, nodebug.predict.recorder, ...nodebug.batch]).toEqual(['none', 'none', 'none', 'none'])
    expect(nodebug.analyse.reason).toMatch(/^a guess from the release 6\.12\.117/)
    for (const s of ['linux-7.2-pool-c64-m1024', 'linux-7.2-pool-c255-m1024']) {
      const pool = await verdicts(join(SAMPLES, s))
      expect([pool.analyse.recorder, pool.predict.recorder, ...pool.batch], s).toEqual(['pool', 'pool', 'pool', 'pool'])
    }
  })
})
