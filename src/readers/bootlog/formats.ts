// The boot-log format registry: every input format is one row here — its id, what people call
// it, how detection recognises it, how it is read into records, and an example. Detection order
// (ties go to the earlier row), the `--input-format` options, their help text, the "tried" list
// of the not-a-kernel-log error and the README's format table all come from this table; the
// BootLogFormat type is the union of its ids. Adding a format: a reader, a row, a test.
import {lineEngine, textEngine, type FormatReader, type ReadContext} from './engine.js'
import {JournalExportReader} from './journal-export.js'
import {DmesgJsonReader, JournalJsonReader} from './json-formats.js'
import {LavaReader} from './lava.js'
import {readTime} from './prefix.js'
import {byCount, plural} from '../../render/units.js'
import {decoded, DROPPED, JOURNAL_META, JOURNAL_MONO, KMSG, raw, type Stamp, wall} from './sniff.js'
import {DecodedReader, KernelTextReader, KmsgReader, PrefixedReader} from './text-formats.js'

/** What detection saw, for a format's refine() step. */
export interface SniffContext {
  /** The first non-empty lines, CR and ANSI escapes removed. */
  lines: string[]
  /** Each line's printk time stamp (stampAt), in the order of `lines`: asked once per line, by the vote and refine() alike. */
  stamps: readonly Stamp[]
  /** Lines that voted for the winning format. */
  votes: number
  crlf: boolean
  ansi: boolean
}

export interface FormatEntry {
  id: string
  /** How people know the format (the tool and flags that print it). */
  name: string
  /** One line for --help and the README. */
  description: string
  /** A whole-document test on the first lines (formats that are one document); returns the reason. */
  document?: (head: string[]) => string | undefined
  /** A line of this format (each matching line is one vote); `stamp`: the line's stampAt, computed once for every row. */
  line?: (l: string, stamp: Stamp) => boolean
  /** After this row won the vote: the exact format and the reason (another row's id when a closer look says so). */
  refine?: (s: SniffContext) => {format: string; reason: string}
  /** NUL bytes are data in this format (binary fields): the reader gets them. */
  bytes?: boolean
  open: (ctx: ReadContext) => FormatReader
  /** A few lines of the format (what --help and the README show; a test reads each one). */
  example: string
}

/**
 * How many of the sniffed lines show a format's trait, the verb in the count's number: '3 of the first
 * 4 non-empty lines look like …', 'all of the first 2 …', and of a one-line input 'its one non-empty
 * line looks like …' (was 'of the first 1 non-empty lines look'). `verb` is [one, many].
 */
export const ofFirst = (k: number | 'all', n: number, [one, many]: [string, string], line = 'non-empty line'): string =>
  n === 1 && k !== 0 ? `its one ${line} ${one}` : `${k} of the first ${n} ${line}s ${k === 'all' ? many : byCount(k, one, many)}`

const kernelText = (format: 'dmesg' | 'console' | 'dmesg-raw') => lineEngine((ctx) => new KernelTextReader(ctx.sink, format, {timed: ctx.timed}))

/**
 * Wall-clock prefixes are shared by kern.log and journalctl's short formats: the kernel's own [time]
 * after `kernel:`, other programs' lines or a `<priority>` before the date (which journalctl never prints) mean syslog.
 */
function refineSyslog(s: SniffContext): {format: string; reason: string} {
  const m = s.lines.map(wall)
  const withTime = m.some((x) => x?.tag === 'kernel' && readTime(x.text, 0) !== undefined)
  const others = m.some((x) => x !== undefined && x.tag !== 'kernel')
  const pri = m.some((x) => x?.pri !== undefined)
  if (!withTime && !others && !pri) return {format: 'journal', reason: `${ofFirst(s.votes, s.lines.length, ['is', 'are'])} "<date> [<host>] kernel: <text>" (journalctl -k short)`}
  const traits = [pri ? 'a <priority> before it' : '', withTime ? 'kernel lines carry [time]' : ''].filter(Boolean)
  return {format: 'syslog', reason: `${ofFirst(s.votes, s.lines.length, ['has', 'have'])} a syslog date and host${traits.map((t) => `, ${t}`).join('')}`}
}

