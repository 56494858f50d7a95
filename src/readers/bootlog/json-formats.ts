// The two JSON boot-log formats.
// - `dmesg --json` (util-linux) is ONE document, `{"dmesg":[{...},{...}]}`, pretty-printed or
//   compact, possibly GBs: a small scanner finds each flat entry object of the array (tracking
//   strings, escapes and nesting across chunks) and JSON.parses just that object.
// - `journalctl -k -o json` is one object per line.
import type {LogRecord} from '../../types.js'
import type {Sink} from './sink.js'
import type {LineReader} from './engine.js'
import {BOOT_ID, FACILITY_NAMES, LEVEL_NAMES, REASON} from './text-formats.js'

export const JSON_REASON = {
  structure: 'dmesg --json document structure',
  badEntry: 'dmesg --json entry is not valid JSON',
  noMsg: 'dmesg --json entry without "msg"',
  tooLarge: 'JSON entry larger than the line limit',
  notObject: 'not a JSON object',
  badJson: 'invalid JSON',
  noMessage: 'journal entry without MESSAGE',
} as const

type Json = null | boolean | number | string | Json[] | {[k: string]: Json}

/**
 * util-linux: numeric "pri" is facility << 3 | level (LOG_RAW_FAC_PRI; before 2.39 it printed
 * facility | level, which differs only for non-kernel facilities); with -x, "fac" and "pri" are names.
 */
function levelFacility(r: LogRecord, pri: Json | undefined, fac: Json | undefined): void {
  if (typeof pri === 'number' && Number.isInteger(pri) && pri >= 0) {
    r.level = pri & 7
    r.facility = pri >> 3
  } else if (typeof pri === 'string') {
    const l = LEVEL_NAMES.indexOf(pri.trim())
    if (l >= 0) r.level = l
  }
  if (typeof fac === 'string') {
    const f = FACILITY_NAMES.indexOf(fac.trim())
    if (f >= 0) r.facility = f
  }
}

