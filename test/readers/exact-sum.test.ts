// The allocinfo scanner's totals are summed in a double while that is exact (ExactSum): always
// the BigInt sum, whatever the terms (negative bytes of an accounting bug, calls wrapped near
// 2^64, values past 2^53). Synthetic terms (fast-check).
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {ExactSum} from '../../src/readers/allocinfo-scan.js'

const term = fc.oneof(
  fc.bigInt({min: -(1n << 20n), max: 1n << 40n}),
  fc.bigInt({min: (1n << 52n) - 10n, max: (1n << 53n) + 10n}),
  fc.bigInt({min: -(1n << 63n), max: 1n << 64n}),
)

describe('ExactSum', () => {
  it('equals the BigInt sum', () => {
    fc.assert(
      fc.property(fc.array(term, {maxLength: 200}), (terms) => {
        const s = new ExactSum()
        for (const t of terms) s.add(t)
        expect(s.value()).toBe(terms.reduce((a, b) => a + b, 0n))
      }),
      {numRuns: 500},
    )
  })

  it('stays exact across 2^53 one small term at a time', () => {
    const s = new ExactSum()
    s.add((1n << 53n) - 3n)
    for (let i = 0; i < 6; i++) s.add(1n)
    expect(s.value()).toBe((1n << 53n) + 3n)
    // A term past 2^53 is inexact as a double even when the sum would be small: 2^53 + 1 is not one.
    const t = new ExactSum()
    t.add(-((1n << 53n) - 1n))
    t.add((1n << 53n) + 1n)
    expect(t.value()).toBe(2n)
  })
})
