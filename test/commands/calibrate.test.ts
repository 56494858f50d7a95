// `allocscope calibrate` end to end on the samples and the real captures.
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {parseProfile} from '../../src/model/profile.js'
import {captureDir, REPO, SAMPLES} from '../helpers/paths.js'

const run = (args: string[]) => runCommand(['calibrate', ...args], {root: REPO})
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-calibrate-'))

describe('allocscope calibrate', () => {
  it('fits the 6.12 after-SMP boots and writes a profile with its provenance', async () => {
    const out = join(tmp, 'p.json')
    const dirs = ['001', '004', '016', '064'].map((n) => captureDir(`linux-6.12-nodebug_smp${n}_1G`))
    const r = await run([...dirs, '--out', out, '--format', 'text'])
    expect(r.error).toBeUndefined()
    expect(r.stdout).toMatch(/R\^2\s+1/)
    const p = parseProfile(readFileSync(out, 'utf8'), out)
    expect(p.window).toBe('after-smp')
    expect(p.provenance.captures.map((c) => c.measured)).toEqual([198, 310, 646, 1955])
    expect(p.provenance.looMaxRelError).toBeLessThan(0.1)
  })

  it('two samples determine two terms but no leave-one-out: it says so', async () => {
    const r = await run([join(SAMPLES, 'linux-7.2-pool-c64-m1024'), join(SAMPLES, 'linux-7.2-pool-c255-m1024'), '--json'])
    const res = JSON.parse(r.stdout).result
    expect(res.points.map((p: any) => p.measured)).toEqual([142, 225])
    expect(res.points[0].looReason).toMatch(/1 capture remains for 2 terms/)
  })

  it('refuses captures that cannot determine a term: exit 2 and the reason', async () => {
    const r = await run([captureDir('linux-7.2-pool-c64-m1024'), captureDir('linux-7.2-pool-c64-m1024-maxcpus4')])
    expect(r.error?.oclif?.exit).toBe(2)
    expect(r.stderr).toMatch(/every capture has possibleCpus = 64/)
    const r2 = await run([join(SAMPLES, 'linux-7.2-pool-c64-m1024'), '--terms', 'bogus'])
    expect(r2.stderr).toMatch(/unknown term bogus/)
  })
})
