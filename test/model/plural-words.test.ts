// Counts in the model's messages say their noun in the right number ('1 capture remains', '2 captures
// remain'; 'unknown term x', 'unknown terms x, y'), where they said 'capture(s)' and 'term(s)'.
import {describe, expect, it} from 'vitest'
import {parseTerms} from '../../src/model/calibrate-run.js'
import {leaveOneOut} from '../../src/model/fit.js'

// Synthetic points: y = 70 + 0.5 p + 6 log2 p at p = 1, 2, 4, 8 (only the number of points matters).
const X = [1, 2, 4, 8].map((p) => [1, p, Math.log2(p)])
const y = X.map((r) => 70 + 0.5 * r[1] + 6 * r[2])

describe('model messages: a count of 1 and of 2', () => {
  it('leave-one-out: without this capture 1 capture remains / 2 captures remain', () => {
    expect(leaveOneOut(X.slice(0, 2), y.slice(0, 2), ['base', 'p', 'l'])[0].reason).toBe('without this capture 1 capture remains for 3 terms')
    expect(leaveOneOut(X.slice(0, 3), y.slice(0, 3), ['base', 'p', 'l'])[0].reason).toBe('without this capture 2 captures remain for 3 terms')
  })
  it('--terms: unknown term x / unknown terms x, y', () => {
    expect(() => parseTerms('base,cpuz')).toThrow(/^--terms: unknown term cpuz; expected base, /)
    expect(() => parseTerms('cpuz,base,cpuy')).toThrow(/^--terms: unknown terms cpuz, cpuy; expected base, /)
  })
})
