// Bad input is an InputError that names the file and says what was expected; damaged but
// readable input (invalid UTF-8, NULs, huge lines, a gzip cut short, stdin) is read, not refused.
import {closeSync, constants, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {Readable} from 'node:stream'
import {afterAll, describe, expect, it} from 'vitest'
import {openBootLog, parseBootLogText} from '../../src/readers/bootlog/index.js'
import {FORMATS_TRIED} from '../../src/readers/bootlog/formats.js'
import {describeOpenError} from '../../src/readers/bootlog/source.js'
import {InputError} from '../../src/errors.js'
import type {LogRecord} from '../../src/types.js'
import {dmesgLines, expectedSequence, toGzip} from '../helpers/convert.js'
import {captureDir} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-bootlog-err-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
const DMESG = join(captureDir('linux-7.2-pool-c64-m1024'), 'dmesg.txt')
const original = readFileSync(DMESG, 'utf8')

async function readAll(path: string) {
  const s = await openBootLog(path)
  const records: LogRecord[] = []
  for await (const r of s.records) records.push(r)
  return {format: s.format, records, stats: s.stats()}
}

async function inputError(path: string): Promise<string> {
  try {
    await readAll(path)
  } catch (e) {
    expect(e).toBeInstanceOf(InputError)
    return (e as Error).message
  }
  throw new Error(`${path}: expected an InputError`)
}

function file(name: string, data: string | Buffer): string {
  const p = join(tmp, name)
  writeFileSync(p, data)
  return p
}

describe('input errors', () => {
  it('missing file, directory', async () => {
    expect(await inputError(join(tmp, 'nope.txt'))).toBe(`${join(tmp, 'nope.txt')}: no such file or directory: expected a kernel log file`)
    expect(await inputError(tmp)).toMatch(new RegExp(`^${tmp}: is a directory: expected a kernel log file`))
  })

  it('permission denied (synthetic errno: the tests may run as root)', () => {
    const e = Object.assign(new Error('EACCES: permission denied'), {code: 'EACCES'})
    expect(describeOpenError('/root/kern.log', e).message).toBe('/root/kern.log: permission denied: expected a kernel log file')
  })

  it('empty and blank files', async () => {
    const empty = file('empty.txt', '')
    expect(await inputError(empty)).toBe(`${empty}: empty: expected a kernel log`)
    const blank = file('blank.txt', '\n\n  \r\n\t\n')
    expect(await inputError(blank)).toBe(`${blank}: empty: expected a kernel log`)
    const gz = file('empty.gz', toGzip(''))
    expect(await inputError(gz)).toBe(`${gz}: empty: expected a kernel log`)
    expect(() => parseBootLogText('')).toThrow('empty: expected a kernel log')
  })

  it('binary data (DERIVED: a gzip of dmesg.txt with its magic bytes removed)', async () => {
    const bin = file('garbage.bin', toGzip(original).subarray(2))
    const msg = await inputError(bin)
    expect(msg).toBe(`${bin}: binary data, not a kernel log: no line looks like a kernel record (tried ${FORMATS_TRIED})`)
  })

  it('a file that is not a kernel log: allocinfo.txt', async () => {
    const p = join(captureDir('linux-7.2-pool-c64-m1024'), 'allocinfo.txt')
    expect(await inputError(p)).toBe(
      `${p}: a /proc/allocinfo dump, not a kernel log: read it with allocscope allocinfo (or give it to analyse with --allocinfo)`,
    )
  })

  it('a refused file is closed', async () => {
    const fds = (): number => readdirSync('/proc/self/fd').length
    const before = fds()
    // DERIVED: allocinfo.txt repeated past the sniff size, so the read is not at its end yet.
    const p = file('big-allocinfo.txt', readFileSync(join(captureDir('linux-7.2-pool-c64-m1024'), 'allocinfo.txt'), 'utf8').repeat(40))
    for (let i = 0; i < 5; i++) await inputError(p)
    // The close is asynchronous: give a loaded machine time for it.
    await new Promise((r) => setTimeout(r, 300))
    expect(fds()).toBe(before)
  })

  it('corrupt gzip data is an input error', async () => {
    const gz = toGzip(original)
    const bad = Buffer.from(gz)
    for (let i = 20; i < 200; i++) bad[i] = 0xaa
    expect(await inputError(file('bad.gz', bad))).toMatch(/gzip data is corrupt/)
  })
})

describe('damaged but readable input', () => {
  it('a gzip cut short is refused (never a quiet partial read); with acceptTruncated it yields the lines it holds, marked', async () => {
    const gz = toGzip(original)
    const cut = file('cut.gz', gz.subarray(0, Math.floor(gz.length / 2)))
    expect(await inputError(cut)).toBe(
      `${cut}: the gzip stream ends early (truncated): expected a whole gzip-compressed kernel log (--accept-truncated reads what it holds, marked truncated)`,
    )
    // What the issue saw: `head -c 500 d.txt.gz` was "18 of 18 lines", exit 0.
    expect(await inputError(file('head500.gz', gz.subarray(0, 500)))).toMatch(/the gzip stream ends early/)
    const s = await openBootLog(cut, {acceptTruncated: true})
    const records: LogRecord[] = []
    for await (const r of s.records) records.push(r)
    expect(s.stats().truncatedInput).toBe('the gzip stream ends early (truncated)')
    expect((await readAll(file('whole.gz', gz))).stats.truncatedInput).toBeUndefined()
    const want = expectedSequence(original)
    expect(records.length).toBeGreaterThan(10)
    expect(records.length).toBeLessThan(want.length)
    expect(records.slice(0, -1).map((r) => [r.time, r.text])).toEqual(want.slice(0, records.length - 1))
  })

  it('invalid UTF-8 and NUL bytes (DERIVED: injected into every 10th line) never throw', async () => {
    const lines = original.split('\n')
    const parts: Buffer[] = lines.map((l, i) => (i % 10 === 5 ? Buffer.concat([Buffer.from(l), Buffer.from([0xff, 0xfe, 0x00, 0xc3])]) : Buffer.from(l)))
    const data = Buffer.concat(parts.flatMap((b, i) => (i < parts.length - 1 ? [b, Buffer.from('\n')] : [b])))
    const {records, stats} = await readAll(file('bad-utf8.txt', data))
    expect(records.length).toBe(dmesgLines(original).length)
    expect(records[5]!.text.endsWith('\ufffd\ufffd\ufffd')).toBe(true)
    expect(records.every((r) => !r.text.includes('\0'))).toBe(true)
    expect(stats.recordLines + stats.skippedTotal).toBe(stats.lines)
  })

  it('a 10 MB line is cut at the line limit; the lines after it are read', async () => {
    const lines = original.split('\n')
    lines[100] = lines[100] + ' ' + 'x'.repeat(10 * 1024 * 1024)
    const {records, stats} = await readAll(file('huge-line.txt', lines.join('\n')))
    expect(stats.truncatedLines).toBe(1)
    expect(records.length).toBe(dmesgLines(original).length)
    expect(records[100]!.text.length).toBeLessThan(1 << 20)
    expect(records.map((r) => r.text).slice(101)).toEqual(dmesgLines(original).slice(101).map((l) => l.text))
  })

  it('skipped entries are bounded, counted per reason', () => {
    // SYNTHETIC: 5000 shell-prompt lines between kernel lines of a console.
    const text = original.split('\n').slice(0, 3).join('\r\n') + '\r\n' + '~ # \r\n'.repeat(5000) + original.split('\n')[3]
    const r = parseBootLogText(text)
    expect(r.format).toBe('console')
    expect(r.skipped.length).toBe(1000)
    expect(r.skippedTotal).toBe(5000)
    expect(r.skippedByReason['no printk time stamp: not a kernel line']).toBe(5000)
    expect(r.records.length).toBe(4)
  })

  it("'-' reads stdin (gzip too)", async () => {
    const saved = Object.getOwnPropertyDescriptor(process, 'stdin')!
    try {
      for (const data of [Buffer.from(original), toGzip(original)]) {
        Object.defineProperty(process, 'stdin', {value: Readable.from([data.subarray(0, 1000), data.subarray(1000)]), configurable: true})
        const s = await openBootLog('-')
        const records: LogRecord[] = []
        for await (const r of s.records) records.push(r)
        expect(records.map((r) => [r.time, r.text])).toEqual(expectedSequence(original))
        expect(s.stats().bytes).toBe(data.length)
      }
      Object.defineProperty(process, 'stdin', {value: Readable.from([]), configurable: true})
      await expect(openBootLog('-').then(async (s) => s.records[Symbol.asyncIterator]().next())).rejects.toThrow('<stdin>: empty: expected a kernel log')
    } finally {
      Object.defineProperty(process, 'stdin', saved)
    }
  })

  it.skipIf(!kmsgReadable())('/dev/kmsg itself (this machine\'s live log) is read to its end without blocking', async () => {
    const {format, records, stats} = await readAll('/dev/kmsg')
    expect(format).toBe('kmsg')
    expect(records.length).toBeGreaterThan(0)
    // devkmsg hands out records in sequence order; consecutive unless the buffer wrapped (EPIPE).
    const seqs = records.map((r) => r.seq!)
    expect(seqs.every((q, i) => i === 0 || q > seqs[i - 1]!)).toBe(true)
    expect(stats.recordLines + stats.skippedTotal).toBe(stats.lines)
  })
})

function kmsgReadable(): boolean {
  try {
    closeSync(openSync('/dev/kmsg', constants.O_RDONLY | constants.O_NONBLOCK))
    return true
  } catch {
    return false
  }
}
