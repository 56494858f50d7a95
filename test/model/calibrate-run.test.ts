// The calibrate command's work without oclif (src/model/calibrate-run.ts): --terms, the user-
// name of a fit not written into profiles/, --out without --force, and why a fit has no interval.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import type {FitOutcome} from '../../src/model/calibrate.js'
import {nameFit, parseTerms, runCalibrate} from '../../src/model/calibrate-run.js'
import {defaultHost} from '../../src/model/host.js'
import {predict} from '../../src/model/predict.js'
import {PROFILES_DIR, loadProfile} from '../../src/model/profile.js'
import {SAMPLES, captureDir} from '../helpers/paths.js'

const fit = (name: string) => ({profile: {name}}) as FitOutcome

describe('calibrate flags', () => {
  it('--terms: known terms, trimmed; an unknown one is refused naming it', () => {
    expect(parseTerms('base, possibleCpus')).toEqual(['base', 'possibleCpus'])
    expect(() => parseTerms('possibleCpus,cpuz')).toThrow(/^--terms: unknown term cpuz; expected base, /)
  })

  it('a fit is user-… unless named (--name) or written into profiles/', () => {
    const names = [{}, {out: '/tmp/mine.json'}, {name: 'mine'}, {out: join(PROFILES_DIR, 'linux-7.2-before-smp.json')}].map((f) => {
      const o = fit('linux-7.2-before-smp')
      nameFit(o, f)
      return o.profile.name
    })
    expect(names).toEqual(['user-linux-7.2-before-smp', 'user-linux-7.2-before-smp', 'linux-7.2-before-smp', 'linux-7.2-before-smp'])
  })
})

describe('runCalibrate', () => {
  const caps = ['linux-7.2-pool-c64-m1024', 'linux-7.2-pool-c255-m1024'].map((n) => join(SAMPLES, n))
  const tmp = mkdtempSync(join(tmpdir(), 'allocscope-calibrate-run-'))

  it('writes the user profile to --out; an existing --out needs --force', () => {
    const out = join(tmp, 'p.json')
    const r = runCalibrate(caps, {out, force: false, terms: 'possibleCpus'})
    expect(JSON.parse(readFileSync(out, 'utf8')).name).toBe((r.result as FitOutcome).profile.name)
    expect((r.result as FitOutcome).profile.name).toMatch(/^user-linux-7\.2-/)
    expect(() => runCalibrate(caps, {out, force: false})).toThrow(`--out ${out}: the file exists; give --force to overwrite it`)
    writeFileSync(out, 'old')
    runCalibrate(caps, {out, force: true, terms: 'possibleCpus'})
    expect(readFileSync(out, 'utf8')).not.toBe('old')
  })
})

describe('a profile without a 90 % interval says why (what calibrate recorded)', () => {
  // README's calibrate example, cut to two real captures: base + onlineCpus, and no capture can be
  // predicted from the other alone.
  const two = [captureDir('linux-6.12-nodebug_smp001_1G'), captureDir('linux-6.12-nodebug_smp064_1G')]
  const host = {...defaultHost(), possibleCpus: 100, onlineCpus: 100}

  it('2 captures: too few to cross-validate, not "fitted before intervals were added"', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'allocscope-calibrate-two-')), 'my.json')
    runCalibrate(two, {out, force: false})
    const p = predict(host, loadProfile(out))
    expect(p.uncertainty.missing).toMatch(/has no 90 % interval: too few captures to cross-validate: none of its 2 captures could be predicted leave-one-out \(without this capture 1 capture remains for 2 terms\)/)
    expect(p.uncertainty.missing).toMatch(/base \+ onlineCpus need at least 3 captures$/)
    expect(p.uncertainty.missing).not.toMatch(/fitted before intervals/)
    // calibrate's own report says the same.
    const r = runCalibrate(two, {out, force: true})
    const rows = r.report.blocks.flatMap((b) => ('rows' in b && !('columns' in b) ? b.rows : [])) as {key: string; value: unknown; note?: string}[]
    expect(rows.find((x) => x.key === '90 % interval')?.note).toMatch(/^too few captures to cross-validate/)
  })

  it('3 captures give an interval; a profile with leave-one-out predictions but no interval predates intervals', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'allocscope-calibrate-three-')), 'my.json')
    runCalibrate([...two, captureDir('linux-6.12-nodebug_smp004_1G')], {out, force: false})
    expect(predict(host, loadProfile(out)).uncertainty.missing).toBeUndefined()
    const shipped = loadProfile('linux-6.12-after-smp')
    const old = {...shipped, provenance: {...shipped.provenance, interval: undefined}}
    expect(predict(host, old).uncertainty.missing).toMatch(/has no 90 % interval: fitted before intervals were added/)
  })
})
