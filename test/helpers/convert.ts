// DERIVED inputs: every other boot-log format generated from a real dmesg.txt, in the shapes the
// real tools print (util-linux dmesg -r / -x / --json [-x], /dev/kmsg, journalctl -k short,
// short-monotonic and -o json, rsyslog kern.log, a QEMU serial console). Each converter keeps
// the (time, text) sequence of the original, so a reader must give back exactly that sequence.
// The levels are synthetic (dmesg.txt does not carry them): see syntheticLevel().
import {gzipSync} from 'node:zlib'
import type {BootLogFormat} from '../../src/types.js'

/** One line of a plain dmesg, parsed with a regex independent of the reader. */
export interface DmesgLine {
  /** The text between the brackets, as printed ("    1.234567"). */
  stamp: string
  /** Microseconds since boot (exact, from the digits). */
  usec: number
  /** Seconds, as the reader should give them. */
  time: number
  text: string
}

const STAMP = /^\[( *(\d+)\.(\d{6}))\] ?(.*)$/

export function dmesgLines(dmesgText: string): DmesgLine[] {
  const out: DmesgLine[] = []
  for (const l of dmesgText.split('\n')) {
    const m = STAMP.exec(l)
    if (!m) continue
    out.push({stamp: m[1]!, usec: Number(m[2]) * 1e6 + Number(m[3]), time: Number(`${m[2]}.${m[3]}`), text: m[4]!})
  }
  return out
}

/** The (time, text) sequence a reader must return for any format derived from `dmesgText`. */
export function expectedSequence(dmesgText: string): Array<[number | undefined, string]> {
  return dmesgLines(dmesgText).map((l) => [l.time, l.text])
}

const LEVELS = ['emerg', 'alert', 'crit', 'err', 'warn', 'notice', 'info', 'debug']
const FACILITIES = ['kern', 'user']

/** Synthetic printk level of the i-th record: mostly info, every level represented. */
export function syntheticLevel(i: number): number {
  return i % 5 === 0 ? i % 8 : 6
}

/** Synthetic facility of the i-th record: kernel, except a few user-space /dev/kmsg writers. */
export function syntheticFacility(i: number): number {
  return i % 50 === 49 ? 1 : 0
}

function pri(i: number): number {
  return (syntheticFacility(i) << 3) | syntheticLevel(i)
}

export function toDmesg(dmesgText: string): string {
  return dmesgText
}

/** dmesg -r: `<pri>[stamp] text`. */
export function toDmesgRaw(dmesgText: string): string {
  return dmesgLines(dmesgText)
    .map((l, i) => `<${pri(i)}>[${l.stamp}] ${l.text}\n`)
    .join('')
}

/** dmesg -x: util-linux prints "%-6s:%-6s: " then the time stamp. */
export function toDmesgDecode(dmesgText: string): string {
  return dmesgLines(dmesgText)
    .map((l, i) => `${FACILITIES[syntheticFacility(i)]!.padEnd(6)}:${LEVELS[syntheticLevel(i)]!.padEnd(6)}: [${l.stamp}] ${l.text}\n`)
    .join('')
}

/** dmesg --json (numeric pri) or --json -x (decoded "fac"/"pri"), pretty-printed like util-linux. */
export function toDmesgJson(dmesgText: string, decoded = false): string {
  const entries = dmesgLines(dmesgText).map((l, i) => {
    const head = decoded
      ? `         "fac": "${FACILITIES[syntheticFacility(i)]}",\n         "pri": "${LEVELS[syntheticLevel(i)]}",\n`
      : `         "pri": ${pri(i)},\n`
    return `{\n${head}         "time": ${l.stamp},\n         "msg": ${JSON.stringify(l.text)}\n      }`
  })
  return `{\n   "dmesg": [\n      ${entries.join(',')}\n   ]\n}\n`
}

export function toDmesgJsonDecoded(dmesgText: string): string {
  return toDmesgJson(dmesgText, true)
}

/** dmesg --json squeezed onto one line (what a JSON re-serialiser makes of it). */
export function toDmesgJsonCompact(dmesgText: string): string {
  const dmesg = dmesgLines(dmesgText).map((l, i) => ({pri: pri(i), time: l.usec / 1e6, msg: l.text}))
  return JSON.stringify({dmesg})
}

