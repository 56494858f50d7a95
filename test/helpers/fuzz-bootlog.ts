// Fuzz target: the boot-log reader (src/readers/bootlog). Properties: parseBootLogText throws
// nothing but InputError; every input line is part of a record or skipped (recordLines +
// skippedTotal = lines, and lines = an independent count of LF / CRLF / CR line ends); record
// line numbers increase and lie inside the input; the records before the damage are unchanged;
// line-end conversions change no record; the streaming reader (openBootLog on a file) gives the
// same records as the in-memory one.
import {mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {openBootLog, parseBootLogText, type ParsedBootLog} from '../../src/readers/bootlog/index.js'
import {InputError} from '../../src/errors.js'
import type {LogRecord} from '../../src/types.js'
import {CONVERTERS} from './convert.js'
import {type CorpusFile, fail, type FuzzCase, type FuzzTarget} from './fuzz.js'
import {captureDir, PEER} from './paths.js'

/** Real boot logs: plain dmesg (two with real WARNING splats), raw serial consoles, the lkml excerpt, syzkaller consoles. */
export function bootlogCorpus(): CorpusFile[] {
  const files: CorpusFile[] = []
  const add = (name: string, path: string) => files.push({name, bytes: readFileSync(path)})
  for (const c of ['linux-6.12-instr_smp064_2G_numa2', 'linux-7.2-notrack-c8-m1024-shrink', 'linux-7.2-pool-c64-m1024', 'linux-6.12-nodebug_smp001_1G', 'linux-7.2-legacylate-c255-m1024']) {
    add(`${c}/dmesg.txt`, join(captureDir(c), 'dmesg.txt'))
  }
  for (const c of ['linux-7.2-pool-c255-m1024', 'linux-7.2-pool-c4-m1024']) add(`${c}/console.log`, join(captureDir(c), 'console.log'))
  add('lkml-7.0-rc4-alloc-tag-not-set/dmesg-excerpt.txt', join(captureDir('lkml-7.0-rc4-alloc-tag-not-set'), 'dmesg-excerpt.txt'))
  // A few syzkaller console logs (real, with KASAN/WARNING/BUG reports and non-kernel noise).
  const peer = readdirSync(PEER).sort()
  for (const n of ['0', '10', '100', '1000', '102']) if (peer.includes(n)) add(`syzkaller/${n}`, join(PEER, n))
  // Every other format, DERIVED from the two logs with real splats by helper A's converters.
  for (const c of ['linux-6.12-instr_smp064_2G_numa2', 'linux-7.2-notrack-c8-m1024-shrink']) {
    const text = readFileSync(join(captureDir(c), 'dmesg.txt'), 'utf8')
    for (const [fmt, conv] of Object.entries(CONVERTERS)) {
      if (fmt === 'dmesg') continue
      const out = conv(text)
      files.push({name: `${c}/dmesg.txt as ${fmt} (derived)`, bytes: typeof out === 'string' ? Buffer.from(out) : out})
    }
  }
  return files
}

/** Lines as the readers number them (lines.ts LineNumbers); a last line without an end counts. NULs carry no text. */
/** A CR that is no part of a line end (CR LF, CR CR LF): it splits a line into pieces, numbered as the line. */
export const BARE_CR = /\r(?![\r\n])/

export function countLines(text: string): number {
  // As grep -n numbers them: LF ends a line, a CR does not; text after the last LF counts when it holds more than CRs.
  const t = text.replaceAll('\0', '')
  let n = 0
  for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) n++
  return n + (/[^\r]/.test(t.slice(t.lastIndexOf('\n') + 1)) ? 1 : 0)
}

const family = (f: string) => (f === 'dmesg' || f === 'console' ? 'plain' : f)

const recKey = (r: LogRecord) => `${r.line}|${r.time ?? ''}|${r.level ?? ''}|${r.text}`

/** parseBootLogText, or undefined when it (rightly) refuses the input with an InputError. */
export function parseOrRefuse(c: FuzzCase, text: string): ParsedBootLog | undefined {
  try {
    return parseBootLogText(text)
  } catch (e) {
    if (e instanceof InputError) {
      if (!e.message.startsWith('<text>')) fail(c, `InputError does not name the input: ${e.message}`)
      return undefined
    }
    fail(c, `parseBootLogText threw ${(e as Error).name}: ${(e as Error).stack}`)
  }
}

const baseline = new Map<string, ParsedBootLog | undefined>()
export function baselineOf(c: FuzzCase): ParsedBootLog | undefined {
  const o = c.original!
  if (!baseline.has(o.name)) baseline.set(o.name, parseBootLogText(o.bytes.toString('utf8')))
  return baseline.get(o.name)
}

let tmp: string | undefined
let streamed = 0

