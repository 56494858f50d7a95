// Crash reports ("splats"), parsed as a stream: the WARNING block printed by __warn() from
// `------------[ cut here ]------------` to `---[ end trace <hash> ]---`, and every report that
// starts at its banner (BUG, KASAN/KMSAN/UBSAN, oops, lockups, hung tasks, RCU stalls, lockdep,
// kmemleak, panics). Nothing is dropped: a report cut short, without a call trace, or glued to
// other output is returned with `corrupted: true` and the reason. With printk caller ids a line
// of another task/CPU is simply not part of the report (the ids say so), not a corruption: each
// caller id has its own open report, so two tasks' WARNs printed line by line into each other are
// two whole reports.
import {repeatsRecord} from '../readers/bootlog/boot-start.js'
import type {Frame, LogRecord, Splat} from '../types.js'
import {alternation, causesPanic, type CrashId, crashRow, isWarnMessage, type ReportShape, startsWithAny, X86_TRAP_HEADER, X86_TRAP_HEADERS} from './detectors.js'
import {guiltyFrame, parseArmCaller, parseFrame, parsePcLine} from './frames.js'

export const CUT_HERE = /^-+\[ cut here \]-+$|^8<-+ cut here -+$/
/** What every line CUT_HERE matches starts with (x86's dashes, ARM's scissors): the pre-check's data. */
export const CUT_HERE_STARTS: readonly string[] = ['-', '8<-']
// UBSAN (6.6+) ends its report with a bare `---[ end trace ]---`, without the oops id.
const END_TRACE = /^-+\[ end (trace(?: [0-9a-f]+)?|Kernel panic\b.*?) \]-+$/
/** KASAN, KCSAN, UBSAN and KMSAN reports are framed by a line of '='. */
const REPORT_RULE = /^={20,}$/
const PANIC_END = /^Rebooting in -?\d+ seconds/
/** The first line of another CPU's backtrace printed into a report (nmi_cpu_backtrace()). */
const NMI_BACKTRACE = /^NMI backtrace for cpu (\d+)/
/** The clock of the report's own CPU (see SplatParser.track). */
const REPORT_CLOCK = 'report'

/** Lines an oops prints after its banner that would otherwise look like a new report. */
const OOPS_CONTINUATION = /^(Oops|general protection fault|invalid opcode|Internal error|PANIC: double fault)\b/
/** What x86's page-fault oops prints before its `BUG: unable to handle ...` line (arch/x86/mm/fault.c). */
const FAULT_PREAMBLE = /^kernel tried to execute NX-protected page/
/** A trace header, also when glued to the end of another line (a hex dump, a register line). */
const TRACE_HEADER = /(?:^|[^\w])(Call [Tt]race|Backtrace|backtrace(?: \(crc [0-9a-f]+\))?)\s*:\s*$|^Call [Tt]race:/

/** Banners, as data. `needsEnd`: __warn() always prints `---[ end trace` after the stack. */
interface BannerRule {
  banner: Splat['banner']
  re: RegExp
  needsEnd: boolean
  fields: (m: RegExpExecArray) => Partial<Splat>
  /** Only starts a report when none is open (inside one it is part of it, e.g. the panic it causes). */
  startsOnly?: boolean
  /** What every line `re` matches starts with: the data of the pre-check (mayStart). */
  starts: readonly string[]
  /**
   * Any `BUG: ...` line: after cut-here it is a WARN's message (`WARN(1, "BUG: Dentry ...")`, the
   * WARNING banner follows) unless a crash row knows it as a report of its own.
   */
  anyBug?: true
  /** A panic: after a report of its caller that can cause it (see endsWithin) it is that report's end, not the tail of a lost one. */
  ends?: true
}

const none = () => ({})
// Lockdep and other debug checks that print `WARNING: <what>` with a report of their own; any
// other `WARNING: ...` line is an ordinary pr_warn, not a splat.
const WARNING_REPORTS = /^WARNING: (possible |inconsistent lock state|suspicious RCU usage|held lock freed|bad unlock balance|lock held when returning|.*still has locks held|kernel stack (regs|frame pointer) at|(SOFT|HARD)IRQ-safe|[Nn]ested lock was not taken|stack recursion|lock held at task exit|bad contention detected)/

/**
 * Oopses, faults and sanitizer reports: a report of their own from their first words. A kernel
 * GPF says `general protection fault:` or `, probably for ...`; a user-space one (`traps: prog[1]
 * general protection fault ip:...`) is no report.
 */
const OOPS_STARTS: readonly string[] = [
  'Oops',
  'general protection fault:',
  'general protection fault,',
  'Unable to handle kernel',
  'UBSAN: ',
  'kernel tried to execute',
  'divide error: ',
  'divide_error: ',
  'Internal error: ',
  'Unhandled fault: ',
  'PANIC: double fault',
  'stack segment: ',
  'Watchdog detected hard LOCKUP',
  'KFENCE: ',
  'KCSAN: ',
]

