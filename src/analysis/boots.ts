// Several boots in one log (kern.log, `journalctl -k` without -b, a serial console that saw a
// reboot, dmesg files cat'ed together): where one boot ends and the next begins, so that each is
// analysed on its own instead of mixing two hosts into one that never existed. A record starts a
// new boot when the journal's boot id changes (_BOOT_ID, or journalctl's `-- Boot <id> --` line;
// an older journalctl's `-- Reboot --`, which has no id, gives the records after it rebootId()),
// when a second `Linux version` banner comes, or when the kernel clock goes back by more than
// CLOCK_RESTART_S (a reboot restarts it at zero; console output out of order by a few ms does
// not). Boots are numbered as `journalctl --list-boots` does. A boot printed again after itself
// (its stamps repeat: the kernel's, else the wall clock) stays one boot, its repeated records not
// analysed twice (replayFrom).
import {BOOT_ID, REASON} from '../readers/bootlog/text-formats.js'
import {clockRestarts, isBanner, repeatsRecord, stampOf} from '../readers/bootlog/boot-start.js'
import {InputError} from '../errors.js'
import {plural} from '../render/units.js'
import type {BootAnalysis, BootInfo, LogRecord, Replay} from '../types.js'
import {BootAnalyser, NO_HINTS, type AnalyserOptions, type FinishMeta} from './analyser.js'

export {CLOCK_RESTART_S, CLOCK_START_S} from '../readers/bootlog/boot-start.js'
/**
 * A second banner may be the same boot printed again (a console that shows `dmesg` after the
 * boot, as the lab's captures do), which stays one boot, as before. The kernel's stamps tell: a
 * replay repeats records stamped after zero to the microsecond, a reboot (even of the same kernel
 * on the same machine) does not. So the first REPLAY_CHECK stamped records after the banner are
 * looked up among the boot's first SEEN_MAX stamped ones (a console may have shown fewer lines
 * than dmesg holds, so one hit is enough); a log without stamps is a new boot. A hit decides only
 * on a stamp finer than a millisecond (isTickStamp): before its clocksource is calibrated a kernel
 * stamps in jiffies, and each boot of a machine prints the same early lines at the same ticks
 * (`[0.008000] APIC: Switch to symmetric I/O mode setup` in two lab boots of one host shape).
 * Hits on tick stamps alone decide only when nothing else does: at REPLAY_MAX records or at the
 * end, a replay when they outnumber the misses. A log without the kernel's time is told by its wall
 * clock (stampOf).
 */
export const REPLAY_CHECK = 5
export const SEEN_MAX = 5000
/** Replays of one boot described in its analysis (a console that printed dmesg again and again: the rest only counted). */
export const MAX_REPLAYS = 16
/** Records held while that is decided. */
export const REPLAY_MAX = 200

/** A stamp on a whole millisecond: a jiffies clock's (HZ 1000, 250, 100), or one in a thousand of a finer clock's. */
export function isTickStamp(time: number): boolean {
  return Math.round(time * 1e6) % 1000 === 0
}

export class BootSplitter {
  private records = 0
  private banner = false
  private lastTime: number | undefined
  /** The record before: a banner that repeats it is that line written twice (repeatsRecord). */
  private last: LogRecord | undefined
  private id: string | undefined
  /**
   * Whether the boundary next() gave last is certain: the journal's boot id changed. A banner or a
   * clock step under an unchanged id (or none) may be the same boot printed again (`journalctl -o
   * export` of a log that holds it twice).
   */
  certain = false

  /** Why r starts a new boot, or undefined when it continues the current one. */
  next(r: LogRecord): string | undefined {
    const banner = isBanner(r.text)
    let why: string | undefined
    this.certain = false
    if (this.records > 0) {
      // Records without an id before it: journalctl -k prints `-- Boot <id> --` between boots, not before the first.
      if (r.boot !== undefined && r.boot !== this.id) {
        why = !BOOT_ID.test(r.boot) ? 'a "-- Reboot --" line (journalctl)' : r.bootLine ? `a "-- Boot ${r.boot} --" line (journalctl)` : `_BOOT_ID changes to ${r.boot}`
        this.certain = true
      } else if (banner && this.banner && !repeatsRecord(r, this.last)) why = 'a new "Linux version" banner'
      else if (clockRestarts(this.lastTime, r.time)) {
        why = `the kernel clock restarts (${this.lastTime!.toFixed(6)} s, then ${r.time!.toFixed(6)} s)`
      }
    }
    if (why !== undefined) {
      this.records = 0
      this.banner = false
      this.lastTime = undefined
      // A boot started by a banner or the clock, under no id: a `-- Boot <id> --` line after it is a change.
      this.id = undefined
    }
    this.records++
    if (banner) this.banner = true
    if (r.time !== undefined) this.lastTime = r.time
    this.last = r
    if (r.boot !== undefined) this.id = r.boot
    return why
  }
}

