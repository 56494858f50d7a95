// The hand-written site-line scanner (src/readers/allocinfo-scan.ts) against the one RegExp it
// replaced, which states the line format plainly: the same verdict and the same fields on every
// real line and on lines mutated around the places a hand scan goes wrong (whitespace other than
// space/tab, colons, brackets, signs, long numbers, missing pieces).
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {parseSiteLine} from '../../src/readers/allocinfo.js'
import {REAL_612, dataLines, realText} from '../helpers/allocinfo-derived.js'

/** The reference: alloc_tag_to_text()'s layout as one RegExp (the reader used it until the hand scan). */
const LINE_RE = /^[ \t]*(-?\d+)[ \t]+(\d+)[ \t]+(\S+):(\d+)(?:[ \t]+\[([^\]\s]+)\])?[ \t]+func:(\S+)((?:[ \t]+\S+)*)[ \t]*$/

function reference(line: string) {
  const m = LINE_RE.exec(line)
  if (m === null) return undefined
  return {bytes: BigInt(m[1]!), calls: BigInt(m[2]!), file: m[3], fileLine: Number(m[4]), module: m[5], func: m[6], rest: m[7]!.trim()}
}

function scanned(line: string) {
  const s = parseSiteLine(line)
  if (s === undefined) return undefined
  return {bytes: s.bytes, calls: s.calls, file: s.file, fileLine: s.fileLine, module: s.module, func: s.func, rest: s.rest.trim()}
}

const real = [...dataLines(realText()), ...dataLines(realText(REAL_612))]

describe('site-line scanner = the reference RegExp', () => {
  it('every line of two real captures (1.0 and 2.0)', () => {
    expect(real.length).toBeGreaterThan(1000)
    for (const l of real) expect(scanned(l), l).toEqual(reference(l))
    expect(real.filter((l) => scanned(l) !== undefined).length).toBe(real.length)
  })

  it('real lines with characters inserted, replaced or removed at random places', () => {
    const chars = fc.constantFrom(' ', '\t', '\v', '\f', '\r', '\u00a0', '\u2028', '\ufeff', ':', '[', ']', '-', '+', '0', '9', 'x', 'func:', ' [m]', ' accurate:no', ' k:v', ' bad', '99999999999999999999', '')
    fc.assert(
      fc.property(fc.constantFrom(...real), fc.array(fc.tuple(fc.nat(), fc.nat(3), chars), {minLength: 1, maxLength: 3}), (line, edits) => {
        let l = line
        for (const [at, cut, s] of edits) {
          const i = at % (l.length + 1)
          l = l.slice(0, i) + s + l.slice(i + cut)
        }
        expect(scanned(l), JSON.stringify(l)).toEqual(reference(l))
      }),
      {numRuns: 3000},
    )
  })

  it('arbitrary short strings', () => {
    fc.assert(
      fc.property(fc.string({maxLength: 40, unit: 'binary'}), (l) => {
        expect(scanned(l), JSON.stringify(l)).toEqual(reference(l))
      }),
      {numRuns: 2000},
    )
  })
})
