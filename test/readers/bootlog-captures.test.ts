// Every real capture in the corpus (testdata/captures, samples) reads completely: one record per printk-timestamped
// line (counted here with a plain regex, independently of the reader), first and last record
// checked against the file's own text.
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {openBootLog, parseBootLogText} from '../../src/readers/bootlog/index.js'
import type {LogRecord} from '../../src/types.js'
import {captureDir, captureDirs, captureName} from '../helpers/paths.js'

const STAMP = /^\[ *(\d+\.\d+)\] ?(.*)$/

/** The timestamped lines of a file, by regex: [time, text]. */
function stamped(path: string): Array<[number, string]> {
  return readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((l) => STAMP.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [Number(m[1]), m[2]!])
}

async function readAll(path: string): Promise<{records: LogRecord[]; format: string; lines: number; accounted: number}> {
  const s = await openBootLog(path)
  const records: LogRecord[] = []
  for await (const r of s.records) records.push(r)
  const st = s.stats()
  return {records, format: s.format, lines: st.lines, accounted: st.recordLines + st.skippedTotal}
}

const files: Array<[string, string]> = []
for (const dir of captureDirs()) {
  for (const f of ['dmesg.txt', 'console.log']) if (existsSync(join(dir, f))) files.push([captureName(dir), f])
}
files.push(['lkml-7.0-rc4-alloc-tag-not-set', 'dmesg-excerpt.txt'])

describe('real captures', () => {
  it('the corpus is there (28 boots + the lkml excerpt)', () => {
    expect(captureDirs().length).toBeGreaterThanOrEqual(29)
    expect(files.length).toBeGreaterThanOrEqual(55)
  })

  it.each(files)('%s/%s: one record per timestamped line', async (dir, file) => {
    const path = join(captureDir(dir), file)
    const want = stamped(path)
    const got = await readAll(path)
    expect(got.format).toBe(file === 'console.log' ? 'console' : 'dmesg')
    expect(got.records.length).toBe(want.length)
    expect(got.accounted).toBe(got.lines)
    const first = got.records[0]!
    const last = got.records.at(-1)!
    expect([first.time, first.text]).toEqual(want[0])
    expect([last.time, last.text]).toEqual(want.at(-1))
    // Every record, in order.
    expect(got.records.map((r) => [r.time, r.text])).toEqual(want)
  })

  it('dmesg.txt of pool-c64-m1024: 272 lines, Linux version first, TERM=linux last', () => {
    const r = parseBootLogText(readFileSync(join(captureDir('linux-7.2-pool-c64-m1024'), 'dmesg.txt'), 'utf8'))
    expect(r.records.length).toBe(272)
    expect(r.records[0]!.text.startsWith('Linux version 7.2.13 ')).toBe(true)
    expect(r.records[0]!.time).toBe(0)
    expect(r.records.at(-1)).toEqual({line: 272, time: 7.951472, text: '    TERM=linux'})
  })

  it('console.log: the kernel lines are kept, markers and allocinfo lines are skipped with reasons', async () => {
    const path = join(captureDir('linux-7.2-pool-c64-m1024'), 'console.log')
    const s = await openBootLog(path)
    for await (const _ of s.records) void _
    const st = s.stats()
    const text = readFileSync(path, 'utf8')
    const markers = text.split('\r\n').filter((l) => l.startsWith('===KLAB-')).length
    expect(markers).toBeGreaterThan(0)
    expect(st.skippedByReason['capture marker line']).toBe(markers)
    expect(st.skipped.some((k) => k.text?.startsWith('allocinfo - version: 2.0'))).toBe(true)
  })

  it('the cut-short c255 console keeps its last, unfinished line', async () => {
    const path = join(captureDir('linux-7.2-pool-c255-m1024'), 'console.log')
    const got = await readAll(path)
    const lastLine = readFileSync(path, 'utf8').trimEnd().split('\r\n').at(-1)!
    expect(lastLine).toMatch(/#198$/)
    expect(got.records.at(-1)!.text).toBe(lastLine.replace(/^\[ *\d+\.\d+\] /, ''))
  })
})
