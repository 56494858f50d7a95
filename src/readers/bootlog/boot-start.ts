// What in a record says a boot starts there, whatever the log's form: the kernel's banner and the
// kernel clock starting again. analysis/boots.ts splits a log there (BootSplitter); PrefixedReader
// stops giving a `-- Boot <id> --` line's id to the records after such a one (a capture after it
// has no line before its first boot). Both, and the report parser (analysis/splat.ts), tell one line
// written twice (two captures of one console into one file) by repeatsRecord.
import type {LogRecord} from '../../types.js'

/**
 * The kernel clock restarted: a stamp under CLOCK_START_S after one at least CLOCK_RESTART_S
 * later. Smaller steps back are real within one boot (CPUs brought up on their own sched_clock
 * print early stamps: 1.335357 then 0.105930 in a 64-CPU NUMA boot of the corpus).
 */
export const CLOCK_START_S = 1
export const CLOCK_RESTART_S = 10

const BANNER = /^Linux version \d/

/** The kernel's `Linux version …` banner, its first line in every boot. */
export const isBanner = (text: string): boolean => text.charCodeAt(0) === 76 /* L */ && BANNER.test(text)

/** A kernel time `time` after `last` is the clock restarted (CLOCK_START_S). */
export const clockRestarts = (last: number | undefined, time: number | undefined): boolean =>
  time !== undefined && last !== undefined && time < CLOCK_START_S && last - time >= CLOCK_RESTART_S

/**
 * The stamp a record is told by: the kernel's time, else the wall clock (dmesg -T, journalctl -k
 * short-*: LogRecord.wall). A replay repeats it, a reboot's is later (analysis/boots.ts).
 */
export const stampOf = (r: LogRecord): number | undefined => r.time ?? r.wall

/**
 * r is `prev` again: the same text from the same caller at the same stamp (stampOf). One line
 * written twice; a record with no stamp never repeats one.
 */
export function repeatsRecord(r: LogRecord, prev: LogRecord | undefined): boolean {
  if (prev === undefined || r.text !== prev.text || r.caller !== prev.caller) return false
  const t = stampOf(r)
  return t !== undefined && t === stampOf(prev)
}