const QUOTE = 34
const BSLASH = 92
const NL = 10
const CR = 13
/** Outside strings only these characters matter. */
const TOKEN = /["{}[\]]/g
const STRING_STOP = /["\\]/g

function indexOrEnd(t: string, c: string, from: number): number {
  const i = t.indexOf(c, from)
  return i === -1 ? t.length : i
}

/** Streaming reader of a `dmesg --json` document. */
export class DmesgJsonReader {
  /** Newlines seen. */
  private nl = 0
  /** Whether the text after the last newline holds a character other than CR: a last line without a newline counts then. */
  private tail = false
  private depth = 0
  private inString = false
  private escape = false
  /** Pieces of the entry object being read (it may span chunks). */
  private obj: string[] = []
  private objLen = 0
  private inObj = false
  private objTooBig = false
  private objStartLine = 0
  /** Last line already accounted to a record or as skipped. */
  private accounted = 0

  constructor(
    readonly sink: Sink,
    private readonly maxObject: number,
  ) {}

  /** Where the entry being read starts in the current chunk (-1: not in this chunk). */
  private objFrom = -1

  /** Blank lines before the document, already counted as skipped. */
  skipLeading(n: number): void {
    this.nl += n
    this.accounted += n
  }

  /** Lines as LineSplitter counts them (lines.ts LineNumbers): LF ends one, a CR does not. */
  lines(): number {
    return this.nl + (this.tail ? 1 : 0)
  }

  push(t: string): void {
    const n = t.length
    if (n === 0) return
    this.objFrom = this.inObj ? 0 : -1
    const lineAt = this.lineCounter(t)
    let i = 0
    if (this.escape) {
      this.escape = false
      i = 1
    }
    while (i < n) {
      i = this.inString ? this.skipString(t, i) : this.token(t, i, lineAt)
      if (i === -1) break
    }
    lineAt(n)
    const lastNl = t.lastIndexOf('\n')
    if (lastNl !== -1) this.tail = false
    for (let k = lastNl + 1; k < n && !this.tail; k++) if (t.charCodeAt(k) !== CR) this.tail = true
    if (this.inObj && this.objFrom !== -1) this.keep(t, this.objFrom, n)
  }

  /**
   * The line number at a position of t, counting LFs lazily, each once, up to the position asked
   * about (positions asked for only grow).
   */
  private lineCounter(t: string): (i: number) => number {
    let nextNl = indexOrEnd(t, '\n', 0)
    return (i) => {
      while (nextNl < i) {
        this.nl++
        nextNl = indexOrEnd(t, '\n', nextNl + 1)
      }
      return this.nl + 1
    }
  }

  /** Inside a string (most of the document): jump to its closing quote. Returns where to go on, -1 at the chunk's end. */
  private skipString(t: string, i: number): number {
    STRING_STOP.lastIndex = i
    const m = STRING_STOP.exec(t)
    if (!m) return -1
    const k = m.index
    if (t.charCodeAt(k) === BSLASH) {
      if (k + 1 === t.length) {
        this.escape = true
        return -1
      }
      return k + 2
    }
    this.inString = false
    return k + 1
  }

  /** Outside strings: the next structural character. Returns where to go on, -1 at the chunk's end. */
  private token(t: string, i: number, lineAt: (i: number) => number): number {
    TOKEN.lastIndex = i
    const m = TOKEN.exec(t)
    if (!m) return -1
    const k = m.index
    switch (t.charCodeAt(k)) {
      case QUOTE:
        this.inString = true
        break
      case 123: // {
        if (this.inObj) this.nested(lineAt(k))
        else if (this.depth === 2) {
          const after = this.quickEntry(t, k, lineAt)
          if (after !== -1) return after
          this.inObj = true
          this.objStartLine = lineAt(k)
          this.objFrom = k
        }
        this.depth++
        break
      case 91: // [
        if (this.inObj) this.nested(lineAt(k))
        this.depth++
        break
      case 125: // }
        if (this.depth === 0) this.broken(lineAt(k), 'a "}" closes nothing')
        else this.depth--
        if (this.depth === 2 && this.inObj) {
          this.keep(t, this.objFrom, k + 1)
          this.entry(lineAt(k))
          this.objFrom = -1
        }
        break
      case 93: // ]
        if (this.depth === 0) this.broken(lineAt(k), 'a "]" closes nothing')
        else this.depth--
        break
    }
    return k + 1
  }

  /** util-linux prints flat entries: an object or array inside one means the document is not its. */
  private nested(line: number): void {
    this.broken(line, `the entry from line ${this.objStartLine} holds a nested object or array (dmesg --json entries are flat)`)
  }

  private broken(line: number, what: string): void {
    this.sink.broken ??= {line, what: `${what}: not a dmesg --json document`}
  }

  end(): void {
    if (this.inObj || this.depth > 0 || this.inString) {
      // The document was cut (head -c, a capture killed mid-write): what was read of the entry is not a record.
      const where = this.inObj ? `inside the entry from line ${this.objStartLine}` : 'before its closing brackets'
      this.sink.cutShort = `the dmesg --json document ends at line ${this.lines()} ${where} (cut short)`
      this.inObj = false
      this.obj = []
    }
    this.skipUpTo(this.lines())
  }

  private keep(t: string, from: number, to: number): void {
    if (this.objTooBig) return
    this.objLen += to - from
    if (this.objLen > this.maxObject) {
      this.objTooBig = true
      this.obj = []
      return
    }
    this.obj.push(t.slice(from, to))
  }

  private skipUpTo(line: number): void {
    while (this.accounted < line) this.sink.skip(++this.accounted, JSON_REASON.structure)
  }

  /** The slow path's end of an entry: the object text was gathered while scanning. */
  private entry(endLine: number): void {
    const start = this.objStartLine
    const text = this.obj.join('')
    const tooBig = this.objTooBig
    this.obj = []
    this.objLen = 0
    this.inObj = false
    this.objTooBig = false
    this.skipUpTo(start - 1)
    const first = Math.max(start, this.accounted + 1)
    if (tooBig) return this.fail(first, endLine, JSON_REASON.tooLarge, '')
    let o: Json
    try {
      o = JSON.parse(text) as Json
    } catch {
      return this.fail(first, endLine, JSON_REASON.badEntry, text)
    }
    this.accept(o, text, start, endLine)
  }

  /**
   * The fast path: an entry whose first `}` (in this chunk) ends it. If the text up to that `}`
   * parses as JSON, that `}` is the entry's real end (a JSON prefix tokenises the same as the
   * whole text); if not (a `}` inside a string, a nested object, a chunk border), the caller
   * scans. Returns the index after the entry, or -1.
   */
  private quickEntry(t: string, from: number, lineAt: (i: number) => number): number {
    const end = t.indexOf('}', from)
    if (end === -1 || end - from > this.maxObject) return -1
    const text = t.slice(from, end + 1)
    let o: Json
    try {
      o = JSON.parse(text) as Json
    } catch {
      return -1
    }
    const start = lineAt(from)
    this.skipUpTo(start - 1)
    this.accept(o, text, start, lineAt(end))
    return end + 1
  }

  private accept(o: Json, text: string, start: number, endLine: number): void {
    const first = Math.max(start, this.accounted + 1)
    if (o === null || typeof o !== 'object' || Array.isArray(o) || typeof o.msg !== 'string') return this.fail(first, endLine, JSON_REASON.noMsg, text)
    const msg = o.msg
    const r: LogRecord = {line: start, text: msg.endsWith('\n') ? msg.slice(0, -1) : msg}
    if (typeof o.time === 'number') r.time = o.time
    levelFacility(r, o.pri, o.fac)
    if (typeof o.caller === 'string' && o.caller.length > 0) r.caller = o.caller.trim()
    this.sink.record(r, Math.max(endLine - first + 1, 0))
    this.accounted = Math.max(this.accounted, endLine)
  }

  /** An entry that is not a record: its lines are skipped. */
  private fail(first: number, last: number, reason: string, text: string): void {
    for (let l = first; l <= last; l++) this.sink.skip(l, reason, l === first ? text : undefined)
    this.accounted = Math.max(this.accounted, last)
  }
}

/**
 * journald's MESSAGE: a string; an array of bytes when the value is not valid UTF-8 (or has
 * control characters); null when unset or too large (journalctl --all not given); an array of
 * those when the field occurs several times in the entry (the first usable one is taken).
 */
export function journalMessage(v: Json | undefined): string | undefined {
  if (typeof v === 'string') return v
  if (Array.isArray(v)) {
    if (v.every((b) => typeof b === 'number')) return Buffer.from((v as number[]).map((b) => b & 0xff)).toString('utf8')
    for (const x of v) {
      const m = journalMessage(x)
      if (m !== undefined) return m
    }
  }
  return undefined
}

function field(v: Json | undefined): string | undefined {
  if (typeof v === 'string') return v
  if (typeof v === 'number') return String(v)
  if (Array.isArray(v)) return field(v[0])
  return undefined
}

type Entry = {[k: string]: Json}

/** One line of `journalctl -o json` (or json-seq) as an entry, or why it is none (a skip reason). */
function journalEntry(s: string): Entry | string {
  // json-seq (RFC 7464) puts a record separator before each entry.
  const t = (s.charCodeAt(0) === 0x1e ? s.slice(1) : s).trim()
  if (t.length === 0) return REASON.empty
  if (t.charCodeAt(0) !== 123) return JSON_REASON.notObject
  let o: Json
  try {
    o = JSON.parse(t) as Json
  } catch {
    return JSON_REASON.badJson
  }
  return o === null || typeof o !== 'object' || Array.isArray(o) ? JSON_REASON.notObject : o
}

/** An entry's `_HOSTNAME`, its fields read as the reader reads them (batch's host name: hostname.ts); undefined when the line is no entry or has none. */
export function journalJsonHost(s: string): string | undefined {
  const o = journalEntry(s)
  const h = typeof o === 'string' ? undefined : field(o._HOSTNAME)
  return h ? h : undefined
}

/** `journalctl -k -o json` (and json-seq): one entry per line; entries of other transports are skipped. */
export class JournalJsonReader implements LineReader {
  constructor(private readonly sink: Sink) {}

  line(s: string, no: number): void {
    const o = journalEntry(s)
    if (typeof o === 'string') return o === REASON.empty ? this.sink.skip(no, o) : this.sink.skip(no, o, s)
    const transport = field(o._TRANSPORT)
    if (transport !== undefined && transport !== 'kernel') return this.sink.skip(no, REASON.notKernel, s)
    const msg = journalMessage(o.MESSAGE)
    if (msg === undefined) return this.sink.skip(no, JSON_REASON.noMessage, s)
    const r: LogRecord = {line: no, text: msg.endsWith('\n') ? msg.slice(0, -1) : msg}
    // The kernel's own time stamp (µs since boot); __MONOTONIC_TIMESTAMP is journald's receive time.
    const mono = field(o._SOURCE_MONOTONIC_TIMESTAMP)
    if (mono !== undefined && /^\d{1,20}$/.test(mono)) r.time = Number(mono) / 1e6
    const pri = field(o.PRIORITY)
    if (pri !== undefined && /^[0-7]$/.test(pri)) r.level = Number(pri)
    const fac = field(o.SYSLOG_FACILITY)
    if (fac !== undefined && /^\d{1,3}$/.test(fac)) r.facility = Number(fac)
    const boot = field(o._BOOT_ID)
    if (boot !== undefined && BOOT_ID.test(boot)) r.boot = boot
    this.sink.record(r)
  }
}
