// A wall-clock stamp (dmesg -T / --time-format iso, journalctl -k short*, syslog) as seconds, for
// LogRecord.wall: a log without the kernel's time tells a boot printed again by these stamps
// (analysis/boots.ts). Only equality and order within one log matter, so a stamp without a year
// (RFC 3164: `Dec  6 07:00:00`) is put in 2000 and a zone or offset is left out.
// Every record of such a log has one, so the fixed layouts are read by their characters (ctimeAt,
// isoAt, and RFC 3164 in wallSeconds) and a day's start is computed once: no regex, no array.

const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec'
/** RFC 3339, short-iso, short-full, dmesg --time-format iso (`,` before the fraction). */
const YMD = /(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?/
/** RFC 3164 (short, short-precise, syslog) and ctime (dmesg -T: `Sun Dec  6 07:00:00 2026`). */
const MDY = /([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?: (\d{4}))?/
/** short-unix: seconds since the epoch. */
const UNIX = /^\d{9,11}\.\d{6}$/

/** The stamp's time in seconds, or undefined when it is none of those forms. */
export function wallSeconds(stamp: string): number | undefined {
  const fast = rfc3164At(stamp)
  if (fast !== undefined) return fast
  if (UNIX.test(stamp)) return Number(stamp)
  const m = YMD.exec(stamp)
  if (m) return seconds(Number(m[1]), Number(m[2]) - 1, m.slice(3, 7), m[7])
  const n = MDY.exec(stamp)
  const month = n ? MONTHS.indexOf(n[1]!) : -1
  if (!n || month < 0 || month % 3 !== 0) return undefined
  return seconds(n[7] === undefined ? 2000 : Number(n[7]), month / 3, [n[2]!, n[3]!, n[4]!, n[5]!], n[6])
}

function seconds(year: number, month: number, dhms: string[], frac: string | undefined): number {
  const [d, h, mi, s] = dhms.map(Number) as [number, number, number, number]
  return at(year, month, d, h * 3600 + mi * 60 + s, frac === undefined ? 0 : Number(frac), frac?.length ?? 0)
}

/** The last day asked for and its start (a log's stamps come day by day). */
let dayKey = NaN
let dayStart = 0

/** Seconds since the epoch (Date.UTC's, a day's overflow included) plus `frac` of `digits` decimals. */
function at(year: number, month: number, day: number, secs: number, frac: number, digits: number): number {
  const key = (year * 12 + month) * 100 + day
  if (key !== dayKey) {
    dayKey = key
    dayStart = Date.UTC(year, month, day) / 1000
  }
  const whole = dayStart + secs
  return digits === 0 ? whole : whole + frac / POW10[digits]!
}

/** 10 ** n for the decimals of a stamp (1-9), as `10 ** n` gives them. */
const POW10 = Array.from({length: 10}, (_, n) => 10 ** n)

const code = (s: string, i: number): number => s.charCodeAt(i) - 48
/** Two digits at i (a space for the first: ctime's and RFC 3164's day). */
const two = (s: string, i: number): number => (s.charCodeAt(i) === 32 ? 0 : code(s, i) * 10) + code(s, i + 1)
const isDigit = (s: string, i: number): boolean => code(s, i) >= 0 && code(s, i) <= 9
/** The three letters monthAt() read last and their month (a log's stamps share theirs). */
let lastLetters = -1
let lastMonth = -1

/** The month of the three letters at i (0-11), or -1. */
function monthAt(s: string, i: number): number {
  const letters = s.charCodeAt(i) * 65536 + s.charCodeAt(i + 1) * 256 + s.charCodeAt(i + 2)
  if (letters !== lastLetters) {
    const m = MONTHS.indexOf(s.slice(i, i + 3))
    lastLetters = letters
    lastMonth = m < 0 || m % 3 !== 0 ? -1 : m / 3
  }
  return lastMonth
}
/** `hh:mm:ss` at i, in seconds. */
const hms = (s: string, i: number): number => two(s, i) * 3600 + two(s, i + 3) * 60 + two(s, i + 6)

/** prefix.ts's CTIME stamp (`[Sun Dec  6 07:00:00 2026]`) that starts at `i`, in seconds (undefined: not a month). */
export function ctimeAt(s: string, i: number): number | undefined {
  const month = monthAt(s, i + 5)
  if (month < 0) return undefined
  const year = two(s, i + 21) * 100 + two(s, i + 23)
  return at(year, month, two(s, i + 9), hms(s, i + 12), 0, 0)
}

/** prefix.ts's ISO stamp (`2026-12-04T17:48:28,397154+00:00`) that starts at `i`, in seconds. */
export function isoAt(s: string, i: number): number {
  const year = two(s, i) * 100 + two(s, i + 2)
  let frac = 0
  for (let k = i + 20; k < i + 26; k++) frac = frac * 10 + code(s, k)
  return at(year, two(s, i + 5) - 1, two(s, i + 8), hms(s, i + 11), frac, 6)
}

/** RFC 3164 (`Dec  6 07:00:00`, `.` and 1-9 decimals after it) as the whole stamp, in seconds; else undefined. */
function rfc3164At(s: string): number | undefined {
  const n = s.length
  if (n < 15 || s.charCodeAt(3) !== 32 || s.charCodeAt(6) !== 32 || s.charCodeAt(9) !== 58 || s.charCodeAt(12) !== 58) return undefined
  if (!(isDigit(s, 4) || s.charCodeAt(4) === 32) || !isDigit(s, 5)) return undefined
  if (!isDigit(s, 7) || !isDigit(s, 8) || !isDigit(s, 10) || !isDigit(s, 11) || !isDigit(s, 13) || !isDigit(s, 14)) return undefined
  let frac = 0
  if (n > 15) {
    if (s.charCodeAt(15) !== 46 /* . */ || n > 25 || n === 16) return undefined
    for (let k = 16; k < n; k++) {
      if (!isDigit(s, k)) return undefined
      frac = frac * 10 + code(s, k)
    }
  }
  const month = monthAt(s, 0)
  return month < 0 ? undefined : at(2000, month, two(s, 4), hms(s, 7), frac, n > 15 ? n - 16 : 0)
}
