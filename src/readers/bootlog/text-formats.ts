// Line-based readers: plain dmesg / serial console / dmesg -r / dmesg -x / /dev/kmsg /
// journalctl -k short / syslog kern.log. Each turns one line into a record, an attachment to the
// previous record, or a skipped line with a fixed reason.
import type {LogRecord} from '../../types.js'
import type {LineReader} from './engine.js'
import {findTime, readPrefix, type Prefix} from './prefix.js'
import type {Sink} from './sink.js'
import {wallSeconds} from './wall.js'
import {clockRestarts, isBanner, repeatsRecord} from './boot-start.js'

export type {LineReader} from './engine.js'

export interface ReaderOptions {
  /** The log carries printk time stamps: a line without one was not printed by the kernel. */
  timed: boolean
}

export const REASON = {
  empty: 'empty line',
  noTime: 'no printk time stamp: not a kernel line',
  marker: 'capture marker line',
  dropped: 'printk messages dropped (counted)',
  replay: 'printk replay marker',
  notKmsg: 'not a /dev/kmsg record',
  notKernel: 'not a kernel message',
  journalMeta: 'journal boot/no-entries separator',
  notSyslog: 'no syslog/journal prefix',
  notDecoded: 'no dmesg -x facility:level prefix',
  notRaw: 'no <priority> prefix',
  leading: 'blank lines and NUL bytes before the first text',
} as const

// printk's CONSOLE_EXT / util-linux names for syslog facilities and levels (dmesg -x, --json -x).
export const FACILITY_NAMES = ['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp', 'res0', 'res1', 'res2', 'res3', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7']
export const LEVEL_NAMES = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug']

const ESC = '\x1b'
// CSI sequences (colours, cursor moves), OSC strings and two-byte escapes: what a serial
// console or a terminal program puts around kernel text.
const ANSI = /\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])/g

export function stripAnsi(s: string): string {
  return s.indexOf(ESC) === -1 ? s : s.replace(ANSI, '')
}

function isBlank(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c !== 32 && c !== 9 && c !== 11 && c !== 12) return false
  }
  return true
}

/** The printk notice of messages lost to a full buffer (its count captured). */
export const DROPPED = /^\*\* (\d+) printk messages dropped \*\* ?/
const REPLAY = '** replaying previous printk message **'

function prefixRecord(no: number, s: string, p: Prefix): LogRecord {
  const r: LogRecord = {line: no, text: s.slice(p.textStart)}
  if (p.time !== undefined) r.time = p.time
  if (p.pri !== undefined) {
    r.level = p.pri & 7
    r.facility = p.pri >> 3
  }
  if (p.caller !== undefined) r.caller = p.caller
  if (p.wall !== undefined) r.wall = p.wall
  return r
}

/** A /dev/kmsg dictionary line (devkmsg_read() prints them after a record: ` SUBSYSTEM=pci`, ` DEVICE=+pci:0000:00:01.0`). */
const KMSG_DICT = /^ [A-Z][A-Z0-9_]*=/
/**
 * A line of util-linux dmesg --json, indented as it prints them (three spaces a level): a record's
 * member (`         "pri": 6,`), the braces between records (`      },{`), the array's first and last line.
 */
const DMESG_JSON = /^(?: {9}"[a-z_]+": | {6}(?:\{|\},\{|\})$| {3}(?:"dmesg": \[|\])$)/

/**
 * A record continuing the previous one (an indented continuation line `s`): same time, level,
 * caller. A /dev/kmsg dictionary line or a dmesg --json line is marked (LogRecord.otherForm): no
 * other format prints one.
 * A dropped-messages count stays with the record that carried it: copied, the splat parser read it
 * as messages lost inside the report that record began.
 */
function inherit(prev: LogRecord, no: number, s: string): LogRecord {
  // Copied field by field in prev's order, without the ones that stay with prev: a spread with
  // properties after it (V8's slow clone, bench/NOTES.md) and then deletes (which leave the record
  // a dictionary for every later read) took 86 against 46 ms for 60 000 continuation lines.
  const r = {} as LogRecord
  for (const k in prev) if (k !== 'seq' && k !== 'dropped' && k !== 'otherForm' && k !== 'bootLine') (r as unknown as Record<string, unknown>)[k] = prev[k as keyof LogRecord]
  r.line = no
  r.text = s.trimStart()
  const form = KMSG_DICT.test(s) ? 'kmsg' : DMESG_JSON.test(s) ? 'json' : undefined
  if (form) r.otherForm = form
  return r
}

