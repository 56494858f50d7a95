// select/tree on a real capture, checked against independent computations over the raw lines.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {parseAllocInfoText} from '../../src/readers/allocinfo.js'
import {SORTS, selectSites, topN} from '../../src/allocinfo/select.js'
import {compileRegex} from '../../src/allocinfo/scope.js'
import {pathPrefix, treeTotals} from '../../src/allocinfo/tree.js'
import {UsageError} from '../../src/errors.js'
import {REAL_612, dataLines, realText} from '../helpers/allocinfo-derived.js'

const text = realText()
const info = parseAllocInfoText(text, 'real')
const raw = dataLines(text).map((l) => {
  const [b, c, fl, fn] = l.trim().split(/\s+/)
  return {bytes: BigInt(b), calls: BigInt(c), file: fl.replace(/:\d+$/, ''), func: fn.slice(5), inaccurate: l.includes('accurate:no')}
})

describe('selectSites', () => {
  it('top 10 by bytes equals the 10 largest raw lines (no duplicate among them)', () => {
    const sel = selectSites(info.sites, {}, 'bytes', 10)
    const want = raw.map((r) => r.bytes).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)).slice(0, 10)
    expect(sel.shown.map((s) => s.bytes)).toEqual(want)
    expect(sel.shown[0]).toMatchObject({file: 'mm/slub.c', func: 'alloc_slab_page', bytes: 20598784n, accurate: false})
    expect(sel.matched.sites).toBe(info.sites.length)
  })
  it('--file ^mm/ --min 1M: matched totals equal an independent sum', () => {
    const sel = selectSites(info.sites, {file: /^mm\//, minBytes: 1n << 20n}, 'bytes', 0)
    const want = raw.filter((r) => r.file.startsWith('mm/') && r.bytes >= 1n << 20n)
    expect(sel.matched.sites).toBe(want.length)
    expect(sel.matched.bytes).toBe(want.reduce((s, r) => s + r.bytes, 0n))
  })
  it('--accurate-no selects exactly the accurate:no lines', () => {
    const sel = selectSites(info.sites, {inaccurateOnly: true}, 'calls', 0)
    expect(sel.matched.sites).toBe((text.match(/accurate:no/g) ?? []).length)
    expect(sel.shown.map((s) => s.calls)).toEqual(raw.filter((r) => r.inaccurate).map((r) => r.calls).sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)))
  })
  it('--function and --module: built-in sites have module "" (so ^$ matches all of them)', () => {
    expect(selectSites(info.sites, {module: /^$/}, 'bytes', 0).matched.sites).toBe(info.sites.length)
    expect(selectSites(info.sites, {module: /./}, 'bytes', 0).matched.sites).toBe(0)
    const kmalloc = selectSites(info.sites, {func: /^alloc_slab_page$/}, 'bytes', 0)
    expect(kmalloc.matched.sites).toBe(raw.filter((r) => r.func === 'alloc_slab_page').length)
  })
  it('topN agrees with a full sort for every sort key and n (property)', () => {
    const keys = Object.keys(SORTS) as (keyof typeof SORTS)[]
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.integer({min: 1, max: 60}), (k, n) => {
        expect(topN(info.sites, n, SORTS[k])).toEqual([...info.sites].sort(SORTS[k]).slice(0, n))
      }),
      {numRuns: 30},
    )
  })
  it('an invalid regular expression is a usage error naming the flag', () => {
    expect(() => compileRegex('file', 'mm/(')).toThrow(UsageError)
    expect(() => compileRegex('file', 'mm/(')).toThrow(/^--file: invalid regular expression 'mm\/\('/)
  })
})

describe('treeTotals', () => {
  it('depth 1 sums to the file total; mm/ equals an independent sum', () => {
    const rows = treeTotals(info.sites, 1)
    expect(rows.reduce((s, r) => s + r.bytes, 0n)).toBe(info.totalBytes)
    expect(rows.reduce((s, r) => s + r.sites, 0)).toBe(info.sites.length)
    const mm = rows.find((r) => r.prefix === 'mm/')!
    expect(mm.bytes).toBe(raw.filter((r) => r.file.startsWith('mm/')).reduce((s, r) => s + r.bytes, 0n))
    expect(rows[0].prefix).toBe('mm/') // the largest on this capture (slab pages)
  })
  it('depth 2 on 6.12: kernel/sched/ is a row; shallow files are their own row', () => {
    const i612 = parseAllocInfoText(realText(REAL_612))
    const rows = treeTotals(i612.sites, 2, 'file')
    expect(rows.map((r) => r.prefix)).toContain('kernel/sched/')
    expect(pathPrefix('kernel/fork.c', 2)).toBe('kernel/fork.c')
    expect(pathPrefix('kernel/sched/core.c', 1)).toBe('kernel/')
    expect([...rows.map((r) => r.prefix)]).toEqual([...rows.map((r) => r.prefix)].sort())
  })
})