/** devkmsg_read() escaping: bytes < 0x20, >= 0x7f and backslash as \xNN (per UTF-8 byte). */
export function kmsgEscape(text: string): string {
  let out = ''
  for (const b of Buffer.from(text, 'utf8')) {
    out += b < 0x20 || b >= 0x7f || b === 0x5c ? `\\x${b.toString(16).padStart(2, '0')}` : String.fromCharCode(b)
  }
  return out
}

/** /dev/kmsg records, with dictionary continuation lines after every 10th record. */
export function toKmsg(dmesgText: string): string {
  return dmesgLines(dmesgText)
    .map((l, i) => {
      let rec = `${pri(i)},${i + 1},${l.usec},-;${kmsgEscape(l.text)}\n`
      if (i % 10 === 3) rec += ` SUBSYSTEM=pci\n DEVICE=+pci:0000:00:0${i % 8}.0\n`
      return rec
    })
    .join('')
}

const BOOT_ID = '3f1c0e9a5b7d4c2e8a6f1b0d9c8e7a65'
/** Wall clock of the synthetic boot: 2026-11-26T00:52:36Z plus the kernel time. */
const BOOT_WALL_MS = Date.UTC(2026, 10, 26, 0, 52, 36)
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

function rfc3164(usec: number): string {
  const d = new Date(BOOT_WALL_MS + Math.floor(usec / 1000))
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
}

