// Bad input → InputError naming the file and what was expected (the CLI turns it into exit 2).
import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {afterAll, describe, expect, it} from 'vitest'
import {readAllocInfo} from '../../src/readers/allocinfo.js'
import {InputError} from '../../src/errors.js'
import {REAL_72, realText} from '../helpers/allocinfo-derived.js'

const dir = mkdtempSync(join(tmpdir(), 'allocinfo-errors-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
const put = (name: string, data: string | Buffer) => {
  const p = join(dir, name)
  writeFileSync(p, data)
  return p
}

async function inputError(path: string): Promise<InputError> {
  try {
    await readAllocInfo(path)
  } catch (e) {
    expect(e).toBeInstanceOf(InputError)
    return e as InputError
  }
  throw new Error(`no error for ${path}`)
}

describe('readAllocInfo on bad input', () => {
  it('missing file', async () => {
    const e = await inputError(join(dir, 'nope.txt'))
    expect(e.message).toBe(`${join(dir, 'nope.txt')}: no such file or directory; expected a /proc/allocinfo text file`)
  })
  it('directory', async () => {
    expect((await inputError(dir)).message).toContain(`${dir}: is a directory`)
  })
  it('permission denied (skipped when running as root, who can read mode 0000)', async () => {
    const p = put('noperm.txt', realText())
    chmodSync(p, 0)
    if (process.getuid?.() === 0) return
    expect((await inputError(p)).message).toContain('permission denied')
  })
  it('empty file', async () => {
    expect((await inputError(put('empty.txt', ''))).message).toBe(`${join(dir, 'empty.txt')}: empty: expected /proc/allocinfo text`)
  })
  it('binary data', async () => {
    const e = await inputError(put('bin', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3])))
    expect(e.message).toContain('bin:1: binary data (a NUL byte at byte 4, before any allocinfo line)')
    expect(e.line).toBe(1)
  })
  it('text that is not allocinfo names the first bad line', async () => {
    const p = put('dmesg.txt', '\n[    0.000000] Linux version 7.2.13\n')
    const e = await inputError(p)
    expect(e.message).toContain(`${p}:2: not /proc/allocinfo text`)
    expect(e.line).toBe(2)
  })
  it('corrupt gzip (synthetic: the magic bytes, then junk); text named .gz is read as text (by the magic, not the name)', async () => {
    expect((await inputError(put('bad.gz', Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('not gzip at all')])))).message).toContain('not valid gzip')
    expect((await inputError(put('text.gz', 'not gzip at all'))).message).toContain('not /proc/allocinfo text')
  })
  it('gzip (derived: a real capture compressed) reads the same as the text', async () => {
    const gz = put('allocinfo.bin', gzipSync(realText())) // magic bytes, no .gz extension
    const a = await readAllocInfo(gz)
    const b = await readAllocInfo(REAL_72)
    expect(a.sites).toEqual(b.sites)
    expect(a.source).toBe(gz)
  })
})