/**
 * Plain dmesg, dmesg -r and serial console text.
 * - Timed logs: the kernel prefixes every line it prints (record_print_text() repeats the prefix
 *   on each line of a multi-line record), so a line without a time stamp is someone else's:
 *   a capture marker, a shell or login prompt, QEMU/firmware noise. It is skipped with a reason.
 *   Exception (`dmesg` only): util-linux prints the continuation lines of a multi-line record
 *   indented under the message; such an indented line becomes a record with the previous
 *   record's time, level and caller.
 *   Console only: a kernel line glued after a prompt (`syzkaller login: [   16.305150] INFO: ...`)
 *   is read from its time stamp on.
 * - Untimed logs (printk.time=0, dmesg -t): every non-empty line is a record without time.
 * - `** N printk messages dropped **` (console_prepend_dropped(): on its own line or glued before
 *   the next record) is counted in droppedMessages, and carried by the next record (LogRecord.dropped).
 */
export class KernelTextReader implements LineReader {
  private prev: LogRecord | undefined
  /** Messages a dropped-messages notice counted that no record has carried yet (LogRecord.dropped). */
  private dropped = 0

  constructor(
    private readonly sink: Sink,
    private readonly format: 'dmesg' | 'console' | 'dmesg-raw',
    private readonly opts: ReaderOptions,
  ) {}

  line(s: string, no: number, plain = false): void {
    if (!plain && s.indexOf(ESC) !== -1) s = stripAnsi(s)
    if (s.length === 0 || isBlank(s)) {
      this.sink.skip(no, REASON.empty)
      return
    }
    let c = s.charCodeAt(0)
    if (c === 42 /* * */ && s.startsWith('** ')) {
      const m = DROPPED.exec(s)
      if (m) {
        this.sink.droppedMessages += Number(m[1])
        this.dropped += Number(m[1])
        s = s.slice(m[0].length)
        if (isBlank(s)) {
          this.sink.skip(no, REASON.dropped, m[0])
          return
        }
        c = s.charCodeAt(0)
      } else if (s.startsWith(REPLAY)) {
        this.sink.skip(no, REASON.replay)
        return
      }
    }
    // `[` time, `<` priority, a digit: an ISO stamp (dmesg --time-format iso).
    const p = c === 91 /* [ */ || c === 60 /* < */ || (c >= 48 && c <= 57) ? readPrefix(s) : undefined
    if (p) {
      this.emit(prefixRecord(no, s, p))
      return
    }
    if (!this.opts.timed) {
      this.emit({line: no, text: s})
      return
    }
    if (this.format === 'dmesg' && this.prev && (c === 32 || c === 9)) {
      this.emit(inherit(this.prev, no, s))
      return
    }
    if (this.format === 'console') {
      const at = findTime(s, 1)
      if (at > 0) {
        const q = readPrefix(s, at, false)
        if (q) {
          this.emit(prefixRecord(no, s, q))
          return
        }
      }
    }
    if (s.startsWith('===')) this.sink.skip(no, REASON.marker, s)
    else this.sink.orphan(no, REASON.noTime, s)
  }

  private emit(r: LogRecord): void {
    if (this.dropped) {
      r.dropped = this.dropped
      this.dropped = 0
    }
    this.prev = r
    this.sink.record(r)
  }
}

/** dmesg -x's facility and level prefix. */
export const DECODED = /^([a-z0-9]+) *:([a-z]+) *: /

/** dmesg -x: `kern  :warn  : [    1.234567] text` (util-linux prints "%-6s:%-6s: "). */
export class DecodedReader implements LineReader {
  private prev: LogRecord | undefined

  constructor(private readonly sink: Sink) {}

  line(s: string, no: number): void {
    if (s.length === 0 || isBlank(s)) {
      this.sink.skip(no, REASON.empty)
      return
    }
    const m = DECODED.exec(s)
    if (!m) {
      // util-linux indents a multi-line record's continuation lines under its message.
      const c = s.charCodeAt(0)
      if (this.prev && (c === 32 || c === 9)) {
        this.emit(inherit(this.prev, no, s))
      } else this.sink.skip(no, REASON.notDecoded, s)
      return
    }
    const at = m[0].length
    const p = readPrefix(s, at, false)
    const r: LogRecord = p ? prefixRecord(no, s, p) : {line: no, text: s.slice(at)}
    const fac = FACILITY_NAMES.indexOf(m[1]!)
    const lev = LEVEL_NAMES.indexOf(m[2]!)
    if (fac >= 0) r.facility = fac
    if (lev >= 0) r.level = lev
    this.emit(r)
  }

