// KASAN + kmemleak against the model: the lab's notrack kernel is a KASAN (generic, inline) +
// kmemleak build with the recorder switched off, so its klab untagged calls are what a recorder
// would see. The shipped 7.2 before-SMP profile was fitted without any such boot; these boots
// check how far its predictions are from a debugging kernel's real counts.
import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {readCaptureFacts} from '../../src/model/capture-facts.js'
import {withinBound} from '../../src/model/calibrate.js'
import {predict} from '../../src/model/predict.js'
import {loadProfile} from '../../src/model/profile.js'
import {CAPTURES, LAB_CAPTURES} from '../helpers/paths.js'

const profile = loadProfile('linux-7.2-before-smp')
const boots = [
  join(CAPTURES, 'linux-7.2-notrack-c8-m1024-shrink'),
  ...readdirSync(LAB_CAPTURES).filter((n) => n.startsWith('lab-7.2-notrack-')).map((n) => join(LAB_CAPTURES, n)),
]

describe('a KASAN + kmemleak kernel, predicted by the profile fitted without one', () => {
  it('the boots: the corpus notrack sample and the lab notrack boots at 1, 4, 16, 64 CPUs', () => {
    expect(boots.length).toBe(5)
    expect(boots.map((b) => readCaptureFacts(b).host.possibleCpus).sort((a, b) => a - b)).toEqual([1, 4, 8, 16, 64])
  })

  for (const b of boots) {
    it(`${b.split('/').at(-1)}: within the bound, and none of the profile's captures is a KASAN boot`, () => {
      const f = readCaptureFacts(b)
      expect([f.host.kasan, f.host.kmemleak, f.window, f.klab!.recorded]).toEqual([true, true, 'before-smp', 0])
      expect(profile.provenance.captures.some((c) => b.endsWith(c.capture))).toBe(false)
      const p = predict(f.host, profile)
      expect(withinBound(p.events, f.calls!), `predicted ${p.events}, measured ${f.calls}`).toBe(true)
      // what predict's note says: 0 to 6 more early page allocations than predicted
      expect(f.calls! - p.events).toBeGreaterThanOrEqual(0)
      expect(f.calls! - p.events).toBeLessThanOrEqual(6)
      expect(p.notes.join(' ')).toMatch(/KASAN/)
    })
  }
})
