// predict --kernel: a release no shipped profile was fitted on says which profile stands in and
// why; something that is not a release is refused (exit 2), never silently modelled as 7.2.
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runCli} from '../helpers/cli.js'
import {REPO} from '../helpers/paths.js'

/** The built CLI in-process (test/helpers/cli.ts). */
const run = (...args: string[]) => runCli(['predict', ...args])

describe.skipIf(!existsSync(join(REPO, 'dist', 'commands')))('predict --kernel (built CLI)', () => {
  it('banana and 7 are refused with one line, exit 2', async () => {
    for (const k of ['banana', '7', '7.2; rm -rf /']) {
      const r = await run('--cpus', '4', '--kernel', k)
      expect(r.status, k).toBe(2)
      expect(r.stderr.trim().split('\n')).toEqual([`allocscope: --kernel ${k}: not a kernel release; expected one such as 7.2 or 6.12.117 (as uname -r prints it)`])
    }
  })

  it('8.0 and 6.13-rc4: modelled with the nearest profile, and the output says so; 7.2.13 needs no note', async () => {
    for (const [k, series] of [['8.0', '7.2'], ['6.13.0-rc4', '6.12'], ['7.0.4', '7.2'], ['6.15', '6.12']]) {
      const j = JSON.parse((await run('--cpus', '4', '--kernel', k!, '--json')).stdout)
      expect(j.result.profile, k).toBe(`linux-${series}-before-smp`)
      expect(j.warnings.some((w: string) => w.startsWith(`no shipped profile for kernel ${k}: using ${j.result.profile} (kernel ${series}, the nearest release with a profile`)), k).toBe(true)
    }
    const j = JSON.parse((await run('--cpus', '4', '--kernel', '7.2.13', '--json')).stdout)
    expect(j.warnings.filter((w: string) => w.startsWith('no shipped profile'))).toEqual([])
  })

  it('a kernel before memory allocation profiling (6.10) is refused, exit 2: it cannot warn (was: "would warn if freed 162 pages" with the 7.2 profile)', async () => {
    for (const k of ['6.1', '5.10', '6.9.12']) {
      const r = await run('--cpus', '4', '--kernel', k)
      expect(r.status, k).toBe(2)
      expect(r.stderr.trim()).toBe(`allocscope: --kernel ${k}: CONFIG_MEM_ALLOC_PROFILING does not exist before 6.10: nothing to predict`)
    }
    expect((await run('--cpus', '4', '--kernel', '6.10')).status).toBe(0)
  })

  it('--from with host flags: only the flags typed count (oclif defaults do not), each override said', async () => {
    const c4 = join(REPO, 'testdata', 'captures', 'linux-7.2-pool-c4-m1024')
    const plain = JSON.parse((await run('--from', c4, '--json')).stdout)
    expect(plain.warnings.filter((w: string) => w.includes('overrides'))).toEqual([])
    expect(plain.result.measured.differentHost).toBeUndefined()
    const over = JSON.parse((await run('--from', c4, '--memory', '64G', '--no-debug', '--json')).stdout)
    expect(over.warnings.filter((w: string) => w.includes('overrides')).map((w: string) => w.split(' overrides')[0])).toEqual(['--memory 64G', '--no-debug'])
    expect(over.result.host.memoryBytes).toBe(64 * 2 ** 30)
    expect(over.result.measured.differentHost).toBe(true)
  })

  it('every refusal starts "allocscope: " (was "allocscope predict: " for the values oclif refuses, "allocscope: " for the others)', async () => {
    for (const args of [['--cpus', '0'], ['--seed', '-1'], ['--nosuch'], ['--memory', '5X'], ['--sweep', '9..1']]) {
      const r = await run(...args)
      expect(r.status, args.join(' ')).toBe(2)
      expect(r.stderr, args.join(' ')).toMatch(/^allocscope: [^\n]+\n$/)
    }
  })
})