/**
 * Which boot(s) to analyse, as `journalctl -b` counts: 1 the first in the log, 2 the second, ...;
 * 0 the last, -1 the one before it, ...; 'all' every boot.
 */
export type BootSelector = number | 'all'

/** The boot `sel` names among `count`, as a 1-based index, or undefined when there is no such boot. */
export function bootIndex(sel: number, count: number): number | undefined {
  const i = sel > 0 ? sel : count + sel
  return i >= 1 && i <= count ? i : undefined
}

/** journalctl's offset of the index-th of count boots: 0 for the last, -1 before it, ... */
export function bootOffset(index: number, count: number): number {
  return index - count
}

/** "boot -1 (2 of 3, lines 332-700)" */
export function describeBoot(b: BootInfo): string {
  return `boot ${b.offset} (${b.index} of ${b.count}, lines ${b.firstLine}-${b.lastLine})`
}

/** Boots kept when every boot is asked for: the last ones (a log of a reboot loop can hold thousands). */
export const MAX_BOOTS = 64

interface OpenBoot {
  index: number
  firstLine: number
  lastLine: number
  startReason?: string
  id?: string
  analyser: BootAnalyser
  /** Its first stamped records (SEEN_MAX), to tell a replay from a reboot and a replayed record from a new one. */
  seen: StampSet
  /** The stamp of the first record `seen` had no room for. */
  seenFullAt?: number
  /**
   * Texts of its records stamped 0 (before the clock runs; up to SEEN_MAX), a Set once a replay
   * needs them: a plain array costs the many boots that are never replayed nothing but a push.
   */
  zero: string[]
  zeroSet?: Set<string>
  /** The latest stamp of the boot's records before a replay: where the replayed stretch ends. */
  maxTime?: number
  /** The boot printed again, and the stretch it covers while it goes on. */
  replays: Replay[]
  replaysNotStored: number
  replaying?: {replay: Replay; until: number}
}

/**
 * A set of (time, text) pairs. A boot's stamps come nearly in order (the bench log: 1.5 of ~264
 * per boot do not), so they are kept sorted by time in two arrays, found by binary search, and a
 * stamp out of order is inserted where it belongs; past MAX_UNORDERED such inserts (each moves the
 * tail of the arrays) they move into a Map keyed by the time. (A Map from the start cost ~80 ms of
 * the 100 MiB bench log's ~1.3 s on the analysis thread: a heap number and a hash per record; a Set
 * of `${time} ${text}` strings before it was the largest cost of reading a big log, bench/NOTES.md.)
 * Times are finite and > 0, so equal numbers are equal stamps. The texts may be slices of a read
 * chunk: only the current boot's set is kept (see start()).
 */
export class StampSet {
  private times: number[] = []
  private texts: string[] = []
  private unordered = 0
  private byTime: Map<number, Bucket> | undefined
  /** The length of the run of equal stamps equalRun() went through last. */
  private run = 0
  size = 0
  /** Texts compared with the one looked for (tests: the work stays bounded however many share a stamp). */
  compared = 0

  /** Whether the pairs moved into the Map (tests). */
  get mapped(): boolean {
    return this.byTime !== undefined
  }

  has(time: number, text: string): boolean {
    if (this.byTime !== undefined) return this.inBucket(this.byTime.get(time), text)
    return this.equalRun(time, text) < 0
  }

