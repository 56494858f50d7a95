// What `diff` judges and gates on is what its inputs show, and nothing else: a capture directory's
// dump is not another boot's evidence, a line the reader skipped is said, one count row is judged
// one way, anomalies gate where the sites shown are. Inputs: DERIVED from real samples, written in
// the test.
import {mkdtempSync, readFileSync, writeFileSync, mkdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {REPO, SAMPLES} from '../helpers/paths.js'

const POOL = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
const NOTRACK = join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink')
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-diff-judged-'))
const run = (args: string[]) => runCommand(['diff', ...args], {root: REPO})
const exitCode = (e: {oclif?: {exit?: number}} | undefined) => (e === undefined ? 0 : (e.oclif?.exit ?? -1))

/** DERIVED: a capture directory of the given files (name → text). */
function derivedDir(name: string, files: Record<string, string>): string {
  const d = join(tmp, `DERIVED-${name}`)
  mkdirSync(d)
  for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text)
  return d
}
const text = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8')

describe('diff of one capture: the dump is evidence for the boot it was read after', () => {
  // DERIVED: pool-c64's log followed by notrack's (two boots), and notrack's dump, read after the last.
  const TWO_BOOTS = derivedDir('pool-then-notrack', {'dmesg.txt': text(POOL, 'dmesg.txt') + text(NOTRACK, 'dmesg.txt'), 'allocinfo.txt': text(NOTRACK, 'allocinfo.txt')})

  it('--boot -1: the other boot\'s dump is not used, a warning says why, nothing of it is gated', async () => {
    const {stdout, error} = await run([TWO_BOOTS, '--boot=-1', '--fail-on', 'warning', '--json'])
    const j = JSON.parse(stdout)
    expect(exitCode(error)).toBe(0)
    expect(j.result.allocinfo).toBeUndefined()
    expect(j.result.dump).toMatchObject({path: join(TWO_BOOTS, 'allocinfo.txt'), used: false})
    expect(j.result.anomalyKinds).toBeUndefined()
    const fired = j.result.outcomes.filter((o: {status: string}) => o.status !== 'ok' && o.status !== 'n/a').map((o: {rule: string}) => o.rule)
    expect(fired).not.toContain('inaccurate-counters')
    expect(j.warnings.some((w: string) => w.startsWith(`${join(TWO_BOOTS, 'allocinfo.txt')}: not used: the dump was read after the log's last boot`))).toBe(true)
  })

  it('the last boot (default) still uses it', async () => {
    const {stdout} = await run([TWO_BOOTS, '--json'])
    const j = JSON.parse(stdout)
    expect(j.result.allocinfo).toBe(join(TWO_BOOTS, 'allocinfo.txt'))
    expect(j.result.dump).toBeUndefined()
  })
})