export const BANNERS: readonly BannerRule[] = [
  // 7.0+: `WARNING: <file>:<line> at <func>+<off>/<size>, CPU#<n>: <comm>/<pid>`
  {
    banner: 'new',
    // (`at 0x0` when the kernel could not symbolise the address)
    starts: ['WARNING: '],
    re: /^WARNING: (\S+):(\d+) at (?:([^\s+]+)\+(0x[0-9a-f]+)\/0x[0-9a-f]+|0x[0-9a-f]+), CPU#(\d+): (.+)\/(\d+)$/,
    needsEnd: true,
    fields: (m) => ({file: m[1], fileLine: +m[2]!, fn: m[3], offset: m[4], cpu: +m[5]!, comm: m[6], pid: +m[7]!}),
  },
  // before 7.0: `WARNING: CPU: <n> PID: <p> at <file>:<line> <func>+<off>/<size>`
  {
    banner: 'old',
    starts: ['WARNING: CPU: '],
    re: /^WARNING: CPU: (\d+) PID: (\d+) at (\S+):(\d+) (?:([^\s+]+)\+(0x[0-9a-f]+)\/0x[0-9a-f]+)?/,
    needsEnd: true,
    fields: (m) => ({cpu: +m[1]!, pid: +m[2]!, file: m[3], fileLine: +m[4]!, fn: m[5], offset: m[6]}),
  },
  // without CONFIG_DEBUG_BUGVERBOSE file info: `WARNING: CPU: <n> PID: <p> at <func>+<off>/<size>`
  {
    banner: 'old',
    starts: ['WARNING: CPU: '],
    re: /^WARNING: CPU: (\d+) PID: (\d+) at ([^\s+:]+)\+(0x[0-9a-f]+)\/0x[0-9a-f]+/,
    needsEnd: true,
    fields: (m) => ({cpu: +m[1]!, pid: +m[2]!, fn: m[3], offset: m[4]}),
  },
  // 2.6/3.x: `WARNING: at <file>:<line> <func>()`
  {banner: 'old', starts: ['WARNING: at '], re: /^WARNING: at (\S+):(\d+) ([\w.$]+)\(\)/, needsEnd: true, fields: (m) => ({file: m[1], fileLine: +m[2]!, fn: m[3]})},
  {banner: 'unknown', starts: ['WARNING: '], re: WARNING_REPORTS, needsEnd: false, fields: none},
  {banner: 'bug', starts: ['kernel BUG at '], re: /^kernel BUG at (\S+):(\d+)!/, needsEnd: false, fields: (m) => ({file: m[1], fileLine: +m[2]!})},
  // lib/bug.c without CONFIG_DEBUG_BUGVERBOSE: `Kernel BUG at %pB [verbose debug info unavailable]`.
  {
    banner: 'bug',
    starts: ['Kernel BUG at '],
    re: /^Kernel BUG at ([^\s+]+)\+(0x[0-9a-f]+)\/0x[0-9a-f]+.*\[verbose debug info unavailable\]/,
    needsEnd: false,
    fields: (m) => ({fn: m[1], offset: m[2]}),
  },
  // x86 die() for a trap: `<trap>: <error code> [#<n>]`, in its whole shape only (detectors.ts X86_TRAP_HEADER).
  {banner: 'bug', starts: X86_TRAP_HEADERS.map((t) => `${t}: `), re: X86_TRAP_HEADER, needsEnd: false, fields: none},
  {banner: 'bug', starts: ['BUG: '], re: /^BUG: .*? in ([^\s+]+)\+(0x[0-9a-f]+)\/0x[0-9a-f]+/, needsEnd: false, fields: (m) => ({fn: m[1], offset: m[2]})},
  {banner: 'bug', starts: ['BUG: ', 'BUG '], re: /^BUG: .+$|^BUG [\w-]+ \(.*\): /, needsEnd: false, fields: none, anyBug: true},
  {
    banner: 'bug',
    starts: OOPS_STARTS,
    re: startsWithAny(OOPS_STARTS),
    needsEnd: false,
    fields: none,
  },
  {banner: 'bug', starts: ['INFO: '], re: /^INFO: (rcu_\w+ (self-)?detected|task .* (blocked (?:in I\/O wait )?for more than|can't die)|possible |inconsistent lock state|suspicious RCU usage|trying to register non-static key|(SOFT|HARD)IRQ-safe|(Freed|Allocated) in )/, needsEnd: false, fields: none},
  // net/core/dev.c: a device's references were never all dropped; unregistering it waits forever.
  // Printed every 10 s by the namespace cleanup worker, whatever else is printing: without printk
  // caller ids a line inside another report is taken as part of it rather than cut it short.
  {banner: 'bug', starts: ['unregister_netdevice: waiting for '], re: /^unregister_netdevice: waiting for \S+ to become free/, needsEnd: false, fields: none, startsOnly: true},
  {banner: 'bug', starts: ['unreferenced object 0x'], re: /^unreferenced object 0x[0-9a-f]+ \(size \d+\):/, needsEnd: false, fields: none, startsOnly: true},
  {banner: 'bug', starts: ['Kernel panic - not syncing: '], re: /^Kernel panic - not syncing: /, needsEnd: false, fields: none, startsOnly: true, ends: true},
]

/** `watchdog: BUG: soft lockup`, `rcu: INFO: rcu_sched ...`: subsystem prefixes of a banner. */
const BANNER_SUBSYSTEMS: readonly string[] = ['watchdog', 'rcu', 'NMI watchdog', 'kmemleak', 'hrtimer']
/** Some print the detecting CPU after their prefix (watchdog.c 6.5+: `watchdog: CPU1: Watchdog detected hard LOCKUP on cpu 2`). */
const PREFIX_CPU = '(?:CPU\\d+: )?'
const BANNER_PREFIX = new RegExp(`^(?:${alternation(BANNER_SUBSYSTEMS)}): ${PREFIX_CPU}`)
/** Lockdep before 4.14 brackets its banners: `[ INFO: possible circular locking dependency detected ]`. */
export const BRACKETED = /^\[ ((?:BUG|INFO|WARNING): .*?) \]$/
/** What BRACKETED's lines start with (splat-precheck.test.ts checks it against the RegExp). */
export const BRACKET_OPEN = '[ '
/** Where a banner glued after other output on the same line can start (not inside `ODEBUG:`, `Boot_DEBUG:`). */
const GLUED = /(?<![A-Z_-])(?:(?:BUG|WARNING|INFO): |general protection fault|Kernel panic - not syncing|kernel BUG at )/

const CPU_LINE = /^CPU: (\d+) (?:UID: \d+ )?PID: (\d+) Comm: (\S+)\s+(Not tainted|Tainted: (.*?))\s+(\S+) #/
const MARKER = /^<(\/?)([A-Z#]+)>$/
/**
 * Messages that are no crash but print a stack of their own (fault injection, a failed vmalloc):
 * inside a report, its frames and theirs can no longer be told apart.
 */
const STACK_PRINTING_INFO = /^FAULT_INJECTION: forcing a failure|^vmalloc: allocation failure:|FAULT_FLAG_ALLOW_RETRY missing/
/** Lines a splat body is made of besides frames (registers of x86 and arm64, lockdep, panic). */
const BODY_LINES: readonly RegExp[] = [
  /^Modules linked in:/,
  /^CPU: /,
  /^Hardware name:/,
  /^Workqueue:/,
  /^Tainted: /,
  /^R?IP:/,
  /^Code:/,
  /^[A-Z][A-Z0-9_]{1,7}:\s+[0-9a-f]/, // RSP: 0018:..., RAX: ..., FS:  ..., CR2: ..., PKRU: ...
  /^(pc|lr|sp|x\d+|pstate) ?: /,
  /^(r\d+|sp|ip|fp|lr|pc|psr) ?: ?[0-9a-f[]/, // arm: `r7:00000000 r6:...`, `pc : [<802b4048>]`
  /^(LR|PC) is at /,
  /^Call Trace:|^Stack:|^Backtrace:/,
  /^irq event stamp:|^hardirqs last|^softirqs last/,
  /^Kernel panic - not syncing|^Kernel Offset:|^Shutting down cpus|^Dumping ftrace|^\(ftrace buffer empty\)$/,
  /^\s*$/,
]

/** What the lines some banner rule matches start with. */
const BANNER_STARTS: readonly string[] = BANNERS.flatMap((r) => r.starts)
/** matchAt's pre-check. */
const BANNER_START = startsWithAny(BANNER_STARTS)
/**
 * The parser's pre-check, as one anchored test: a line can begin a report only when, after its
 * blanks (push trims them), it starts as CUT_HERE does or as a banner does once matchBanner has
 * taken off a subsystem prefix and lockdep's brackets; or a banner is glued inside it (GLUED).
 * (A first-character test passed a quarter of the bench log's records: 377 416 against 764.)
 */
const MAY_START = new RegExp(
  `^\\s*(?:(?:${alternation(BANNER_SUBSYSTEMS)}): ${PREFIX_CPU})?(?:${alternation([BRACKET_OPEN])})?(?:${alternation([...CUT_HERE_STARTS, ...BANNER_STARTS])})`,
)
const NOT_IN_SPLAT: SplatPush = Object.freeze({inSplat: false, closed: []}) as SplatPush

export interface SplatPush {
  /** The record belongs to an open (or just closed) splat. */
  inSplat: boolean
  /** It is (part of) the block's message: the splat's own finding covers it. */
  message?: boolean
  /** It is a report's banner line: the report's finding is the line's finding (a panic's, a BUG's). */
  banner?: boolean
  /** Splats finished by this record (in order). */
  closed: Splat[]
  /**
   * The line of the record before this one, taken as the message of the WARNING report this banner
   * begins (its cut-here line is missing): its finding is the report's.
   */
  adopted?: number
}

/** What the detectors read of a closed report besides the Splat: its banner line and text. */
export interface ReportText {
  banner: string
  /** The report's lines from the banner on (bounded), prefixes stripped. */
  lines: string[]
  /** Every frame in print order: the call traces' frames and the faulting-PC lines (context `PC`). */
  frames: Frame[]
  /** Index into `frames` where each call trace starts (a header or the first frame of an unheaded one). */
  traceStarts: number[]
  /** The last line of the report of the same caller this one came right after (a panic ending the oops before it). */
  follows?: number
}

const REPORTS = new WeakMap<Splat, ReportText>()
/**
 * The banner and text of a splat this module parsed (undefined for a splat built elsewhere), given
 * once: a finding that keeps its Splat uncopied (AnalyserOptions.wholeText) keeps no report lines alive.
 */
export function takeReport(s: Splat): ReportText | undefined {
  const r = REPORTS.get(s)
  REPORTS.delete(s)
  return r
}

/** Longest block kept in memory; a longer one is closed as corrupted. */
const MAX_LINES = 2000
/** Frames a splat keeps (what findings carry and show). */
const MAX_FRAMES = 200
/**
 * Frames kept for choosing the guilty one: a stack overflow's identity is the dispatch point at
 * the bottom of a recursion hundreds of frames deep (still bounded: a ReportText lives as long as its splat).
 */
const MAX_GUILTY_FRAMES = 1000
const MAX_MESSAGE_LINES = 20
const MAX_TEXT_LINES = 400
/**
 * Lines between a report and the panic it causes (its kind causes the panic's reason, detectors.ts
 * PANIC_CAUSES): x86 prints the registers again after an oops; khungtaskd prints every lock held
 * and every CPU's backtrace before `hung_task: blocked tasks`.
 */
const MAX_ENDS_AFTER = MAX_LINES
/**
 * Lines between a report and a panic when PANIC_CAUSES cannot tell whether the one caused the
 * other (a report no crash row knows, an oops of another architecture; a reason it does not list):
 * right after the report only, as x86's registers printed again after an oops are.
 */
const MAX_ENDS_NEAR = 40
/** A report whose call trace has not begun this many lines after its banner has none. */
const MAX_BEFORE_TRACE = 80
/** Other output printed between two frames of a stack that is passed over (more ends the stack). */
const MAX_STRAY_LINES = 3
/** A multi-stack report (RCU stall) ends after this many lines even without a next banner. */
const MAX_MULTI_STACK_LINES = 600
/** Reports open at once (one per printk caller id); past it the oldest is closed (bounded memory). */
export const MAX_OPEN = 32

interface Open {
  /** Its printk caller id, '' for none: the key of SplatParser.opens. */
  key: string
  splat: Splat
  phase: 'message' | 'body'
  needsEnd: boolean
  shape: ReportShape
  /** The banner's crash row id (undefined: no banner yet, or none a row knows). */
  kind?: CrashId
  message: string[]
  text: string[]
  banner: string
  /** Frames and faulting-PC lines in print order (the splat's own `frames` are the call traces'). */
  allFrames: Frame[]
  traceStarts: number[]
  /** Last time stamp per clock: the report's own (REPORT_CLOCK) and each other CPU's (see track). */
  clocks: Map<string, number>
  /** The clock the current line is printed with. */
  clock: string
  lines: number
  /** Body lines before the first call trace. */
  beforeTrace: number
  inTrace: boolean
  /** Stack of `<IRQ>`-style contexts inside the call trace. */
  contexts: string[]
  traceDone: boolean
  /** A register/modules/CPU line was seen after the banner (the message, if any, is over). */
  sawBody: boolean
  /** The report's first line had a printk level (`<4>` of dmesg -r, a syslog priority): its lines all have one, or none. */
  levelled: boolean
  /** The report's first line was in /dev/kmsg form (kmsgForm): its lines all are, or none. */
  kmsg: boolean
  /** The WARN message came between cut-here and the banner (4.19+). */
  messageBeforeBanner: boolean
  /** After `Sending NMI from CPU`, other CPUs print their backtraces into the report. */
  nmi: boolean
  /** Line of the first non-frame line seen inside the trace since the last frame (0: none). */
  stray: number
  /** How many such lines in a row. */
  strays: number
  /** The caller a 32-bit arm frame line named (`(f) from [<..>] (caller+0x..)`): the next line's frame, usually. */
  armCaller?: string
  /**
   * A line inside the call trace that is no frame (0: none): corrupt once the report goes on after
   * it; when it is the log's last line, a frame cut mid-line, the report was cut short by the end.
   */
  badLine: number
  /** See ReportText.follows. */
  follows?: number
}

type Banner = {rule: BannerRule; m: RegExpExecArray; text: string; glued?: string}
/** A closed report, as a panic after it needs it: its last line and kind (undefined: no crash row knows it). */
type LastEnd = {line: number; kind: CrashId | undefined}

export class SplatParser {
  /** The open reports by printk caller id ('' without one), in the order they began. */
  private opens = new Map<string, Open>()
  /** The last record that was no part of a report (a WARN message whose cut-here line is missing). */
  private free?: LogRecord
  /** Where recent reports closed, per caller id and kind: a panic printed after one may be its consequence. */
  private ends = new RecentEnds()
  /** The last record past the pre-check (a start, or inside a report): a report's start line written twice is seen against it. */
  private prev?: LogRecord

  /** @param starts for tests only: `true` skips the pre-check (mayStart) and runs the full path. */
  push(r: LogRecord, starts?: boolean): SplatPush {
    const res = this.take(r, starts)
    if (!r.orphan) this.free = res.inSplat ? undefined : r
    return res
  }

  private take(r: LogRecord, starts?: boolean): SplatPush {
    if (r.dropped && this.opens.size > 0) this.lost(r)
    const o = this.opens.size === 0 ? undefined : this.route(r)
    // Hot path: outside a block only `---[ cut here ]---` and banners matter (never on an orphan line).
    if (!o && (r.orphan || !(starts ?? mayStart(r.text)))) return NOT_IN_SPLAT
    // A line without the log's printk prefix never starts or ends a report; an open one takes it
    // when it continues the report (a frame, a register line, a trace header, the end marker).
    if (r.orphan && !(o && continuesReport(r.text.trim()))) return NOT_IN_SPLAT
    const closed: Splat[] = []
    const text = r.text.trim()
    const prev = this.prev
    this.prev = r
    if (o?.badLine) this.corrupt(o, `non-splat line ${o.badLine} inside the call trace`)
    const cut = CUT_HERE.test(text)
    const banner = cut ? undefined : matchBanner(text)
    if (o && (cut || banner) && repeatsRecord(r, prev)) {
      // A report's cut-here or banner line again at once, same stamp and text: the log written
      // twice into one file, line by line, not a second report (frames may repeat for real).
      this.corrupt(o, `line ${r.line} repeats line ${prev!.line} (the same stamp and text): the log written twice, interleaved`)
      return {inSplat: true, closed}
    }
    if (cut) return this.cutHere(o, r, closed)
    if (!o) return this.begin(r, banner, closed)
    if (banner && !banner.rule.startsOnly && o.phase === 'body' && !o.shape.ownLines?.test(text)) {
      const res = this.bannerInBody(o, r, banner, closed)
      if (res) return res
    }
    if (this.track(o, r, text) === 'earlier output') {
      closed.push(this.close(o, r.line - 1))
      return this.begin(r, banner, closed)
    }
    if (o.lines > MAX_LINES) {
      closed.push(this.close(this.corrupt(o, `longer than ${MAX_LINES} lines`), r.line))
      return {inSplat: true, closed}
    }
    if (o.phase === 'message') return this.messageLine(o, r, text, afterCutHere(banner), closed)
    if (o.text.length < MAX_TEXT_LINES) o.text.push(clip(text))
    return this.body(o, r, text, closed)
  }

  /**
   * The console dropped printk records before this one (kernel/printk/printk.c
   * console_prepend_dropped: `** N printk messages dropped **`): any report open and not yet
   * complete may have lost lines there, whichever caller printed them.
   */
  private lost(r: LogRecord): void {
    for (const o of this.opens.values()) if (!complete(o)) this.corrupt(o, `${r.dropped} printk messages dropped before line ${r.line}: the report may have lost lines`)
  }

  /** End of input: an open block was cut short unless its report is complete. */
  finish(lastLine: number): Splat[] {
    const open = [...this.opens.values()].sort((a, b) => a.splat.startLine - b.splat.startLine)
    return open.map((o) => {
      // A frame line cut by the end of the log is the log's end, not a stranger in the trace.
      if (o.badLine && o.badLine !== lastLine) this.corrupt(o, `non-splat line ${o.badLine} inside the call trace`)
      return this.close(complete(o) ? o : this.corrupt(o, o.splat.frames.length ? 'cut short by the end of the log' : 'cut short by the end of the log before its call trace'), lastLine)
    })
  }

  /**
   * The open report a record belongs to: its caller id's. A report without an id takes every line
   * (a log without caller ids); after `Sending NMI from CPU`, other CPUs' backtraces are part of
   * the report. A line without an id in a log with them (another program writing to the console)
   * is part of no report that has one.
   */
  private route(r: LogRecord): Open | undefined {
    const own = this.opens.get(r.caller ?? '') ?? this.opens.get('')
    if (own || !r.caller?.startsWith('C')) return own
    for (const o of this.opens.values()) if (o.nmi) return o
    return undefined
  }

  private cutHere(o: Open | undefined, r: LogRecord, closed: Splat[]): SplatPush {
    if (o) closed.push(this.close(complete(o) ? o : this.corrupt(o, `another cut-here at line ${r.line} before the end of this block`), r.line - 1))
    this.open(r, closed)
    return {inSplat: true, closed}
  }

  private begin(r: LogRecord, banner: Banner | undefined, closed: Splat[]): SplatPush {
    if (!banner) return {inSplat: false, closed}
    const o = this.open(r, closed)
    this.applyBanner(o, banner)
    if (banner.rule.ends) {
      const cause = this.ends.causeOf(o.key, r.line, banner.text) ?? (o.key ? this.soleCauseElsewhere(o, r.line, banner.text) : undefined)
      if (cause !== undefined) o.follows = cause
    }
    const adopted = this.adopt(o, banner)
    return adopted === undefined ? {inSplat: true, banner: true, closed} : {inSplat: true, banner: true, closed, adopted}
  }

  /**
   * The report of another caller id a panic with none of its own ends: printk's caller id is the
   * task's only in task context (kernel/printk/printk.c printk_caller_id), so an oops of [T234]
   * and the `Fatal exception` oops_end() panics with (arch/x86/kernel/dumpstack.c; arm64 die())
   * can come under different ids, in interrupt or NMI context. Only a report whose kind causes the
   * panic's reason (PANIC_CAUSES, never a WARNING before `Fatal exception`), and only when exactly
   * one such report, closed within MAX_ENDS_AFTER lines or still open, precedes it: of two
   * oopses of two tasks the panic may be either's. Returns its last line (an open one: its banner's).
   */
  private soleCauseElsewhere(panic: Open, line: number, text: string): number | undefined {
    const open = [...this.opens.values()].filter((o) => o !== panic && o.phase === 'body' && causesPanic(kindOf(o), text) === true)
    const closed = this.ends.causing(panic.key, line, text)
    if (open.length + closed.length !== 1) return undefined
    if (open[0]) return open[0].splat.startLine
    this.ends.forget(closed[0]!.key)
    return closed[0]!.line
  }

  /**
   * A WARNING banner with no cut-here line before it lost that line (a console that dropped it, an
   * excerpt): when the record just before it, of the same caller, is a WARN message a detector
   * knows (all of them printed before the banner, by 4.19+ kernels), it is the report's message and
   * first line. Returns its line.
   */
  private adopt(o: Open, banner: Banner): number | undefined {
    const m = this.free
    if (!banner.rule.needsEnd || !m || m.caller !== o.splat.caller || !isWarnMessage(m.text.trim())) return undefined
    const s = o.splat
    o.message.push(clip(m.text.trim()))
    s.messageLine ??= m.line
    o.messageBeforeBanner = true
    s.startLine = m.line
    if (m.time !== undefined) s.time = m.time
    this.corrupt(o, `no cut-here line before its message at line ${m.line}`)
    return m.line
  }

  /** A new open report for the record's caller id (the oldest closed when too many are open). */
  private open(r: LogRecord, closed: Splat[]): Open {
    const o = this.start(r)
    const old = this.opens.size >= MAX_OPEN ? this.opens.values().next().value : undefined
    if (old) closed.push(this.close(this.corrupt(old, `more than ${MAX_OPEN} reports open at once (printk caller ids) at line ${r.line}`), r.line - 1))
    this.opens.set(o.key, o)
    return o
  }

  /** A banner inside an open report: the oops's own continuation, or the next report. */
  private bannerInBody(o: Open, r: LogRecord, banner: Banner, closed: Splat[]): SplatPush | undefined {
    // `BUG: unable to handle ...` is followed by its own `Oops: 0002 [#1] ...` line: same report.
    if (o.splat.banner === 'bug' && !o.inTrace && OOPS_CONTINUATION.test(banner.text)) {
      o.lines++
      return {inSplat: true, closed}
    }
    // x86 show_fault_oops() says why an instruction fetch faulted before its `BUG:` line, which is the report's banner.
    if (FAULT_PREAMBLE.test(o.banner) && !o.inTrace && o.allFrames.length === 0) {
      o.lines++
      this.applyBanner(o, banner)
      return {inSplat: true, banner: true, closed}
    }
    const done = complete(o)
    closed.push(this.close(done ? o : this.corrupt(o, `a new report at line ${r.line} began before the end of this one`), r.line - 1))
    this.applyBanner(this.open(r, closed), banner)
    return {inSplat: true, banner: true, closed}
  }

  /**
   * Time going backwards inside a report means lines of another time were mixed into it — unless
   * the jump is explained. After `Sending NMI from CPU`, other CPUs print their backtraces into the
   * report with their own clocks (not in step with the reporter's: an unstable TSC, a late NMI):
   * a CPU's block (its caller id, or from `NMI backtrace for cpu N` on) is timed against itself,
   * and the report's own lines resume at the reporter's clock after it. The line that ends the
   * report (the next report's rule) is not part of it. A multi-stack report (an RCU stall) has no
   * end marker: a line from before its start (a log printed again after it) ends it.
   */
  private track(o: Open, r: LogRecord, text: string): 'earlier output' | undefined {
    o.lines++
    // One log prints a report's lines in one shape, all with a level or all without, all /dev/kmsg
    // lines or none: a line that differs (and says something other than the end of the report) is
    // of another log interleaved into it.
    const unlike = r.orphan ? undefined : unlikeReport(o, r)
    if (unlike && !endsReport(o, text)) this.corrupt(o, `line ${r.line} ${unlike}, unlike the report's: another log interleaved`)
    const t = r.time
    if (t === undefined) return undefined
    if (o.nmi) {
      const cpu = NMI_BACKTRACE.exec(text)
      const next = cpu ? `cpu ${cpu[1]}` : r.caller && r.caller !== o.splat.caller ? r.caller : undefined
      if (next !== undefined && next !== o.clock) {
        o.clock = next
        if (cpu) o.clocks.delete(next)
      }
    }
    const last = o.clocks.get(o.clock)
    if (last !== undefined && t < last) {
      const own = o.clocks.get(REPORT_CLOCK)
      if (o.nmi && o.clock !== REPORT_CLOCK && own !== undefined && t >= own) o.clock = REPORT_CLOCK
      else if (o.shape.multiStack && o.splat.time !== undefined && t < o.splat.time) return 'earlier output'
      else if (!endsReport(o, text)) this.corrupt(o, `time went backwards at line ${r.line} (${t} < ${last})`)
    }
    o.clocks.set(o.clock, t)
    return undefined
  }

  /** Between cut-here and the banner: the WARN message (4.19+). */
  private messageLine(o: Open, r: LogRecord, text: string, banner: Banner | undefined, closed: Splat[]): SplatPush {
    if (banner) {
      this.applyBanner(o, banner)
      return {inSplat: true, closed}
    }
    // A stack or register dump before the banner belongs to another report printed into this one.
    if (/^Call Trace:/.test(text) || END_TRACE.test(text) || CPU_LINE.test(text)) {
      this.corrupt(o, `line ${r.line} (${text.slice(0, 20)}) before the WARNING/BUG banner: another report interleaved`)
    }
    if (o.message.length < MAX_MESSAGE_LINES) {
      o.message.push(clip(text))
      o.splat.messageLine ??= r.line
      return {inSplat: true, message: true, closed}
    }
    closed.push(this.close(this.corrupt(o, `no WARNING/BUG banner within ${MAX_MESSAGE_LINES} lines of cut-here`), r.line - 1))
    return {inSplat: false, closed}
  }

  private body(o: Open, r: LogRecord, text: string, closed: Splat[]): SplatPush {
    if (endsReport(o, text)) {
      // panic_on_warn / oops=panic: the kernel panics instead of printing the end-trace marker.
      // A call trace closes each stack it opens (`<TASK>` .. `</TASK>`): one still open at the end
      // marker lost its close, or the marker is another log's, its copy of this report ending first.
      if (o.contexts.length > 0) this.corrupt(o, `line ${r.line} ends the report inside the call trace's <${o.contexts.at(-1)}>: another log interleaved, or lines lost`)
      closed.push(this.close(o, r.line))
      return {inSplat: true, closed}
    }
    if (this.header(o, text) || this.frame(o, r, text)) return {inSplat: true, closed}
    if (BODY_LINES.some((re) => re.test(text))) {
      o.sawBody = true
      return {inSplat: true, closed}
    }
    return this.other(o, r, text, closed)
  }

  /** CPU/Hardware lines, trace headers and `<IRQ>` markers. */
  private header(o: Open, text: string): boolean {
    const s = o.splat
    const cpu = CPU_LINE.exec(text)
    if (cpu) {
      o.sawBody = true
      s.cpu ??= +cpu[1]!
      s.pid ??= +cpu[2]!
      s.comm ??= cpu[3]
      s.taint = cpu[4] === 'Not tainted' ? 'Not tainted' : (cpu[5] ?? '').replace(/\s+/g, ' ').trim()
      s.kernel = cpu[6]
      return true
    }
    if (text.startsWith('Hardware name: ')) {
      o.sawBody = true
      s.hardware = text.slice('Hardware name: '.length).trim()
      return true
    }
    if (text.startsWith('Sending NMI from CPU')) o.nmi = true
    if (TRACE_HEADER.test(text)) {
      this.startTrace(o)
      return true
    }
    const mk = MARKER.exec(text)
    if (!mk) return false
    if (mk[1] === '/' || mk[2] === 'EOI') o.contexts.pop()
    else o.contexts.push(mk[2]!)
    if (o.contexts.length === 0) o.traceDone = true
    return true
  }

  private startTrace(o: Open): void {
    o.sawBody = true
    o.inTrace = true
    o.traceDone = false
    // `stack backtrace:` then `Call Trace:` is one trace, not an empty one and another.
    if (o.traceStarts.at(-1) !== o.allFrames.length) o.traceStarts.push(o.allFrames.length)
  }

  /** A frame of the trace, a faulting-PC line, or the first frame of a trace printed without header (KMSAN). */
  private frame(o: Open, r: LogRecord, text: string): boolean {
    const pc = parsePcLine(text, r.line)
    if (pc) {
      o.sawBody = true
      this.addFrame(o, pc)
      return true
    }
    const inTrace = o.inTrace || o.contexts.length > 0
    if (!inTrace && (o.needsEnd || !/^\s/.test(r.text))) return false
    const f = parseFrame(text, r.line, o.contexts.filter((c) => c !== 'TASK').at(-1))
    if (!f) return false
    if (!inTrace) {
      if (!f.offset) return false
      this.startTrace(o)
    }
    // 32-bit arm names a frame and its caller on one line; the caller is the next line's frame,
    // except after a noreturn call (its return address is the next function's start): kept then.
    const caller = parseArmCaller(text, r.line, f.context)
    if (o.armCaller !== f.fn) this.addFrame(o, f)
    if (caller) this.addFrame(o, caller)
    o.armCaller = caller?.fn
    return true
  }

  private addFrame(o: Open, f: Frame): void {
    o.stray = 0
    o.strays = 0
    if (o.allFrames.length >= MAX_GUILTY_FRAMES) return
    o.allFrames.push(f)
    if (f.context !== 'PC' && o.splat.frames.length < MAX_FRAMES) o.splat.frames.push(f)
  }

  /** A line that is neither frame nor register dump: WARN text, report text, or the end of the report. */
  private other(o: Open, r: LogRecord, text: string, closed: Splat[]): SplatPush {
    const s = o.splat
    // Before the stack has named a function, the frames that follow may be either stack's.
    if (STACK_PRINTING_INFO.test(text) && !guiltyFrame(s.frames)) this.corrupt(o, `line ${r.line} prints a stack of its own into the report before its stack named a function (${text.slice(0, 30)})`)
    // Before 4.19, __warn() printed the WARN message after the banner, before `Modules linked in`.
    if (!o.sawBody && !o.inTrace && o.needsEnd && !o.messageBeforeBanner && o.message.length < MAX_MESSAGE_LINES) {
      o.message.push(clip(text))
      s.messageLine ??= r.line
      return {inSplat: true, message: true, closed}
    }
    if (o.contexts.length > 0) {
      o.badLine ||= r.line
      return {inSplat: false, closed}
    }
    if (o.shape.ownLines?.test(text)) return {inSplat: true, closed}
    if (o.inTrace && s.frames.length > 0 && !o.shape.multiStack) {
      // A report's first stack ends at the first other line (a WARNING normally at its end marker)
      // — unless the line is another program's, printed between two frames (an OOM kill message
      // of two lines, say): up to MAX_STRAY_LINES such lines are passed over if a frame follows;
      // a section header (`Allocated by task 1:`) ends the stack at once.
      if (o.strays < MAX_STRAY_LINES && !text.endsWith(':')) {
        if (!o.strays++) o.stray = r.line
        return {inSplat: false, closed}
      }
      closed.push(this.close(o, (o.stray || r.line) - 1))
      return {inSplat: false, closed}
    }
    if (o.traceStarts.length === 0 && ++o.beforeTrace > MAX_BEFORE_TRACE) {
      closed.push(this.close(o.shape.noStack ? o : this.corrupt(o, `no call trace within ${MAX_BEFORE_TRACE} lines of the banner`), r.line - 1))
      return {inSplat: false, closed}
    }
    if (o.shape.multiStack && o.lines > MAX_MULTI_STACK_LINES) {
      closed.push(this.close(o, r.line - 1))
      return {inSplat: false, closed}
    }
    // Report text before the stack (KASAN's "Read of size ..."), kept as part of the block.
    return {inSplat: true, closed}
  }

  private start(r: LogRecord): Open {
    const splat: Splat = {banner: 'unknown', frames: [], corrupted: false, startLine: r.line, endLine: r.line}
    if (r.caller) splat.caller = r.caller
    if (r.time !== undefined) splat.time = r.time
    return {
      key: r.caller ?? '',
      splat,
      phase: 'message',
      needsEnd: true,
      shape: {},
      message: [],
      text: [],
      banner: '',
      allFrames: [],
      traceStarts: [],
      clocks: new Map(r.time !== undefined ? [[REPORT_CLOCK, r.time]] : []),
      clock: REPORT_CLOCK,
      lines: 1,
      beforeTrace: 0,
      inTrace: false,
      contexts: [],
      traceDone: false,
      sawBody: false,
      levelled: r.level !== undefined,
      kmsg: kmsgForm(r),
      messageBeforeBanner: false,
      nmi: false,
      stray: 0,
      strays: 0,
      badLine: 0,
    }
  }

  private applyBanner(o: Open, b: Banner): void {
    const {rule, m, text} = b
    o.phase = 'body'
    o.needsEnd = rule.needsEnd
    o.messageBeforeBanner = o.message.length > 0
    o.banner = text
    o.text.push(clip(text))
    // The banner's crash row, looked up once: its shape now, its kind when the report closes (RecentEnds).
    const row = crashRow(text)
    o.shape = row?.shape ?? {}
    o.kind = row?.id
    o.splat.banner = rule.banner
    const f = rule.fields(m)
    for (const [k, v] of Object.entries(f)) if (v !== undefined) (o.splat as unknown as Record<string, unknown>)[k] = v
    if (o.splat.file?.startsWith('./')) o.splat.file = o.splat.file.slice(2)
    // A BUG/lockdep banner is its own message; a WARNING's message is the line(s) before it.
    if (rule.banner === 'bug' || rule.banner === 'unknown') o.message.push(clip(text))
    if (b.glued) this.corrupt(o, `banner glued to other output on its line ("${b.glued.slice(-30)}")`)
  }

  private corrupt(o: Open, reason: string): Open {
    if (!o.splat.corrupted) {
      o.splat.corrupted = true
      o.splat.corruptedReason = reason
    }
    return o
  }

  private close(o: Open, endLine: number): Splat {
    const s = o.splat
    s.endLine = Math.max(endLine, s.startLine)
    if (o.message.length) s.message = o.message.join('\n')
    if (o.phase === 'message' && !s.corrupted) this.corrupt(o, 'no WARNING/BUG banner after cut-here')
    if (o.phase === 'body' && !o.shape.noStack && s.frames.length === 0) this.corrupt(o, 'no call trace in the report')
    const g = guiltyFrame(s.frames)
    if (g) s.guilty = g
    REPORTS.set(s, {banner: o.banner, lines: o.text, frames: o.allFrames, traceStarts: o.traceStarts, ...(o.follows === undefined ? {} : {follows: o.follows})})
    this.ends.add(o.key, {line: s.endLine, kind: kindOf(o)})
    if (this.opens.get(o.key) === o) this.opens.delete(o.key)
    return s
  }
}

/** The kind of report an open one is, for a panic after it: a __warn() WARNING is 'warning' whatever row names it. */
function kindOf(o: Open): CrashId | undefined {
  return o.needsEnd ? 'warning' : o.kind
}

/**
 * A record read from a line in /dev/kmsg form: a kmsg record (it has a sequence number), or a kmsg
 * dictionary line that a reader of another format took for a continuation line (LogRecord.otherForm).
 */
function kmsgForm(r: LogRecord): boolean {
  return r.seq !== undefined || r.otherForm === 'kmsg'
}

/**
 * How a record's line differs in shape from the report's lines (their level, their /dev/kmsg form),
 * if it does. A dmesg --json line taken for a continuation line is no report's (LogRecord.otherForm).
 */
function unlikeReport(o: Open, r: LogRecord): string | undefined {
  if ((r.level !== undefined) !== o.levelled) return o.levelled ? 'has no printk level' : 'has a printk level'
  if (kmsgForm(r) !== o.kmsg) return o.kmsg ? 'is not in /dev/kmsg form' : 'is in /dev/kmsg form'
  if (r.otherForm === 'json') return 'is in dmesg --json form'
  return undefined
}

/** The line that closes an open report: the end-trace marker, a sanitizer's closing rule, the reboot notice. */
function endsReport(o: Open, text: string): boolean {
  return END_TRACE.test(text) || (REPORT_RULE.test(text) && !o.needsEnd) || PANIC_END.test(text)
}

/**
 * How many lines after a report a panic of its caller can be that report's end. MAX_ENDS_AFTER when
 * the report's kind causes the panic's reason; MAX_ENDS_NEAR when the table cannot tell; none when
 * it does not (a WARNING prints no `Fatal exception`): the report that caused the panic is another
 * one, lost however near this one is, and the panic is the tail of that (corrupted).
 */
function endsWithin(last: LastEnd, panic: string): number {
  const causes = causesPanic(last.kind, panic)
  return causes === undefined ? MAX_ENDS_NEAR : causes ? MAX_ENDS_AFTER : 0
}

/**
 * The last report of each kind per caller id, for the panic after them: an oops, an unrelated
 * WARNING, then `Fatal exception` is the oops's end, not the tail of a lost report. Bounded: one
 * entry per kind (crash rows, one for the unknown) of the last MAX_OPEN caller ids.
 */
class RecentEnds {
  private byKey = new Map<string, Map<CrashId | undefined, LastEnd>>()

  add(key: string, end: LastEnd): void {
    const kinds = this.byKey.get(key) ?? new Map<CrashId | undefined, LastEnd>()
    kinds.set(end.kind, end)
    this.byKey.delete(key)
    this.byKey.set(key, kinds)
    if (this.byKey.size > MAX_OPEN) this.byKey.delete(this.byKey.keys().next().value!)
  }

  /**
   * The last line of the latest report of the caller a panic at this line can end (see endsWithin),
   * if any. The panic ends them all: a panic after it ends it or nothing (what came before is not
   * looked at again).
   */
  causeOf(key: string, line: number, panic: string): number | undefined {
    let cause: number | undefined
    for (const end of this.byKey.get(key)?.values() ?? []) {
      if (line - end.line <= endsWithin(end, panic) && (cause === undefined || end.line > cause)) cause = end.line
    }
    this.byKey.delete(key)
    return cause
  }

  /** The latest report of each other caller whose kind causes the panic (PANIC_CAUSES), within MAX_ENDS_AFTER lines. */
  causing(key: string, line: number, panic: string): {key: string; line: number}[] {
    const out: {key: string; line: number}[] = []
    for (const [k, kinds] of this.byKey) {
      if (k === key) continue
      const ends = [...kinds.values()].filter((e) => line - e.line <= MAX_ENDS_AFTER && causesPanic(e.kind, panic) === true)
      if (ends.length) out.push({key: k, line: Math.max(...ends.map((e) => e.line))})
    }
    return out
  }

  /** A caller's reports, ended by a panic: a panic after it ends none of them. */
  forget(key: string): void {
    this.byKey.delete(key)
  }
}

/** A line that can only be a report's own: a frame, a faulting PC, a register or trace line, an end marker. */
function continuesReport(text: string): boolean {
  if (text.length === 0) return false
  return parseFrame(text) !== undefined || parsePcLine(text) !== undefined || TRACE_HEADER.test(text) || MARKER.test(text) || END_TRACE.test(text) || BODY_LINES.some((re) => re.test(text))
}

/** A report with its stack printed in full (or one that has none by nature) is complete. */
function complete(o: Open): boolean {
  if (o.phase !== 'body') return false
  if (o.shape.noStack) return true
  return o.splat.frames.length > 0 && o.contexts.length === 0 && (o.traceDone || o.inTrace || o.shape.multiStack === true)
}

/**
 * The banner that ends a WARN's message (between cut-here and the banner): not the panic it may
 * cause, nor a `BUG:` line no crash row knows (the message of a `WARN(1, "BUG: ...")`).
 */
function afterCutHere(b: Banner | undefined): Banner | undefined {
  return !b || b.rule.startsOnly || (b.rule.anyBug && !crashRow(b.text)) ? undefined : b
}

/** Longest message line kept (bounded memory on pathological input). */
const MAX_MESSAGE_CHARS = 1024
const clip = (s: string) => (s.length > MAX_MESSAGE_CHARS ? s.slice(0, MAX_MESSAGE_CHARS) + '...' : s)

/** Whether a line may start a report (it starts as a banner or a cut-here line does, or a banner is glued inside it): the parser's pre-check. */
export function mayStart(text: string): boolean {
  return MAY_START.test(text) || GLUED.test(text)
}

function matchBanner(text: string): Banner | undefined {
  const at = matchAt(text.replace(BANNER_PREFIX, '').replace(BRACKETED, '$1'))
  if (at) return at
  // Another message printed without its newline, then the banner (`...modulusBUG: KASAN: ...`).
  const g = GLUED.exec(text)
  if (!g || g.index === 0) return undefined
  const b = matchAt(text.slice(g.index))
  if (!b) return undefined
  const before = text.slice(0, g.index)
  // A console's own stamp or a tool's date before the banner is not glued kernel output.
  return /\S$/.test(before) ? {...b, glued: before} : b
}

function matchAt(text: string): Banner | undefined {
  if (!BANNER_START.test(text)) return undefined
  for (const rule of BANNERS) {
    const m = rule.re.exec(text)
    if (m) return {rule, m, text}
  }
  return undefined
}

/** Parse every splat of an array of records (tests, small inputs). */
export function parseSplats(records: Iterable<LogRecord>): Splat[] {
  const p = new SplatParser()
  const out: Splat[] = []
  let last = 0
  for (const r of records) {
    out.push(...p.push(r).closed)
    last = r.line
  }
  out.push(...p.finish(last))
  return out
}

export type {Frame}
