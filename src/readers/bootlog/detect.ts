// Format detection from the first non-empty lines: a one-document format is recognised by its
// head; otherwise every line votes for the rows of the format registry (formats.ts) it matches,
// the row with most votes wins (ties: the earlier row), and the winner's refine() step may name a
// closer format (kern.log vs journalctl short, dmesg vs serial console). Logs without printk time
// stamps are recognised by lines only the kernel prints.
import {BOOT_LOG_FORMATS, FORMATS_TRIED, type BootLogFormat, type FormatEntry, ofFirst} from './formats.js'
import {raw, stampAt, type Stamp} from './sniff.js'
import {stripAnsi} from './text-formats.js'
import {isAllocinfoShape} from '../allocinfo-shape.js'
import {trimLineEndCR} from '../lines.js'

export {FORMATS_TRIED} from './formats.js'
export {timedKernel} from './sniff.js'

/** How many non-empty lines detection looks at first. */
export const SNIFF_LINES = 200
/**
 * When those carry no printk stamp (a console whose kernel output starts after a long userspace
 * or firmware preamble), the reader keeps looking, up to its sniff size, for this many stamped
 * lines and hands them to detection as well.
 */
export const LATE_STAMPED_LINES = 50

export interface Detection {
  format: BootLogFormat
  reason: string
  /** The log carries printk time stamps (decides what a line without one is). */
  timed: boolean
  /** false when no line looked like a kernel record (the caller reports an input error). */
  recognised: boolean
  /** The sniffed text looks binary (many control / invalid UTF-8 characters). */
  binary: boolean
  /** Not recognised, but known: a shape no reader reads (what it is and what to do instead). */
  shape?: string
}

export interface DetectHints {
  /** CR line ends were seen (serial console). */
  crlf?: boolean
}

// Weaker evidence: `SUBSYS: text` lines (pr_fmt prefixes such as `VFS: `), counted only when
// they are a good share of the text.
const SUBSYSTEM_PREFIX = /^[A-Z][A-Za-z0-9_]{1,15}: /
const SUBSYSTEM_SHARE = 0.1

// Lines a kernel prints without any prefix when printk.time is off (dmesg -t, old consoles,
// oops excerpts): one of them is enough to tell an un-timestamped kernel log from other text.
const UNTIMED_KERNEL = /^(?:Linux version \d|Command line: |Kernel command line: |BIOS-e820: |Call Trace:|WARNING: |BUG: |Oops: |Oops|general protection fault|Kernel panic|INFO: |Modules linked in|Hardware name: |CPU: \d+ |RIP: |------------\[ cut here \]|unreferenced object|==================|KASAN: |UBSAN: |kernel BUG |Unable to handle kernel|Internal error: |\S+: \S+ [0-9a-f]{4}:|SLUB: |page_owner|Memory: \d+K\/\d+K|Memory allocation profiling |smpboot: |x86\/|ACPI: |PCI: |pci |usb |NET: |audit: |random: |clocksource: |EXT4-fs |systemd\[1\]: )/

/** A character that is not text: U+FFFD (invalid UTF-8) or a C0 control other than tab and ESC. */
const NOT_TEXT = /[\x00-\x08\x0a-\x1a\x1c-\x1f\ufffd]/
const NOT_TEXT_ALL = new RegExp(NOT_TEXT.source, 'g')

/**
 * Share of characters that are not text: one RegExp over the lines joined by a tab (text, not
 * counted), native code instead of a loop over every character or a call per line.
 */
function binaryShare(lines: string[]): number {
  const joined = lines.join('\t')
  const all = joined.length - Math.max(0, lines.length - 1)
  if (all === 0 || !NOT_TEXT.test(joined)) return 0
  return joined.match(NOT_TEXT_ALL)!.length / all
}

interface Cleaned {
  lines: string[]
  crlf: boolean
  ansi: boolean
}

/** The first non-empty lines without CR ends and ANSI escapes, and whether there were any. */
function clean(firstLines: string[], hints: DetectHints): Cleaned {
  const lines: string[] = []
  let crlf = hints.crlf ?? false
  let ansi = false
  for (const raw of firstLines) {
    if (lines.length >= SNIFF_LINES + LATE_STAMPED_LINES) break
    // Lines split at LF (diff's describeSide; the reader's own have none: its splitter ends a piece at every CR).
    let l = trimLineEndCR(raw)
    if (l !== raw) crlf = true
    if (l.indexOf('\x1b') !== -1) {
      ansi = true
      l = stripAnsi(l)
    }
    if (l.trim().length > 0) lines.push(l)
  }
  return {lines, crlf, ansi}
}

/** The rows that vote line by line, in detection order. */
const LINE_ROWS = (BOOT_LOG_FORMATS as readonly FormatEntry[]).filter((e) => e.line !== undefined)

