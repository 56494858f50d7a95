// The calibrate command's work without oclif (src/model/calibrate-run.ts): --terms, the user-
// name of a fit not written into profiles/, and --out without --force.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import type {FitOutcome} from '../../src/model/calibrate.js'
import {nameFit, parseTerms, runCalibrate} from '../../src/model/calibrate-run.js'
import {PROFILES_DIR} from '../../src/model/profile.js'
import {SAMPLES} from '../helpers/paths.js'

const fit = (name: string) => ({profile: {name}}) as FitOutcome

describe('calibrate flags', () => {
  it('--terms: known terms, trimmed; an unknown one is refused naming it', () => {
    expect(parseTerms('base, possibleCpus')).toEqual(['base', 'possibleCpus'])
    expect(() => parseTerms('possibleCpus,cpuz')).toThrow(/^--terms: unknown term\(s\) cpuz; expected base, /)
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
