// journalctl -k -o export, DERIVED from samples/linux-7.2-notrack-c8-m1024-shrink: line numbers
// after binary fields that hold LF bytes (in the value, as journalctl writes a multi-line MESSAGE,
// and in the 8-byte length: a value of 10 or 266 bytes), checked against grep -n of the built
// file; and an export cut in the middle of a MESSAGE, which must end its report as a cut in every
// other format does.
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {analyseBootLog, analyseBootLogText} from '../../src/analysis/read.js'
import {openBootLogSplit} from '../../src/analysis/split.js'
import {EXPORT_REASON} from '../../src/readers/bootlog/journal-export.js'
import {dmesgLines, toJournalExport} from '../helpers/convert.js'
import {captureDir} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-export-lines-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
const DMESG = readFileSync(join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'dmesg.txt'), 'utf8')
const LINES = dmesgLines(DMESG)
const BOOT = '0123456789abcdef0123456789abcdef'

/** grep -n -a -F: the numbers of the lines holding `needle` (only LF ends a line). */
function grepN(path: string, needle: string): number[] {
  return execFileSync('grep', ['-n', '-a', '-F', '--', needle, path], {encoding: 'latin1'})
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => Number(l.slice(0, l.indexOf(':'))))
}

/** The grep -n line of the export entry of the record whose text starts with `text` (its first field, __CURSOR). */
function entryLine(path: string, text: string): number {
  const i = LINES.findIndex((l) => l.text.startsWith(text))
  expect(i).toBeGreaterThanOrEqual(0)
  const [n, ...more] = grepN(path, `__CURSOR=s=0123;i=${i + 1};b=`)
  expect(more).toEqual([])
  return n!
}

/** Two early MESSAGEs (BIOS-e820 lines, before every fact but the banner's) written as binary values holding LFs: 10 bytes (length 0x0A) and 266 (0x010A). */
function multiLine(i: number, text: string): string | undefined {
  if (i === 4) return 'BIOS\ne820\n'
  if (i === 5) return `${text}\n(continued)\n`.padEnd(266, '.')
  return undefined
}

describe('journalctl -o export: line numbers are grep -n\'s', () => {
  const path = join(tmp, 'DERIVED-exportnl.log')
  const data = toJournalExport(DMESG, BOOT, multiLine)
  writeFileSync(path, data)

  it('after binary MESSAGEs holding LFs (and a length prefix holding 0x0A): facts, findings and lines count every LF', async () => {
    // The built file is what the test is about: both values hold LFs, both lengths a 0x0A byte.
    expect(data.includes(Buffer.from('MESSAGE\n\x0a\0\0\0\0\0\0\0BIOS\ne820\n\n', 'latin1'))).toBe(true)
    expect(data.includes(Buffer.from('MESSAGE\n\x0a\x01\0\0\0\0\0\0', 'latin1'))).toBe(true)
    const a = await analyseBootLog(path)
    expect(a.format).toBe('journal-export')
    expect(a.lines).toBe(grepN(path, '').length)
    const facts = {
      onlineCpus: entryLine(path, 'smp: Brought up'),
      memoryTotalKiB: entryLine(path, 'Memory: '),
      kmemleak: entryLine(path, 'kmemleak: Kernel memory leak detector initialized'),
    }
    expect({onlineCpus: a.host.onlineCpus?.line, memoryTotalKiB: a.host.memoryTotalKiB?.line, kmemleak: a.host.kmemleak?.line}).toEqual(facts)
    const f = a.findings[0]!
    expect([f.line, f.splat?.guilty?.line, f.splat?.endLine]).toEqual([
      entryLine(path, '------------[ cut here ]'),
      entryLine(path, ' shrink_store+0x12'),
      entryLine(path, '---[ end trace'),
    ])
    // The text path reads the same.
    expect(analyseBootLogText(data.toString('utf8'), 'DERIVED').host.onlineCpus?.line).toBe(facts.onlineCpus)
  })

  it('an export file is read on one thread (the split reader does not cut it), so its line numbers are the reader\'s', async () => {
    expect(await openBootLogSplit(path, {points: [data.length >> 1], jobs: 0})).toBeUndefined()
    // The same cut point on the plain log does split it: the check above is not vacuous.
    const plain = join(tmp, 'dmesg.txt')
    writeFileSync(plain, DMESG)
    const split = await openBootLogSplit(plain, {points: [DMESG.length >> 1], jobs: 0})
    expect(split).toBeDefined()
    for await (const _ of split!.batches) void _
  })
})

describe('journalctl -o export cut in the middle of a MESSAGE', () => {
  it('the report is cut short by the end of the log, as in dmesg; the cut entry is skipped as cut off', async () => {
    const data = toJournalExport(DMESG, BOOT)
    const at = data.indexOf('MESSAGE= shrink_store+0x12')
    expect(at).toBeGreaterThan(0)
    // The reviewer's cut: the file up to that line's LF, less 12 bytes (`MESSAGE= shrink_stor`).
    const cut = data.indexOf(10, at) + 1 - 12
    const path = join(tmp, 'DERIVED-midcut-export.log')
    writeFileSync(path, data.subarray(0, cut))
    const a = await analyseBootLog(path)
    const f = a.findings[0]!
    expect([f.corrupted, f.splat?.corruptedReason]).toEqual([true, 'cut short by the end of the log'])
    // The same cut in the plain log.
    const plain = DMESG.slice(0, DMESG.indexOf('\n', DMESG.indexOf(' shrink_store+0x12')) + 1 - 12)
    expect(analyseBootLogText(plain, 'DERIVED').findings[0]!.splat?.corruptedReason).toBe('cut short by the end of the log')
    // The cut entry (its 9 fields before MESSAGE and the cut MESSAGE line, grep's last) is skipped as cut off.
    const lines = grepN(path, '').length
    expect(a.lines).toBe(lines)
    expect(grepN(path, 'MESSAGE= shrink_stor')).toEqual([lines])
    expect(a.skipped.filter((s) => s.reason === EXPORT_REASON.cut).map((s) => s.line)).toEqual(Array.from({length: 10}, (_, k) => lines - 9 + k))
  })
})