/** A row's votes, or -1 once they cannot reach `floor` (the lines left could not make it up). */
function votesOf(entry: FormatEntry, lines: string[], stamps: readonly Stamp[], floor: number): number {
  let v = 0
  for (let i = 0; i < lines.length; i++) {
    if (entry.line!(lines[i]!, stamps[i])) v++
    else if (v + lines.length - i - 1 < floor) return -1
  }
  return v
}

/**
 * The row with most line votes (ties: the earlier row), or undefined when no line voted. The last
 * row is counted first (dmesg's test is the stamp each line has already): a row before it that
 * cannot reach its votes cannot win, so on a dmesg log the other rows stop after a few lines
 * instead of testing every line (batch detects every input's format). Exported for
 * test/readers/format-vote: the pruning leaves no trace in detectFormat's result.
 */
export function vote(lines: string[], stamps: readonly Stamp[]): {entry: FormatEntry; votes: number} | undefined {
  const last = LINE_ROWS[LINE_ROWS.length - 1]!
  const floor = votesOf(last, lines, stamps, 0)
  let best: {entry: FormatEntry; votes: number} | undefined
  for (const entry of LINE_ROWS) {
    const v = entry === last ? floor : votesOf(entry, lines, stamps, floor)
    if (v > 0 && (best === undefined || v > best.votes)) best = {entry, votes: v}
  }
  return best
}

// Shapes people give analyse that are not boot logs it reads: told by their first lines.
const JOURNAL_KEY = /^\s+"(?:__CURSOR|__REALTIME_TIMESTAMP|_BOOT_ID|_TRANSPORT|MESSAGE|PRIORITY)"\s*:/

/** What a text that no row reads is, when it is a known shape: the message's words. */
function unsupportedShape(lines: string[]): string | undefined {
  if (lines[0]?.trim() === '{' && lines.slice(1, 4).some((l) => JOURNAL_KEY.test(l))) {
    return 'journalctl -o json-pretty output, which is not supported: use journalctl -k -o json (one entry per line)'
  }
  if (isAllocinfoShape(lines)) {
    return 'a /proc/allocinfo dump, not a kernel log: read it with allocscope allocinfo (or give it to analyse with --allocinfo)'
  }
  return undefined
}

/** No row matched: an un-timestamped kernel log, or not a kernel log. */
function untimed(c: Cleaned, timed: boolean, binary: boolean): Detection {
  const n = c.lines.length
  const kernelish = c.lines.filter((l) => UNTIMED_KERNEL.test(l)).length
  const prefixed = c.lines.filter((l) => SUBSYSTEM_PREFIX.test(l)).length
  if ((kernelish > 0 || prefixed >= Math.max(1, SUBSYSTEM_SHARE * n)) && !binary) {
    const format: BootLogFormat = c.crlf || c.ansi ? 'console' : 'dmesg'
    const what = kernelish > 0 ? ofFirst(kernelish, n, ['is a kernel message', 'are kernel messages'], 'line') : ofFirst(prefixed, n, ['has a "SUBSYSTEM: " prefix', 'have a "SUBSYSTEM: " prefix'], 'line')
    return {format, reason: `no printk time stamps; ${what}`, timed, recognised: true, binary}
  }
  const shape = binary ? undefined : unsupportedShape(c.lines)
  return {format: 'dmesg', reason: `no line looks like a kernel record (tried ${FORMATS_TRIED})`, timed, recognised: false, binary, ...(shape ? {shape} : {})}
}

export function detectFormat(firstLines: string[], hints: DetectHints = {}): Detection {
  const c = clean(firstLines, hints)
  const binary = binaryShare(c.lines) > 0.1
  for (const entry of BOOT_LOG_FORMATS as readonly FormatEntry[]) {
    const reason = entry.document?.(c.lines)
    if (reason !== undefined) return {format: entry.id as BootLogFormat, reason, timed: true, recognised: true, binary}
  }
  // Each line's stamp once: the timed test, the dmesg row's vote and its refine() all ask it.
  const stamps = c.lines.map(stampAt)
  const timed = c.lines.some((l, i) => (raw(l) ? stampAt(l.slice(l.indexOf('>') + 1)) : stamps[i]) !== undefined)
  const won = vote(c.lines, stamps)
  if (!won) return untimed(c, timed, binary)
  const ctx = {lines: c.lines, stamps, votes: won.votes, crlf: c.crlf, ansi: c.ansi}
  const r = won.entry.refine?.(ctx) ?? {format: won.entry.id, reason: `${ofFirst(won.votes, c.lines.length, ['looks', 'look'])} like ${won.entry.name} output`}
  return {format: r.format as BootLogFormat, reason: r.reason, timed, recognised: true, binary}
}
