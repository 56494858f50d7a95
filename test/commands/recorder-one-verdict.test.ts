// One boot, one recorder verdict: analyse, predict --from and batch apply the same rule
// (analysis/built-recorder.ts: without MEM_ALLOC_PROFILING_DEBUG no recorder is built). A review
// found a 7.2 boot whose page_ext came up after SMP (DEBUG not stated, inferred off) called `pool`
// by analyse and batch's profiling, `none` by predict --from and batch's prediction, the latter
// said as fact. An inferred DEBUG gives "most likely none" everywhere; a stated one a fact.
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import type {BatchRecord} from '../../src/batch/schema.js'
import {runCli} from '../helpers/cli.js'
import {SAMPLES, captureDir} from '../helpers/paths.js'

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

/**
 * DERIVED from the real lab boot lab-7.2-poollate-c8-m1024 (a DEBUG pool kernel with early_page_ext
 * off: page_ext after SMP): its klab: lines, the log's only statement of DEBUG, dropped; its real
 * dump beside it as it is (the tracking site at line 528, `0 0`), or with that line removed.
 */
function derivedCapture(name: string, dump: 'real' | 'no tracking site' | 'none'): string {
  const real = captureDir('lab-7.2-poollate-c8-m1024')
  const cap = join(dir, name)
  mkdirSync(cap)
  writeFileSync(join(cap, 'dmesg.txt'), readFileSync(join(real, 'dmesg.txt'), 'utf8').split('\n').filter((l) => !l.includes('klab:')).join('\n'))
  const lines = readFileSync(join(real, 'allocinfo.txt'), 'utf8').split('\n')
  expect(lines[527]).toMatch(/^ +0 +0 lib\/alloc_tag\.c:830 func:__alloc_tag_add_early_pfn /)
  if (dump === 'no tracking site') lines.splice(527, 1)
  if (dump !== 'none') writeFileSync(join(cap, 'allocinfo.txt'), lines.join('\n'))
  return cap
}

describe("a capture's dump listing the pool recorder's tracking site states DEBUG (built-recorder.ts withDumpDebug)", () => {
  it('the DERIVED poollate capture (DEBUG not in the log, page_ext after SMP) with its real dump: pool in analyse, predict --from and batch, DEBUG stated from the dump', async () => {
    const cap = derivedCapture('with-dump', 'real')
    const v = await verdicts(cap)
    expect([v.analyse.recorder, v.predict.recorder, ...v.batch]).toEqual(['pool', 'pool', 'pool', 'pool'])
    expect(v.predict.reason).not.toMatch(/most likely/)
    const a = await json<{profiling: {debug: unknown; debugReason: string}}>(['analyse', cap])
    expect(a.profiling.debug).toBe(true)
    expect(a.profiling.debugReason).toBe(`${join(cap, 'allocinfo.txt')}:528: allocinfo lists __alloc_tag_add_early_pfn, the pfn_pool recorder's tracking site, a function built only with CONFIG_MEM_ALLOC_PROFILING_DEBUG`)
    // A flag over it names the dump's line as where the capture states DEBUG.
    const off = await runCli(['predict', '--from', cap, '--no-debug', '--json'])
    expect((JSON.parse(off.stdout) as {warnings: string[]}).warnings).toContain(
      `--no-debug overrides the capture's MEM_ALLOC_PROFILING_DEBUG (yes, ${join(cap, 'allocinfo.txt')}:528): predicted for no, another host than the one measured`,
    )
    // The log and the dump named apart (analyse LOG --allocinfo DUMP): the same.
    const named = await json<{profiling: {recorder: string; debug: unknown}}>(['analyse', join(cap, 'dmesg.txt'), '--allocinfo', join(cap, 'allocinfo.txt')])
    expect([named.profiling.recorder, named.profiling.debug]).toEqual(['pool', true])
    // batch's record says so in its profiling, as analyse --json does, and predicts for a DEBUG host (nothing left untagged).
    const rec = JSON.parse((await runCli(['batch', cap])).stdout.trim()) as BatchRecord
    expect([rec.profiling!.debug, (rec.prediction as {untagged: number}).untagged]).toEqual([true, 0])
    // diff's rules over the capture expect what its pool kernel does (a tracking page's bound), not a kernel without a recorder.
    const d = await json<{expectation: {recorder: string; leakBoundBytes: number}}>(['diff', cap])
    expect([d.expectation.recorder, d.expectation.leakBoundBytes]).toEqual(['pool', 4096])
  })

  it('the same log without a dump, or with a dump lacking the tracking site: "most likely none" as before, in all', async () => {
    for (const dump of ['none', 'no tracking site'] as const) {
      const cap = derivedCapture(`dump-${dump.replaceAll(' ', '-')}`, dump)
      const v = await verdicts(cap)
      expect([v.analyse.recorder, v.predict.recorder, ...v.batch], dump).toEqual(['none', 'none', 'none', 'none'])
      expect(v.analyse.reason, dump).toMatch(/^most likely none: page_ext came up after SMP \(line 146\)/)
      expect(v.predict.reason, dump).toMatch(/^most likely none: page_ext came up after SMP \(line 146\)/)
      expect((await json<{expectation: {recorder: string}}>(['diff', cap])).expectation.recorder, dump).toBe('none')
    }
  })
})
