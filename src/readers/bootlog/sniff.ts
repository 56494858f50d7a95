// Line tests that detection and the format registry share: what a line of each shape starts
// with. Kept apart from detect.ts so that the registry (formats.ts) and detection can both use
// them without importing each other.
import {findTime, readPrefix, timeAt} from './prefix.js'
import {DECODED, DROPPED, FACILITY_NAMES, JOURNAL_META, LEVEL_NAMES, syslogPrefix, type SyslogPrefix} from './text-formats.js'

// The readers' own line shapes, for the registry's sniffing (one definition, in text-formats.ts).
export {DROPPED, JOURNAL_META}

export const KMSG = /^\d{1,4},\d+,\d+,[^;]*;/
const PRI = /^<\d{1,4}>/
/** A dmesg -r line: `<N>` then the kernel's text, not a syslog line stored with its priority (`<4>Dec  6 07:00:01 host kernel: …`). */
export const raw = (l: string): boolean => PRI.test(l) && wall(l) === undefined
// The host field is absent with journalctl --no-hostname: the tag (`kernel:`) then follows the
// stamp directly. A host name never ends in ':', so the lazy optional host tries that first.
export const JOURNAL_MONO = /^\[ *\d+\.\d+\] (?:\S+ )?kernel: /
/** A syslog / journalctl line with a wall-clock stamp (not short-monotonic's `[time]`), as PrefixedReader reads it (syslogPrefix). */
export function wall(l: string): SyslogPrefix | undefined {
  const p = syslogPrefix(l)
  return p !== undefined && p.time === undefined ? p : undefined
}

export function decoded(l: string): boolean {
  const m = DECODED.exec(l)
  return m !== null && FACILITY_NAMES.includes(m[1]!) && LEVEL_NAMES.includes(m[2]!)
}

/** Where a line carries a printk time stamp: at its start (after a dropped-messages notice), glued after console noise, or nowhere. */
export type Stamp = 'start' | 'glued' | undefined

/** Where a line carries a printk time stamp: at its start (after a dropped-messages notice) or glued after console noise. */
export function stampAt(l: string): Stamp {
  const m = l.charCodeAt(0) === 42 ? DROPPED.exec(l) : null
  const s = m ? l.slice(m[0].length) : l
  // Most lines of a timed log start with their stamp: said without reading the whole prefix.
  if (timeAt(s, 0)) return 'start'
  const p = readPrefix(s)
  if (p !== undefined && (p.time !== undefined || p.wallClock === true)) return 'start'
  return findTime(s, 1) > 0 ? 'glued' : undefined
}

export function timedKernel(l: string): boolean {
  return stampAt(l) !== undefined
}
