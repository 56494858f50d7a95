// Keys that come from input are set as own properties, '__proto__' included (src/own.ts put):
// `o[k] = v` with that key calls the prototype setter and the value was lost without a word —
// a klab metric (and its "negative" warning), an inventory column passed through, an allocinfo
// key:value token. SYNTHETIC lines, each the shape its reader takes.
import {describe, expect, it} from 'vitest'
import {analyseBootLogText} from '../../src/analysis/read.js'
import {parseInventory} from '../../src/model/inventory.js'
import {parseAllocInfoText} from '../../src/readers/allocinfo.js'

const own = (o: object | undefined, k: string): unknown => (o && Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k] : undefined)

describe("an input key named '__proto__'", () => {
  it('a klab metric keeps its value and its warning', () => {
    const log = ['[    0.000000] Linux version 7.2.13 (x@y) #1 SMP', '[    0.796321] klab: early_page_allocs calls=62 pages=132 __proto__=-5'].join('\n') + '\n'
    const a = analyseBootLogText(log, 'synthetic')
    const k = a.klab[0]!
    expect(own(k.values, '__proto__')).toBe(-5)
    expect(own(k.values, 'calls')).toBe(62)
    expect(Object.getPrototypeOf(k.values)).toBe(Object.prototype)
    expect(k.bad?.map((b) => b.metric)).toEqual(['__proto__'])
  })

  it("an inventory column is passed through, as one named after another Object.prototype property (was: 'set is not a function')", () => {
    const rows = parseInventory('name,cpus,__proto__,constructor\nweb-1,8,rack-7,ops\n', 'synthetic.csv')
    expect(own(rows[0]!.extra, '__proto__')).toBe('rack-7')
    expect(own(rows[0]!.extra, 'constructor')).toBe('ops')
    expect(rows[0]!.host.possibleCpus).toBe(8)
  })

  it('an allocinfo key:value token is kept on its site', () => {
    const info = parseAllocInfoText('allocinfo - version: 2.0\n#     <size>  <calls> <tag info>\n        4096        1 mm/a.c:1 func:f __proto__:x other:y \n', 'synthetic')
    expect(own(info.sites[0]!.extra, '__proto__')).toBe('x')
    expect(own(info.sites[0]!.extra, 'other')).toBe('y')
  })
})
