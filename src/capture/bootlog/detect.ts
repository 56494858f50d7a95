// Format detection from the first non-empty lines: every line votes for the shapes it matches
// (a table, tried in order), the shape with most votes wins. Kernel text with printk time stamps
// is `console` rather than `dmesg` when the sniff shows serial-line traits (CR line ends, ANSI
// escapes, lines that are not the kernel's).
import type {BootLogFormat} from '../../types.js'
import {findTime, readPrefix, readTime} from './prefix.js'
import {FACILITY_NAMES, LEVEL_NAMES, stripAnsi} from './text-formats.js'

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
}

export interface DetectHints {
  /** CR line ends were seen (serial console). */
  crlf?: boolean
}

interface Shape {
  format: BootLogFormat
  what: string
  test: (l: string) => boolean
}

const KMSG = /^\d{1,4},\d+,\d+,[^;]*;/
const RAW = /^<\d{1,4}>/
const DECODED = /^([a-z0-9]+) *:([a-z]+) *: /
const JOURNAL_MONO = /^\[ *\d+\.\d+\] \S+ kernel: /
const WALL = /^(?:[A-Z][a-z]{2} [ 0-9]\d \d\d:\d\d:\d\d(?:\.\d+)?|\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) (\S+) ([^\s:[]+)(?:\[\d+\])?: ?(.*)$/
const JOURNAL_META = /^-- .* --$/

function decoded(l: string): boolean {
  const m = DECODED.exec(l)
  return m !== null && FACILITY_NAMES.includes(m[1]!) && LEVEL_NAMES.includes(m[2]!)
}

const DROPPED = /^\*\* \d+ printk messages dropped \*\* ?/

/** Where a line carries a printk time stamp: at its start (after a dropped-messages notice) or glued after console noise. */
function stampAt(l: string): 'start' | 'glued' | undefined {
  const m = l.charCodeAt(0) === 42 ? DROPPED.exec(l) : null
  const s = m ? l.slice(m[0].length) : l
  const p = readPrefix(s)
  if (p !== undefined && (p.time !== undefined || p.wallClock === true)) return 'start'
  return findTime(s, 1) > 0 ? 'glued' : undefined
}

export function timedKernel(l: string): boolean {
  return stampAt(l) !== undefined
}

/** Order matters on ties: the more specific shape first. */
const SHAPES: Shape[] = [
  {format: 'journal-json', what: 'journalctl -o json', test: (l) => l.charCodeAt(0) === 123 && /"(?:MESSAGE|__CURSOR|_TRANSPORT)"\s*:/.test(l)},
  {format: 'kmsg', what: '/dev/kmsg', test: (l) => KMSG.test(l)},
  {format: 'dmesg-raw', what: 'dmesg -r', test: (l) => RAW.test(l)},
  {format: 'dmesg-decode', what: 'dmesg -x', test: decoded},
  {format: 'journal', what: 'journalctl -k', test: (l) => JOURNAL_MONO.test(l) || JOURNAL_META.test(l)},
  {format: 'syslog', what: 'syslog', test: (l) => WALL.test(l)},
  {format: 'dmesg', what: 'dmesg', test: timedKernel},
]

export const FORMATS_TRIED = 'dmesg, dmesg -r, dmesg -x, dmesg --json, /dev/kmsg, journalctl -k, journalctl -o json, syslog kern.log, serial console'

// Weaker evidence: `SUBSYS: text` lines (pr_fmt prefixes such as `VFS: `), counted only when
// they are a good share of the text.
const SUBSYSTEM_PREFIX = /^[A-Z][A-Za-z0-9_]{1,15}: /
const SUBSYSTEM_SHARE = 0.1

// Lines a kernel prints without any prefix when printk.time is off (dmesg -t, old consoles,
// oops excerpts): one of them is enough to tell an un-timestamped kernel log from other text.
const UNTIMED_KERNEL = /^(?:Linux version \d|Command line: |Kernel command line: |BIOS-e820: |Call Trace:|WARNING: |BUG: |Oops: |Oops|general protection fault|Kernel panic|INFO: |Modules linked in|Hardware name: |CPU: \d+ |RIP: |------------\[ cut here \]|unreferenced object|==================|KASAN: |UBSAN: |kernel BUG |Unable to handle kernel|Internal error: |\S+: \S+ [0-9a-f]{4}:|SLUB: |page_owner|Memory: \d+K\/\d+K|Memory allocation profiling |smpboot: |x86\/|ACPI: |PCI: |pci |usb |NET: |audit: |random: |clocksource: |EXT4-fs |systemd\[1\]: )/

function isBlank(l: string): boolean {
  return l.trim().length === 0
}

/** Share of characters that are not text: U+FFFD (invalid UTF-8) and C0 controls other than tab/ESC. */
function binaryShare(lines: string[]): number {
  let bad = 0
  let all = 0
  for (const l of lines) {
    all += l.length
    for (let i = 0; i < l.length; i++) {
      const c = l.charCodeAt(i)
      if (c === 0xfffd || (c < 32 && c !== 9 && c !== 27)) bad++
    }
  }
  return all === 0 ? 0 : bad / all
}

export function detectFormat(firstLines: string[], hints: DetectHints = {}): Detection {
  const lines: string[] = []
  let ansi = false
  for (const raw of firstLines) {
    if (lines.length >= SNIFF_LINES + LATE_STAMPED_LINES) break
    let l = raw
    if (l.endsWith('\r')) {
      hints = {...hints, crlf: true}
      l = l.slice(0, -1)
    }
    if (l.indexOf('\x1b') !== -1) {
      ansi = true
      l = stripAnsi(l)
    }
    if (!isBlank(l)) lines.push(l)
  }
  const binary = binaryShare(lines) > 0.1
  const timed = lines.some((l) => stampAt(RAW.test(l) ? l.slice(l.indexOf('>') + 1) : l) !== undefined)

  // dmesg --json is one document: `{` then `"dmesg": [` (pretty or compact).
  const head = lines.slice(0, 3).join(' ').trimStart()
  if (/^\{\s*"dmesg"\s*:\s*\[/.test(head) || (head === '{' && /^"dmesg"\s*:/.test(lines[1]?.trim() ?? ''))) {
    return {format: 'dmesg-json', reason: 'a JSON document whose first key is "dmesg"', timed: true, recognised: true, binary}
  }

  const votes = SHAPES.map(() => 0)
  for (const l of lines) SHAPES.forEach((s, i) => (votes[i]! += s.test(l) ? 1 : 0))
  let best = -1
  votes.forEach((v, i) => {
    if (v > 0 && (best === -1 || v > votes[best]!)) best = i
  })
  const n = lines.length
  if (best === -1) {
    const kernelish = lines.filter((l) => UNTIMED_KERNEL.test(l)).length
    const prefixed = lines.filter((l) => SUBSYSTEM_PREFIX.test(l)).length
    if ((kernelish > 0 || prefixed >= Math.max(1, SUBSYSTEM_SHARE * n)) && !binary) {
      const format: BootLogFormat = hints.crlf || ansi ? 'console' : 'dmesg'
      const what = kernelish > 0 ? `${kernelish} of the first ${n} lines are kernel messages` : `${prefixed} of the first ${n} lines have a "SUBSYSTEM: " prefix`
      return {format, reason: `no printk time stamps; ${what}`, timed, recognised: true, binary}
    }
    return {format: 'dmesg', reason: `no line looks like a kernel record (tried ${FORMATS_TRIED})`, timed, recognised: false, binary}
  }
  const shape = SHAPES[best]!
  const v = votes[best]!
  let format = shape.format
  let reason = `${v} of the first ${n} non-empty lines look like ${shape.what} output`
  if (format === 'syslog') {
    // Wall-clock prefixes are shared by kern.log and journalctl's short formats: the kernel's
    // own [time] after `kernel:` or other programs' lines mean syslog.
    const withTime = lines.some((l) => {
      const m = WALL.exec(l)
      return m !== null && m[2] === 'kernel' && readTime(m[3]!, 0) !== undefined
    })
    const others = lines.some((l) => {
      const m = WALL.exec(l)
      return m !== null && m[2] !== 'kernel'
    })
    if (!withTime && !others) {
      format = 'journal'
      reason = `${v} of the first ${n} non-empty lines are "<date> <host> kernel: <text>" (journalctl -k short)`
    } else reason = `${v} of the first ${n} non-empty lines have a syslog date and host${withTime ? ', kernel lines carry [time]' : ''}`
  } else if (format === 'dmesg') {
    const noise = n - v
    const glued = lines.filter((l) => stampAt(l) === 'glued' || DROPPED.test(l)).length
    const traits = [
      hints.crlf ? 'CR line ends' : '',
      ansi ? 'ANSI escapes' : '',
      noise > 0 ? `${noise} lines without a time stamp` : '',
      glued > 0 ? `${glued} kernel lines glued after other output` : '',
    ].filter(Boolean)
    if (traits.length > 0) {
      format = 'console'
      reason = `serial console: ${v} of the first ${n} non-empty lines carry printk time stamps; ${traits.join(', ')}`
    } else reason = `all of the first ${n} non-empty lines carry printk time stamps`
  }
  return {format, reason, timed, recognised: true, binary}
}
