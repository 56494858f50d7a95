// diff's site filter (--module/--file/--function) is compiled once a run: `diff` compiles it when
// it reads the flags (a bad expression is a usage error before any input is read) and hands the
// compiled filter down (AllocDiffOptions.scope); the sites and the anomalies use that one. It was
// compiled again in each side's sum and for the anomalies (3 more times a two-dump diff). SYNTHETIC
// two-site dumps; the filter's sources are counted as they are read.
import {describe, expect, it} from 'vitest'
import {diffAllocInfo} from '../../src/diff/allocinfo.js'
import {parseAllocInfoText} from '../../src/readers/allocinfo.js'

const dump = (mm: number, fs: number) =>
  `allocinfo - version: 2.0\n#     <size>  <calls> <tag info>\n ${mm} 1 mm/synthetic.c:1 func:synthetic_a\n ${fs} 1 fs/synthetic.c:2 func:synthetic_b\n -4096 1 fs/synthetic.c:3 func:synthetic_c\n`
const [a, b] = [parseAllocInfoText(dump(4096, 4096), 'a'), parseAllocInfoText(dump(8192, 12288), 'b')]

/** A filter whose `file` source counts how often it is read (every compile reads it once). */
function counted(file: string): {filter: {file: string}; reads: () => number} {
  let n = 0
  return {
    filter: {
      get file() {
        n++
        return file
      },
    },
    reads: () => n,
  }
}

describe('the diff site filter is compiled once', () => {
  it('diffAllocInfo compiles a filter it is given as sources once, for the sites and the anomalies', () => {
    const c = counted('^mm/')
    const d = diffAllocInfo(a, b, {filter: c.filter})
    expect(d.rows.map((r) => r.key)).toEqual(['mm/synthetic.c:1 synthetic_a'])
    expect(d.anomaliesOutsideFilters).toBe(1) // fs/synthetic.c:3's negative bytes, in both
    expect(c.reads()).toBe(1)
  })

  it('with the compiled filter handed down, the sources are not compiled again', () => {
    const c = counted('^fs/')
    const d = diffAllocInfo(a, b, {filter: c.filter, scope: {file: /^fs\//}, keyBy: 'func'})
    expect(d.rows.map((r) => r.key)).toEqual(['fs/synthetic.c synthetic_b'])
    expect(d.anomalies.both).toBe(1)
    expect(c.reads()).toBe(0)
  })
})

// An anomaly names its site by key; diffAnomalies read the site back from it (siteOfKey) for the
// filter, then again each time it matched the anomaly (a's and b's sets, appeared or gone, those
// left out): now once an anomaly. SYNTHETIC: the dumps' anomalies with their key reads counted.
describe("an anomaly's site is read back from its key once", () => {
  it('--key func with a filter: each anomaly key is read once', () => {
    let reads = 0
    const counting = (info: typeof a) => ({
      ...info,
      anomalies: info.anomalies.map((x) => {
        const {key, ...rest} = x
        return Object.defineProperty({...rest}, 'key', {enumerable: true, get: () => (reads++, key)}) as typeof x
      }),
    })
    // b: mm/synthetic.c:1 moved to line 9 and negative (an anomaly in the filter, appeared), fs/synthetic.c:3's as in a (outside it).
    const moved = dump(-8192, 12288).replace('mm/synthetic.c:1 ', 'mm/synthetic.c:9 ')
    const [ca, cb] = [counting(a), counting(parseAllocInfoText(moved, 'b'))]
    const d = diffAllocInfo(ca, cb, {filter: {file: '^mm/'}, keyBy: 'func'})
    expect(d.anomalies.appeared.map((x) => [x.kind, x.line])).toEqual([['negative-bytes', 3]])
    expect(d.anomaliesOutsideFilters).toBe(1)
    // Three anomalies (one in a, two in b), each key read once (13 reads before).
    expect(reads).toBe(3)
  })
})
