// Which recorder runs on a host without MEM_ALLOC_PROFILING_DEBUG: none, whatever code its release
// carries (lib/alloc_tag.c builds both recorders only with DEBUG; analysis/built-recorder.ts builtRecorder). A
// review found `predict --kernel 7.2 --cpus 64 --no-debug` showing the pool recording 950 PFNs and
// leaving none untagged beside the note that the kernel builds neither recorder. The verdict, the
// kernel's outcome, the notes and the severity must agree; and --debug over a capture whose DEBUG
// was inferred is applied and said once, as an inference, not as the log's word.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import type {Prediction} from '../../src/model/predict.js'
import type {PredictFlags} from '../../src/model/run.js'
import type {Graded} from '../../src/model/severity.js'
import {SAMPLES, TESTDATA_CAPTURES} from '../helpers/paths.js'
import {PREDICT_FLAGS as FLAGS, predictRun} from '../helpers/predict-flags.js'

type Result = Prediction & {severity?: Graded}
const OUT = {format: 'json', width: 80}
const NO_RECORDER_NOTE = /^without MEM_ALLOC_PROFILING_DEBUG the kernel builds neither recorder/

async function run(f: Partial<PredictFlags>): Promise<{result: Result; warnings: string[]}> {
  const r = await predictRun({...FLAGS, ...f}, OUT)
  return {result: r.result as Result, warnings: r.warnings}
}

describe('no DEBUG: no recorder runs, and every part of the prediction says so', () => {
  it('--kernel 7.2 --cpus 64 --no-debug: recorder none, 0 recorded, every early call left untagged, none warns, a notice', async () => {
    const {result: p} = await run({kernel: '7.2', cpus: 64, debug: false, given: ['kernel', 'cpus', 'debug']})
    expect(p.recorder).toBe('none')
    expect(p.recorderReason).toMatch(/^without MEM_ALLOC_PROFILING_DEBUG no early-PFN recorder is built, though the kernel has the pool recorder's code \(a guess from --kernel 7\.2 /)
    expect(p.kernel?.recorded.value).toBe(0)
    expect(p.kernel?.leftUntaggedCalls).toEqual(p.calls)
    expect(p.kernel?.wouldWarnIfFreedPages.value).toBe(0)
    expect(p.notes.some((n) => NO_RECORDER_NOTE.test(n))).toBe(true)
    expect(p.severity).toEqual({severity: 'notice', why: expect.stringMatching(/^the kernel carries no early-PFN recorder.*without MEM_ALLOC_PROFILING_DEBUG does not warn$/)})
  })

  it('the same host with DEBUG: the pool records every early call, no note of a missing recorder', async () => {
    const {result: p} = await run({kernel: '7.2', cpus: 64, debug: true})
    expect(p.recorder).toBe('pool')
    expect(p.kernel?.recorded).toEqual(p.calls)
    expect(p.kernel?.leftUntaggedCalls.value).toBe(0)
    expect(p.notes.some((n) => NO_RECORDER_NOTE.test(n))).toBe(false)
  })

  it('--recorder legacy --no-debug, and no release at all: none, the reason says why', async () => {
    const given = await run({cpus: 4, recorder: 'legacy', debug: false})
    expect([given.result.recorder, given.result.recorderReason]).toEqual(['none', "without MEM_ALLOC_PROFILING_DEBUG no early-PFN recorder is built, though the kernel has the legacy recorder's code (given with --recorder)"])
    const bare = await run({cpus: 4, debug: false})
    expect([bare.result.recorder, bare.result.recorderReason]).toEqual(['none', 'without MEM_ALLOC_PROFILING_DEBUG no early-PFN recorder is built'])
  })

  it('a --no-debug sweep is graded as a kernel without a recorder (was: "only a recorder this kernel does not carry")', async () => {
    const r = await predictRun({...FLAGS, kernel: '7.2', debug: false, sweep: '1..16384', points: 8}, OUT)
    expect((r.result as {severity: Graded}).severity).toEqual({severity: 'notice', why: expect.stringMatching(/^the kernel carries no early-PFN recorder/)})
  })
})

describe('--debug over a capture whose DEBUG was inferred', () => {
  const NODEBUG = join(SAMPLES, 'linux-6.12-nodebug_smp064_1G')

  it('the real 6.12 nodebug capture: applied (DEBUG pages warn), said once, as an inference of its page_ext window', async () => {
    const {result: p, warnings} = await run({from: NODEBUG, debug: true, given: ['debug']})
    expect(p.host.debug).toBe(true)
    expect(p.kernel?.wouldWarnIfFreedPages).toEqual(p.kernel?.leftUntaggedPages)
    expect(p.severity?.severity).toBe('warning')
    expect(p.notes.some((n) => NO_RECORDER_NOTE.test(n))).toBe(false)
    // Was "(no, …/dmesg.txt)": the log's word, where the analysis says DEBUG unknown.
    expect(warnings.filter((w) => /DEBUG/.test(w))).toEqual([
      expect.stringMatching(/^--debug overrides the capture's MEM_ALLOC_PROFILING_DEBUG \(no, inferred from its page_ext window, .*dmesg\.txt:142\): predicted for yes, another host/),
    ])
  })

  it('a DERIVED 7.2 boot without its klab: lines (DEBUG unknown, after SMP): none without the flag; with --debug the pool records, said once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'allocscope-recorder-debug-'))
    const log = readFileSync(join(TESTDATA_CAPTURES, 'linux-7.2-legacylate-c8-m1024', 'dmesg.txt'), 'utf8')
    writeFileSync(join(dir, 'dmesg.txt'), log.split('\n').filter((l) => !l.includes('klab:')).join('\n'))
    const from = join(dir, 'dmesg.txt')
    const bare = await run({from})
    expect([bare.result.host.debug, bare.result.recorder, bare.result.kernel?.recorded.value]).toEqual([false, 'none', 0])
    const over = await run({from, debug: true, given: ['debug']})
    expect([over.result.host.debug, over.result.recorder]).toEqual([true, 'pool'])
    expect(over.result.kernel?.recorded).toEqual(over.result.calls)
    expect(over.result.notes.some((n) => NO_RECORDER_NOTE.test(n))).toBe(false)
    expect(over.warnings.filter((w) => /DEBUG/.test(w))).toEqual([expect.stringMatching(/^--debug overrides the capture's MEM_ALLOC_PROFILING_DEBUG \(no, inferred from its page_ext window/)])
  })
})

// A DEBUG the log states was named by the log's path alone ("(yes, …/dmesg.txt)") where a dump's is
// named file:line: the log's line is named too (ProfilingState.debugSource's line).
describe('--no-debug over a capture whose log states DEBUG', () => {
  it("the real 7.2 pool c4 capture (klab: early_pfn, DEBUG-only): the warning names dmesg.txt:LINE, the klab line", async () => {
    const from = join(TESTDATA_CAPTURES, 'linux-7.2-pool-c4-m1024')
    const line = readFileSync(join(from, 'dmesg.txt'), 'utf8').split('\n').findIndex((l) => l.includes('klab: early_pfn ')) + 1
    expect(line).toBe(97)
    const {warnings} = await run({from, debug: false, given: ['debug']})
    expect(warnings.filter((w) => /DEBUG/.test(w))).toEqual([
      `--no-debug overrides the capture's MEM_ALLOC_PROFILING_DEBUG (yes, ${join(from, 'dmesg.txt')}:${line}): predicted for no, another host than the one measured`,
    ])
  })
})
