// readSmallRegular (src/readers/small-file.ts): what is read whole. A regular file up to `max`
// bytes; one whose size says 0 (procfs: /proc/self/maps is generated on each read) read up to
// `max` + 1 bytes, whole when that is all it holds, else left to the streamed reader (undefined).
import {closeSync, existsSync, fstatSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {readSmallRegular} from '../../src/readers/small-file.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-small-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

function read(path: string, max: number): Buffer | undefined {
  const fd = openSync(path, 'r')
  try {
    return readSmallRegular(fd, fstatSync(fd), max)
  } finally {
    closeSync(fd)
  }
}

describe('readSmallRegular', () => {
  it('a regular file of exactly max bytes is read; one byte more is not', () => {
    const f = join(tmp, 'ten')
    writeFileSync(f, '0123456789')
    expect(read(f, 10)?.toString()).toBe('0123456789')
    expect(read(f, 9)).toBeUndefined()
  })

  it('an empty regular file is read (empty)', () => {
    const f = join(tmp, 'empty')
    writeFileSync(f, '')
    expect(read(f, 10)?.length).toBe(0)
  })

  it.skipIf(!existsSync('/proc/self/maps'))('a procfs file (size 0): whole when it fits, not read past max + 1 when it does not', () => {
    const whole = readFileSync('/proc/self/maps')
    expect(statSync('/proc/self/maps').size).toBe(0)
    expect(whole.length).toBeGreaterThan(1000)
    // Generated on each read: the lines are the same mappings, not necessarily byte for byte.
    expect(read('/proc/self/maps', 1 << 20)?.toString().split('\n').length).toBeGreaterThan(10)
    expect(read('/proc/self/maps', 100)).toBeUndefined()
  })
})