export const bootlogTarget: FuzzTarget = {
  name: 'bootlog',
  corpus: bootlogCorpus,
  maxBytes: 4096,
  async check(c: FuzzCase) {
    const text = c.bytes.toString('utf8') // U+FFFD for invalid UTF-8, as the streaming reader's decoder does
    const p = parseOrRefuse(c, text)
    if (!p) return
    // Every line accounted for.
    // A piece a bare CR split off a line is read as one more line (lines.ts LineNumbers).
    if (p.recordLines + p.skippedTotal !== p.lines + (p.crSplits ?? 0)) fail(c, `recordLines ${p.recordLines} + skipped ${p.skippedTotal} != lines ${p.lines} + CR pieces ${p.crSplits ?? 0} (${p.format})`)
    if (p.format !== 'dmesg-json' && p.format !== 'journal-json' && p.lines !== countLines(text)) {
      fail(c, `lines ${p.lines} != ${countLines(text)} line ends counted independently (${p.format})`)
    }
    let prev = 0
    const json = p.format === 'dmesg-json' || p.format === 'journal-json'
    if (!json && p.records.length > p.recordLines) fail(c, `${p.records.length} records from ${p.recordLines} record lines`)
    for (const r of p.records) {
      // JSON may hold several records on one line (compact dmesg --json), and the pieces a bare CR splits
      // a line into keep its number (lines.ts LineNumbers): there lines only must not go back.
      const ok = json || p.crSplits ? r.line >= prev : r.line > prev
      if (!(ok && r.line >= 1 && r.line <= Math.max(p.lines, 1))) fail(c, `record line ${r.line} after ${prev} (of ${p.lines} lines)`)
      if (r.time !== undefined && !Number.isFinite(r.time)) fail(c, `record at line ${r.line} has time ${r.time}`)
      prev = r.line
    }
    const recLines = new Set(p.records.map((r) => r.line))
    for (const s of p.skipped) {
      if (s.line < 1 || s.line > p.lines) fail(c, `skipped line ${s.line} outside 1..${p.lines}`)
      // A line a bare CR split may hold a record piece and a skipped one.
      if (!json && !p.crSplits && recLines.has(s.line)) fail(c, `line ${s.line} is both a record and skipped (${s.reason})`)
      if (!s.reason) fail(c, `skipped line ${s.line} without a reason`)
    }

    // The streaming reader agrees with the in-memory one (every 8th case: it costs a file).
    if (streamed++ % 8 === 0 || c.bytes.length > 65536) {
      tmp ??= mkdtempSync(join(tmpdir(), 'allocscope-fuzz-'))
      const f = join(tmp, 'log')
      writeFileSync(f, c.bytes)
      const s = await openBootLog(f)
      const got: string[] = []
      for await (const r of s.records) got.push(recKey(r))
      const st = s.stats()
      if (s.format !== p.format) fail(c, `stream format ${s.format} != text format ${p.format}`)
      if (got.length !== p.records.length) fail(c, `stream gave ${got.length} records, text gave ${p.records.length}`)
      for (let i = 0; i < got.length; i++) if (got[i] !== recKey(p.records[i])) fail(c, `record ${i}: stream '${got[i]}' != text '${recKey(p.records[i])}'`)
      if (st.lines !== p.lines || st.skippedTotal !== p.skippedTotal) fail(c, `stream lines/skipped ${st.lines}/${st.skippedTotal} != ${p.lines}/${p.skippedTotal}`)
    }

    if (c.kind !== 'mutation') return
    const m = c.mutated!
    const base = baselineOf(c)
    // The damage may change what the log looks like (a CR makes plain dmesg a console log): compare
    // only within one family, where timestamped lines must read the same.
    if (!base || family(base.format) !== family(p.format)) return
    if (m.sameContent) {
      // Bare CRs (lone-CR or mixed line ends) end no line: the numbers change (grep -n's), the records must not.
      const key = BARE_CR.test(text) ? (r: LogRecord) => recKey(r).replace(/^\d+\|/, '') : recKey
      const a = base.records.map(key)
      const b = p.records.map(key)
      if (a.length !== b.length) fail(c, `line ends changed the record count: ${b.length} != ${a.length}`)
      for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) fail(c, `line ends changed record ${i}: '${b[i]}' != '${a[i]}'`)
      return
    }
    if (p.format === 'dmesg-json' || p.format === 'journal-json') return
    // Records after the damage are unchanged, shifted by the lines the damage added or removed.
    if (m.tailStart !== undefined && m.tailAt !== undefined) {
      const before = countLines(c.original!.bytes.subarray(0, m.tailStart).toString('utf8'))
      const shift = countLines(c.bytes.subarray(0, m.tailAt).toString('utf8')) - before
      const got = new Set(p.records.map((r) => recKey({...r, line: r.line - shift})))
      for (const r of base.records) {
        if (r.line <= before + 1) continue
        if (!got.has(recKey(r))) fail(c, `record after the damage lost or changed: '${recKey(r)}' (expected at line ${r.line + shift})`)
      }
    }
    // Records that start and end before the damage are unchanged (a record's last line is the one before the next record).
    const base2 = base.records
    for (let i = 0; i < base2.length; i++) {
      const end = i + 1 < base2.length ? base2[i + 1].line - 1 : base.lines
      if (end >= m.untouched) break
      if (recKey(base2[i]) !== (p.records[i] ? recKey(p.records[i]) : 'none')) {
        fail(c, `untouched record ${i} (line ${base2[i].line}) changed: '${p.records[i] ? recKey(p.records[i]) : 'none'}' != '${recKey(base2[i])}'`)
      }
    }
  },
}

export function cleanupBootlogFuzz(): void {
  if (tmp) rmSync(tmp, {recursive: true, force: true})
  tmp = undefined
}
