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

  it('5.10 and 8.0: modelled with the newest profile, and the output says so; 7.2.13 needs no note', async () => {
    for (const k of ['5.10', '8.0', '6.13.0-rc4']) {
      const j = JSON.parse((await run('--cpus', '4', '--kernel', k, '--json')).stdout)
      expect(j.warnings.some((w: string) => w.startsWith(`no shipped profile for kernel ${k}: using ${j.result.profile} (kernel `)), k).toBe(true)
    }
    const j = JSON.parse((await run('--cpus', '4', '--kernel', '7.2.13', '--json')).stdout)
    expect(j.warnings.filter((w: string) => w.startsWith('no shipped profile'))).toEqual([])
  })
})
