// batch bounds the collectors' slack only once resident memory passes a mark (v8-flags.ts HeapBound):
// a small run never pays the bound's extra collections, a long one is bounded from there on.
import {describe, expect, it} from 'vitest'
import {HeapBound} from '../../src/v8-flags.js'

const MiB = 2 ** 20

describe('HeapBound', () => {
  it('bounds nothing while resident memory stays below the mark, then once when it passes it', () => {
    let rss = 100 * MiB
    let bounds = 0
    const b = new HeapBound(180, () => rss, () => bounds++)
    b.check()
    rss = 179 * MiB
    b.check()
    expect(bounds).toBe(0)
    rss = 180 * MiB
    b.check()
    rss = 300 * MiB
    b.check()
    rss = 100 * MiB
    b.check()
    expect(bounds).toBe(1)
  })

  it("reads the process's resident memory by default", () => {
    let bounds = 0
    // 1 MiB: below any Node process's resident memory (a default of 0 would not pass it).
    new HeapBound(1, undefined, () => bounds++).check()
    new HeapBound(1 << 20, undefined, () => bounds++).check()
    expect(bounds).toBe(1)
  })
})
