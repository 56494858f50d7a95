// Issue 16: predict says which recorder the kernel carries before any what-if, and how it knows:
// the capture's klab line or recorder messages, the allocinfo tracking site, the release, or
// --recorder. A kernel without a recorder is predicted 0 recorded with its untagged early pages.
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {REPO, SAMPLES, captureDir} from '../helpers/paths.js'

const run = async (args: string[]) => {
  const r = await runCommand(['predict', ...args, '--json'], {root: REPO})
  return JSON.parse(r.stdout).result
}

describe('predict: the recorder verdict', () => {
  it('--from the notrack sample (klab: nothing recorded): recorder none, 0 recorded, every early page untagged and would warn if freed', async () => {
    const res = await run(['--from', join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink')])
    expect(Object.keys(res)[0]).toBe('recorder')
    expect(res.recorder).toBe('none')
    expect(res.recorderReason).toMatch(/klab: early_pfn" at line \d+ .*nothing recorded/)
    expect(res.kernel.recorded).toEqual({value: 0, low: 0, high: 0})
    expect(res.kernel.leftUntaggedCalls).toEqual(res.calls)
    // klab: untagged_calls=79 on this boot
    expect(res.kernel.leftUntaggedCalls.low).toBeLessThanOrEqual(79)
    expect(res.kernel.leftUntaggedCalls.high).toBeGreaterThanOrEqual(79)
    expect(res.kernel.wouldWarnIfFreedPages).toEqual(res.kernel.leftUntaggedPages)
  })

  it('--from a 6.12 boot: none (no recorder before 7.0); --recorder overrides; --kernel alone is a stated guess', async () => {
    const a = await run(['--from', captureDir('linux-6.12-instr_smp004_1G')])
    expect(a.recorder).toBe('none')
    const b = await run(['--from', captureDir('linux-6.12-instr_smp004_1G'), '--recorder', 'legacy'])
    expect([b.recorder, b.recorderReason]).toEqual(['legacy', 'given with --recorder'])
    expect(b.kernel.recorded.value).toBe(b.calls.value)
    const c = await run(['--cpus', '8', '--kernel', '7.2.13'])
    expect(c.recorder).toBe('pool')
    expect(c.recorderReason).toMatch(/^a guess from --kernel 7\.2\.13/)
    const d = await run(['--cpus', '8'])
    expect(d.recorder).toBe('unknown')
    expect(d.kernel).toBeUndefined()
  })

  it('allocinfo\'s tracking site decides over a release guess (SYNTHETIC: the pool-c64 sample without its klab lines)', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'allocscope-recorder-')), 'pool-c64-no-klab-synthetic')
    mkdirSync(dir)
    const src = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
    writeFileSync(join(dir, 'dmesg.txt'), readFileSync(join(src, 'dmesg.txt'), 'utf8').replace(/^.*klab:.*\n/gm, ''))
    copyFileSync(join(src, 'allocinfo.txt'), join(dir, 'allocinfo.txt'))
    const res = await run(['--from', dir])
    expect(res.recorder).toBe('pool')
    expect(res.recorderReason).toMatch(/allocinfo\.txt:\d+: allocinfo lists the pfn_pool recorder's tracking site __alloc_tag_add_early_pfn/)
  })
})