  private emit(r: LogRecord): void {
    this.prev = r
    this.sink.record(r)
  }
}

/**
 * /dev/kmsg records: `pri,seq,usec,flags[,...];text` (devkmsg_read(): the kernel escapes
 * bytes < 0x20, >= 0x7f and backslash as \xNN), followed by zero or more dictionary lines
 * starting with a space (` SUBSYSTEM=pci`, ` DEVICE=+pci:0000:00:01.0`), which belong to the
 * record and are not records themselves.
 */
export class KmsgReader implements LineReader {
  private inRecord = false

  constructor(private readonly sink: Sink) {}

  line(s: string, no: number): void {
    if (s.charCodeAt(0) === 32 && this.inRecord) {
      this.sink.attach()
      return
    }
    const semi = s.indexOf(';')
    const r = semi > 0 ? parseKmsgHeader(s.slice(0, semi), no) : undefined
    if (!r) {
      this.inRecord = false
      this.sink.skip(no, s.length === 0 || isBlank(s) ? REASON.empty : REASON.notKmsg, s)
      return
    }
    r.text = unescapeKmsg(s.slice(semi + 1))
    this.inRecord = true
    this.sink.record(r)
  }
}

/** `pri,seq,usec,flags[,key=value...]`, read field by field without splitting. */
function parseKmsgHeader(h: string, no: number): LogRecord | undefined {
  const c1 = h.indexOf(',')
  const c2 = c1 === -1 ? -1 : h.indexOf(',', c1 + 1)
  const c3 = c2 === -1 ? -1 : h.indexOf(',', c2 + 1)
  if (c3 === -1) return undefined
  const pri = toUint(h, 0, c1)
  const seq = toUint(h, c1 + 1, c2)
  const usec = toUint(h, c2 + 1, c3)
  if (pri === undefined || seq === undefined || usec === undefined) return undefined
  // µs → s: one correctly rounded division equals parsing the "%5lu.%06lu" text.
  const r: LogRecord = {line: no, time: usec / 1e6, level: pri & 7, facility: pri >> 3, seq, text: ''}
  // CONFIG_PRINTK_CALLER adds `,caller=T1` after the flags (info_print_ext_header()).
  const caller = h.indexOf(',caller=', c3)
  if (caller !== -1) {
    const end = h.indexOf(',', caller + 8)
    r.caller = h.slice(caller + 8, end === -1 ? h.length : end)
  }
  return r
}

function toUint(s: string, from: number, to: number): number | undefined {
  if (to <= from || to - from > 20) return undefined
  let v = 0
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return undefined
    v = v * 10 + (c - 48)
  }
  return v <= Number.MAX_SAFE_INTEGER ? v : Number(s.slice(from, to))
}

/** Undo devkmsg's \xNN escaping; escaped bytes are UTF-8 (a non-ASCII char is escaped byte by byte). */
export function unescapeKmsg(s: string): string {
  let j = s.indexOf('\\x')
  if (j === -1) return s
  let out = ''
  let i = 0
  const bytes: number[] = []
  while (j !== -1) {
    if (isHex(s.charCodeAt(j + 2)) && isHex(s.charCodeAt(j + 3))) {
      if (j > i) out += flushBytes(bytes) + s.slice(i, j)
      bytes.push(parseInt(s.slice(j + 2, j + 4), 16))
      i = j + 4
      j = s.indexOf('\\x', i)
    } else j = s.indexOf('\\x', j + 1)
  }
  return out + flushBytes(bytes) + s.slice(i)
}

function flushBytes(bytes: number[]): string {
  if (bytes.length === 0) return ''
  const t = Buffer.from(bytes).toString('utf8')
  bytes.length = 0
  return t
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102)
}

