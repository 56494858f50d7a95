// The detectors, as a table: one row per kernel message allocscope knows. Adding a detector is
// adding a row (and a test row). Message texts are the kernel's own (see docs/domain.md §1, §2).
import {type Frame, SEVERITIES, type Severity, type Splat} from '../types.js'
import {baseName, guiltyFrame, hungFrame, stallFrame} from './frames.js'
import type {ReportText} from './splat.js'

export interface Detector {
  id: string
  severity: Severity
  /** `line`: any log record; `splat`: only the message of a WARNING/BUG block; `both`. */
  scope: 'line' | 'splat' | 'both'
  match: RegExp
  /** Normalised title: nothing that changes from boot to boot (addresses, sizes, CPUs). */
  title: (m: RegExpExecArray) => string
  fields?: (m: RegExpExecArray) => Record<string, string | number>
  /** One line for --help and the docs: what it means. */
  means: string
}

/** `as const`: the ids below are the DetectorId union, so a misspelt id is a compile error. */
export const DETECTORS = [
  {
    id: 'alloc-tag-not-set',
    severity: 'warning',
    scope: 'both',
    match: /alloc_tag was not set/,
    title: () => 'alloc_tag was not set',
    means: 'DEBUG: a page/object freed with an empty tag reference (e.g. allocated before page_ext, not recorded)',
  },
  {
    id: 'alloc-tag-not-cleared',
    severity: 'warning',
    scope: 'both',
    match: /alloc_tag was not cleared \(got tag for ([^\s:]+):(\d+)\)/,
    title: (m) => `alloc_tag was not cleared (got tag for ${stripDot(m[1])}:${m[2]})`,
    fields: (m) => ({file: stripDot(m[1]), fileLine: +m[2]}),
    means: 'DEBUG: a tag reference was overwritten while still set',
  },
  {
    id: 'current-tag-not-set',
    severity: 'warning',
    scope: 'both',
    match: /current->alloc_tag not set/,
    title: () => 'current->alloc_tag not set',
    means: 'DEBUG: an allocation hook ran without a current tag',
  },
  {
    id: 'early-pfn-overflow',
    severity: 'warning',
    scope: 'line',
    match: /Early page allocations before page_ext init exceeded EARLY_ALLOC_PFN_MAX \((\d+)\)/,
    title: (m) => `early PFN array full (EARLY_ALLOC_PFN_MAX ${m[1]}): later early pages dropped`,
    fields: (m) => ({max: +m[1]}),
    means: 'legacy recorder: the fixed array overflowed; further early PFNs are silently dropped',
  },
  {
    id: 'pool-alloc-failed',
    severity: 'warning',
    scope: 'line',
    match: /early PFN tracking page allocation failed/,
    title: () => 'early PFN tracking page allocation failed',
    means: 'pfn_pool recorder: a tracking page could not be allocated; that PFN was not recorded',
  },
  {
    id: 'module-unload-leak',
    severity: 'notice',
    scope: 'both',
    match: /(\S+):(\d+) module (\S+) func:(\S+) has (\d+) allocated at module unload/,
    title: (m) => `${stripDot(m[1])}:${m[2]} module ${m[3]} func:${m[4]} has memory allocated at module unload`,
    fields: (m) => ({file: stripDot(m[1]), fileLine: +m[2], module: m[3], func: m[4], bytes: +m[5]}),
    means: 'a module was unloaded while its allocation tags still had bytes charged',
  },
  {
    id: 'tags-too-many-bits',
    severity: 'error',
    scope: 'line',
    match: /(\d+) allocation tags cannot be references using (\d+) available page flag bits/,
    title: (m) => `allocation tags cannot be referenced using ${m[2]} available page flag bits: profiling disabled`,
    fields: (m) => ({tags: +m[1], bits: +m[2]}),
    means: 'compressed mode: too many tags for the spare page-flag bits; profiling turned itself off',
  },
  {
    id: 'module-too-many-tags',
    severity: 'error',
    scope: 'line',
    match: /With module (\S+) there are too many tags to fit in (\d+) page flag bits/,
    title: (m) => `module ${m[1]} has too many tags to fit in ${m[2]} page flag bits: profiling disabled`,
    fields: (m) => ({module: m[1], bits: +m[2]}),
    means: 'compressed mode: a loaded module overflowed the page-flag tag index; profiling turned itself off',
  },
  {
    id: 'profiling-disabled',
    severity: 'notice',
    scope: 'line',
    match: /^Memory allocation profiling is disabled!$/,
    title: () => 'Memory allocation profiling is disabled!',
    means: 'sysctl.vm.mem_profiling=never: profiling is off for this boot and cannot be turned on',
  },
  {
    id: 'profiling-not-supported',
    severity: 'notice',
    scope: 'line',
    match: /^Memory allocation profiling is not supported!$/,
    title: () => 'Memory allocation profiling is not supported!',
    means: 'the kernel could not set profiling up (e.g. no page_ext/page-flag space)',
  },
  {
    id: 'page-ext-alloc-failure',
    severity: 'critical',
    scope: 'line',
    match: /page ext allocation failure/,
    title: () => 'page ext allocation failure',
    means: 'page_ext could not be allocated: the kernel panics (no tag references at all)',
  },
  {
    id: 'kernel-panic',
    severity: 'critical',
    scope: 'line',
    match: /^Kernel panic - not syncing: (.*)$/,
    title: (m) => `Kernel panic - not syncing: ${normaliseText(m[1])}`,
    means: 'the kernel panicked (panic_on_warn, oops=panic, or a fatal condition)',
  },
] as const satisfies readonly Detector[]

/** Fallbacks for splats no row recognises (a WARNING is also the floor of any WARNING splat). */
export const GENERIC_WARNING = {id: 'warning', severity: 'warning' as Severity} as const
export const GENERIC_BUG = {id: 'bug', severity: 'error' as Severity} as const

/** A detector row's id. */
export type DetectorId = (typeof DETECTORS)[number]['id']
/** What a finding can be: a detector's id, or a WARNING/BUG splat no row recognises. */
export type FindingKind = DetectorId | CrashId | (typeof GENERIC_WARNING)['id'] | (typeof GENERIC_BUG)['id']
type DetectorRow = (typeof DETECTORS)[number]

export interface Detection {
  id: FindingKind
  severity: Severity
  title: string
  data?: Record<string, string | number>
}

const byScope = (scope: 'line' | 'splat'): DetectorRow[] => DETECTORS.filter((d) => d.scope === scope || d.scope === 'both')
const LINE_DETECTORS = byScope('line')
const LINE_ONLY_DETECTORS = DETECTORS.filter((d) => d.scope === 'line')
const SPLAT_DETECTORS = byScope('splat')
/** Cheap pre-filter: every line detector needs one of these substrings (the analyser's gate uses them too). */
export const LINE_NEEDLES: readonly string[] = ['alloc_tag', 'EARLY_ALLOC', 'early PFN', 'module unload', 'page flag bits', 'profiling is', 'page ext', 'Kernel panic']
const LINE_HINT = anyOf(LINE_NEEDLES)