const STAMPS: [string, string] = ['carries a printk time stamp', 'carry printk time stamps']

/** Kernel text is a serial console when the sniff shows serial-line traits. */
function refineDmesg(s: SniffContext): {format: string; reason: string} {
  const n = s.lines.length
  const noise = n - s.votes
  const glued = s.lines.filter((l, i) => s.stamps[i] === 'glued' || DROPPED.test(l)).length
  const traits = [s.crlf ? 'CR line ends' : '', s.ansi ? 'ANSI escapes' : '', noise > 0 ? `${plural(noise, 'line')} without a time stamp` : '', glued > 0 ? `${plural(glued, 'kernel line')} glued after other output` : ''].filter(Boolean)
  if (traits.length > 0) return {format: 'console', reason: `serial console: ${ofFirst(s.votes, n, STAMPS)}; ${traits.join(', ')}`}
  return {format: 'dmesg', reason: ofFirst('all', n, STAMPS)}
}

const BANNER = 'Linux version 7.2.13 (root@vm) (gcc 12.2.0) #1 SMP PREEMPT Thu Nov 26 00:52:36 UTC 2026'

/** Detection order: the rows are tried top to bottom, a tie in votes goes to the earlier row. */
export const BOOT_LOG_FORMATS = [
  {
    id: 'dmesg-json',
    name: 'dmesg --json',
    description: 'util-linux dmesg --json [-x]: one JSON document, pretty or compact',
    document: (head) => {
      const h = head.slice(0, 3).join(' ').trimStart()
      return /^\{\s*"dmesg"\s*:\s*\[/.test(h) || (h === '{' && /^"dmesg"\s*:/.test(head[1]?.trim() ?? '')) ? 'a JSON document whose first key is "dmesg"' : undefined
    },
    open: textEngine((ctx) => new DmesgJsonReader(ctx.sink, ctx.maxLine)),
    example: `{"dmesg":[{"pri":6,"time":0.000000,"msg":"${BANNER}"}]}\n`,
  },
  {
    id: 'journal-export',
    name: 'journalctl -o export',
    description: 'journalctl -k -o export / systemd-journal-remote: FIELD=value lines (and binary fields), entries split by a blank line',
    line: (l) => /^(?:__CURSOR|__REALTIME_TIMESTAMP|__MONOTONIC_TIMESTAMP|_BOOT_ID|_TRANSPORT|_SOURCE_MONOTONIC_TIMESTAMP|SYSLOG_FACILITY|SYSLOG_IDENTIFIER|PRIORITY|MESSAGE)=/.test(l),
    bytes: true,
    open: (ctx) => new JournalExportReader(ctx),
    example: `__MONOTONIC_TIMESTAMP=2154301\n_BOOT_ID=5a1c0f2e9b8d4c3aa1b2c3d4e5f60718\n_TRANSPORT=kernel\nPRIORITY=5\n_SOURCE_MONOTONIC_TIMESTAMP=0\nMESSAGE=${BANNER}\n\n`,
  },
  {
    id: 'lava',
    name: 'LAVA log.yaml',
    description: 'LAVA job log (KernelCI labs): one "- {dt, lvl, msg}" mapping per line, the console at lvl target',
    line: (l) => /^- \{"dt": "[^"]*", "lvl": "/.test(l),
    open: lineEngine((ctx) => new LavaReader(ctx)),
    example: `- {"dt": "2026-11-26T00:52:40.100000", "lvl": "info", "msg": "start: 2.4 auto-login-action"}\n- {"dt": "2026-11-26T00:52:40.200000", "lvl": "target", "msg": "[    0.000000] ${BANNER}"}\n`,
  },
  {
    id: 'journal-json',
    name: 'journalctl -o json',
    description: 'journalctl -k -o json (or json-seq): one entry per line (MESSAGE as string, byte array, null or array)',
    line: (l) => (l.charCodeAt(0) === 123 || (l.charCodeAt(0) === 0x1e && l.charCodeAt(1) === 123)) && /"(?:MESSAGE|__CURSOR|_TRANSPORT)"\s*:/.test(l),
    open: lineEngine((ctx) => new JournalJsonReader(ctx.sink)),
    example: `{"_TRANSPORT":"kernel","PRIORITY":"5","_SOURCE_MONOTONIC_TIMESTAMP":"0","MESSAGE":"${BANNER}"}\n`,
  },
  {
    id: 'kmsg',
    name: '/dev/kmsg',
    description: 'raw /dev/kmsg records: pri,seq,usec,flags;text with dictionary lines',
    line: (l) => KMSG.test(l),
    open: lineEngine((ctx) => new KmsgReader(ctx.sink)),
    example: `5,0,0,-;${BANNER}\n`,
  },
  {
    id: 'dmesg-raw',
    name: 'dmesg -r',
    description: 'dmesg -r: <priority>[time] text',
    line: raw,
    open: kernelText('dmesg-raw'),
    example: `<5>[    0.000000] ${BANNER}\n`,
  },
  {
    id: 'dmesg-decode',
    name: 'dmesg -x',
    description: 'dmesg -x: "kern  :notice: [time] text"',
    line: decoded,
    open: lineEngine((ctx) => new DecodedReader(ctx.sink)),
    example: `kern  :notice: [    0.000000] ${BANNER}\n`,
  },
  {
    id: 'journal',
    name: 'journalctl -k',
    description: 'journalctl -k short, short-precise, short-iso, short-full, short-unix, short-monotonic, with or without --no-hostname',
    line: (l) => JOURNAL_MONO.test(l) || JOURNAL_META.test(l),
    open: lineEngine((ctx) => new PrefixedReader(ctx.sink)),
    example: `[    0.000000] vm kernel: ${BANNER}\n`,
  },
  {
    id: 'syslog',
    name: 'syslog kern.log',
    description: 'syslog kern.log (RFC 3164 and ISO stamps): "<date> <host> kernel: text", or with its "<priority>" first (the wire form, RFC 3164 or 5424)',
    line: (l) => wall(l) !== undefined,
    refine: refineSyslog,
    open: lineEngine((ctx) => new PrefixedReader(ctx.sink)),
    example: `Nov 26 00:52:36 vm kernel: [    0.000000] ${BANNER}\n`,
  },
  {
    id: 'dmesg',
    name: 'dmesg',
    description: 'plain dmesg: [time] text (or -T, --time-format iso|reltime|delta, -t), caller ids [T1]/[C0]',
    line: (_l, stamp) => stamp !== undefined,
    refine: refineDmesg,
    open: kernelText('dmesg'),
    example: `[    0.000000] ${BANNER}\n`,
  },
  {
    id: 'console',
    name: 'serial console',
    description: 'serial console: dmesg text with CRLF, ANSI escapes, non-kernel noise, dropped-message notices',
    open: kernelText('console'),
    example: `SeaBIOS (version 1.16.2)\r\n[    0.000000] ${BANNER}\r\n`,
  },
] as const satisfies readonly FormatEntry[]

/** A boot-log format id: a row of BOOT_LOG_FORMATS. */
export type BootLogFormat = (typeof BOOT_LOG_FORMATS)[number]['id']

export const FORMAT_IDS: readonly BootLogFormat[] = BOOT_LOG_FORMATS.map((f) => f.id)

export function formatEntry(id: BootLogFormat): FormatEntry {
  return BOOT_LOG_FORMATS.find((f) => f.id === id)!
}

export function isBootLogFormat(s: string): s is BootLogFormat {
  return (FORMAT_IDS as readonly string[]).includes(s)
}

/** The formats detection tries, for the not-a-kernel-log error. */
export const FORMATS_TRIED = BOOT_LOG_FORMATS.map((f) => f.name).join(', ')

/** The --input-format help: every id with its name. */
export function inputFormatHelp(): string {
  return `Boot-log format (default: detected from the first lines): ${BOOT_LOG_FORMATS.map((f) => `${f.id} (${f.name})`).join(', ')}.`
}

/** The README's format table (markdown), written between its `formats` markers. */
export function formatTableMarkdown(): string {
  const rows = BOOT_LOG_FORMATS.map((f) => `| \`${f.id}\` | ${f.name} | ${f.description.replaceAll('|', '\\|')} |`)
  return ['| `--input-format` | what | shape |', '| --- | --- | --- |', ...rows].join('\n') + '\n'
}