  add(time: number, text: string): void {
    if (this.byTime !== undefined) {
      if (this.put(time, text)) this.size++
      return
    }
    const n = this.times.length
    let at = n
    if (n === 0 || time > this.times[n - 1]!) this.run = 0
    else at = this.equalRun(time, text)
    if (at < 0) return
    // Only a new stamp inserted before the end counts (a console's replay repeats stamps it holds);
    // a run of one stamp is searched one by one (a wall clock to the second: thousands of records).
    if ((at < n && ++this.unordered > MAX_UNORDERED) || this.run >= MAX_EQUAL_RUN) {
      this.toMap()
      this.put(time, text)
      this.size++
      return
    }
    if (at === n) {
      this.times.push(time)
      this.texts.push(text)
    } else {
      this.times.splice(at, 0, time)
      this.texts.splice(at, 0, text)
    }
    this.size++
  }

  /** -1 when the pair is here; else the index after the stamps equal to `time` (where it goes), their count in `run`. */
  private equalRun(time: number, text: string): number {
    const times = this.times
    let lo = 0
    let hi = times.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (times[mid]! < time) lo = mid + 1
      else hi = mid
    }
    const first = lo
    for (; lo < times.length && times[lo] === time; lo++) {
      this.compared++
      if (this.texts[lo] === text) return -1
    }
    this.run = lo - first
    return lo
  }

  private inBucket(v: Bucket | undefined, text: string): boolean {
    if (v === undefined) return false
    if (typeof v === 'string') {
      this.compared++
      return v === text
    }
    if (v instanceof Set) {
      this.compared++
      return v.has(text)
    }
    this.compared += v.length
    return v.includes(text)
  }

  /** Adds the pair; false when it was there already. A stamp's texts past MAX_EQUAL_RUN go into a Set. */
  private put(time: number, text: string): boolean {
    const v = this.byTime!.get(time)
    if (this.inBucket(v, text)) return false
    if (v === undefined) this.byTime!.set(time, text)
    else if (typeof v === 'string') this.byTime!.set(time, [v, text])
    else if (v instanceof Set) v.add(text)
    else if (v.length < MAX_EQUAL_RUN) v.push(text)
    else this.byTime!.set(time, new Set(v).add(text))
    return true
  }

  private toMap(): void {
    this.byTime = new Map()
    for (let i = 0; i < this.times.length; i++) this.put(this.times[i]!, this.texts[i]!)
    this.times = []
    this.texts = []
  }
}

/** The texts of one stamp in StampSet's Map. */
type Bucket = string | string[] | Set<string>

/** Stamps inserted out of order before a StampSet moves to a Map (bounds the moves per record). */
export const MAX_UNORDERED = 64
/**
 * Records on one stamp a StampSet searches one by one (a run in its arrays, a list in its Map):
 * with more (dmesg -T or journalctl short: a wall clock to the second, thousands of records in a
 * second of a boot) it moves to the Map, where a stamp's texts past this many are a Set.
 */
export const MAX_EQUAL_RUN = 16

// The stamp a replay is told by is stampOf's: the kernel's time, else the wall clock (dmesg -T,
// journalctl -k short-precise: a boot printed again repeats its stamps, a reboot's are later). A
// wall clock printed to the second (dmesg -T, journalctl short) is whole milliseconds, so a hit on
// it is a tick hit (isTickStamp): a second holds many records, and one hit on so coarse a stamp is
// not enough; a microsecond one (short-precise) decides on one hit as the kernel's time does.
/** Undecided by a finer stamp: a replay when hits on tick stamps outnumber the misses (none of either: a new boot). */
const tickReplay = (p: Pending) => p.tickHits > p.checked

/** Records after a possible boundary, held with their hints until it is decided. */
interface Pending {
  why: string
  records: LogRecord[]
  hints: number[]
  /** Stamped records looked up and not found (misses). */
  checked: number
  /** Stamped records found, on tick stamps (isTickStamp): not enough alone to tell a replay. */
  tickHits: number
}

export interface BootsResult {
  /** The analyses kept, in log order (one when a single boot was asked for). */
  boots: BootAnalysis[]
  /** Boots in the log. */
  count: number
  /** Boots analysed but not kept (beyond MAX_BOOTS). */
  omitted: number
}

/**
 * The analyser for a log that may hold several boots: records in, one BootAnalyser per boot, the
 * boots asked for out. Memory: only the boots that can still be asked for are kept.
 */
export class BootsAnalyser {
  private readonly splitter = new BootSplitter()
  private cur: OpenBoot | undefined
  private kept: OpenBoot[] = []
  private count = 0
  /** A boundary not yet decided (new boot, or the current one printed again), and the records since. */
  private pending: Pending | undefined

