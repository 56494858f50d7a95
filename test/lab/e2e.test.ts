// Real boots: the lab kernel under QEMU with 1 and 4 CPUs, captured by `allocscope capture`,
// then read by `allocscope analyse`. Skipped, with the reason in the test name, when there is no
// kernel image, QEMU or busybox here; never faked.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {afterAll, describe, expect, it} from 'vitest'
import {LAB_KERNEL, LAB_KERNEL_7_2, LAB_KERNEL_7_2_LEGACY, LAB_KERNEL_7_2_LEGACYLATE, LAB_KERNEL_7_2_NOTRACK, LAB_KERNEL_7_2_POOL, labSkipReason} from '../helpers/lab.js'
import {captureDir, REPO} from '../helpers/paths.js'

const skip = labSkipReason()
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-e2e-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

describe(`capture → analyse on a real boot of ${LAB_KERNEL}`, () => {
  for (const cpus of [1, 4]) {
    it.skipIf(skip !== undefined)(`${cpus} CPU(s)${skip ? ` (skipped: ${skip})` : ''}`, {timeout: 300_000}, async () => {
      const out = join(tmp, `c${cpus}`)
      const cap = await runCommand(
        ['capture', '--kernel', LAB_KERNEL, '--cpus', String(cpus), '--memory', '1G', '--accel', 'tcg',
          // runCommand re-splits its argv on spaces unless quoted
          '--append="sysctl.vm.mem_profiling=1 lpj=8384024"', '--timeout', '240', '--out', out, '--json'],
        {root: REPO},
      )
      expect(cap.error?.message).toBeUndefined()
      const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'))
      expect(JSON.parse(cap.stdout).result).toEqual(meta)
      expect(meta.complete).toBe(true)
      expect(meta.cpuinfo_processors).toBe(cpus) // the guest's /proc/cpuinfo
      expect(meta.kernel_release).toMatch(/^\d+\.\d+/)
      expect(readFileSync(join(out, 'allocinfo.txt'), 'utf8')).toMatch(/^allocinfo - version: \d\.\d\n/)

      const an = await runCommand(['analyse', out, '--json'], {root: REPO})
      expect(an.error?.message).toBeUndefined()
      const r = JSON.parse(an.stdout).result
      expect(r.host.onlineCpus.value).toBe(cpus)
      expect(r.host.release.value).toBe(meta.kernel_release)
      // allocinfo parsed: every site line became a site (+2 header lines), nothing skipped.
      expect(r.allocinfo.skipped).toBe(0)
      expect(r.allocinfo.lines).toBe(meta.allocinfo_lines)
      expect(r.allocinfo.lines).toBeGreaterThan(500)
    })
  }
})

