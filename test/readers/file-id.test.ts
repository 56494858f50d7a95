// fileId (readers/stat.ts), "the same file whatever path reached it", is made of bigint stats: an
// inode beyond 2^53 (overlayfs with xino puts the layer in the inode's high bits) is exact. As a
// JavaScript Number, 2^53 and 2^53 + 1 are one value, so two such files compared equal: fleet read
// the second as "the same file as" the first, and an --out file could be taken for an input.
//
// The stats are SYNTHETIC: two real files whose statSync answers (node:fs wrapped, as
// helpers/stat-count.ts wraps it) carry one device and the inodes 2^53 and 2^53 + 1, exact when
// asked with {bigint: true} and rounded to a Number otherwise, as Node gives them.
import fs, {mkdtempSync, writeFileSync} from 'node:fs'
import {syncBuiltinESMExports} from 'node:module'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {describe, expect, it} from 'vitest'
import {onceEach} from '../../src/fleet/read.js'
import {fileId, sameFile, statOf} from '../../src/readers/stat.js'

const BIG = 2n ** 53n

/** Runs `f` while statSync gives `inodes` (by path) on device 2049: a bigint when asked for bigint stats, else the nearest Number. */
async function withInodes<T>(inodes: Map<string, bigint>, f: () => T | Promise<T>): Promise<T> {
  const real = fs.statSync
  const fake = (p: fs.PathLike, o?: fs.StatSyncOptions) => {
    const st = real(p, o as fs.StatSyncOptions & {bigint: false})
    const ino = typeof p === 'string' ? inodes.get(resolve(p)) : undefined
    if (ino === undefined || st === undefined) return st
    const big = (o as {bigint?: boolean} | undefined)?.bigint === true
    const copy = Object.create(Object.getPrototypeOf(st) as object) as typeof st
    return Object.assign(copy, st, big ? {dev: 2049n, ino} : {dev: 2049, ino: Number(ino)})
  }
  Object.assign(fs, {statSync: fake})
  syncBuiltinESMExports()
  try {
    return await f()
  } finally {
    Object.assign(fs, {statSync: real})
    syncBuiltinESMExports()
  }
}

describe('fileId beyond 2^53', () => {
  const dir = mkdtempSync(join(tmpdir(), 'allocscope-SYNTHETIC-xino-'))
  const [a, b] = ['a.ndjson', 'b.ndjson'].map((n) => join(dir, n))
  for (const p of [a, b]) writeFileSync(p, '')
  const inodes = new Map([
    [a, BIG],
    [b, BIG + 1n],
  ])

  it('two files whose inodes differ only above 2^53 are two files (statOf, sameFile)', async () => {
    await withInodes(inodes, () => {
      const [sa, sb] = [statOf(a)!, statOf(b)!]
      expect(fileId(sa)).toBe(`2049:${BIG}`)
      expect(fileId(sb)).toBe(`2049:${BIG + 1n}`)
      expect(sameFile(sa, sb)).toBe(false)
      expect(sameFile(statOf(a), sa)).toBe(true)
    })
  })

  it('fleet reads both: neither is "the same file as" the other', async () => {
    const r = await withInodes(inodes, () => onceEach([a, b]))
    expect(r.paths).toEqual([a, b])
    expect(r.warnings).toEqual([])
  })

  it("a small inode's id keeps the digits it had as a Number (dev:ino)", () => {
    expect(fileId({dev: 2049n, ino: 1234567n})).toBe('2049:1234567')
    expect(fileId({dev: 2049n, ino: BIG - 1n})).toBe(`2049:${Number(BIG - 1n)}`)
  })
})
