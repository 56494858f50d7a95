// Every supported format, DERIVED from real dmesg.txt files by test/helpers/convert.ts, must be
// detected as itself and give back the original (time, text) sequence; streamed from a file,
// gzipped, and pushed in small pieces, the result is the same.
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {BootLogParser, openBootLog, parseBootLogText} from '../../src/readers/bootlog/index.js'
import type {BootLogFormat, LogRecord} from '../../src/types.js'
import {CONSOLE_DROPPED, CONVERTERS, type ConvertedFormat, dmesgLines, expectedSequence, syntheticFacility, syntheticLevel, toGzip, toKmsg, VARIANTS} from '../helpers/convert.js'
import {captureDir, captureDirs} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-bootlog-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

const DMESG_FILES = captureDirs()
  .map((d) => join(d, 'dmesg.txt'))
  .filter((f) => {
    try {
      return readFileSync(f).length > 0
    } catch {
      return false
    }
  })
const FORMATS = Object.keys(CONVERTERS) as ConvertedFormat[]
/** The notrack capture carries a real WARNING splat; c64 is the reference boot. */
const REF = join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'dmesg.txt')

function seq(records: LogRecord[], keepsTime = true): Array<[number | undefined, string]> {
  return records.map((r) => [keepsTime ? r.time : undefined, r.text])
}

function asText(x: string | Buffer): string {
  return typeof x === 'string' ? x : x.toString('utf8')
}

async function readFile(path: string, format?: BootLogFormat) {
  const s = await openBootLog(path, format ? {format} : {})
  const records: LogRecord[] = []
  for await (const r of s.records) records.push(r)
  return {format: s.format, reason: s.formatReason, records, stats: s.stats()}
}

describe('derived formats from every real dmesg.txt', () => {
  it('the corpus has dmesg files', () => expect(DMESG_FILES.length).toBeGreaterThanOrEqual(27))

  for (const format of FORMATS) {
    it(`${format}: detected, same (time, text) sequence, every line accounted for`, () => {
      for (const f of DMESG_FILES) {
        const original = readFileSync(f, 'utf8')
        const want = expectedSequence(original)
        const r = parseBootLogText(asText(CONVERTERS[format](original)))
        expect(r.format, `${f} → ${format}: ${r.formatReason}`).toBe(format)
        expect(seq(r.records), f).toEqual(want)
        expect(r.recordLines + r.skippedTotal).toBe(r.lines)
      }
    })
  }

  for (const v of VARIANTS) {
    it(`${v.name}: detected as ${v.format}, same sequence`, () => {
      for (const f of DMESG_FILES) {
        const original = readFileSync(f, 'utf8')
        const r = parseBootLogText(asText(v.convert(original)))
        expect(r.format).toBe(v.format)
        expect(seq(r.records, v.keepsTime)).toEqual(seq(expectedSequence(original).map(([time, text]) => ({line: 0, time, text})), v.keepsTime))
        expect(r.recordLines + r.skippedTotal).toBe(r.lines)
      }
    })
  }
})