  constructor(
    private readonly source: string,
    private readonly select: BootSelector,
    private readonly opts: AnalyserOptions = {},
  ) {}

  /** @param hints the record's recordHints(), when worked out already (analyser.ts). */
  push(r: LogRecord, hints = NO_HINTS): void {
    // An orphan line (no printk prefix) says nothing about boots: it goes where the records before it went.
    if (r.orphan) {
      if (this.pending !== undefined) this.hold(this.pending, r, hints)
      else if (this.cur !== undefined) this.add(r, hints)
      return
    }
    const why = this.splitter.next(r)
    if (why !== undefined && this.splitter.certain) {
      // A journal boot id that changes is certain (a boundary still undecided before it is decided
      // as at the log's end); a banner or a clock step, under one id or none, may be a replay.
      if (this.pending !== undefined) this.settle(this.pending, tickReplay(this.pending))
      this.start(r, why)
    } else if (this.pending !== undefined) return this.decide(r, why, hints)
    else if (this.cur === undefined) this.start(r, undefined)
    else if (why !== undefined) return this.decide(r, why, hints)
    this.add(r, hints)
  }

  /** A record after a possible boundary: the same boot once a stamped record repeats one of it, a new boot when REPLAY_CHECK do not. */
  private decide(r: LogRecord, why: string | undefined, hints: number): void {
    // The hints are kept with the records: a boot's first ~100 records, all stamped 0, wait here
    // (a third of the bench log's records, whose tests the main thread would otherwise run again).
    const p = this.pending ?? (this.pending = {why: why!, records: [], hints: [], checked: 0, tickHits: 0})
    this.hold(p, r, hints)
    let replay: boolean | undefined
    const t = stampOf(r)
    if (t !== undefined && t > 0) {
      if (!this.cur!.seen.has(t, r.text)) {
        if (++p.checked >= REPLAY_CHECK) replay = false
      } else if (isTickStamp(t)) p.tickHits++
      else replay = true
    }
    if (replay === undefined && p.records.length >= REPLAY_MAX) replay = tickReplay(p)
    if (replay !== undefined) this.settle(p, replay)
  }

  /** The boundary is decided: a new boot from its first record, or the current boot printed again. */
  private settle(p: Pending, replay: boolean): void {
    this.pending = undefined
    if (!replay) this.start(p.records[0]!, p.why)
    else this.replayFrom(this.cur!, p.records[0]!.line)
    this.release(p)
  }

  /**
   * The boot is printed again from `line` (a console showing dmesg after the boot): the records of
   * the replayed stretch (stamped up to the boot's latest stamp before it) that the boot holds
   * already are not analysed again; the ones it lacks (a console that showed fewer lines than
   * dmesg holds) are. Past SEEN_MAX records a replayed one is taken as held without a look.
   */
  private replayFrom(b: OpenBoot, line: number): void {
    const replay: Replay = {line, records: 0, repeated: 0}
    if (b.replays.length < MAX_REPLAYS) b.replays.push(replay)
    else b.replaysNotStored++
    b.replaying = {replay, until: b.maxTime ?? 0}
    b.zeroSet ??= new Set(b.zero)
  }

  /** Whether r repeats a record of its boot inside a replayed stretch (and is not analysed again). */
  private repeated(b: OpenBoot, r: LogRecord): boolean {
    const rp = b.replaying
    const t = stampOf(r)
    if (rp === undefined || r.orphan || t === undefined) return false
    if (t > rp.until) {
      b.replaying = undefined
      return false
    }
    rp.replay.records++
    const held = t === 0 ? b.zeroSet!.has(r.text) : b.seen.has(t, r.text) || (b.seenFullAt !== undefined && t >= b.seenFullAt)
    if (held) rp.replay.repeated++
    return held
  }

  private hold(p: Pending, r: LogRecord, hints: number): void {
    p.records.push(r)
    p.hints.push(hints)
  }

  /** The held records, to the boot now decided. */
  private release(p: Pending): void {
    for (let i = 0; i < p.records.length; i++) this.add(p.records[i]!, p.hints[i])
  }

