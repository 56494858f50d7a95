// Non-negative least squares (src/model/fit.ts), on synthetic systems.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {dot, lstsq, nnls} from '../../src/model/fit.js'

describe('nnls', () => {
  it('equals least squares when that is already non-negative', () => {
    const X = [[1, 1], [1, 2], [1, 3], [1, 4]]
    const y = [3, 5, 7, 9] // 1 + 2x
    expect(nnls(X, y).map((c) => Math.round(c * 1e9) / 1e9)).toEqual([1, 2])
    expect(lstsq(X, y).coef.map((c) => Math.round(c * 1e9) / 1e9)).toEqual([1, 2])
  })

  it('clamps a coefficient least squares makes negative, and refits the rest', () => {
    const X = [[1, 0], [1, 1], [1, 2]]
    const y = [5, 4, 3] // least squares: 5 - x
    expect(lstsq(X, y).coef[1]).toBeLessThan(0)
    const b = nnls(X, y)
    expect(b[1]).toBe(0)
    expect(b[0]).toBeCloseTo(4, 9) // the mean, the best constant
  })

  it("given the caller's lstsq(X, y) (calibrate's fitExtra has it), the same coefficients, bit for bit", () => {
    for (const [X, y] of [
      [[[1, 1], [1, 2], [1, 3], [1, 4]], [3, 5, 7, 9]], // the unconstrained fit
      [[[1, 0], [1, 1], [1, 2]], [5, 4, 3]], // a clamped coefficient: every subset tried
      [[[1, 2, 0], [1, 2, 1], [1, 2, 3]], [1, 2, 2]], // a dependent column
    ] as [number[][], number[]][]) {
      expect(nnls(X, y, lstsq(X, y))).toEqual(nnls(X, y))
    }
  })

  it('property: never negative, and no worse than any non-negative vector tried (random small systems)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({min: 0, max: 50}), fc.integer({min: 0, max: 50}), fc.integer({min: -100, max: 400})), {minLength: 3, maxLength: 10}),
        fc.tuple(fc.double({min: 0, max: 10, noNaN: true}), fc.double({min: 0, max: 10, noNaN: true}), fc.double({min: 0, max: 10, noNaN: true})),
        (rows, probe) => {
          const X = rows.map(([a, b]) => [1, a, b])
          const y = rows.map(([, , c]) => c)
          const b = nnls(X, y)
          expect(b.every((c) => c >= 0)).toBe(true)
          const ss = (v: number[]) => X.reduce((s, r, i) => s + (dot(r, v) - y[i]) ** 2, 0)
          expect(ss(b)).toBeLessThanOrEqual(ss(probe) + 1e-6 * (1 + ss(probe)))
        },
      ),
      {numRuns: 200, seed: 7},
    )
  })
})
