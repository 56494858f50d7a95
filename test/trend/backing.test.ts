// Slab pages back the objects charged to their callers: a kmalloc leak grows both sites at one
// rate, and the caller (what to fix) must rank first. The real case is the lab's leak series
// (lab-series.test.ts); here the rule itself, on SYNTHETIC verdict rows.
import {describe, expect, it} from 'vitest'
import {byEvidence, type SiteTrend} from '../../src/trend/analyse.js'
import {backingOf} from '../../src/trend/backing.js'

const row = (key: string, file: string, func: string, q: number, bytesPerHour: number): SiteTrend =>
  ({key, file, func, q, bytesPerHour, ...(backingOf(file, func) ? {backing: backingOf(file, func)} : {})}) as SiteTrend

describe('allocator backing sites', () => {
  it('SLUB page allocation is a backing site; a caller of kmalloc is not', () => {
    expect(backingOf('mm/slub.c', 'alloc_slab_page')).toMatch(/slab pages/)
    expect(backingOf('mm/slub.c', 'kmem_cache_alloc_node')).toBeUndefined()
    expect(backingOf('lab/module/klab_leak.c', 'klab_alloc_one')).toBeUndefined()
  })

  it('rank after every object site, however strong their own evidence', () => {
    const slab = row('mm/slub.c:2478 alloc_slab_page', 'mm/slub.c', 'alloc_slab_page', 1e-17, 2e7)
    const caller = row('drivers/x.c:40 x_alloc', 'drivers/x.c', 'x_alloc', 1e-9, 1e7)
    const weak = row('fs/y.c:7 y_alloc', 'fs/y.c', 'y_alloc', 1e-3, 1e5)
    expect([slab, weak, caller].sort(byEvidence).map((s) => s.func)).toEqual(['x_alloc', 'y_alloc', 'alloc_slab_page'])
  })
})