function rfc3339(usec: number): string {
  const d = new Date(BOOT_WALL_MS + Math.floor(usec / 1000))
  return `${d.toISOString().slice(0, 19)}.${String((BOOT_WALL_MS * 1000 + usec) % 1_000_000).padStart(6, '0')}+00:00`
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const pad2 = (n: number): string => String(n).padStart(2, '0')
/** Microseconds since the epoch of a record `usec` after the synthetic boot's wall clock. */
const wallUsec = (usec: number): number => BOOT_WALL_MS * 1000 + usec
/** The six digits of the microseconds within the second. */
const micros = (usec: number): string => String(wallUsec(usec) % 1_000_000).padStart(6, '0')

/** `2026-11-26 00:52:36`. */
function ymdHms(usec: number, sep: string): string {
  const d = new Date(BOOT_WALL_MS + Math.floor(usec / 1000))
  return `${d.toISOString().slice(0, 10)}${sep}${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
}

/** The stamp each of journalctl -k's short formats prints (systemd's output_short(), in UTC). */
export const JOURNAL_STAMPS = {
  short: (l: DmesgLine) => rfc3164(l.usec),
  'short-precise': (l: DmesgLine) => `${rfc3164(l.usec)}.${micros(l.usec)}`,
  'short-iso': (l: DmesgLine) => `${ymdHms(l.usec, 'T')}+0000`,
  'short-full': (l: DmesgLine) => `${DAYS[new Date(BOOT_WALL_MS + Math.floor(l.usec / 1000)).getUTCDay()]} ${ymdHms(l.usec, ' ')} UTC`,
  'short-unix': (l: DmesgLine) => `${Math.floor(wallUsec(l.usec) / 1e6)}.${micros(l.usec)}`,
  'short-monotonic': (l: DmesgLine) => `[${l.stamp}]`,
} as const
export type JournalShape = keyof typeof JOURNAL_STAMPS

/**
 * Options of the DERIVED boots: the id of the `-- Boot <id> --` line before the boot (null: none,
 * as journalctl prints none before its first boot), and how much later than the synthetic boot's
 * its wall clock is (a reboot's).
 */
export interface WallOptions {
  boot?: string | null
  laterMs?: number
}

/** The line as a boot `laterMs` later stamps it on the wall clock (its kernel time unchanged). */
const later = (l: DmesgLine, o: WallOptions): DmesgLine => (o.laterMs ? {...l, usec: l.usec + o.laterMs * 1000} : l)

/**
 * journalctl -k -o `shape`, with the boot separator line (o.boot): the stamp, the host field (`host`;
 * none with --no-hostname: `host` null), `kernel:`, the text.
 */
export function toJournalAs(dmesgText: string, shape: JournalShape, host: string | null = 'vm', o: WallOptions = {}): string {
  const stamp = JOURNAL_STAMPS[shape]
  const body = dmesgLines(dmesgText)
    .map((l) => `${stamp(later(l, o))} ${host === null ? '' : `${host} `}kernel: ${l.text}\n`)
    .join('')
  const id = o.boot === undefined ? BOOT_ID : o.boot
  return (id === null ? '' : `-- Boot ${id} --\n`) + body
}

/** journalctl -k -o short-monotonic (keeps the kernel time), with the boot separator line. */
export const toJournal = (dmesgText: string): string => toJournalAs(dmesgText, 'short-monotonic')

/** journalctl -k (default short format): wall clock only, so only the texts survive. */
export const toJournalShort = (dmesgText: string, o: WallOptions = {}): string => toJournalAs(dmesgText, 'short', 'vm', o)

/** journalctl -k -o short-precise: the wall clock to the microsecond, no kernel time. */
export const toJournalPrecise = (dmesgText: string, o: WallOptions = {}): string => toJournalAs(dmesgText, 'short-precise', 'vm', o)

/** dmesg -T: util-linux's ctime stamp (`[Thu Nov 26 00:52:36 2026]`, to the second) instead of the kernel time. */
export function toDmesgHuman(dmesgText: string, o: WallOptions = {}): string {
  return dmesgLines(dmesgText)
    .map((l) => {
      const d = new Date(BOOT_WALL_MS + Math.floor(later(l, o).usec / 1000))
      const clock = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
      return `[${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${clock} ${d.getUTCFullYear()}] ${l.text}\n`
    })
    .join('')
}

/**
 * journalctl -k -o json: one object per line; every 7th MESSAGE as a byte array (journald does
 * that for values that are not plain UTF-8 text), one with a duplicated MESSAGE field, entries of
 * other transports interleaved, and a final kernel entry whose MESSAGE is null.
 */
export function toJournalJson(dmesgText: string, boot = BOOT_ID): string {
  const out: string[] = []
  dmesgLines(dmesgText).forEach((l, i) => {
    const message = i % 7 === 2 ? [...Buffer.from(l.text, 'utf8')] : i === 11 ? [l.text, 'duplicate'] : l.text
    out.push(
      JSON.stringify({
        __CURSOR: `s=${boot};i=${(i + 1).toString(16)};b=${boot};m=${l.usec.toString(16)}`,
        __REALTIME_TIMESTAMP: String(BOOT_WALL_MS * 1000 + l.usec),
        __MONOTONIC_TIMESTAMP: String(l.usec + 1500),
        _BOOT_ID: boot,
        _TRANSPORT: 'kernel',
        PRIORITY: String(syntheticLevel(i)),
        SYSLOG_FACILITY: String(syntheticFacility(i)),
        SYSLOG_IDENTIFIER: 'kernel',
        _SOURCE_MONOTONIC_TIMESTAMP: String(l.usec),
        _HOSTNAME: 'vm',
        MESSAGE: message,
      }),
    )
    if (i % 25 === 24) {
      out.push(JSON.stringify({__CURSOR: `s=${boot};i=u${i}`, _TRANSPORT: 'journal', SYSLOG_IDENTIFIER: 'systemd', PRIORITY: '6', MESSAGE: `Started unit-${i}.service.`}))
    }
  })
  out.push(JSON.stringify({__CURSOR: `s=${boot};i=end`, _TRANSPORT: 'kernel', PRIORITY: '6', MESSAGE: null}))
  return out.join('\n') + '\n'
}

/** A binary export field, as journalctl writes a value with control bytes: `NAME\n`, the value's length as a 64-bit little-endian number, the value, `\n`. */
export function exportBinaryField(name: string, value: string): Buffer {
  const v = Buffer.from(value, 'utf8')
  const size = Buffer.alloc(8)
  size.writeBigUInt64LE(BigInt(v.length))
  return Buffer.concat([Buffer.from(`${name}\n`), size, v, Buffer.from('\n')])
}

const EXPORT_BOOT = '5a1c0f2e9b8d4c3aa1b2c3d4e5f60718'

/**
 * journalctl -k -o export: one entry per record (kernel transport), every 7th MESSAGE in the binary
 * form, with user-space entries between them. The i-th record's entry starts with
 * `__CURSOR=s=0123;i=<i+1>;`. `binary(i, text)`, when it returns a value, writes that value as the
 * i-th record's binary MESSAGE instead (a multi-line message, as journalctl writes one; `false`: every MESSAGE as text). `host`:
 * every entry's _HOSTNAME (journald's), after its _TRANSPORT; none without.
 */
export function toJournalExport(dmesgText: string, boot = EXPORT_BOOT, binary?: ((i: number, text: string) => string | undefined) | false, host?: string): Buffer {
  const hostField = host === undefined ? [] : [`_HOSTNAME=${host}`]
  const parts: Buffer[] = []
  dmesgLines(dmesgText).forEach((l, i) => {
    const head = [`__CURSOR=s=0123;i=${i + 1};b=${boot}`, `__REALTIME_TIMESTAMP=${1764118356000000 + l.usec}`, `__MONOTONIC_TIMESTAMP=${l.usec + 2_000_000}`, `_BOOT_ID=${boot}`, '_TRANSPORT=kernel', ...hostField, 'PRIORITY=6', 'SYSLOG_FACILITY=0', 'SYSLOG_IDENTIFIER=kernel', `_SOURCE_MONOTONIC_TIMESTAMP=${l.usec}`]
    parts.push(Buffer.from(head.join('\n') + '\n'))
    const value = binary === false ? undefined : (binary?.(i, l.text) ?? (i % 7 === 3 ? l.text : undefined))
    parts.push(value !== undefined ? exportBinaryField('MESSAGE', value) : Buffer.from(`MESSAGE=${l.text}\n`))
    parts.push(Buffer.from('\n'))
    if (i % 40 === 10) parts.push(Buffer.from(`__MONOTONIC_TIMESTAMP=${l.usec + 2_000_001}\n_BOOT_ID=${boot}\n_TRANSPORT=journal\n${hostField.map((f) => `${f}\n`).join('')}PRIORITY=6\nMESSAGE=Runtime Journal is using 8.0M.\n\n`))
  })
  return Buffer.concat(parts)
}

/** rsyslog kern.log: RFC 3164 and RFC 3339 dates alternating, other programs' lines interleaved. */
export function toSyslog(dmesgText: string): string {
  return dmesgLines(dmesgText)
    .map((l, i) => {
      const date = i % 2 === 0 ? rfc3164(l.usec) : rfc3339(l.usec)
      let line = `${date} vm kernel: [${l.stamp}] ${l.text}\n`
      if (i % 30 === 29) line += `${date} vm systemd[1]: Started session-${i}.scope.\n${date} vm rsyslogd: action 'action-0' resumed\n`
      return line
    })
    .join('')
}

/** How many `** N printk messages dropped **` the derived console carries (N in total). */
export const CONSOLE_DROPPED = 5

/**
 * A QEMU serial console: SeaBIOS noise and a clear-screen first, CRLF line ends, ANSI colour on
 * every 9th line, a dropped-messages line, capture markers and a shell prompt at the end.
 */
export function toConsole(dmesgText: string): string {
  const lines = dmesgLines(dmesgText)
  const out: string[] = ['\x1b[2J\x1b[HSeaBIOS (version 1.16.2-debian-1.16.2-1)', 'Booting from ROM..']
  lines.forEach((l, i) => {
    const line = `[${l.stamp}] ${l.text}`
    out.push(i % 9 === 4 ? `\x1b[0;33m${line}\x1b[0m` : line)
    if (i === 20) out.push(`** ${CONSOLE_DROPPED} printk messages dropped **`)
  })
  out.push('===KLAB-DMESG-BEGIN===', '~ # ', 'qemu-system-x86_64: terminating on signal 15 from pid 4242')
  return out.join('\r\n') + '\r\n'
}

export function toGzip(text: string | Buffer): Buffer {
  return gzipSync(typeof text === 'string' ? Buffer.from(text, 'utf8') : text)
}

/** The formats CONVERTERS makes from a dmesg.txt: all but journal-export and lava. */
export type ConvertedFormat = Exclude<BootLogFormat, 'journal-export' | 'lava'>

/** One converter per format (journal: short-monotonic, which keeps the kernel time). */
export const CONVERTERS: Record<ConvertedFormat, (dmesgText: string) => string | Buffer> = {
  dmesg: toDmesg,
  'dmesg-raw': toDmesgRaw,
  'dmesg-decode': toDmesgDecode,
  'dmesg-json': toDmesgJson,
  kmsg: toKmsg,
  journal: toJournal,
  'journal-json': toJournalJson,
  syslog: toSyslog,
  console: toConsole,
}

/** Variants that are not one-per-format, with the format they must be detected as. */
export const VARIANTS: Array<{name: string; format: BootLogFormat; convert: (t: string) => string | Buffer; keepsTime: boolean}> = [
  {name: 'dmesg --json -x', format: 'dmesg-json', convert: toDmesgJsonDecoded, keepsTime: true},
  {name: 'dmesg --json compact', format: 'dmesg-json', convert: toDmesgJsonCompact, keepsTime: true},
  {name: 'journalctl -k short', format: 'journal', convert: toJournalShort, keepsTime: false},
]
