// `allocscope analyse` end to end (built commands in dist/: run `npx tsc -p tsconfig.json` first).
// Expected values are read from the real sample files here, independently of the analyser.
import {copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {REPO, SAMPLES} from '../helpers/paths.js'

const run = (args: string[]) => runCommand(['analyse', ...args], {root: REPO})
const exitCode = (e: {oclif?: {exit?: number}} | undefined) => (e === undefined ? 0 : (e.oclif?.exit ?? -1))

const NOTRACK = join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink')
const POOL = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
const NUMA2 = join(SAMPLES, 'linux-6.12-instr_smp064_2G_numa2')

/** `klab:` line values of a real dmesg, read here with a regex of the test's own. */
function klab(path: string, kind: string): Record<string, number> {
  const line = readFileSync(path, 'utf8')
    .split('\n')
    .find((l) => l.includes(`klab: ${kind} `))!
  return Object.fromEntries([...line.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1], +m[2]]))
}

interface Json {
  schema: string
  command: string
  result: {
    host: Record<string, {value: unknown; line: number}>
    profiling: {mode: string; recorder: string; debug: unknown}
    findings: {id: string; severity: string; line: number; splat?: {guilty?: {fn: string}}}[]
    klab: {kind: string; values: Record<string, number>}[]
    allocinfo?: {totals: {sites: number}; inaccurateCount: number; top: unknown[]}
  }
}

describe('allocscope analyse', () => {
  it('exit 0 on a clean capture; --json result is the BootAnalysis + allocinfo summary', async () => {
    const {stdout, error} = await run([POOL, '--json'])
    expect(exitCode(error)).toBe(0)
    const j = JSON.parse(stdout) as Json
    expect([j.schema, j.command]).toEqual(['allocscope/v1', 'analyse'])
    expect(j.result.host.possibleCpus.value).toBe(64)
    expect(j.result.profiling.recorder).toBe('pool')
    expect(j.result.findings).toEqual([])
    expect(j.result.klab.find((k) => k.kind === 'early_pfn')?.values).toEqual(klab(join(POOL, 'dmesg.txt'), 'early_pfn'))
    const inaccurate = readFileSync(join(POOL, 'allocinfo.txt'), 'utf8').split('\n').filter((l) => l.includes(' accurate:no')).length
    expect(j.result.allocinfo?.inaccurateCount).toBe(inaccurate)
    expect(j.result.allocinfo?.top).toHaveLength(10)
  })

  it('--fail-on warning on the notrack sample: exit 1 (alloc_tag was not set)', async () => {
    const {stdout, error} = await run([NOTRACK, '--fail-on', 'warning'])
    expect(exitCode(error)).toBe(1)
    expect(stdout).toContain('alloc-tag-not-set')
  })

  it('--fail-on error on the notrack sample: exit 0', async () => {
    const {error} = await run([NOTRACK, '--fail-on', 'error'])
    expect(exitCode(error)).toBe(0)
  })

  it('--traces marks the guilty frame (a WARNING: the function that warned, its faulting PC)', async () => {
    const {stdout} = await run([join(NUMA2, 'dmesg.txt'), '--traces', '--format', 'text'])
    expect(stdout).toMatch(/^>\s+\[PC\] topology_sane\.isra\.0\+0x62$/m)
    expect(stdout).toMatch(/^\s+set_cpu_sibling_map\+0x164$/m)
    expect(stdout).toContain('message: sched: CPU #32')
  })

  it('--recorder overrides the inference', async () => {
    const {stdout} = await run([NUMA2, '--recorder', 'legacy', '--json'])
    expect((JSON.parse(stdout) as Json).result.profiling.recorder).toBe('legacy')
  })

  it('--allocinfo adds the summary to a bare boot log', async () => {
    const {stdout} = await run([join(NOTRACK, 'dmesg.txt'), '--allocinfo', join(NOTRACK, 'allocinfo.txt'), '--json'])
    const sites = readFileSync(join(NOTRACK, 'allocinfo.txt'), 'utf8').split('\n').filter((l) => /^\s*-?\d+\s+\d+\s+\S+:\d+/.test(l)).length
    expect((JSON.parse(stdout) as Json).result.allocinfo?.totals.sites).toBeLessThanOrEqual(sites)
    expect((JSON.parse(stdout) as Json).result.allocinfo?.totals.sites).toBeGreaterThan(900)
  })

  it('a missing file: exit 2, one line naming it', async () => {
    const missing = join(SAMPLES, 'no-such-dmesg.txt')
    const {stderr, error} = await run([missing])
    expect(exitCode(error)).toBe(2)
    expect(stderr).toContain(`allocscope: ${missing}: no such file or directory\n`)
  })

  it('not a kernel log: exit 2', async () => {
    const {stderr, error} = await run([join(SAMPLES, 'PROVENANCE.md')])
    expect(exitCode(error)).toBe(2)
    expect(stderr).toMatch(/^allocscope: .*PROVENANCE\.md: not a kernel log/m)
  })

  it('a capture directory with allocinfo.txt but no boot log: exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'allocscope-analyse-'))
    try {
      copyFileSync(join(POOL, 'allocinfo.txt'), join(dir, 'allocinfo.txt'))
      const {stderr, error} = await run([dir])
      expect(exitCode(error)).toBe(2)
      expect(stderr).toContain(`allocscope: ${dir}: no boot log in this capture directory`)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })

  it('an empty file: exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'allocscope-analyse-'))
    try {
      writeFileSync(join(dir, 'dmesg.txt'), '')
      const {stderr, error} = await run([join(dir, 'dmesg.txt')])
      expect(exitCode(error)).toBe(2)
      expect(stderr).toMatch(/^allocscope: .*dmesg\.txt.*empty/m)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
