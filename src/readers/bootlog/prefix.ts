// The printk line prefix, read with charCode checks (this runs once per line on the hot path):
//   optional syslog priority  `<4>`            (dmesg -r, console with printk.syslog / kmsg readers)
//   optional time             `[    1.234567]` (printk.time: "[%5lu.%06lu]")
//   optional caller id        `[    T1]` / `[  C0]` (CONFIG_PRINTK_CALLER, glued or after a space)
// then one separating space, which is not part of the message.
import {ctimeAt, isoAt} from './wall.js'

export interface Prefix {
  pri?: number
  time?: number
  /** `dmesg -T` printed a wall-clock stamp instead of the kernel time (which is then unknown). */
  wallClock?: boolean
  /** That wall-clock stamp in seconds (wall.ts), when it is a date and time (-T, iso), not a delta. */
  wall?: number
  caller?: string
  /** Index of the first character of the message text. */
  textStart: number
}

const SP = 32
const LT = 60
const GT = 62
const LB = 91
const RB = 93
const DOT = 46

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}

// The scanners below return the index after what they read (-1: not there) and leave the value
// in one of these, so that the per-line path allocates nothing but the Prefix it returns.
let vPri = 0
let vTime = 0

/** `<N>` at `at`: the index after '>' (vPri set), or -1. */
function scanPri(s: string, at: number): number {
  if (s.charCodeAt(at) !== LT) return -1
  let i = at + 1
  let v = 0
  const start = i
  while (i < s.length && isDigit(s.charCodeAt(i)) && i - start < 5) v = v * 10 + s.charCodeAt(i++) - 48
  if (i === start || s.charCodeAt(i) !== GT) return -1
  vPri = v
  return i + 1
}

/** `[  secs.frac]` at `at`: the index after ']' (vTime set), or -1. */
function scanTime(s: string, at: number): number {
  if (s.charCodeAt(at) !== LB) return -1
  let i = at + 1
  while (s.charCodeAt(i) === SP) i++
  const numStart = i
  // The digits as one integer (seconds and fraction together) and a power of ten: one correctly
  // rounded division then gives the same double as parsing "1.234567" (and as 1234567 µs / 1e6),
  // without making a string per line.
  let v = 0
  let c = s.charCodeAt(i)
  while (c >= 48 && c <= 57) {
    v = v * 10 + (c - 48)
    c = s.charCodeAt(++i)
  }
  if (i === numStart || c !== DOT) return -1
  i++
  const fracStart = i
  let scale = 1
  c = s.charCodeAt(i)
  while (c >= 48 && c <= 57) {
    v = v * 10 + (c - 48)
    scale *= 10
    c = s.charCodeAt(++i)
  }
  if (i === fracStart || c !== RB) return -1
  // Past 2^53 (absurd stamps, fuzz) the integer is inexact: let Number() round the text instead.
  vTime = v <= Number.MAX_SAFE_INTEGER && scale <= 1e22 ? v / scale : Number(s.slice(numStart, i))
  return i + 1
}

/** `[ T123]` / `[C0]` at `at`: the index after ']', or -1; the id is s.slice(callerStart(...), end - 1). */
function scanCaller(s: string, at: number): number {
  if (s.charCodeAt(at) !== LB) return -1
  let i = at + 1
  while (s.charCodeAt(i) === SP) i++
  const c = s.charCodeAt(i)
  if (c !== 84 /* T */ && c !== 67 /* C */) return -1
  i++
  if (!isDigit(s.charCodeAt(i))) return -1
  while (isDigit(s.charCodeAt(i))) i++
  if (s.charCodeAt(i) !== RB) return -1
  return i + 1
}

/** The id inside a caller field scanCaller() accepted at `at`. */
function callerId(s: string, at: number, end: number): string {
  let i = at + 1
  while (s.charCodeAt(i) === SP) i++
  return s.slice(i, end - 1)
}

/** `<N>` at `at`: returns [pri, index after '>'] or undefined. */
export function readPri(s: string, at: number): [number, number] | undefined {
  const i = scanPri(s, at)
  return i === -1 ? undefined : [vPri, i]
}

/** `[  secs.frac]` at `at`: returns [seconds, index after ']'] or undefined. */
export function readTime(s: string, at: number): [number, number] | undefined {
  const i = scanTime(s, at)
  return i === -1 ? undefined : [vTime, i]
}

/** Whether a `[  secs.frac]` stamp is at `at`: readPrefix gives a time whenever one is at 0 (without the Prefix object). */
export function timeAt(s: string, at: number): boolean {
  return scanTime(s, at) !== -1
}

/** `[ T123]` / `[C0]` at `at`: returns [caller, index after ']'] or undefined. */
export function readCaller(s: string, at: number): [string, number] | undefined {
  const i = scanCaller(s, at)
  return i === -1 ? undefined : [callerId(s, at, i), i]
}

