// predict's uncertainty range-checks a host on its profile's facts (terms.ts checkedFacts): a
// function of the profile alone, made once per profile (predict.ts profileFacts), not once per
// prediction (a sweep's 64 points, each also covering the other series, and a fleet's hosts).
import {describe, expect, it} from 'vitest'
import {defaultHost} from '../../src/model/host.js'
import {predict, profileFacts} from '../../src/model/predict.js'
import {listProfiles, loadProfile} from '../../src/model/profile.js'
import {checkedFacts} from '../../src/model/terms.js'

describe('uncertainty: the checked facts made once per profile', () => {
  it('asked again for a profile, the same list, made once: checkedFacts of its window and terms', () => {
    for (const profile of listProfiles()) {
      const facts = profileFacts(profile)
      expect(profileFacts(profile)).toBe(facts)
      expect(facts).toEqual(checkedFacts(profile.window, profile.terms.map((t) => t.id)))
    }
    // A profile of its own (a user's, another object): its own list.
    const shipped = loadProfile('linux-6.12-after-smp')
    const mine = {...shipped, terms: [...shipped.terms, {id: 'kasan' as const, calls: 0, pages: 0}]}
    expect(profileFacts(mine)).toContain('kasan')
    expect(profileFacts(shipped)).not.toContain('kasan')
  })

  it('what a prediction is checked on: 6.12 after SMP fitted on 1 GiB, a 16 GiB host lies outside', () => {
    const p = predict({...defaultHost(), debug: false, kernel: '6.12', memoryBytes: 16 * 2 ** 30, possibleCpus: 4, onlineCpus: 4}, loadProfile('linux-6.12-after-smp'))
    expect(p.uncertainty.extrapolation.some((e) => e.startsWith('memory 16 GiB is above the largest calibrated'))).toBe(true)
  })
})
