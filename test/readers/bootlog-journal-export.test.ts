// journalctl -k -o export, DERIVED from real dmesg.txt files: each record becomes an export
// entry (text fields, and every 7th MESSAGE in the binary form `NAME\n<le64 size><bytes>\n`),
// with user-space entries between them. Read from a file it must give the same host facts and
// findings as the plain log. When systemd-journal-remote is installed, the derived stream is
// imported into a real journal file and journalctl's own `-o export` of it is read too.
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {analyseBootLog, analyseBootLogText} from '../../src/analysis/read.js'
import {openBootLog, parseBootLogText} from '../../src/readers/bootlog/index.js'
import type {LogRecord} from '../../src/types.js'
import {exportBinaryField as binaryField, expectedSequence, toJournalExport as toExport} from '../helpers/convert.js'
import {captureDir} from '../helpers/paths.js'
import {comparable} from '../helpers/same-analysis.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-export-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
const BOOT = '5a1c0f2e9b8d4c3aa1b2c3d4e5f60718'

async function records(path: string) {
  const s = await openBootLog(path)
  const out: LogRecord[] = []
  for await (const r of s.records) out.push(r)
  return {format: s.format, records: out, stats: s.stats()}
}

const CAPTURES = ['linux-7.2-pool-c64-m1024', 'linux-7.2-notrack-c8-m1024-shrink', 'linux-6.12-instr_smp064_2G_numa2']

describe('journalctl -o export (DERIVED from real dmesg.txt)', () => {
  for (const c of CAPTURES) {
    it(`${c}: detected, same (time, text) sequence, same host facts and findings as the plain log`, async () => {
      const dmesg = join(captureDir(c), 'dmesg.txt')
      const original = readFileSync(dmesg, 'utf8')
      const path = join(tmp, `${c}.export`)
      writeFileSync(path, toExport(original))
      const r = await records(path)
      expect(r.format).toBe('journal-export')
      expect(r.records.map((x) => [x.time, x.text])).toEqual(expectedSequence(original))
      expect(r.records.every((x) => x.boot === BOOT && x.level === 6 && x.facility === 0)).toBe(true)
      expect(r.stats.recordLines + r.stats.skippedTotal).toBe(r.stats.lines)
      expect(r.stats.skippedByReason['not a kernel message']).toBeGreaterThan(0)
      expect(comparable(await analyseBootLog(path))).toEqual(comparable(analyseBootLogText(original, dmesg)))
    })
  }

  it('a binary MESSAGE may hold newlines and NULs; a damaged entry is skipped, not a crash', async () => {
    const body = Buffer.concat([binaryField('MESSAGE', 'Linux version 7.2.13 (a\nb\0c)'), Buffer.from('_TRANSPORT=kernel\n\nMESSAGE=ok\n_TRANSPORT=kernel\nbad field\n\nMESSAGE=last\n\n')])
    const path = join(tmp, 'odd.export')
    writeFileSync(path, Buffer.concat([Buffer.from('__CURSOR=x\n'), body]))
    const r = await records(path)
    expect(r.records.map((x) => x.text)).toEqual(['Linux version 7.2.13 (a\nb\0c)', 'last'])
    expect(r.stats.skippedByReason['not a journal export field']).toBe(3)
  })

  it('a size larger than the line limit is skipped without being held', async () => {
    const size = Buffer.alloc(8)
    size.writeBigUInt64LE(2n ** 62n)
    const path = join(tmp, 'huge.export')
    writeFileSync(path, Buffer.concat([Buffer.from('_TRANSPORT=kernel\nMESSAGE=first\n\n_TRANSPORT=kernel\nMESSAGE\n'), size, Buffer.alloc(1 << 16, 65)]))
    const r = await records(path)
    expect(r.records.map((x) => x.text)).toEqual(['first'])
    expect(r.stats.truncatedLines).toBe(1)
  })

  it('the text path (parseBootLogText) reads the same', () => {
    const original = readFileSync(join(captureDir(CAPTURES[0]!), 'dmesg.txt'), 'utf8')
    const p = parseBootLogText(toExport(original).toString('utf8'))
    expect(p.format).toBe('journal-export')
    expect(p.records.map((x) => [x.time, x.text])).toEqual(expectedSequence(original))
  })

  const remote = '/lib/systemd/systemd-journal-remote'
  it.skipIf(!existsSync(remote))('journalctl --file … -o export of a real journal file reads the same (apt-get install systemd-journal-remote)', async () => {
    const dmesg = join(captureDir(CAPTURES[1]!), 'dmesg.txt')
    const original = readFileSync(dmesg, 'utf8')
    const src = join(tmp, 'in.export')
    writeFileSync(src, toExport(original))
    const journal = join(tmp, 'real.journal')
    execFileSync(remote, ['--output', journal, src], {stdio: 'ignore'})
    const out = join(tmp, 'real.export')
    writeFileSync(out, execFileSync('journalctl', ['--file', journal, '-k', '-o', 'export', '--no-pager'], {maxBuffer: 1 << 28}))
    const r = await records(out)
    expect(r.format).toBe('journal-export')
    expect(r.records.map((x) => [x.time, x.text])).toEqual(expectedSequence(original))
    expect(comparable(await analyseBootLog(out))).toEqual(comparable(analyseBootLogText(original, dmesg)))
  })
})