  private add(r: LogRecord, hints = NO_HINTS): void {
    const b = this.cur!
    if (this.repeated(b, r)) return
    // A record the replay adds is of the boot's past: it does not make the clock go backwards.
    b.analyser.push(r, hints, b.replaying !== undefined)
    const t = stampOf(r)
    if (t === undefined) return
    if (b.replaying === undefined && (b.maxTime === undefined || t > b.maxTime)) b.maxTime = t
    if (t === 0) {
      if (b.zero.length < SEEN_MAX) b.zero.push(r.text)
      b.zeroSet?.add(r.text)
    } else if (b.seen.size < SEEN_MAX) b.seen.add(t, r.text)
    else b.seenFullAt ??= t
  }

  finish(meta: FinishMeta): BootsResult {
    // Still undecided at the end: no stamped record after the banner repeated the boot's, nor enough missed.
    if (this.pending !== undefined) this.settle(this.pending, tickReplay(this.pending))
    if (this.cur === undefined) this.start({line: 1, text: ''}, undefined)
    this.cur!.lastLine = Math.max(meta.lines, this.cur!.firstLine)
    this.keep(this.cur!)
    const n = this.count
    let chosen = this.kept
    if (typeof this.select === 'number') {
      const i = bootIndex(this.select, n)
      if (i === undefined) {
        throw new InputError(`${this.source}: --boot ${this.select}: the log holds ${plural(n, 'boot')} (1 to ${n} from the first, 0 to ${1 - n} from the last)`, this.source)
      }
      chosen = this.kept.filter((b) => b.index === i)
    }
    const boots = chosen.map((b) => this.finishOne(b, meta, n))
    return {boots, count: n, omitted: this.select === 'all' ? n - this.kept.length : 0}
  }

  private start(r: LogRecord, why: string | undefined): void {
    if (this.cur !== undefined) {
      this.cur.lastLine = r.line - 1
      // Only the current boot's stamps are ever looked up: let the ended boot's go.
      this.cur.seen = new StampSet()
      this.cur.zero = []
      this.cur.zeroSet = undefined
      this.keep(this.cur)
    }
    this.count++
    this.cur = {index: this.count, firstLine: this.count === 1 ? 1 : r.line, lastLine: r.line, analyser: new BootAnalyser(this.source, this.opts), seen: new StampSet(), zero: [], replays: [], replaysNotStored: 0}
    if (why !== undefined) this.cur.startReason = why
    // (Not the stand-in of a `-- Reboot --` line: the boot's id is unknown.)
    if (r.boot !== undefined && BOOT_ID.test(r.boot)) this.cur.id = r.boot
  }

  /** Keeps a boot that may still be asked for: the one named, or the last few. */
  private keep(b: OpenBoot): void {
    const sel = this.select
    if (typeof sel === 'number' && sel > 0) {
      if (b.index === sel) this.kept = [b]
      return
    }
    this.kept.push(b)
    const room = sel === 'all' ? MAX_BOOTS : 1 - sel
    if (this.kept.length > room) this.kept.shift()
  }

  private finishOne(b: OpenBoot, meta: FinishMeta, count: number): BootAnalysis {
    if (count === 1) return withReplays(b.analyser.finish(meta), b)
    const inBoot = (line: number): boolean => line >= b.firstLine && line <= b.lastLine
    const skipped = meta.skipped.filter((s) => inBoot(s.line))
    // Dropped-message notices on lines of their own are attributed to their boot; a notice glued
    // before a record is only in the log's total.
    const dropped = skipped.reduce((n, s) => n + (s.reason === REASON.dropped ? Number(/\d+/.exec(s.text ?? '')?.[0] ?? 0) : 0), 0)
    // The boot's own total is known when the log's list of skipped lines is whole.
    const skippedTotal = meta.skippedTotal === meta.skipped.length ? skipped.length : undefined
    const a = withReplays(b.analyser.finish(Object.assign({}, meta, {lines: b.lastLine - b.firstLine + 1, skipped, skippedTotal, droppedMessages: dropped})), b)
    a.boot = {index: b.index, offset: bootOffset(b.index, count), count, firstLine: b.firstLine, lastLine: b.lastLine, ...(b.startReason ? {startReason: b.startReason} : {}), ...(b.id ? {id: b.id} : {})}
    return a
  }
}

function withReplays(a: BootAnalysis, b: OpenBoot): BootAnalysis {
  if (b.replays.length) a.replays = b.replays
  if (b.replaysNotStored) a.replaysNotStored = b.replaysNotStored
  return a
}