// journalctl -k short / short-precise / short-iso / short-full / short-unix / short-monotonic,
// and syslog kern.log: a stamp, then host (absent with --no-hostname), then the tag (`kernel:`;
// `name[pid]:` for other programs), then the message. The stamps, starting with a digit or not:
const DIGIT_STAMPS = [
  // RFC 3339 (short-iso, rsyslog): `2026-11-26T00:52:36.123456+00:00`
  String.raw`\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?`,
  // short-unix: seconds since the epoch, `1764925236.123456`
  String.raw`\d{9,11}\.\d{6}`,
]
const LETTER_STAMPS = [
  // RFC 3164 (short, short-precise, syslog): `Nov 26 00:52:36[.123456]`
  String.raw`[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d(?:\.\d+)?`,
  // short-full: `Thu 2026-11-26 00:52:36 UTC` (%Z: an abbreviation or a numeric offset)
  String.raw`[A-Z][a-z]{2} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)? (?:[A-Z]{1,6}|[+-]\d\d(?::?\d\d)?)`,
]
const WALL_DIGIT = new RegExp(`^(?:${DIGIT_STAMPS.join('|')}) `)
const WALL_LETTER = new RegExp(`^(?:${LETTER_STAMPS.join('|')}) `)
// The host is absent with journalctl --no-hostname (see sniff.ts WALL).
const HOST_TAG = /^(?:(\S+) )??([^\s:[]+)(?:\[\d+\])?: ?/
/** journalctl's own lines (-- Boot …, -- No entries --). */
export const JOURNAL_META = /^-- .* --$/
/** A journal boot id (`_BOOT_ID`, `-- Boot <id> --`): 32 lowercase hex digits. */
const HEX32 = '[0-9a-f]{32}'
export const BOOT_ID = new RegExp(`^${HEX32}$`)
/** journalctl's line before each boot's entries (systemd 255 on; `-- Reboot --` before it, with no id). */
const JOURNAL_BOOT = new RegExp(`^-- Boot (${HEX32}) --$`)
/** journalctl's line between boots before systemd 255: no id, so the records after it get rebootId(its line). */
const JOURNAL_REBOOT = '-- Reboot --'
/**
 * The boot of the records after a `-- Reboot --` line: not a journal boot id (BOOT_ID does not
 * match it, so it is not reported as one), but another one, so the boot changes there (analysis/boots.ts).
 */
export const rebootId = (line: number): string => `reboot@${line}`
/**
 * The priority some collectors store before a syslog line's stamp, as the wire form has it
 * (`<4>Dec  6 07:00:01 host kernel: …`, RFC 3164 and 5424): PRI is facility * 8 + severity, 0-191.
 */
const SYSLOG_PRI = /^<(\d{1,3})>/
// RFC 5424 after its PRI: `1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]`, `-` a
// nil value; structured data `-` or `[id name="value"…]…` (`\"`, `\]` escaped inside a value).
const RFC5424 = new RegExp(String.raw`^1 (${DIGIT_STAMPS[0]}|-) (\S+) (\S+) \S+ \S+ (?:-|(?:\[(?:[^"\]]|"(?:[^"\\]|\\.)*")*\])+)(?: |$)`)

/** Where the syslog/journal time prefix ends (after its space); its time for short-monotonic. */
function wallClock(s: string): {end: number; time?: number} | undefined {
  const c = s.charCodeAt(0)
  if (c === 91 /* [ */) {
    const p = readPrefix(s, 0, false)
    if (p?.time !== undefined && p.caller === undefined) return {end: p.textStart, time: p.time}
    return undefined
  }
  const m = c >= 48 && c <= 57 ? WALL_DIGIT.exec(s) : WALL_LETTER.exec(s)
  return m ? {end: m[0].length} : undefined
}

/** A syslog / journal line's prefix as PrefixedReader reads it. */
export interface SyslogPrefix {
  /** The kernel's own `[time]` of short-monotonic (rsyslog imklog): the record's time when its text has none. */
  time: number | undefined
  /** The host field (absent with journalctl --no-hostname). */
  host: string | undefined
  /** `kernel` for the kernel's lines; another program's name (`systemd` of `systemd[1]:`). */
  tag: string
  /** The message after the tag. */
  text: string
  /** The wall-clock stamp ('' for short-monotonic's and a nil RFC 5424 one): its time is LogRecord.wall when the record has no kernel time. */
  stamp: string
  /** The `<PRI>` before the stamp (SYSLOG_PRI), when the line has one. */
  pri?: number
}

/** The stamp, host and tag of a syslog / journalctl short-* line: the one grammar of PrefixedReader and of batch's host name (hostname.ts). */
export function syslogPrefix(s: string): SyslogPrefix | undefined {
  const pm = s.charCodeAt(0) === 60 /* < */ ? SYSLOG_PRI.exec(s) : null
  if (pm === null) return hostTag(s)
  const pri = Number(pm[1])
  const rest = s.slice(pm[0].length)
  // After a priority only a wall clock: `<6>[    1.234567] …` is dmesg -r.
  const p = pri > 191 || rest.charCodeAt(0) === 91 ? undefined : rest.startsWith('1 ') ? rfc5424(rest) : hostTag(rest)
  if (p) p.pri = pri
  return p
}

/** The stamp, host and tag of RFC 3164 (kern.log) and journalctl short-*. */
function hostTag(s: string): SyslogPrefix | undefined {
  const w = wallClock(s)
  if (!w) return undefined
  const rest = s.slice(w.end)
  const m = HOST_TAG.exec(rest)
  return m ? {time: w.time, host: m[1], tag: m[2]!, text: rest.slice(m[0].length), stamp: w.time === undefined ? s.slice(0, w.end - 1) : ''} : undefined
}

/** RFC 5424 after its `<PRI>`: the APP-NAME is the tag, the message after the structured data (its UTF-8 BOM left out). */
function rfc5424(s: string): SyslogPrefix | undefined {
  const m = RFC5424.exec(s)
  if (!m) return undefined
  const text = s.slice(m[0].length)
  return {time: undefined, host: m[2] === '-' ? undefined : m[2], tag: m[3]!, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, stamp: m[1] === '-' ? '' : m[1]!}
}

/**
 * journalctl -k (short formats) and syslog kern.log. Lines of other programs are skipped; the
 * kernel's own `[    1.234567]` (rsyslog imklog, journal short-monotonic) gives the time.
 * journalctl indents the continuation lines of a multi-line message: they become records with
 * the previous record's time.
 */
export class PrefixedReader implements LineReader {
  private prev: LogRecord | undefined
  /**
   * The id of the last `-- Boot <id> --` line: the boot of the records after it (LogRecord.boot),
   * until a record starts another boot without such a line (boot-start.ts: a banner, the kernel
   * clock restarting): the first boot of a capture cat'ed after another, which journalctl prints
   * without a line before it.
   */
  private boot: string | undefined
  /** Whether a record came after that line (the first one is its boot's start, a banner or not). */
  private bootRecords = false
  /** The last kernel record (a banner that repeats it is one line written twice), and the last kernel time. */
  private last: LogRecord | undefined
  private lastTime: number | undefined

  constructor(private readonly sink: Sink) {}

  line(s: string, no: number): void {
    if (s.length === 0 || isBlank(s)) {
      this.sink.skip(no, REASON.empty)
      return
    }
    const c = s.charCodeAt(0)
    if (c === 45 /* - */ && JOURNAL_META.test(s)) {
      // Still a skipped line, not a record: the records after it carry its boot id.
      const b = JOURNAL_BOOT.exec(s)
      if (b) this.boot = b[1]
      else if (s === JOURNAL_REBOOT) this.boot = rebootId(no)
      if (b || s === JOURNAL_REBOOT) this.bootRecords = false
      this.sink.skip(no, REASON.journalMeta, s)
      return
    }
    const w = syslogPrefix(s)
    if (!w) {
      if (this.prev && (c === 32 || c === 9)) {
        const r = inherit(this.prev, no, s)
        this.prev = r
        this.sink.record(r)
      } else this.sink.skip(no, REASON.notSyslog, s)
      return
    }
    if (w.tag !== 'kernel') {
      this.prev = undefined
      this.sink.skip(no, REASON.notKernel, s)
      return
    }
    const text = w.text
    const own = text.charCodeAt(0) === 91 || text.charCodeAt(0) === 60 ? readPrefix(text) : undefined
    // The kernel's own `<N>` after the tag wins over the collector's before the stamp.
    const p = w.pri === undefined || own?.pri !== undefined ? own : {...(own ?? {textStart: 0}), pri: w.pri}
    const r: LogRecord = p ? prefixRecord(no, text, p) : {line: no, text}
    if (r.time === undefined) {
      if (w.time !== undefined) r.time = w.time
      else if (r.wall === undefined) {
        const wall = wallSeconds(w.stamp)
        if (wall !== undefined) r.wall = wall
      }
    }
    if (r.facility === undefined) r.facility = 0
    this.giveBoot(r)
    this.prev = r
    this.sink.record(r)
  }

  /** The boot id of the `-- Boot <id> --` (or `-- Reboot --`) line before r, unless a boot started after it. */
  private giveBoot(r: LogRecord): void {
    if (this.boot !== undefined) {
      if (!this.bootRecords) {
        if (BOOT_ID.test(this.boot)) r.bootLine = true
      } else if ((isBanner(r.text) && !repeatsRecord(r, this.last)) || clockRestarts(this.lastTime, r.time)) this.boot = undefined
    }
    this.bootRecords = true
    this.last = r
    if (r.time !== undefined) this.lastTime = r.time
    if (this.boot !== undefined) r.boot = this.boot
  }
}