describe('capture --then analyse on a real boot', () => {
  it.skipIf(skip !== undefined)(`2 of 8 possible CPUs, 2 NUMA nodes, then analyse${skip ? ` (skipped: ${skip})` : ''}`, {timeout: 300_000}, async () => {
    const out = join(tmp, 'c2-p8-n2')
    const r = await runCommand(
      ['capture', '--kernel', LAB_KERNEL, '--cpus', '2', '--possible', '8', '--nodes', '2', '--memory', '2G', '--accel', 'tcg',
        '--timeout', '240', '--out', out, '--json', '--then', 'analyse'],
      {root: REPO},
    )
    expect(r.error?.message).toBeUndefined()
    // Two JSON documents: the capture's envelope, then analyse's.
    const [cap, an] = r.stdout.trim().split(/\n(?=\{)/).map((doc) => JSON.parse(doc))
    expect(cap.command).toBe('capture')
    expect(cap.result.kernel_cmdline).toMatch(/ maxcpus=2$/)
    expect(an.command).toBe('analyse')
    expect(an.result.host.onlineCpus.value).toBe(2)
    expect(an.result.host.possibleCpus.value).toBe(8)
    expect(an.result.host.numaNodes.value).toBe(2)
  })
})

// The 7.2 lab kernels (Debian linux-source-7.2 7.2.13-1, the corpus's version), stock and with the
// lab's klab: patch: one 4-CPU boot each, read against the corpus boot made the same way. The
// corpus kernel printed klab: lines (its instrumentation): the stock kernel prints none, the
// pool kernel's must carry the corpus's values (with DEBUG, page_ext is up before the secondary
// CPUs, so the early window is the same on every boot).
const kernels72 = [
  {kernel: LAB_KERNEL_7_2, instrumented: false, build: 'set ALLOCSCOPE_KERNEL_7_2 or run lab/build-kernel.sh 7.2'},
  {kernel: LAB_KERNEL_7_2_POOL, instrumented: true, build: 'set ALLOCSCOPE_KERNEL_7_2_POOL or run VARIANT=pool lab/build-kernel.sh 7.2'},
]
describe('capture → analyse on real boots of the 7.2 lab kernels', () => {
  for (const {kernel, instrumented, build} of kernels72) {
    const skip72 = labSkipReason(kernel, build)
    it.skipIf(skip72 !== undefined)(`${kernel}: 4 CPUs, 1024 MiB, against linux-7.2-pool-c4-m1024${skip72 ? ` (skipped: ${skip72})` : ''}`, {timeout: 300_000}, async () => {
      const out = join(tmp, `72-c4-${instrumented ? 'pool' : 'stock'}`)
      const cap = await runCommand(
        ['capture', '--kernel', kernel, '--cpus', '4', '--memory', '1024', '--accel', 'tcg',
          '--append="sysctl.vm.mem_profiling=1 lpj=8384024"', '--timeout', '240', '--out', out, '--json'],
        {root: REPO},
      )
      expect(cap.error?.message).toBeUndefined()
      // one after the other: runCommand captures the process's stdout
      const analyse = async (dir: string) => {
        const r = await runCommand(['analyse', dir, '--json'], {root: REPO})
        expect(r.error?.message).toBeUndefined()
        return JSON.parse(r.stdout).result
      }
      const lab = await analyse(out)
      const corpus = await analyse(captureDir('linux-7.2-pool-c4-m1024'))
      for (const k of ['release', 'onlineCpus', 'possibleCpus', 'numaNodes', 'memoryTotalKiB', 'pageExtWindow']) {
        expect(lab.host[k]?.value, k).toBe(corpus.host[k].value)
      }
      expect(lab.profiling.mode).toBe(corpus.profiling.mode)
      expect(lab.allocinfo.version).toBe('2.0')
      expect(lab.allocinfo.skipped).toBe(0)
      expect(lab.allocinfo.lines).toBe(corpus.allocinfo.lines)
      expect(corpus.klab.length).toBeGreaterThan(0)
      if (instrumented) expect(lab.klab.map((k: {kind: string; values: unknown}) => [k.kind, k.values])).toEqual(corpus.klab.map((k: {kind: string; values: unknown}) => [k.kind, k.values]))
      else expect(lab.klab).toEqual([])
    })
  }
})

describe('the 7.2 legacy-array lab kernels (lab/patches/7.2-legacy.patch)', () => {
  const boot = async (kernel: string, name: string, cpus: number, extra: string[] = []) => {
    const out = join(tmp, name)
    const cap = await runCommand(
      ['capture', '--kernel', kernel, '--cpus', String(cpus), '--memory', '1024', '--accel', 'tcg',
        '--append="sysctl.vm.mem_profiling=1 lpj=8384024"', '--timeout', '240', '--out', out, ...extra, '--json'],
      {root: REPO},
    )
    expect(cap.error?.message).toBeUndefined()
    const an = await runCommand(['analyse', out, '--json'], {root: REPO})
    expect(an.error?.message).toBeUndefined()
    return {out, r: JSON.parse(an.stdout).result}
  }
  const klab = (r: {klab: {kind: string; values: Record<string, number>}[]}) => r.klab.map((k) => [k.kind, k.values])

  const skipLegacy = labSkipReason(LAB_KERNEL_7_2_LEGACY, 'VARIANT=legacy lab/build-kernel.sh 7.2')
  it.skipIf(skipLegacy !== undefined)(`legacy, 1 CPU: the same klab: lines as linux-7.2-legacy-c1-m1024${skipLegacy ? ` (skipped: ${skipLegacy})` : ''}`, {timeout: 300_000}, async () => {
    const {r} = await boot(LAB_KERNEL_7_2_LEGACY, 'legacy-c1', 1)
    const corpus = JSON.parse((await runCommand(['analyse', captureDir('linux-7.2-legacy-c1-m1024'), '--json'], {root: REPO})).stdout).result
    // page_ext before SMP (DEBUG's early_page_ext): the early window is the same on every boot
    expect(r.host.pageExtWindow.value).toBe('before-smp')
    expect(klab(r)).toEqual(klab(corpus))
  })

  const skipLate = labSkipReason(LAB_KERNEL_7_2_LEGACYLATE, 'VARIANT=legacylate lab/build-kernel.sh 7.2')
  it.skipIf(skipLate !== undefined)(`legacylate, 4 CPUs: page_ext after SMP, the count predicted within the bound${skipLate ? ` (skipped: ${skipLate})` : ''}`, {timeout: 300_000}, async () => {
    const {out, r} = await boot(LAB_KERNEL_7_2_LEGACYLATE, 'legacylate-c4', 4)
    expect(r.host.pageExtWindow.value).toBe('after-smp')
    const k = r.klab.find((x: {kind: string}) => x.kind === 'early_pfn_legacy')
    expect(k.values.cpus).toBe(4)
    expect(k.values.dropped).toBe(0)
    // After SMP the count varies from boot to boot (lab/README.md: up to ±8 % on a quiet host) and
    // with the host's load, which changes what the other CPUs do while page_ext waits: this boot
    // of 4 CPUs gave 235 quiet (lab-7.2-legacylate-c4-m1024) and 271 under a full `npm test` on
    // the same 2 cores. So the model is judged against a 25 % band here, and the boot's count is
    // read as the kernel's own (dropped 0, cpus 4); the 10 % bound is held on the committed boots
    // (test/model/fidelity.test.ts).
    const p = JSON.parse((await runCommand(['predict', '--from', out, '--json'], {root: REPO})).stdout).result
    expect(p.profile).toBe('linux-7.2-after-smp')
    expect(Math.abs(p.legacy.recorded - k.values.recorded)).toBeLessThanOrEqual(0.25 * k.values.recorded)
  })

  const skipNotrack = labSkipReason(LAB_KERNEL_7_2_NOTRACK, 'VARIANT=notrack lab/build-kernel.sh 7.2')
  it.skipIf(skipNotrack !== undefined)(`notrack, 2 CPUs, --workload shrink: nothing recorded, "alloc_tag was not set" fires${skipNotrack ? ` (skipped: ${skipNotrack})` : ''}`, {timeout: 300_000}, async () => {
    const {out, r} = await boot(LAB_KERNEL_7_2_NOTRACK, 'notrack-c2-shrink', 2, ['--workload', 'shrink'])
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'))
    expect(meta.mode).toBe('shrink')
    expect(readFileSync(join(out, 'console.log'), 'latin1')).toContain('smpboot: CPU 1 is now offline')
    const k = r.klab.find((x: {kind: string}) => x.kind === 'early_pfn')
    expect(k.values.recorded).toBe(0)
    expect(k.values.untagged_calls).toBeGreaterThan(0)
    expect(r.findings.map((f: {id: string}) => f.id)).toContain('alloc-tag-not-set')
  })
})
