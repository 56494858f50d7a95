// ByteLineSplitter's fast paths: an all-ASCII chunk is decoded once and sliced, and reads bigger
// than 64 KiB are split in pieces. Synthetic text, big enough to cross pieces, cut at random:
// the lines must be those of the text path (splitLines), ASCII or not.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {splitLines} from '../../src/readers/lines.js'
import {splitBytesAt} from '../helpers/split-bytes.js'

const piece = fc.constantFrom('[    1.234567] text', 'x', '\n', '\r\n', '\r', '\r\0\n', '\0', 'é', '😀', '\t', ' ', 'WARNING: y')
const block = fc.array(piece, {minLength: 1, maxLength: 30}).map((a) => a.join(''))


describe('ByteLineSplitter on big chunks (synthetic)', () => {
  it('gives the text path lines for reads of any size, ASCII or not', () => {
    fc.assert(
      fc.property(block, fc.integer({min: 1000, max: 30_000}), fc.array(fc.nat(400_000), {maxLength: 4}), (b, times, cuts) => {
        const text = b.repeat(Math.ceil(times / b.length) + 1)
        const bytes = Buffer.from(text, 'utf8')
        expect(splitBytesAt(bytes, cuts)).toEqual(splitLines(text.replaceAll('\0', '')))
      }),
      {numRuns: 40},
    )
  })

  it('cuts long ASCII lines at maxLine bytes, as the per-line decoder does', () => {
    const text = `${'a'.repeat(70_000)}\n${'b'.repeat(10)}\n${'c'.repeat(200_000)}`
    const got = splitBytesAt(Buffer.from(text), [], 100_000)
    expect(got.map((l) => l.length)).toEqual([70_000, 10, 100_000])
  })
})
