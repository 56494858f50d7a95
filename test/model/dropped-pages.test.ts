// One count of the pages a full legacy array drops (recorders/legacy.ts replayDroppedPages): the
// kernel block's "untagged pages" / "would warn if freed" and the legacy run's "may warn if freed"
// are the same number when the kernel carries the legacy recorder. They were two computations
// (the kernel block took the dropped calls times the mean pages per call, the run summed the
// dropped calls' own orders): 91 against 13 on the real legacy256 boot, 34874 against 34892 for
// 8192 CPUs with a 1000-slot array, 339422 against 179947 without DEBUG after SMP.
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {predict} from '../../src/model/predict.js'
import {replayDroppedPages, runLegacy} from '../../src/model/recorders/legacy.js'
import {interleave} from '../../src/model/scheduler.js'
import {buildWorkload} from '../../src/model/workload.js'
import {REPO, captureDir} from '../helpers/paths.js'
import {syntheticHost, syntheticProfile} from '../helpers/model-synthetic.js'

const predictJson = async (args: string[]) => {
  const r = await runCommand(['predict', ...args, '--json'], {root: REPO})
  return JSON.parse(r.stdout).result
}

/** One block of predict's CSV output, as rows of cells keyed by the header (runCommand splits an argument at spaces: one word). */
const csvBlock = async (args: string[], block: string) => {
  const [head, ...lines] = (await runCommand(['predict', ...args, '--format', 'csv', '--block', block], {root: REPO})).stdout.trim().split('\n')
  const keys = head.split(',')
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [keys[i], v])))
}

describe('the pages a full legacy array drops: one count', () => {
  it('real boot lab-7.2-legacy256late (a 256-slot array that overflowed): the kernel block and the legacy row agree, in JSON and text', async () => {
    const args = ['--from', captureDir('lab-7.2-legacy256late-c8-m1024-shrink')]
    const res = await predictJson(args)
    expect(res.recorder).toBe('legacy')
    expect(res.legacy.dropped).toBeGreaterThan(0)
    expect(res.kernel.leftUntaggedCalls.value).toBe(res.legacy.dropped)
    expect(res.kernel.leftUntaggedPages.value).toBe(res.legacy.wouldWarnIfFreed.pages)
    expect(res.kernel.wouldWarnIfFreedPages).toEqual(res.kernel.leftUntaggedPages)
    const kernel = (await csvBlock(args, 'This')).find((r) => r.key === 'would warn if freed')!
    const legacy = (await csvBlock(args, 'Each')).find((r) => r.recorder === 'legacy')!
    expect(kernel.value).toBe(legacy['may warn if freed'])
    expect(Number(kernel.value)).toBe(res.legacy.wouldWarnIfFreed.pages)
  })

  it('--cpus 8192 with a 1000-slot array (before SMP, DEBUG) and with 8192 slots after SMP (a DEBUG legacylate boot): the same count', async () => {
    const debug = await predictJson(['--cpus', '8192', '--recorder', 'legacy', '--legacy-max', '1000'])
    expect(debug.kernel.wouldWarnIfFreedPages.value).toBe(debug.legacy.wouldWarnIfFreed.pages)
    const iv = debug.kernel.wouldWarnIfFreedPages
    expect(iv.low).toBeLessThanOrEqual(iv.value)
    expect(iv.high).toBeGreaterThanOrEqual(iv.value)
    // After SMP with the legacy recorder takes a DEBUG kernel with early_page_ext off (the lab's
    // legacylate): without DEBUG no recorder is built (analysis/built-recorder.ts builtRecorder).
    const late = await predictJson(['--from', captureDir('linux-7.2-legacylate-c8-m1024'), '--cpus', '8192'])
    expect([late.window, late.recorder, late.legacy.dropped > 0]).toEqual(['after-smp', 'legacy', true])
    expect(late.kernel.leftUntaggedPages.value).toBe(late.legacy.wouldWarnIfFreed.pages)
    expect(late.kernel.wouldWarnIfFreedPages).toEqual(late.kernel.leftUntaggedPages)
  })

  it('counted past the replay limit (SYNTHETIC profile: 1.1 million early calls): the same count, at the mean pages per call', () => {
    const p = predict(syntheticHost(4, 'after-smp', {debug: true, observedWindow: 'after-smp'}), syntheticProfile(1_100_000, 0), {recorder: 'legacy'})
    expect(p.mode).toBe('counted')
    expect(p.kernel!.leftUntaggedPages.value).toBe(p.legacy!.wouldWarnIfFreed.pages)
    expect(p.legacy!.wouldWarnIfFreed.pages).toBe(Math.round(p.legacy!.dropped * (p.pages / p.events)))
  })

  it('the legacy run drops the calls issued after the array filled, each with its own pages (SYNTHETIC workload, 48 CPUs interleaved)', () => {
    const w = buildWorkload(syntheticHost(48), syntheticProfile(300, 20))
    const il = interleave(w, 7)
    const max = 50
    const run = runLegacy(w, il, {max})
    let pages = 0
    for (let k = max; k < w.n; k++) pages += 2 ** w.order[il.order[k]]
    expect(run.dropped).toBe(w.n - max)
    expect(run.wouldWarnIfFreed.pages).toBe(pages)
    expect(pages).toBeGreaterThan(run.dropped) // the mix has high-order calls among the dropped
    // Beyond the replay: the replay's mean pages per call for each call past it.
    expect(replayDroppedPages(w, il)(w.n + 10)).toBe(w.pages + Math.round((10 * w.pages) / w.n))
    expect(replayDroppedPages(w, il)(0)).toBe(0)
  })
})
