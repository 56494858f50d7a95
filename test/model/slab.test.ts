// SLUB slab orders (mm/slub.c calculate_order) behind the perCpuSlabs term, and the profile check
// that the term carries its size class.
import {describe, expect, it} from 'vitest'
import {objectsPerSlab, slabOrder} from '../../src/model/slab.js'
import {parseProfile} from '../../src/model/profile.js'

describe('slabOrder mirrors calculate_order', () => {
  it('kmalloc-512 steps with fls(nr_cpus): min_objects 8, 16, 24, 32, 36, 36', () => {
    expect([1, 4, 16, 64, 128, 255].map((n) => slabOrder(512, n))).toEqual([0, 1, 2, 2, 3, 3])
    expect([1, 4, 16, 64, 128, 255].map((n) => objectsPerSlab(512, n))).toEqual([8, 16, 32, 32, 64, 64])
  })
  it('an 8-CPU machine: the objects per slab /proc/slabinfo shows for kmalloc-96/192/512/1k', () => {
    expect([96, 192, 512, 1024].map((s) => objectsPerSlab(s, 8))).toEqual([42, 21, 32, 32])
  })
  it('never beyond slub_max_order 3 however many CPUs', () => {
    expect(slabOrder(2048, 8192)).toBe(3)
    expect(objectsPerSlab(512, 8192)).toBe(64)
  })
})

describe('profile params', () => {
  const synthetic = (params?: object) =>
    JSON.stringify({schema: 'allocscope-profile/v1', name: 'synthetic', window: 'before-smp', terms: [{id: 'base', calls: 1, pages: 1}, {id: 'perCpuSlabs', calls: 1, pages: 1}], ...(params ? {params} : {})})
  it('perCpuSlabs needs a kmalloc size class', () => {
    expect(() => parseProfile(synthetic(), 'synthetic.json')).toThrow(/perCpuSlabs needs "params"/)
    expect(() => parseProfile(synthetic({slabObjectBytes: 500}), 'synthetic.json')).toThrow(/kmalloc size class/)
    expect(parseProfile(synthetic({slabObjectBytes: 512}), 'synthetic.json').params).toEqual({slabObjectBytes: 512})
  })
})
