// `predict --gb-pages/--no-gb-pages`, `--from` a boot without GB pages, and the inventory column,
// end to end (built commands from dist/).
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/model/profile.js'
import {captureDir, REPO} from '../helpers/paths.js'

const run = (args: string[], cmd = 'predict') => runCommand([cmd, ...args], {root: REPO})
const result = (out: string) => JSON.parse(out).result
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-predict-gbpages-'))
const Q64 = 'linux-6.12-instr_smp004_1G_qemu64'

describe('predict --no-gb-pages', () => {
  const host = ['--cpus', '4', '--kernel', '6.12']

  it('with the shipped 6.12 profile (fitted with noGbPages): counted, and the host row says by how much', async () => {
    const on = result((await run([...host, '--json'])).stdout)
    const off = result((await run([...host, '--no-gb-pages', '--json'])).stdout)
    expect(on.host.gbPages).toBe(true)
    expect(off.host.gbPages).toBe(false)
    const t = loadProfile(off.profile).terms.find((x) => x.id === 'noGbPages')!
    expect(t).toBeDefined()
    // each count is rounded on its own, so the difference is the coefficient within one call
    expect(Math.abs(off.events - on.events - t.calls)).toBeLessThan(1)
    const text = (await run([...host, '--no-gb-pages', '--format', 'text'])).stdout
    expect(text).toMatch(/GB pages +no \(2 MiB direct map\) \(noGbPages: \+[\d.]+ calls\)/)
    expect(text).not.toMatch(/not counted/)
    // the 7.2 profile has no such term: not counted, and said
    const off72 = (await run(['--cpus', '4', '--kernel', '7.2', '--no-gb-pages', '--format', 'text'])).stdout
    expect(off72).toMatch(/GB pages +no \(2 MiB direct map\) \(not in the profile\)/)
    expect(off72.replace(/\s+/g, ' ')).toContain('no GB pages: profile linux-7.2-before-smp has no noGbPages term, so the extra early page-table pages of a 2 MiB direct map are not counted')
    expect((await run([...host, '--format', 'text'])).stdout).not.toMatch(/GB pages/)
  })

  it('with a profile fitted on the term (calibrate --terms normalZone,noGbPages): the prediction differs', async () => {
    const out = join(tmp, 'with-term.json')
    const captures = loadProfile('linux-6.12-before-smp').provenance.captures.map((c) => captureDir(c.capture))
    const c = await run([...captures, '--terms', 'normalZone,noGbPages', '--out', out, '--json'], 'calibrate')
    expect(c.error).toBeUndefined()
    const coef = result(c.stdout).profile.terms.find((x: {id: string}) => x.id === 'noGbPages').calls
    const on = result((await run([...host, '--profile', out, '--json'])).stdout)
    const off = result((await run([...host, '--profile', out, '--no-gb-pages', '--json'])).stdout)
    // the same terms plus the noGbPages coefficient once
    const sumOn = on.terms.reduce((s: number, x: {calls: number}) => s + x.calls, 0)
    expect(off.events).toBe(Math.round(sumOn + coef))
    expect(off.events - on.events).toBeGreaterThanOrEqual(10)
  })

  it('--from the qemu64 capture takes GB pages off the log', async () => {
    const r = result((await run(['--from', captureDir(Q64), '--json'])).stdout)
    expect(r.host.gbPages).toBe(false)
    // klab: early_page_allocs calls=77 in that boot
    expect(r.measured.calls).toBe(77)
  })

  it('an inventory with a bad gb_pages value: exit 2, file:line and the column', async () => {
    const inv = join(tmp, 'synthetic-inventory.csv')
    writeFileSync(inv, 'name,cpus,gb_pages\na,4,no\nb,4,perhaps\n')
    const r = await run(['--hosts', inv])
    expect(r.error?.oclif?.exit).toBe(2)
    expect(r.stderr).toContain(`${inv}:3: column gb_pages: "perhaps" is not yes/no`)
  })
})