describe('format details (derived from the notrack capture)', () => {
  const original = readFileSync(REF, 'utf8')
  const n = dmesgLines(original).length

  it('levels and facilities survive where the format carries them', () => {
    for (const format of ['dmesg-raw', 'dmesg-decode', 'dmesg-json', 'kmsg', 'journal-json'] as const) {
      const r = parseBootLogText(asText(CONVERTERS[format](original)))
      expect(r.records.map((x) => x.level), format).toEqual(r.records.map((_, i) => syntheticLevel(i)))
      expect(r.records.map((x) => x.facility), format).toEqual(r.records.map((_, i) => syntheticFacility(i)))
    }
  })

  it('kmsg: sequence numbers kept, dictionary lines attached, not records', () => {
    const r = parseBootLogText(toKmsg(original))
    expect(r.records.map((x) => x.seq)).toEqual(r.records.map((_, i) => i + 1))
    const dictLines = toKmsg(original).split('\n').filter((l) => l.startsWith(' ')).length
    expect(dictLines).toBeGreaterThan(0)
    expect(r.recordLines).toBe(n + dictLines)
    expect(r.skippedTotal).toBe(0)
  })

  it('kmsg: \\xNN escapes are decoded, including UTF-8 bytes and backslashes', () => {
    const text = 'synthetic: tab\there back\\slash µs ✓'
    const r = parseBootLogText(`6,1,1500000,-;${text.replace(/[\\\t]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`).replace(/[^\x20-\x7e]/gu, (c) => [...Buffer.from(c)].map((b) => `\\x${b.toString(16)}`).join(''))}\n`)
    expect(r.records[0]).toMatchObject({text, time: 1.5, level: 6, facility: 0, seq: 1})
  })

  it('journal-json: other transports and null MESSAGE skipped with reasons', () => {
    const r = parseBootLogText(asText(CONVERTERS['journal-json'](original)))
    expect(r.records.length).toBe(n)
    expect(r.skippedByReason['not a kernel message']).toBe(Math.floor(n / 25))
    expect(r.skippedByReason['journal entry without MESSAGE']).toBe(1)
  })

  it('journal: the boot separator is skipped with a reason; syslog: other programs are skipped', () => {
    expect(parseBootLogText(asText(CONVERTERS.journal(original))).skippedByReason['journal boot/no-entries separator']).toBe(1)
    const s = parseBootLogText(asText(CONVERTERS.syslog(original)))
    expect(s.skippedByReason['not a kernel message']).toBe(2 * Math.floor(n / 30))
  })

  it('console: ANSI stripped, noise skipped, dropped messages counted', () => {
    const r = parseBootLogText(asText(CONVERTERS.console(original)))
    expect(r.droppedMessages).toBe(CONSOLE_DROPPED)
    expect(r.skippedTotal).toBe(r.lines - n)
    expect(r.skippedByReason['capture marker line']).toBe(1)
    expect(r.records.every((x) => !x.text.includes('\x1b'))).toBe(true)
  })

  it('streams every format from a file, from a gzip file, and with --format forced', async () => {
    const want = expectedSequence(original)
    for (const format of FORMATS) {
      const data = CONVERTERS[format](original)
      const plain = join(tmp, `log.${format}`)
      writeFileSync(plain, data)
      const a = await readFile(plain)
      expect(a.format).toBe(format)
      expect(seq(a.records)).toEqual(want)
      expect(a.stats.bytes).toBe(Buffer.byteLength(data))
      expect(a.stats.records).toBe(n)
      // gzip by magic bytes (no .gz suffix) and by name.
      const gz = join(tmp, `log-${format}.bin`)
      writeFileSync(gz, toGzip(data))
      const b = await readFile(gz)
      expect(b.format).toBe(format)
      expect(seq(b.records)).toEqual(want)
      const c = await readFile(plain, format)
      expect(c.reason).toMatch(/forced/)
      expect(seq(c.records)).toEqual(want)
    }
  })

  it('CRLF, CR CR LF or lone-CR line ends change nothing but the format label of plain dmesg (and, lone CR, the line numbers)', () => {
    const want = expectedSequence(original)
    for (const format of FORMATS) {
      const lf = asText(CONVERTERS[format](original)).replaceAll('\r\n', '\n')
      const base = parseBootLogText(lf)
      for (const end of ['\r\n', '\r\r\n', '\r']) {
        const r = parseBootLogText(lf.replaceAll('\n', end))
        expect(r.format, `${format} ${JSON.stringify(end)}`).toBe(format === 'dmesg' ? 'console' : format)
        expect(seq(r.records), `${format} ${JSON.stringify(end)}`).toEqual(want)
        if (end === '\r') {
          // No LF: one line as grep -n, sed -n and less see it; every piece is read, under line 1.
          expect(new Set(r.records.map((x) => x.line))).toEqual(new Set([1]))
          expect(r.lines, format).toBe(1)
          // Line formats read each piece as a line (accounted for as crSplits); dmesg --json is one document whatever its line ends.
          expect(r.recordLines + r.skippedTotal, format).toBe(1 + (r.crSplits ?? 0))
          expect(r.crSplits, format).toBe(format === 'dmesg-json' ? undefined : base.lines - 1)
          continue
        }
        expect(r.records.map((x) => x.line)).toEqual(base.records.map((x) => x.line))
        expect([r.lines, r.recordLines, r.skippedTotal, r.crSplits]).toEqual([base.lines, base.recordLines, base.skippedTotal, undefined])
      }
    }
  })

  it('pushing the text in small pieces (every 1..97 characters) gives the same records', () => {
    for (const format of FORMATS) {
      const text = asText(CONVERTERS[format](original))
      const whole = parseBootLogText(text)
      for (const step of [1, 7, 97]) {
        const p = new BootLogParser(whole.format)
        const got: LogRecord[] = []
        for (let i = 0; i < text.length; i += step) {
          p.push(text.slice(i, i + step))
          got.push(...p.drain())
        }
        p.end()
        got.push(...p.drain())
        expect(got, `${format} step ${step}`).toEqual(whole.records)
        expect(p.stats().lines).toBe(whole.lines)
      }
    }
  })

  it('a console whose kernel lines start after 500 lines of userspace output is still a timed console', async () => {
    // DERIVED: the real dmesg after a SYNTHETIC preamble of syzkaller-style executor output.
    const preamble = Array.from({length: 500}, (_, i) => (i % 2 ? `r0 = socket$inet(0x2, 0x1, 0x${i.toString(16)})` : `2026/11/26 00:52:36 executing program ${i % 4}:`)).join('\n')
    const path = join(tmp, 'late.log')
    writeFileSync(path, preamble + '\n' + original)
    const a = await readFile(path)
    expect(a.format).toBe('console')
    expect(seq(a.records)).toEqual(expectedSequence(original))
    expect(a.stats.skippedTotal).toBe(500)
    expect(parseBootLogText(preamble + '\n' + original).records.length).toBe(n)
  })

  it('batches give the same records as records, and a stream iterates once', async () => {
    const path = join(tmp, 'batches.txt')
    writeFileSync(path, original.repeat(50))
    const a = await readFile(path)
    const s = await openBootLog(path)
    const got: LogRecord[] = []
    let batches = 0
    for await (const b of s.batches) {
      batches++
      got.push(...b)
    }
    expect(got).toEqual(a.records)
    expect(batches).toBeGreaterThan(1)
    await expect(s.records[Symbol.asyncIterator]().next()).rejects.toThrow(/only once/)
  })

  it('stopping early closes the file (plain and gzip)', async () => {
    const fds = (): number => readdirSync('/proc/self/fd').length
    const plain = join(tmp, 'early.txt')
    writeFileSync(plain, original.repeat(200))
    const gz = join(tmp, 'early.txt.gz')
    writeFileSync(gz, toGzip(original.repeat(200)))
    const before = fds()
    for (const path of [plain, gz]) {
      const s = await openBootLog(path)
      let n = 0
      for await (const _ of s.records) if (++n === 10) break
      expect(n).toBe(10)
    }
    await new Promise((r) => setTimeout(r, 50))
    expect(fds()).toBe(before)
  })

  it('reports progress against the file size', async () => {
    const path = join(tmp, 'progress.txt')
    writeFileSync(path, original.repeat(20))
    const seen: Array<[number, number | undefined]> = []
    const s = await openBootLog(path, {onProgress: (b, t) => seen.push([b, t])})
    for await (const _ of s.records) void _
    const size = Buffer.byteLength(original) * 20
    expect(seen.at(-1)).toEqual([size, size])
    expect(s.stats().records).toBe(n * 20)
  })
})
