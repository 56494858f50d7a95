// A wall-clock stamp (dmesg -T / --time-format iso, journalctl -k short*, syslog) as seconds, for
// LogRecord.wall: a log without the kernel's time tells a boot printed again by these stamps
// (analysis/boots.ts). Only equality and order within one log matter, so a stamp without a year
// (RFC 3164: `Dec  6 07:00:00`) is put in 2000 and a zone or offset is left out.

const MONTHS = 'JanFebMarAprMayJunJulAugSepOctNovDec'
/** RFC 3339, short-iso, short-full, dmesg --time-format iso (`,` before the fraction). */
const YMD = /(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?/
/** RFC 3164 (short, short-precise, syslog) and ctime (dmesg -T: `Sun Dec  6 07:00:00 2026`). */
const MDY = /([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?: (\d{4}))?/
/** short-unix: seconds since the epoch. */
const UNIX = /^\d{9,11}\.\d{6}$/

/** The stamp's time in seconds, or undefined when it is none of those forms. */
export function wallSeconds(stamp: string): number | undefined {
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
  const whole = Date.UTC(year, month, d, h, mi, s) / 1000
  return frac === undefined ? whole : whole + Number(frac) / 10 ** frac.length
}
