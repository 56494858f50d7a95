// batch reads a small file whole (run-task.ts WHOLE_FILE_MAX) and parsed it as its UTF-8 text:
// journalctl -o export's binary fields (NAME, an 8-byte little-endian length, the raw value) do not
// survive that decoding (a length byte >= 0x80 becomes U+FFFD, three bytes), so the reader lost its
// place and every entry after the first binary MESSAGE: `findings: []` where analyse found the
// `alloc_tag was not set` WARN. Inputs are DERIVED: the notrack sample's dmesg.txt as
// `journalctl -k -o export` (test/helpers/convert.ts toJournalExport, every 7th MESSAGE binary),
// with binary MESSAGEs holding an LF, a NUL, an LF byte (0x0A) in their length and a length byte
// that is no UTF-8, and the finding's own MESSAGE binary.
import {closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {spawnSync} from 'node:child_process'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import * as tar from 'tar-stream'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {BatchRecord} from '../../src/batch/schema.js'
import {BIN, cliEnv} from '../helpers/cli.js'
import {toGzip, toJournalExport} from '../helpers/convert.js'
import {SAMPLES} from '../helpers/paths.js'
import {cli, records} from './helpers.js'

const WARN = 'alloc_tag was not set'

/** Which MESSAGEs are binary, and how (the rest: toJournalExport's every 7th). */
function binary(i: number, text: string): string | undefined {
  if (text === WARN) return text
  if (i === 20) return `${text}\nand a second line`
  if (i === 21) return `${text}\0after a NUL`
  if (i === 22) return text.padEnd(266) // length 0x10a: an LF byte in the length
  if (i === 23) return text.padEnd(200) // length 0xc8: a byte no UTF-8 text starts with
  return undefined
}

let dir: string
let log: Buffer

/** The line grep -n gives the first field of the `cut here` entry before the WARN's (where the finding starts). */
function cutHereLine(bytes: Buffer): number {
  const lines = bytes.toString('latin1').split('\n')
  const warn = lines.findIndex((l) => l.includes(WARN))
  const lastBefore = (end: number, ok: (l: string) => boolean): number => {
    let i = end - 1
    while (i >= 0 && !ok(lines[i]!)) i--
    return i
  }
  const cut = lastBefore(warn, (l) => l.includes('[ cut here ]'))
  const first = lastBefore(cut + 1, (l) => l.startsWith('__CURSOR='))
  expect(first).toBeGreaterThan(0)
  return first + 1
}

interface Analysed {
  format: string
  host: unknown
  profiling: unknown
  findings: Array<{id: string; severity: string; signature: string; line: number; count: number}>
  klab?: unknown[]
}

/** What batch takes from analyse: format, facts (with their lines), profiling, findings, klab counters. */
const facts = (a: Analysed | BatchRecord) => ({
  format: a.format,
  host: a.host,
  profiling: a.profiling,
  findings: (a.findings ?? []).map((f) => ({id: f.id, severity: f.severity, signature: f.signature, line: f.line, count: f.count})),
  klab: a.klab?.length ? a.klab : undefined,
})

async function analysed(path: string): Promise<ReturnType<typeof facts>> {
  const r = await cli(['analyse', path, '--json'])
  expect(r.status, r.stderr).toBe(0)
  return facts((JSON.parse(r.stdout) as {result: Analysed}).result)
}

async function batchOne(path: string): Promise<BatchRecord> {
  const r = await cli(['batch', '-j', '1', path])
  expect(r.status, r.stderr).toBe(0)
  const recs = records(r.stdout)
  expect(recs).toHaveLength(1)
  expect(recs[0]!.error).toBeUndefined()
  return recs[0]!
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'allocscope-export-bytes-'))
  log = toJournalExport(readFileSync(join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink', 'dmesg.txt'), 'utf8'), undefined, binary)
  writeFileSync(join(dir, 'DERIVED-export.log'), log)
  writeFileSync(join(dir, 'DERIVED-export.log.gz'), toGzip(log))
  const pack = tar.pack()
  pack.entry({name: 'logs/DERIVED-export.log', mtime: new Date('2026-12-01T00:00:00Z')}, log)
  pack.finalize()
  const parts: Buffer[] = []
  for await (const c of pack) parts.push(c as Buffer)
  writeFileSync(join(dir, 'DERIVED-export.tar'), Buffer.concat(parts))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('batch reads journalctl -o export as bytes, as analyse does', () => {
  it('the DERIVED export holds what it should: binary MESSAGEs, one with an LF byte in its length', () => {
    expect(log.includes(Buffer.from(`MESSAGE\n${'\x0a\x01'}\0\0\0\0\0\0`, 'latin1'))).toBe(true)
    expect(log.includes(Buffer.from(`MESSAGE\n${'\xc8'}\0\0\0\0\0\0\0`, 'latin1'))).toBe(true)
    expect(log.includes(Buffer.from(`\0after a NUL`))).toBe(true)
  })

  it('a small export file: batch record = analyse --json (facts, lines, the finding)', async () => {
    const path = join(dir, 'DERIVED-export.log')
    const a = await analysed(path)
    expect(a.format).toBe('journal-export')
    expect(a.findings.map((f) => [f.id, f.line, f.count])).toEqual([['alloc-tag-not-set', cutHereLine(log), 1]])
    expect(facts(await batchOne(path))).toEqual(a)
  })

  it('the same export gzipped, and as a tar member: the same record', async () => {
    const a = await analysed(join(dir, 'DERIVED-export.log'))
    expect(facts(await batchOne(join(dir, 'DERIVED-export.log.gz')))).toEqual(a)
    const member = await batchOne(join(dir, 'DERIVED-export.tar'))
    expect(member.input.path).toBe(`${join(dir, 'DERIVED-export.tar')}//logs/DERIVED-export.log`)
    expect(facts(member)).toEqual(a)
  })

  it('/dev/stdin redirected from the export file (a regular file, read whole): the same record', async () => {
    const a = await analysed(join(dir, 'DERIVED-export.log'))
    const fd = openSync(join(dir, 'DERIVED-export.log'), 'r')
    try {
      const r = spawnSync(process.execPath, [BIN, 'batch', '-j', '1', '/dev/stdin'], {stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8', env: cliEnv()})
      expect(r.status, r.stderr).toBe(0)
      expect(facts(records(r.stdout)[0]!)).toEqual(a)
    } finally {
      closeSync(fd)
    }
  })
})