/** A RegExp that matches text containing any of the literals. */
export function anyOf(needles: readonly string[]): RegExp {
  return new RegExp(alternation(needles))
}

/** The literals as one RegExp alternation (`a|b|c`, escaped), to build a larger pattern from. */
export function alternation(literals: readonly string[]): string {
  return [...new Set(literals)].map(escape).join('|')
}

function escape(n: string): string {
  return n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** A RegExp that matches text starting with any of the literals. */
export function startsWithAny(prefixes: readonly string[]): RegExp {
  return new RegExp(`^(?:${alternation(prefixes)})`)
}

/** `line-only`: a WARN message line, whose `both`-scope match is the splat's own finding. */
export function detectLine(text: string, rows: 'all' | 'line-only' = 'all'): Detection | undefined {
  if (!LINE_HINT.test(text)) return undefined
  return run(rows === 'all' ? LINE_DETECTORS : LINE_ONLY_DETECTORS, text)
}

/** A WARN message a splat-scope row knows (`alloc_tag was not set`): printed between cut-here and the banner. */
export function isWarnMessage(text: string): boolean {
  return run(SPLAT_DETECTORS, text) !== undefined
}

/**
 * A splat's finding: a profiling row matching its WARN message, else the crash row matching its
 * banner (which also picks the guilty frame and may know the report is a fragment), else the
 * generic WARNING / BUG finding. Sets the splat's guilty frame (and corrupted flag) it decides.
 */
export function detectSplat(s: Splat, text?: ReportText): Detection {
  // Object.assign here and below, not a spread with a property after it: V8 (Node 20) clones that by a slow path (bench/NOTES.md).
  const d = detectSplatRow(s, text)
  // Severity policy (README): a kernel WARNING (any banner but BUG's) is at least `warning`.
  return s.banner === 'bug' ? d : Object.assign({}, d, {severity: atLeast(d.severity, GENERIC_WARNING.severity)})
}

function detectSplatRow(s: Splat, text?: ReportText): Detection {
  const hit = s.message ? run(SPLAT_DETECTORS, s.message) : undefined
  if (hit) return hit
  const crash = text?.banner ? detectCrash(s, text) : undefined
  if (crash) return crash
  // A BUG no row knows that printed its registers (an oops of another kind or arch) faulted at its PC.
  const pc = s.banner === 'bug' && text?.frames.some((f) => f.context === 'PC') ? guiltyFrame(candidates('pc', s, text)) : undefined
  if (pc) s.guilty = pc
  const where = s.fn ? baseName(s.fn) : s.guilty ? baseName(s.guilty.fn) : s.file ?? 'unknown location'
  if (s.banner === 'bug') return Object.assign({}, GENERIC_BUG, {title: normaliseText(firstLine(s.message) ?? `BUG in ${where}`)})
  if (s.banner === 'unknown' && s.message) return Object.assign({}, GENERIC_WARNING, {title: normaliseText(firstLine(s.message)!)})
  return Object.assign({}, GENERIC_WARNING, {title: `WARNING in ${where}`})
}

function run(rows: readonly DetectorRow[], text: string): Detection | undefined {
  for (const d of rows) {
    const m = d.match.exec(text)
    if (m) {
      const det: Detection = {id: d.id, severity: d.severity, title: d.title(m)}
      if ('fields' in d) det.data = d.fields(m)
      return det
    }
  }
  return undefined
}

function atLeast(a: Severity, floor: Severity): Severity {
  return SEVERITIES.indexOf(a) >= SEVERITIES.indexOf(floor) ? a : floor
}

function firstLine(s: string | undefined): string | undefined {
  return s?.split('\n')[0]
}

function stripDot(file: string): string {
  return file.startsWith('./') ? file.slice(2) : file
}

/** Title text without what changes per boot: `+0x1f/0x40` offsets, addresses, pids, CPU numbers. */
export function normaliseText(s: string): string {
  return s
    .replace(/\+0x[0-9a-f]+\/0x[0-9a-f]+/g, '')
    .replace(/\b(0x)?[0-9a-f]{8,}\b/g, 'ADDR')
    .replace(/0x[0-9a-f]+/g, 'ADDR')
    .replace(/([\w.-]+)\/\d+\b/g, '$1/PID')
    .replace(/(\bCPU#?|\bcpu#?|\bnode:?|#)\s?\d+/g, '$1N')
    .replace(/ at addr ADDR/, '')
    .replace(/\s+/g, ' ')
    .trim()
}

/**
 * Stable across boots: detector id, normalised title (the kind of BUG, the tag of a not-cleared
 * WARN), file, function names without clone suffixes; no offsets, addresses, CPUs or pids.
 */
export function splatSignature(d: Pick<Detection, 'id' | 'title'>, s: Splat): string {
  const parts = [d.id, d.title, s.file ?? '-', s.fn ? baseName(s.fn) : '-', s.guilty ? baseName(s.guilty.fn) : '-']
  return parts.join('|')
}

export function lineSignature(d: Detection): string {
  return `${d.id}|${d.title}`
}

// ---------------------------------------------------------------------------------------------
// Crash reports: one row per kind of kernel report a fleet sees, matched against the report's
// banner line. Titles follow the naming of google/syzkaller's pkg/report ("KASAN: use-after-free
// Read in f", "INFO: task hung in f", "possible deadlock in f") so a fleet's findings group and
// compare with syzbot's; the function is our guilty frame, never an address.

/** How a report is laid out, which the splat parser needs while reading it. */
export interface ReportShape {
  /** Several stacks belong to the report (an RCU stall's NMI backtraces): it ends at the next report. */
  multiStack?: boolean
  /** The report has no call trace by nature (a lockup of a workqueue, a bad rss-counter). */
  noStack?: boolean
  /**
   * The report's own lines printed between and after its stacks (SLUB's tracks, slab, object dump
   * and fixes): they neither end a stack nor begin another report (`INFO: Allocated in` is one).
   */
  ownLines?: RegExp
}

/**
 * Where the guilty function is looked for. `trace`: the first call trace; `pc`: the faulting PC
 * (`RIP:`, `pc :`, `PC is at`) and the stack after it; `pc-only`: the faulting PC alone; `banner`:
 * the function the banner names, then the first trace; `stall`: the interrupted code after the
 * timer interrupt, then its stack; `dumped`: the last call trace (the report's dump_stack(), after
 * stacks it prints of other times); `alloc-track`: SLUB's allocation track (its stack, then the
 * function of its `Allocated in` line), the first trace when the report has none.
 */
type StackFrom = 'trace' | 'pc' | 'pc-only' | 'banner' | 'stall' | 'dumped' | 'alloc-track'

/** The ids of crash rows (each id groups the kinds a fleet tells apart by title). */
export const CRASH_IDS = ['kasan', 'kmsan', 'kcsan', 'kfence', 'ubsan', 'ubsan-trap', 'bad-access', 'gpf', 'kernel-bug', 'oops', 'soft-lockup', 'hard-lockup', 'rcu-stall', 'hung-task', 'workqueue-lockup', 'lockdep', 'memory-leak', 'bug', 'kernel-panic', 'warning'] as const
export type CrashId = (typeof CRASH_IDS)[number]

export interface CrashRow {
  id: CrashId
  severity: Severity
  /** Matched against the banner line (subsystem prefix and lockdep brackets stripped). */
  match: RegExp
  /** The title; `fn` is the guilty function (undefined when none was found). */
  title: (m: RegExpExecArray, fn: string | undefined, r: ReportText) => string
  stack?: StackFrom
  /** `stall`: the caller of the first dispatch point; `hung`: past waiting machinery. */
  pick?: 'stall' | 'hung'
  /** Frames this kind of report also skips (its own machinery). */
  skip?: RegExp
  /** The function is the one named on the first `at: f+0x..` / `[<pc>] f+0x..` line after a line matching this (lockdep). */
  at?: RegExp
  /**
   * With `at`: that frame is a candidate like the frames after it (the next `at:` line, then the
   * stack printed below), and the first one not skipped is the culprit — a lockdep report caught
   * in a lock wrapper or a helper names its caller.
   */
  atThenStack?: boolean
  /** The function is in the banner itself (group 1 of this pattern). */
  fnInBanner?: RegExp
  shape?: ReportShape
  /** The banner is the tail of a report whose start was lost: the finding is corrupted. */
  corrupted?: string
  means: string
}

const inFn = (head: string, fn: string | undefined) => (fn ? `${head} in ${fn}` : head)
const ALLOC_SKIP = /kmemleak|kmalloc|kcalloc|kzalloc|vmalloc|mmap|kmem|slab|alloc|create_object|idr_get|list_lru_init|kasprintf|kvasprintf|pcpu_create|strdup|strndup|memdup/
/** A bad page's stack is where it was allocated or freed: the page allocator and folio helpers are passed over. */
const BAD_PAGE_SKIP = /(free|put|get|update|release)_page|free_unref|^_*folio|truncate_inode_pages|page_frag_free|alloc|vmap|page_owner/
const RCU_SKIP = /rcu|kmem|slab|kmalloc|vmalloc|kcalloc|kzalloc/
const USB_SKIP = /^(usb_submit_urb|usb_start_wait_urb|usb_bulk_msg|usb_interrupt_msg|usb_control_msg)$/
/** Workqueue functions take the locks of work items: a deadlock in them is the work item's. */
const WORKQUEUE_LOCKS = /process_one_work|flush_workqueue|drain_workqueue|destroy_workqueue/
/** mm/slub.c's debug checks and printers, between a SLUB report's dump_stack() and the allocator's entry. */
const SLUB_SKIP = /^(print_trailer|object_err|slab_err|slab_bug|check_bytes_and_report|check_object|check_slab|on_freelist|(alloc|free)_(debug_processing|consistency_checks)|free_to_partial_list)$/
/** mm/slub.c print_track: `Allocated in %pS age=%lu cpu=%u pid=%d` (older kernels: `INFO: ` before it). */
const SLUB_ALLOCATED = /^(?:INFO: )?Allocated in ([A-Za-z_.$][\w.$]*)\+0x[0-9a-f]+\/0x[0-9a-f]+ age=/
/**
 * A SLUB report's own lines (mm/slub.c): print_track's, print_slab_info's, print_trailer's object
 * line and print_section's hex dumps, check_bytes_and_report's range, slab_fix's `FIX <cache>:`.
 */
const SLUB_OWN_LINES = /^(?:INFO: )?(?:(?:Allocated|Freed) in \S+ age=|Slab 0x|Object 0x[0-9a-f]+ @offset|0x[0-9a-f]+-0x[0-9a-f]+[ .]|object allocation\/free stack trace missing)|^(?:Redzone|Bytes b4|Object|Padding) +[0-9a-f]+: |^FIX [\w-]+: /
/** `is trying to acquire lock:` ... `at: f+0x..`: the lock operation lockdep caught. */
const ACQUIRE = /is trying to acquire/

/**
 * The traps x86 die()s on with a header of their own (arch/x86/kernel/traps.c do_trap/die:
 * `<trap>: <error code> [#<n>]`) and no crash row of their own: one row below names them all.
 * Those with rows of their own (invalid opcode, divide error, stack segment, GPF, double fault)
 * are not listed: their rows come first, an entry here would never be matched.
 */
export const X86_TRAPS: readonly string[] = ['int3', 'overflow', 'bounds', 'coprocessor segment overrun', 'invalid TSS', 'segment not present', 'alignment check']
/** Trap headers a report begins with in their whole shape only (splat.ts): X86_TRAPS, and invalid opcode (a row of its own). */
export const X86_TRAP_HEADERS: readonly string[] = ['invalid opcode', ...X86_TRAPS]
/**
 * A trap's whole header, `<trap>: %04lx [#%d]` (after 6.9's `Oops: `, taken off before): the names
 * are common words, and user space's `traps: prog[1] trap invalid opcode ip:...` is no report. One
 * anchored alternative per name (splat-precheck.test.ts reads each against the banner's starts).
 */
export const X86_TRAP_HEADER = new RegExp(X86_TRAP_HEADERS.map((t) => `^${alternation([`${t}: `])}[0-9a-f]{4} \\[#?\\d+\\]`).join('|'))
/** x86 6.9+ heads every die() with `Oops: ` (`Oops: divide error: 0000 [#1]`): the rows match what follows it. */
const DIE_PREFIX = /^Oops: (?=\D)/

/** Read or Write, from a KASAN report's access line. */
const access = (r: ReportText) => r.lines.find((l) => /^(Read|Write) of size/.test(l))?.split(' ')[0]

/**
 * The reasons a panic gives when a report before it caused it, and the kinds of report that cause
 * each (a __warn() WARNING is 'warning' whatever row names it). The `Kernel panic - not syncing:
 * <reason>` row below is these reasons: such a panic after a report of a kind listed here is that
 * report's end (splat.ts); alone, the report that caused it is not in the log.
 */
export const PANIC_CAUSES = {
  // die()/oops_end() with panic_on_oops or in interrupt (`Fatal exception in interrupt`; arm64
  // `%s: Fatal exception`): the oopses, and UBSAN with CONFIG_UBSAN_TRAP, which dies at its trap.
  // KASAN, KFENCE, KMSAN and lib/ubsan.c's UBSAN report and go on: a fault that follows is an
  // oops report of its own.
  'Fatal exception': ['bad-access', 'gpf', 'kernel-bug', 'oops', 'ubsan-trap'],
  // kernel/panic.c check_panic_on_warn(origin) (6.2+, `<origin>: panic_on_warn set ...`): __warn()
  // ("kernel"), mm/kasan/report.c end_report, mm/kfence/report.c, lib/ubsan.c ubsan_epilogue,
  // kernel/kcsan/report.c, kernel/sched/core.c __schedule_bug ("scheduling while atomic", a 'bug' row).
  'panic_on_warn set': ['warning', 'kasan', 'kfence', 'ubsan', 'kcsan', 'bug'],
  // mm/kmsan/report.c kmsan_report with kmsan.panic.
  'panic_on_kmsan set': ['kmsan'],
  // kernel/hung_task.c with hung_task_panic.
  'hung_task: blocked tasks': ['hung-task'],
  // kernel/watchdog.c with softlockup_panic, and with hardlockup_panic (nmi_panic).
  'softlockup: hung tasks': ['soft-lockup'],
  'Hard LOCKUP': ['hard-lockup'],
  // kernel/rcu/tree_stall.h with panic_on_rcu_stall.
  'RCU Stall': ['rcu-stall'],
} as const satisfies Record<string, readonly CrashId[]>
export type PanicReason = keyof typeof PANIC_CAUSES
/** A panic whose reason is one of PANIC_CAUSES' (after an origin or die() string: `KASAN: `, `Oops - BUG: `). */
const PANIC_CAUSED = new RegExp(`^Kernel panic - not syncing: (?:[\\w -]+?: )?(${alternation(Object.keys(PANIC_CAUSES))})`)

/**
 * Whether a report of the kind causes the panic of this banner; undefined when the table cannot
 * tell: the report is of a kind no crash row knows (undefined), or the panic gives no reason it lists.
 */
export function causesPanic(kind: CrashId | undefined, panic: string): boolean | undefined {
  const m = PANIC_CAUSED.exec(panic)
  if (!m || kind === undefined) return undefined
  const kinds: readonly CrashId[] = PANIC_CAUSES[m[1] as PanicReason]
  return kinds.includes(kind)
}

export const CRASH_ROWS: readonly CrashRow[] = [
  // Sanitizers.
  {id: 'kasan', severity: 'error', match: /^BUG: KASAN: (?:double-free or invalid-free|double-free|invalid-free) in ([^\s+]+)/, stack: 'banner', skip: /^(kmem_|slab_|kfree|vunmap|vfree|kvfree|check_slab_allocation)/, title: (_m, fn) => inFn('KASAN: invalid-free', fn), means: 'KASAN: an object freed twice or a pointer freed that was never allocated'},
  {id: 'kasan', severity: 'error', match: /^BUG: KASAN: ([a-z-]+) in ([^\s+]+)/, stack: 'banner', title: (m, fn, r) => inFn(`KASAN: ${m[1]}${access(r) ? ` ${access(r)}` : ''}`, fn), means: 'KASAN: an access to memory that is freed, out of bounds or never mapped'},
  {id: 'kasan', severity: 'error', match: /^BUG: KASAN: ([a-z-]+)/, title: (m, fn, r) => inFn(`KASAN: ${m[1]}${access(r) ? ` ${access(r)}` : ''}`, fn), means: 'KASAN report without a function in its banner'},
  {id: 'kmsan', severity: 'error', match: /^BUG: KMSAN: kernel-usb-infoleak/, stack: 'pc', skip: USB_SKIP, title: (_m, fn) => inFn('KMSAN: kernel-usb-infoleak', fn), means: 'KMSAN: uninitialised kernel memory sent to a USB device'},
  {id: 'kmsan', severity: 'error', match: /^BUG: KMSAN: ([a-z-]+)/, title: (m, fn) => inFn(`KMSAN: ${m[1]}`, fn), means: 'KMSAN: uninitialised memory used, or leaked to user space'},
  {id: 'kcsan', severity: 'warning', match: /^BUG: KCSAN: (.+?) in ([^\s+]+)/, stack: 'banner', title: (m, fn) => inFn(`KCSAN: ${m[1]}`, fn), means: 'KCSAN: a data race between two CPUs'},
  {id: 'kfence', severity: 'error', match: /^BUG: KFENCE: (.+?) in ([^\s+]+)/, stack: 'banner', title: (m, fn) => inFn(`KFENCE: ${m[1]}`, fn), means: 'KFENCE (sampling) caught a use-after-free, out-of-bounds or invalid free'},
  {id: 'ubsan', severity: 'error', match: /^UBSAN: (?:Undefined behaviour|undefined-behaviour) in/, skip: /ubsan|overflow/, title: (_m, fn) => inFn('UBSAN: undefined-behaviour', fn), means: 'UBSAN: undefined behaviour (shift, overflow, bad value)'},
  {id: 'ubsan', severity: 'error', match: /^UBSAN: ([\w-]+) in\b/, skip: /ubsan|overflow/, title: (m, fn) => inFn(`UBSAN: ${m[1]}`, fn), means: 'UBSAN: undefined behaviour (array index, shift, overflow)'},
  // CONFIG_UBSAN_TRAP (lib/ubsan.c report_ubsan_failure: `UBSAN: array index out of bounds`): x86
  // handle_bug prints `%s at %pS` before its oops (die("invalid opcode")), arm64 ubsan_handler dies
  // with it (`Internal error: %s: <esr> [#n]`). An id of its own, not 'ubsan': lib/ubsan.c's report
  // (ubsan_epilogue) lets the task go on, the trap is an oops that kills it (and panics with
  // panic_on_oops, `Fatal exception`: PANIC_CAUSES tells the two apart). A fleet counts them apart
  // (the signature has the id) and gates on them as on the oopses they are (critical); the title
  // is the same check in the same function, as syzkaller titles both.
  {id: 'ubsan-trap', severity: 'critical', match: /^UBSAN: ([a-z ]+) at ([\w.]+)\+0x/, stack: 'banner', skip: /ubsan|overflow/, title: (m, fn) => inFn(`UBSAN: ${m[1]!.replaceAll(' ', '-')}`, fn), means: 'UBSAN (CONFIG_UBSAN_TRAP): undefined behaviour trapped, the task killed as by an oops'},
  {id: 'ubsan-trap', severity: 'critical', match: /^Internal error: UBSAN: ([a-z ]+): [0-9a-f]+ \[#/, stack: 'pc', skip: /ubsan|overflow/, title: (m, fn) => inFn(`UBSAN: ${m[1]!.replaceAll(' ', '-')}`, fn), means: 'UBSAN (CONFIG_UBSAN_TRAP): undefined behaviour trapped, the task killed as by an oops'},
  // Oopses: the faulting PC is the culprit unless it is a helper.
  // arm/arm64/riscv die_kernel_fault(): `Unable to handle kernel %s at virtual address %016lx`, %s the
  // kind of access (paging request, write to read-only memory, execute from non-executable memory,
  // ...); s390's `... pointer dereference in virtual kernel address space` (no address to tell NULL).
  {id: 'bad-access', severity: 'critical', match: /^(?:BUG: )?(?:unable to handle kernel paging request|unable to handle page fault for address|Unable to handle kernel (?:paging request|data access)|Unable to handle kernel (?!NULL pointer dereference).+ (?:at virtual address|in virtual \w+ address space))/, stack: 'pc', title: (_m, fn) => inFn('BUG: unable to handle kernel paging request', fn), means: 'the kernel dereferenced an unmapped address (oops)'},
  {id: 'bad-access', severity: 'critical', match: /^(?:BUG: )?(?:unable to handle kernel NULL pointer dereference|kernel NULL pointer dereference|Unable to handle kernel NULL pointer dereference)/i, stack: 'pc', title: (_m, fn) => inFn('BUG: unable to handle kernel NULL pointer dereference', fn), means: 'the kernel dereferenced a NULL pointer (oops)'},
  {id: 'bad-access', severity: 'critical', match: /^BUG: (?:unable|Unable) to handle kernel/, corrupted: 'the second half of the oops banner is missing', title: () => 'BUG: unable to handle kernel', means: 'an oops whose banner was cut'},
  {id: 'gpf', severity: 'critical', match: /general protection fault/, stack: 'pc', title: (_m, fn) => inFn('general protection fault', fn), means: 'general protection fault (often a non-canonical, poisoned pointer)'},
  {id: 'kernel-bug', severity: 'critical', match: /^kernel BUG at mm\/usercopy\.c/, skip: /usercopy|__check/, title: (_m, fn) => inFn('BUG: bad usercopy', fn), means: 'hardened usercopy caught a copy to or from a bad kernel object'},
  {id: 'kernel-bug', severity: 'critical', match: /^kernel BUG at lib\/list_debug\.c/, title: (_m, fn) => inFn('BUG: corrupted list', fn), means: 'list debugging caught a corrupted list'},
  {id: 'kernel-bug', severity: 'critical', match: /^[Kk]ernel BUG at /, stack: 'pc', title: (_m, fn) => inFn('kernel BUG', fn), means: 'BUG()/BUG_ON() fired'},
  {id: 'oops', severity: 'critical', match: /^divide[ _]error: /, stack: 'pc-only', title: (_m, fn) => inFn('divide error', fn), means: 'division by zero in the kernel'},
  {id: 'oops', severity: 'critical', match: /^invalid opcode: /, stack: 'pc-only', title: (_m, fn) => inFn('invalid opcode', fn), means: 'the kernel executed an invalid instruction'},
  {id: 'oops', severity: 'critical', match: /^PANIC: double fault/, stack: 'pc-only', title: (_m, fn) => inFn('PANIC: double fault', fn), means: 'a fault while handling a fault (often a stack overflow)'},
  {id: 'oops', severity: 'critical', match: /^stack segment: /, stack: 'pc', title: (_m, fn) => inFn('stack segment fault', fn), means: 'stack segment fault'},
  // x86 page_fault_oops() dies with `Oops: <code> [#n]` right after its `BUG: unable to handle ...` line, which is lost here.
  {id: 'oops', severity: 'critical', match: /^Oops: [0-9a-f]{4} \[#\d+\]/, stack: 'pc', corrupted: 'an x86 page-fault oops without its `BUG: unable to handle` line', title: (_m, fn) => inFn('Oops', fn), means: 'a page-fault oops whose first line is missing'},
  {id: 'oops', severity: 'critical', match: new RegExp(`^(${alternation(X86_TRAPS)}): `), stack: 'pc', title: (m, fn) => inFn(m[1]!, fn), means: 'another x86 trap the kernel could not handle (int3, overflow, bounds, ...)'},
  {id: 'oops', severity: 'critical', match: /^Internal error: /, stack: 'pc', title: (_m, fn) => inFn('Internal error', fn), means: 'arm/arm64 oops (synchronous abort, undefined instruction)'},
  {id: 'oops', severity: 'critical', match: /^Unhandled fault: /, stack: 'pc', title: (_m, fn) => inFn('Unhandled fault', fn), means: 'arm: a fault the kernel has no handler for'},
  // A stack overflow is a recursion: named by the dispatch point it was entered from, as a stall is.
  {id: 'oops', severity: 'critical', match: /^BUG: (?:\S+ )?stack guard page was hit/, stack: 'pc', pick: 'stall', title: (_m, fn) => inFn('BUG: stack guard page was hit', fn), means: 'kernel stack overflow into the guard page'},
  // Lockups, hangs, stalls.
  {id: 'soft-lockup', severity: 'error', match: /^BUG: soft lockup/, stack: 'pc', pick: 'stall', title: (_m, fn) => inFn('BUG: soft lockup', fn), means: 'a CPU looped in the kernel without scheduling for longer than the watchdog threshold'},
  {id: 'hard-lockup', severity: 'error', match: /hard LOCKUP/, stack: 'pc', pick: 'stall', title: (_m, fn) => inFn('BUG: hard lockup', fn), means: 'a CPU stopped taking interrupts (NMI watchdog)'},
  {id: 'rcu-stall', severity: 'error', match: /^INFO: rcu_\w+ (?:self-)?detected(?: expedited)? stalls?/, stack: 'stall', pick: 'stall', skip: /apic_timer_interrupt|rcu/, shape: {multiStack: true}, title: (_m, fn) => inFn('INFO: rcu detected stall', fn), means: 'an RCU grace period could not end: a CPU or task stayed in a read-side section or looped'},
  {id: 'hung-task', severity: 'error', match: /^INFO: task .* blocked (?:in I\/O wait )?for more than \d+ seconds/, pick: 'hung', title: (_m, fn) => inFn('INFO: task hung', fn), means: 'a task slept uninterruptibly for longer than hung_task_timeout_secs'},
  {id: 'hung-task', severity: 'error', match: /^INFO: task .* can't die for more than \d+ seconds/, pick: 'hung', title: (_m, fn) => inFn("INFO: task can't die", fn), means: 'a killed task could not exit'},
  {id: 'workqueue-lockup', severity: 'error', match: /^BUG: workqueue lockup/, shape: {noStack: true}, title: () => 'BUG: workqueue lockup', means: 'a workqueue pool made no progress'},
  // Lockdep and its relatives: the function is the lock operation lockdep caught.
  {id: 'lockdep', severity: 'warning', match: /^(?:WARNING|INFO): possible circular locking dependency detected/, at: ACQUIRE, atThenStack: true, skip: WORKQUEUE_LOCKS, title: (_m, fn) => inFn('possible deadlock', fn), means: 'lockdep: two locks taken in both orders (ABBA deadlock)'},
  {id: 'lockdep', severity: 'warning', match: /^(?:WARNING|INFO): possible irq lock inversion dependency detected/, at: /just changed the state of lock/, title: (_m, fn) => inFn('possible deadlock', fn), means: 'lockdep: an interrupt-safe lock ordered after an unsafe one'},
  // Bracketed (pre-4.14) reports name the acquisition; later ones the stack where the lock became irq-safe.
  {id: 'lockdep', severity: 'warning', match: /^INFO: (?:SOFT|HARD)IRQ-safe -> (?:SOFT|HARD)IRQ-unsafe lock order detected/, at: ACQUIRE, title: (_m, fn) => inFn('possible deadlock', fn), means: 'lockdep: an irq-safe -> irq-unsafe lock order'},
  {id: 'lockdep', severity: 'warning', match: /^WARNING: (?:SOFT|HARD)IRQ-safe -> (?:SOFT|HARD)IRQ-unsafe lock order detected/, at: /which became \S+ at:/, atThenStack: true, title: (_m, fn) => inFn('possible deadlock', fn), means: 'lockdep: an irq-safe -> irq-unsafe lock order (the function: where the safe lock became irq-safe)'},
  {id: 'lockdep', severity: 'warning', match: /^(?:WARNING|INFO): possible recursive locking detected/, at: ACQUIRE, title: (_m, fn) => inFn('possible deadlock', fn), means: 'lockdep: a lock taken again by its holder'},
  {id: 'lockdep', severity: 'warning', match: /^(?:WARNING|INFO): inconsistent lock state/, at: /takes|\{[A-Z-]+\} state was registered at/, title: (_m, fn) => inFn('inconsistent lock state', fn), means: 'lockdep: a lock used both in and out of interrupt context unsafely'},
  {id: 'lockdep', severity: 'warning', match: /^(BUG|WARNING): bad contention detected!/, at: /is trying to contend lock/, atThenStack: true, title: (m, fn) => inFn(`${m[1]}: bad contention`, fn), means: 'lockdep (lock_stat): contention on a lock that is not held'},
  {id: 'lockdep', severity: 'warning', match: /^BUG: Invalid wait context/, title: (_m, fn) => inFn('BUG: Invalid wait context', fn), means: 'lockdep: a sleeping lock taken where the context may not sleep (raw spinlock, irq); the function: the first of the stack past the lock machinery'},
  {id: 'lockdep', severity: 'warning', match: /^(BUG|WARNING): held lock freed!/, at: /held lock freed/, title: (m, fn) => inFn(`${m[1]}: held lock freed`, fn), means: 'lockdep: memory holding a held lock was freed'},
  {id: 'lockdep', severity: 'warning', match: /^(BUG|WARNING): bad unlock balance detected!/, at: /is trying to release lock/, atThenStack: true, title: (m, fn) => inFn(`${m[1]}: bad unlock balance`, fn), means: 'lockdep: a lock released that was not held'},
  {id: 'lockdep', severity: 'warning', match: /^(BUG|WARNING): .*still has locks held!/, at: /still has locks held/, title: (m, fn) => inFn(`${m[1]}: still has locks held`, fn), means: 'lockdep: a task exited or froze with locks held'},
  {id: 'lockdep', severity: 'warning', match: /^(BUG|WARNING): lock held when returning to user space/, at: /leaving the kernel with locks still held/, shape: {noStack: true}, title: (m, fn) => inFn(`${m[1]}: lock held when returning to user space`, fn), means: 'lockdep: a syscall returned with a lock held'},
  {id: 'lockdep', severity: 'warning', match: /^(WARNING|INFO): suspicious RCU usage/, skip: RCU_SKIP, title: (m, fn) => inFn(`${m[1]}: suspicious RCU usage`, fn), means: 'lockdep-RCU: an RCU pointer used without the required protection'},
  {id: 'lockdep', severity: 'warning', match: /^INFO: trying to register non-static key/, skip: /stack|lock|IRQ/, title: (_m, fn) => inFn('INFO: trying to register non-static key', fn), means: 'lockdep: a lock used without being initialised'},
  {id: 'lockdep', severity: 'warning', match: /^WARNING: .*kernel\/locking\/lockdep\.c.*lock_/, stack: 'pc', skip: /^(lock_sock|release_sock)/, title: (_m, fn) => inFn('WARNING: locking bug', fn), means: 'lockdep found its own state inconsistent'},
  // Memory leaks (kmemleak): the allocation's caller.
  {id: 'memory-leak', severity: 'warning', match: /^BUG: memory leak|^unreferenced object 0x/, skip: ALLOC_SKIP, title: (_m, fn) => inFn('memory leak', fn), means: 'kmemleak: an allocated object is no longer referenced'},
  // Other BUG: reports syzkaller names.
  {id: 'bug', severity: 'error', match: /^BUG: (spinlock|rwlock) (lockup suspected|already unlocked|cpu recursion|recursion|bad magic|wrong owner|wrong CPU)/, skip: /spin_|_lock|_unlock/, title: (m, fn) => inFn(`BUG: ${m[1]} ${m[2]}`, fn), means: 'spinlock (rwlock) debugging caught misuse'},
  {id: 'bug', severity: 'warning', match: /^BUG: sleeping function called from invalid context/, title: (_m, fn) => inFn('BUG: sleeping function called from invalid context', fn), means: 'a function that may sleep called in atomic context'},
  {id: 'bug', severity: 'warning', match: /^BUG: using (__this_cpu_\w+|smp_processor_id)\(\) in preemptible/, skip: /preempt/, title: (m, fn) => inFn(`BUG: using ${m[1]}() in preemptible code`, fn), means: 'a per-CPU access with preemption enabled'},
  {id: 'bug', severity: 'error', match: /^BUG: scheduling while atomic/, skip: /sched/, title: (_m, fn) => inFn('BUG: scheduling while atomic', fn), means: 'the scheduler was entered in atomic context'},
  {id: 'bug', severity: 'error', match: /^BUG: workqueue leaked lock or atomic/, fnInBanner: /last function: ([\w.]+)/, shape: {noStack: true}, title: (_m, fn) => inFn('BUG: workqueue leaked lock or atomic', fn), means: 'a work item returned with a lock held or preemption disabled'},
  {id: 'bug', severity: 'error', match: /^BUG: Bad page (state|map)/, skip: BAD_PAGE_SKIP, title: (m, fn) => inFn(`BUG: Bad page ${m[1]}`, fn), means: 'the page allocator found a page in an impossible state'},
  {id: 'bug', severity: 'error', match: /^unregister_netdevice: waiting for \S+ to become free/, shape: {noStack: true}, title: () => 'unregister_netdevice: waiting for DEV to become free', means: 'a network device is never freed: a reference to it leaked, and its namespace cannot go away'},
  {id: 'bug', severity: 'error', match: /^BUG: Bad rss-counter state|^BUG: non-zero (nr_ptes|nr_pmds|pgtables_bytes) on freeing mm/, shape: {noStack: true}, title: (m) => normaliseText(m[0].replace(/ mm:.*$/, '')), means: 'page-table accounting went wrong when an mm was freed'},
  // mm/slub.c slab_bug(): `BUG <cache> (<taint>): <what>`; the taint changes from boot to boot. object_err()
  // and check_bytes_and_report() print the object's tracks (print_trailer), then dump_stack() of the
  // task that found it. A double free (free_consistency_checks) is the second freeing's, as KASAN's
  // invalid-free is: dump_stack()'s. Damage (poison, redzone, free pointer overwritten) is found by
  // whoever next allocates, frees or validates the object, not by who wrote it: the object's owner,
  // its allocation's caller, is named. slab_err() (a slab's, no object's) prints no tracks.
  {id: 'bug', severity: 'error', match: /^BUG [\w-]+ \(.*\): Object already free/, stack: 'dumped', skip: SLUB_SKIP, shape: {ownLines: SLUB_OWN_LINES}, title: () => 'BUG: Object already free', means: 'SLUB debugging: a double free'},
  {id: 'bug', severity: 'error', match: /^BUG [\w-]+ \((?:Not tainted|Tainted: [^)]*)\): (.+?)(?:\.\s|\.?$)/, stack: 'alloc-track', skip: SLUB_SKIP, shape: {ownLines: SLUB_OWN_LINES}, title: (m, fn) => inFn(`BUG: ${normaliseText(m[1]!)}`, fn), means: 'SLUB debugging found an object or slab damaged (poison, redzone, free pointer)'},
  // Panics: the reason is the title; a panic a report causes (PANIC_CAUSES) with no such report before it means that report was lost.
  {id: 'kernel-panic', severity: 'critical', match: /^Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: (?![0-9a-f]+\b)([A-Za-z_][\w.]*)/, fnInBanner: /corrupted in: ([A-Za-z_][\w.]*)/, shape: {noStack: true}, title: (_m, fn) => inFn('kernel panic: stack is corrupted', fn), means: 'the stack protector found a smashed stack canary'},
  {id: 'kernel-panic', severity: 'critical', match: /^Kernel panic - not syncing: stack-protector:/, skip: /stack_chk/, title: (_m, fn) => inFn('kernel panic: stack is corrupted', fn), means: 'the stack protector found a smashed stack canary'},
  {id: 'kernel-panic', severity: 'critical', match: /^Kernel panic - not syncing: corrupted stack end/, pick: 'stall', skip: /schedule|retint_kernel/, title: (_m, fn) => inFn('kernel panic: corrupted stack end', fn), means: 'the scheduler found the end-of-stack canary overwritten'},
  {id: 'kernel-panic', severity: 'critical', match: PANIC_CAUSED, corrupted: 'a panic caused by an earlier report that is not in the log', shape: {noStack: true}, title: (m) => `kernel panic: ${m[1]}`, means: 'the panic that follows an oops, WARNING or hang whose report is missing'},
  {id: 'kernel-panic', severity: 'critical', match: /^Kernel panic - not syncing: (.*)$/, shape: {noStack: true}, title: (m) => `Kernel panic - not syncing: ${normaliseText(m[1]!)}`, means: 'the kernel panicked (panic_on_warn, oops=panic, or a fatal condition)'},
  // KASAN's pre-4.x reports survive only as their allocation/free stacks.
  {id: 'kasan', severity: 'error', match: /^INFO: (Freed|Allocated) in ([\w.]+)/, corrupted: 'only the allocation/free stack of an old KASAN report', shape: {noStack: true}, title: (m) => `INFO: ${m[1]} in ${baseName(m[2]!)}`, means: 'the tail of an old-style KASAN report'},
  // WARNINGs: the kind of bug from the file that warned, the function from the faulting PC on.
  {id: 'warning', severity: 'notice', match: /^WARNING: .*lib\/debugobjects\.c.* (?:debug_print|debug_check)/, stack: 'pc', skip: /debug_|rcu|hrtimer_|timer_|work_|percpu_|kmem_|slab_|kfree|vunmap|vfree|__free_|debug_check|kobject_/, title: (_m, fn) => inFn('WARNING: ODEBUG bug', fn), means: 'debugobjects: an object freed or reinitialised while active'},
  {id: 'warning', severity: 'notice', match: /^WARNING: .*mm\/usercopy\.c.* usercopy_warn/, stack: 'pc', skip: /usercopy|__check/, title: (_m, fn) => inFn('WARNING: bad usercopy', fn), means: 'hardened usercopy warned about a copy'},
  {id: 'warning', severity: 'notice', match: /^WARNING: .*lib\/kobject\.c.* kobject_/, stack: 'pc', skip: /kobject_/, title: (_m, fn) => inFn('WARNING: kobject bug', fn), means: 'a kobject misused'},
  {id: 'warning', severity: 'notice', match: /^WARNING: .*fs\/proc\/generic\.c.* proc_register/, stack: 'pc', skip: /proc_/, title: (_m, fn) => inFn('WARNING: proc registration bug', fn), means: 'a /proc entry registered twice'},
  {id: 'warning', severity: 'notice', match: /^WARNING: .*lib\/refcount\.c.* refcount_/, stack: 'pc', skip: /refcount|kobject_/, title: (_m, fn) => inFn('WARNING: refcount bug', fn), means: 'refcount_t saturated, underflowed or was used after reaching zero'},
  {id: 'warning', severity: 'notice', match: /^WARNING: .*mm\/.*\.c.* k?.?malloc/, stack: 'pc', skip: /kmalloc|kcalloc|kzalloc|krealloc|vmalloc|slab|kmem/, title: (_m, fn) => inFn('WARNING: kmalloc bug', fn), means: 'an allocation with an impossible size or flags'},
  {id: 'warning', severity: 'notice', match: /^WARNING: .* usb_submit_urb/, stack: 'pc', skip: USB_SKIP, title: (_m, fn) => `WARNING in ${fn ?? 'corrupted'}/usb_submit_urb`, means: 'a USB driver submitted a bad URB'},
  {id: 'warning', severity: 'notice', match: /^WARNING: kernel stack (regs|frame pointer) .* has bad/, shape: {noStack: true}, title: (m) => `WARNING: kernel stack ${m[1]} has bad value`, means: 'the unwinder found a corrupted stack'},
  {id: 'warning', severity: 'notice', match: /^WARNING: (?:CPU: \d+ PID: \d+ at |at |\S+:\d+ at )/, stack: 'pc', title: (_m, fn) => inFn('WARNING', fn), means: 'WARN()/WARN_ON() fired'},
]

/** The crash row of a banner line and what it matched, if any. */
function crashMatch(banner: string): {row: CrashRow; m: RegExpExecArray} | undefined {
  const b = banner.replace(DIE_PREFIX, '')
  for (const row of CRASH_ROWS) {
    const m = row.match.exec(b)
    if (m) return {row, m}
  }
  return undefined
}

/** The crash row of a banner line, if any. */
export function crashRow(banner: string): CrashRow | undefined {
  return crashMatch(banner)?.row
}


/** A crash report's finding; its guilty frame (and corruption) set on the splat. */
function detectCrash(s: Splat, r: ReportText): Detection | undefined {
  const hit = crashMatch(r.banner)
  if (!hit) return undefined
  const {row, m} = hit
  // The row's choice replaces the parser's default, also when it finds none (the title has no function then).
  const g = crashGuilty(row, s, r, m)
  if (g) s.guilty = g
  else delete s.guilty
  // A kind whose title names a function but whose stack names none lost its frames (syzkaller: `in corrupted`).
  // A panic right after the report it ends is no tail of a lost one (ReportText.follows).
  const tail = r.follows === undefined ? row.corrupted : undefined
  const reason = tail ?? (!g && !row.shape?.noStack ? 'no guilty function: the stack has none outside the report machinery' : undefined)
  if (reason && !s.corrupted) {
    s.corrupted = true
    s.corruptedReason = reason
  }
  return {id: row.id, severity: row.severity, title: row.title(m, g ? baseName(g.fn) : undefined, r)}
}

function crashGuilty(row: CrashRow, s: Splat, r: ReportText, m: RegExpExecArray): Frame | undefined {
  if (row.fnInBanner) {
    const fm = row.fnInBanner.exec(r.lines.join('\n'))
    if (fm) return {fn: fm[1]!, reliable: true, raw: fm[0], line: s.startLine}
  }
  if (row.at) return row.atThenStack ? guiltyFrame(atFrames(r.lines, row.at, s.startLine, Infinity), row.skip) : atFrames(r.lines, row.at, s.startLine, 1)[0]
  const frames = candidates(row.stack ?? 'trace', s, r, m)
  if (row.pick === 'stall') return stallFrame(frames, row.skip)
  if (row.pick === 'hung') return hungFrame(frames)
  return guiltyFrame(frames, row.skip)
}

/** Where a timer interrupt entered the stalled CPU's code: x86's apic timer, arm64's el1 irq entry. */
const INTERRUPT_ENTRY = /apic_timer_interrupt|^el1h?_64_irq$/

/** The frames a row looks at, in print order. */
function candidates(from: StackFrom, s: Splat, r: ReportText, m?: RegExpExecArray): Frame[] {
  const fr = r.frames
  const firstTrace = () => fr.slice(r.traceStarts[0] ?? 0, r.traceStarts[1] ?? fr.length)
  const pcAt = fr.findIndex((f) => f.context === 'PC')
  if (from === 'pc-only') return pcAt >= 0 ? [fr[pcAt]!] : []
  if (from === 'banner') {
    const fn = m && m.length > 1 ? m[m.length - 1] : undefined
    const own: Frame[] = fn && /^[A-Za-z_.$][\w.$]*$/.test(fn) ? [{fn, reliable: true, raw: r.banner, line: s.startLine}] : []
    return [...own, ...firstTrace()]
  }
  if (from === 'stall') {
    const irq = fr.findIndex((f) => INTERRUPT_ENTRY.test(f.fn))
    if (irq < 0) return firstTrace()
    const pc = fr.findIndex((f, i) => i > irq && f.context === 'PC')
    return fr.slice(pc >= 0 ? pc : irq + 1)
  }
  if (from === 'dumped') return fr.slice(r.traceStarts.at(-1) ?? 0)
  if (from === 'alloc-track') return allocTrack(s, r, firstTrace())
  if (from === 'pc' && pcAt >= 0) {
    // `IP:` and `RIP:` of one oops name the same PC: the stack after the last of them is its own.
    let last = pcAt
    while (fr[last + 1]?.context === 'PC') last++
    return fr.slice(pcAt, traceEndAfter(r.traceStarts, last, fr.length))
  }
  return firstTrace()
}

/**
 * A SLUB report's allocation track: its stack depot's stack (the first trace, when the report has
 * another, dump_stack()'s), then the function print_track names; dump_stack()'s when it has no track.
 */
function allocTrack(s: Splat, r: ReportText, first: Frame[]): Frame[] {
  const line = r.lines.find((l) => SLUB_ALLOCATED.test(l))
  if (!line) return first
  const own: Frame = {fn: SLUB_ALLOCATED.exec(line)![1]!, reliable: true, raw: line, line: s.startLine}
  return r.traceStarts.length > 1 ? [...first, own] : [own]
}

/** The end of the stack a PC frame belongs to: the PC printed before its trace runs on through it. */
function traceEndAfter(starts: readonly number[], pc: number, n: number): number {
  const next = starts.find((t) => t > pc)
  if (next === undefined) return n
  return next === pc + 1 ? (starts.find((t) => t > next) ?? n) : next
}

const AT_FRAME = /(?:\bat: |^)(?:\[<[0-9a-f]+>\]\s*)?(?:[0-9a-f]{8,}\s+)?([A-Za-z_.$][\w.$]*)(?:\+0x[0-9a-f]+\/0x[0-9a-f]+|\s+[\w/.-]+\.[ch]:\d+)/

/**
 * The functions of the `at: f+0x..` (or `[<pc>] f+0x..`, or plain frame) lines from the anchor
 * line on, at most `max` of them, in print order.
 */
function atFrames(lines: readonly string[], anchor: RegExp, line: number, max: number): Frame[] {
  const from = lines.findIndex((l) => anchor.test(l))
  if (from < 0) return []
  const out: Frame[] = []
  // The first `at:` comes within a few lines of its anchor; the stack that follows may be longer.
  const end = max === 1 ? from + 20 : lines.length
  for (const l of lines.slice(from, end)) {
    const m = AT_FRAME.exec(l.trim())
    if (m && !/^(at|in)$/.test(m[1]!)) out.push({fn: m[1]!, reliable: true, raw: l.trim(), line})
    if (out.length >= max) break
  }
  return out
}
