// Which kernel releases a prediction takes has one home (src/analysis/releases.ts
// unsupportedRelease): before 6.10 there is no memory allocation profiling and nothing to predict.
// Every entry point that predicts refuses 6.9 and takes 6.10 with the same reason, each naming
// its own value: --kernel (with and without --from), a --from boot's kernel, a --hosts row's
// kernel, diff --predicted and batch's prediction of a boot (a review found three copies of the
// check in predict, and diff and batch predicting a 6.8 boot: "untagged 61").
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {unsupportedRelease} from '../../src/analysis/releases.js'
import {runCli} from '../helpers/cli.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

const WHY = 'CONFIG_MEM_ALLOC_PROFILING does not exist before 6.10: nothing to predict'
const CAPTURE = join(SAMPLES, 'linux-7.2-pool-c64-m1024')

/** DERIVED: the real 7.2 pool capture's log with its Linux version line saying `release`. */
function bootOf(release: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'allocscope-releases-'))
  const log = readFileSync(join(CAPTURE, 'dmesg.txt'), 'utf8').replace(/Linux version 7\.2\.\d+/, `Linux version ${release}`)
  writeFileSync(join(dir, 'dmesg.txt'), log)
  return join(dir, 'dmesg.txt')
}

/** Synthetic: a one-row inventory of a 4-CPU host running `release`. */
function inventoryOf(release: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'allocscope-releases-')), 'inv.csv')
  writeFileSync(path, `name,cpus,kernel\na,4,${release}\n`)
  return path
}

describe('unsupportedRelease: the one rule', () => {
  it('6.9 (and 6.9.12, 5.10) refused with the reason, typed or a boot\'s; 6.10 on taken', () => {
    for (const r of ['6.9', '6.9.12', '5.10.0-27-amd64']) for (const typed of [true, false]) expect(unsupportedRelease(r, typed)).toBe(WHY)
    for (const r of ['6.10', '6.10.0', '6.12.117', '7.2']) for (const typed of [true, false]) expect(unsupportedRelease(r, typed)).toBeUndefined()
  })

  it('a typed value must be a release as uname -r prints it; a boot\'s own release is what its kernel printed', () => {
    expect(unsupportedRelease('banana', true)).toBe('not a kernel release; expected one such as 7.2 or 6.12.117 (as uname -r prints it)')
    expect(unsupportedRelease('banana', false)).toBeUndefined()
  })
})

describe.skipIf(!existsSync(join(REPO, 'dist', 'commands')))('every entry point refuses 6.9 and takes 6.10 (built CLI)', () => {
  /** Each entry point: the arguments for a release, and how its refusal names the value. */
  const ENTRIES: {name: string; args: (release: string) => string[]; names: (release: string, args: string[]) => string}[] = [
    {name: 'predict --kernel', args: (r) => ['predict', '--cpus', '4', '--kernel', r], names: (r) => `--kernel ${r}`},
    {name: 'predict --kernel over --from', args: (r) => ['predict', '--from', CAPTURE, '--kernel', r], names: (r) => `--kernel ${r}`},
    {name: 'predict --from a boot', args: (r) => ['predict', '--from', bootOf(`${r}.0`)], names: (r, a) => `${a[2]}: the boot's kernel ${r}.0`},
    {name: 'predict --hosts', args: (r) => ['predict', '--hosts', inventoryOf(r)], names: (r, a) => `${a[2]}:2: column kernel: "${r}"`},
    {name: 'diff --predicted', args: (r) => ['diff', '--predicted', bootOf(`${r}.0`)], names: (r, a) => `${a[2]}: the boot's kernel ${r}.0`},
  ]

  for (const e of ENTRIES) {
    it(`${e.name}: 6.9 exit 2 with the reason, 6.10 exit 0`, async () => {
      const args = e.args('6.9')
      const r = await runCli(args)
      expect(r.status).toBe(2)
      expect(r.stderr).toBe(`allocscope: ${e.names('6.9', args)}: ${WHY}\n`)
      expect((await runCli(e.args('6.10'))).status).toBe(0)
    })
  }

  it('batch: a 6.9 boot\'s prediction is its error with the reason; a 6.10 boot\'s is made', async () => {
    const prediction = async (r: string) => JSON.parse((await runCli(['batch', bootOf(r)])).stdout.trim()).prediction
    expect(await prediction('6.9.0')).toEqual({error: `the boot's kernel 6.9.0: ${WHY}`})
    expect(await prediction('6.10.0')).toMatchObject({recorder: 'pool', earlyPfns: expect.any(Number)})
  })

  it('diff of one boot: the rules run, the model does not for 6.9 (its note says why); it does for 6.10', async () => {
    const result = async (r: string) => JSON.parse((await runCli(['diff', bootOf(r), '--json'])).stdout).result
    const old = await result('6.9.0')
    expect([old.expectation, old.modelNote]).toEqual([null, expect.stringMatching(new RegExp(`dmesg\\.txt: the boot's kernel 6\\.9\\.0: ${WHY}$`))])
    expect(old.outcomes.length).toBeGreaterThan(0)
    expect((await result('6.10.0')).expectation).not.toBeNull()
  })
})