/** Reads the printk prefix at `at` (default 0). Returns undefined when there is no time and no caller. */
export function readPrefix(s: string, at = 0, allowPri = true): Prefix | undefined {
  let i = at
  let pri: number | undefined
  if (allowPri && s.charCodeAt(i) === LT) {
    const p = scanPri(s, i)
    if (p !== -1) {
      pri = vPri
      i = p
    }
  }
  let time: number | undefined
  let wallClock = false
  let wall: number | undefined
  const t = scanTime(s, i)
  if (t !== -1) {
    time = vTime
    i = t
  } else {
    const o = otherStamp(s, i)
    if (o !== -1) {
      if (vOtherTime !== undefined) time = vOtherTime
      else {
        wallClock = true
        wall = vOtherWall
      }
      i = o
    }
  }
  let caller: string | undefined
  let cAt = i
  let c = scanCaller(s, cAt)
  if (c === -1 && (time !== undefined || wallClock) && s.charCodeAt(i) === SP) {
    // `[ 1.23] [  T1] text`: the caller id after a space.
    cAt = i + 1
    c = scanCaller(s, cAt)
  }
  if (c !== -1) {
    caller = callerId(s, cAt, c)
    i = c
  }
  if (time === undefined && caller === undefined && !wallClock) {
    if (pri === undefined) return undefined
    // `<6>text`: dmesg -r without timestamps.
    return {pri, textStart: i}
  }
  if (s.charCodeAt(i) === SP) i++
  const out: Prefix = {textStart: i}
  if (pri !== undefined) out.pri = pri
  if (time !== undefined) out.time = time
  if (caller !== undefined) out.caller = caller
  if (wallClock) out.wallClock = true
  if (wall !== undefined) out.wall = wall
  return out
}

// The other stamps util-linux dmesg prints instead of `[%5lu.%06lu]` (checked only when that is
// not there, so the common path pays nothing):
// - -T / --time-format ctime: `[Thu Nov 26 00:52:36 2026]` ("%a %b %e %H:%M:%S %Y")
// - --time-format reltime (-e): `[Nov26 00:52]` / `[Dec 4 17:48]` at a new minute, else `[  +0.000401]`
// - --time-format delta: `[<    0.006642>]` (time since the previous message)
// - --time-format iso: `2026-12-04T17:48:28,397154+00:00 ` at the start of the line
// None gives the kernel's time since boot (deltas restart at every reltime minute line), except
// -d / --show-delta: `[    0.397154 <    0.006642>]`, the time and then the delta.
const CTIME = /\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\]/y
const RELTIME = /\[(?:[A-Z][a-z]{2} ?[ \d]?\d \d\d:\d\d| *\+\d+\.\d{6})\]/y
const DELTA = /\[< *\d+\.\d{6}>\]/y
const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d,\d{6}[+-]\d\d:\d\d(?= )/y
const SHOW_DELTA = /\[ *(\d+\.\d{6}) < *\d+\.\d{6}>\]/y

/** With a stamp of another form there, the time it gives (undefined: a wall clock or a delta). */
let vOtherTime: number | undefined
/** With a wall-clock stamp there (-T, iso), its time in seconds (wall.ts). */
let vOtherWall: number | undefined

/** One of the other stamps at `at`: the index after it (vOtherTime set), or -1. */
function otherStamp(s: string, at: number): number {
  vOtherTime = undefined
  vOtherWall = undefined
  const c = s.charCodeAt(at)
  if (c === LB) {
    SHOW_DELTA.lastIndex = at
    const m = SHOW_DELTA.exec(s)
    if (m) {
      vOtherTime = Number(m[1])
      return SHOW_DELTA.lastIndex
    }
    CTIME.lastIndex = at
    if (CTIME.test(s)) {
      vOtherWall = ctimeAt(s, at)
      return CTIME.lastIndex
    }
    for (const re of [RELTIME, DELTA]) {
      re.lastIndex = at
      if (re.test(s)) return re.lastIndex
    }
    return -1
  }
  // At a line's start, or after dmesg -x's facility:level (`kern  :info  : 2026-12-04T...`).
  if (isDigit(c) && s.charCodeAt(at + 4) === 45 /* - */) {
    ISO.lastIndex = at
    if (ISO.test(s)) {
      vOtherWall = isoAt(s, at)
      return ISO.lastIndex
    }
  }
  return -1
}

/** Index of a printk time stamp (`[%5lu.%06lu]`, exactly six decimals) inside a line, or -1. */
export function findTime(s: string, from = 0): number {
  let i = s.indexOf('[', from)
  while (i !== -1) {
    const t = scanTime(s, i)
    if (t !== -1 && t - i >= 9 && s.charCodeAt(t - 8) === DOT) return i
    i = s.indexOf('[', i + 1)
  }
  return -1
}
