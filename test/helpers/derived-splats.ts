// DERIVED inputs for the splat parser: real captures truncated, interleaved or re-stamped.
// Nothing here is a capture; every function says what it changes.
import type {LogRecord} from '../../src/types.js'

/** DERIVED: the records up to and including line `lastLine` (a log cut short there). */
export function derivedTruncated(records: readonly LogRecord[], lastLine: number): LogRecord[] {
  return records.filter((r) => r.line <= lastLine)
}

/** DERIVED: `text` inserted as a new record right after line `afterLine` (same time). */
export function derivedInterleaved(records: readonly LogRecord[], afterLine: number, text: string, caller?: string): LogRecord[] {
  const out: LogRecord[] = []
  for (const r of records) {
    out.push(r)
    if (r.line === afterLine) out.push({line: r.line, time: r.time, text, ...(caller ? {caller} : {})})
  }
  return out
}

/** DERIVED: every record gets caller id `caller` (as a kernel with CONFIG_PRINTK_CALLER prints). */
export function derivedWithCaller(records: readonly LogRecord[], caller: string): LogRecord[] {
  return records.map((r) => ({...r, caller}))
}

/** DERIVED: the record at `line` gets time `time` (e.g. earlier than its predecessor). */
export function derivedRetimed(records: readonly LogRecord[], line: number, time: number): LogRecord[] {
  return records.map((r) => (r.line === line ? {...r, time} : r))
}

/** DERIVED: `n` copies of a real log one after another (line numbers continue), e.g. a long uptime of repeated WARNs. */
export function derivedRepeated(records: readonly LogRecord[], n: number, linesPerCopy: number): LogRecord[] {
  const out: LogRecord[] = []
  for (let i = 0; i < n; i++) for (const r of records) out.push({...r, line: r.line + i * linesPerCopy})
  return out
}

/** DERIVED: the record at `line` gets `text` instead (e.g. a real splat carrying another WARN message). */
export function derivedReplaced(records: readonly LogRecord[], line: number, text: string): LogRecord[] {
  return records.map((r) => (r.line === line ? {...r, text} : r))
}

/** Two lines of a /dev/kmsg log: a record and its dictionary line. */
export const KMSG_LINES = ['6,103,625584,-;allocated 4194304 bytes of page_ext', ' SUBSYSTEM=pci']
/** Two lines of a util-linux dmesg --json document: the end of one record and the start of the next. */
export const DMESG_JSON_LINES = ['      },{', '         "pri": 6,']

/**
 * DERIVED text: the lines of a real log, each after `prefix` (e.g. a syslog stamp, host and tag),
 * with `other` (lines of another log: KMSG_LINES, DMESG_JSON_LINES) put right after the first
 * `</TASK>` line: another log interleaved into the call trace of the log's first report.
 */
export function derivedInTrace(lines: readonly string[], other: readonly string[], prefix = ''): string {
  const out = lines.map((l) => prefix + l)
  const task = out.findIndex((l) => l.endsWith(' </TASK>'))
  out.splice(task + 1, 0, ...other)
  return out.join('\n')
}

/**
 * DERIVED text: two copies of the same lines (a log and another capture of it, say the console and
 * the dmesg of one boot) interleaved line by line, the second copy `lag` lines behind the first.
 */
export function derivedSelfInterleaved(lines: readonly string[], lag: number): string {
  const out = lines.slice(0, lag)
  lines.forEach((l, i) => out.push(l, ...(i + lag < lines.length ? [lines[i + lag]!] : [])))
  return out.join('\n')
}
