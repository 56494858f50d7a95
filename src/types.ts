// Shared value types: each stage (capture → analysis → model → diff → render) hands the next one
// of these plain, typed values. Keep this file free of logic.
import type {BootLogFormat} from './readers/bootlog/formats.js'
import type {Count} from './readers/count.js'

// FindingKind is derived from the detector table (analysis/detectors.ts): a type-only import, no
// runtime dependency, so a finding's id cannot be misspelt anywhere.
import type {FindingKind} from './analysis/detectors.js'

/** One kernel log record, whatever format it came from. */
export interface LogRecord {
  /** 1-based line number in the source where the record starts. */
  line: number
  /** Kernel time in seconds since boot, when the format carries it. */
  time?: number
  /** printk level 0 (emerg) … 7 (debug), when known. */
  level?: number
  /** syslog facility (0 = kern), when known. */
  facility?: number
  /** printk caller id, e.g. "T1" or "C0", when printed. */
  caller?: string
  /** /dev/kmsg sequence number, when known. */
  seq?: number
  /** The message text with every prefix stripped (no trailing newline). */
  text: string
  /**
   * The wall-clock time in seconds (readers/bootlog/wall.ts), set only when the record has no kernel
   * time and the format prints a date and time instead (dmesg -T or --time-format iso, journalctl -k
   * short, short-precise, short-iso, short-full, short-unix): a boot printed again repeats it (analysis/boots.ts).
   */
  wall?: number
  /**
   * The boot the record belongs to, when the format says (journal `_BOOT_ID` or a `-- Boot <id> --`
   * line, 32 hex digits; after an older journalctl's `-- Reboot --` line, which has no id, a stand-in
   * that is not one: text-formats.ts rebootId).
   */
  boot?: string
  /** The first record after journalctl's `-- Boot <id> --` line: its boot id comes from that line (a boot's start reason says so). */
  bootLine?: true
  /**
   * printk records the console lost right before this one: the count of the `** N printk messages
   * dropped **` notice (kernel/printk/printk.c console_prepend_dropped) printed before or on its line.
   */
  dropped?: number
  /**
   * A line without the printk prefix in a log whose lines carry one (handed out only when asked
   * for, and still counted as skipped): another program's output, or a kernel report's line
   * printed without its prefix. Not a kernel record: only a report open at that point may take it.
   */
  orphan?: true
  /**
   * The line has the shape of another format's line and a reader of this format took it for the
   * indented continuation of the record before it: 'kmsg' a /dev/kmsg dictionary line (` SUBSYSTEM=pci`:
   * one space, KEY=value), 'json' a line of util-linux dmesg --json as it indents them
   * (`         "pri": 6,`, `      },{`). Only those formats print such lines: it is a line of a
   * log of that format interleaved into this one.
   */
  otherForm?: 'kmsg' | 'json'
}

/** A boot-log input format: an id of the format registry (src/readers/bootlog/formats.ts). */
export type {BootLogFormat} from './readers/bootlog/formats.js'

/** What the reader let go of without reading it as lines, and where. */
export interface InputPadding {
  /** Runs of NUL bytes dropped (a log after a power cut, a sparse file, a serial line's fill). */
  nul?: {ranges: number; bytes: number; first: Array<{offset: number; bytes: number}>}
  /** Reads of nothing but NULs and blank lines before the first text (counted as skipped lines). */
  leading?: {bytes: number; lines: number}
}

/** A line of the input that did not become (part of) a record, and why. */
export interface Skipped {
  line: number
  reason: string
  /** The start of the skipped line, when it helps to recognise it. */
  text?: string
}

/** A host fact and the line it was read from. */
export interface Fact<T> {
  value: T
  line: number
  text: string
  /** When the fact is inferred rather than printed (e.g. from a message's absence): how. */
  reason?: string
}

export interface HostFacts {
  release?: Fact<string>
  build?: Fact<string>
  cmdline?: Fact<string>
  memProfilingParam?: Fact<string>
  possibleCpus?: Fact<Count>
  presentCpus?: Fact<Count>
  hotplugCpus?: Fact<Count>
  onlineCpus?: Fact<Count>
  numaNodes?: Fact<Count>
  memoryTotalKiB?: Fact<Count>
  memoryAvailableKiB?: Fact<Count>
  pageExtBytes?: Fact<Count>
  deferredInit?: Fact<boolean>
  hardware?: Fact<string>
  nrCpusConfig?: Fact<Count>
  maxcpus?: Fact<Count>
  /** Line of `allocated N bytes of page_ext` relative to `smp: Brought up`: before or after SMP. */
  pageExtWindow?: Fact<'before-smp' | 'after-smp'>
  /**
   * x86 direct map built with 1 GiB pages (`Using GB pages for direct mapping`); false from
   * `nogbpages`, or when the log runs from `Linux version` to `Memory:` without that line.
   */
  gbPages?: Fact<boolean>
  /** ZONE_NORMAL populated (`Normal   [mem …]`) or not (`Normal   empty`) in the zone ranges at boot. */
  normalZone?: Fact<boolean>
  /** KASAN mode from `KernelAddressSanitizer initialized (generic|sw_tags|hw_tags)` (mm/kasan). */
  kasan?: Fact<string>
  /** kmemleak on (`kmemleak: Kernel memory leak detector initialized`) or off (`... disabled`). */
  kmemleak?: Fact<boolean>
  /** The name systemd gave the host in this boot (`systemd[1]: Hostname set to <name>.`, through /dev/kmsg). */
  hostname?: Fact<string>
  /** The log ends in the middle of a boot stage (e.g. `SMP bring-up`: a hung or killed boot); the fact's line is where the stage began. */
  logEndsDuring?: Fact<string>
}

export type ProfilingMode = 'enabled' | 'disabled' | 'never' | 'compressed' | 'not-supported' | 'unknown'
/** The early-PFN recorders a kernel can carry (docs/domain.md §2), and 'unknown' when the log does not say. */
export const RECORDERS = ['legacy', 'pool', 'none', 'unknown'] as const
export type Recorder = (typeof RECORDERS)[number]
/**
 * The recorder code a kernel has (or the recorder given: a capture's, --recorder's, a release's
 * guess), and how that is known; analysis/built-recorder.ts builtRecorder applies DEBUG to it.
 */
export interface RecorderCode {
  recorder: Recorder
  recorderReason: string
}
/** What a user can tell with --recorder: a recorder, or none (not 'unknown', which is not saying). */
export const KNOWN_RECORDERS = RECORDERS.filter((r): r is Exclude<Recorder, 'unknown'> => r !== 'unknown')

/**
 * The evidence for a boot's DEBUG: a DEBUG-only message or lab counter in the log (its line); the
 * capture's dump listing the pfn_pool tracking site (analysis/built-recorder.ts withDumpDebug: the
 * dump and its line); an inference from the page_ext window (its line); or none, DEBUG unknown,
 * which a default or the window fills in later (built-recorder.ts debugOfBoot).
 */
export type DebugSource = {from: 'log'; line: number} | {from: 'dump'; file: string; line: number} | {from: 'inferred'; line: number} | {from: 'default'}

export interface ProfilingState {
  mode: ProfilingMode
  /** How the mode was decided. */
  modeReason: string
  modeLine?: number
  debug: boolean | 'unknown'
  debugReason: string
  /** Where debug comes from, set with debugReason: what reads the provenance reads this, not the words. */
  debugSource: DebugSource
  recorder: Recorder
  recorderReason: string
  /**
   * The recorder code the kernel has, when the verdict is another (analysis/built-recorder.ts:
   * DEBUG inferred off, none runs): what a prediction runs over a flag stating DEBUG on.
   */
  recorderCode?: RecorderCode
}

export type Severity = 'info' | 'notice' | 'warning' | 'error' | 'critical'
export const SEVERITIES: readonly Severity[] = ['info', 'notice', 'warning', 'error', 'critical']

export interface Frame {
  fn: string
  offset?: string
  size?: string
  module?: string
  /** `? ` frames are unreliable guesses of the unwinder. */
  reliable: boolean
  raw: string
  /** Stack the frame was printed in: IRQ, NMI, SOFTIRQ, ... (from `<IRQ>`..`</IRQ>`); absent for the task stack. */
  context?: string
  /** Source line number in the log. */
  line?: number
}

/** A parsed WARNING / BUG block. */
export interface Splat {
  banner: 'old' | 'new' | 'bug' | 'unknown'
  file?: string
  fileLine?: number
  fn?: string
  offset?: string
  cpu?: number
  pid?: number
  comm?: string
  taint?: string
  kernel?: string
  hardware?: string
  frames: Frame[]
  guilty?: Frame
  /** true when the block was cut short or interleaved with unrelated lines. */
  corrupted: boolean
  corruptedReason?: string
  startLine: number
  endLine: number
  /** The message line(s) between `cut here` and the banner (what WARN() printed), or the BUG text. */
  message?: string
  /** The line of the message's first line (a finding starts at cut-here; a reason quoting the message cites this). */
  messageLine?: number
  /** printk caller id of the block (`T1`, `C0`) when printed. */
  caller?: string
  /** Kernel time of the block's first line, when the format carries it. */
  time?: number
}

export interface Finding {
  /** Detector id, e.g. "alloc-tag-not-set" (or "warning"/"bug" for a splat no detector knows). */
  id: FindingKind
  severity: Severity
  /** Normalised title (addresses, numbers that vary per boot removed). */
  title: string
  /** Stable across boots: does not change with addresses, offsets, CPU or pid. */
  signature: string
  /** The message text as printed. */
  text: string
  line: number
  time?: number
  /** Values the detector extracted (e.g. max=8192, module name, bytes). */
  data?: Record<string, string | number>
  splat?: Splat
  corrupted: boolean
  /** How many times this signature occurred in the log (the analyser keeps a few, counts the rest). */
  count?: number
}

/** The kinds of `klab:` line (analysis/facts.ts reads them; fleet checks a record's against this list). */
export const KLAB_KINDS = ['early_page_allocs', 'early_pfn', 'early_pfn_legacy', 'early_pfn_walk'] as const

/** Counts printed by the lab's instrumented kernels (`klab:` lines); measurements, not stock output. */
export interface KlabCounts {
  kind: (typeof KLAB_KINDS)[number]
  /** Exact (readers/count.ts): a u64 counter beyond 2^53 is a bigint. */
  values: Record<string, Count>
  line: number
  /** Values no kernel counter can have (negative, beyond 64 bits), with the digits as printed: warned about, severity warning. */
  bad?: {metric: string; digits: string; problem: 'negative' | 'beyond 64 bits'}[]
}

export interface BootAnalysis {
  source: string
  format: BootLogFormat
  formatReason: string
  records: number
  lines: number
  /** The first 1000 lines skipped (see skippedTotal). */
  skipped: Skipped[]
  /** Lines skipped in all; absent for a boot of a multi-boot log with more than 1000 skipped (cannot be told apart). */
  skippedTotal?: number
  host: HostFacts
  profiling: ProfilingState
  findings: Finding[]
  klab: KlabCounts[]
  /** `** N printk messages dropped **` and similar gaps. */
  droppedMessages: number
  /** Findings seen but not stored (beyond the per-signature cap). */
  findingsNotStored?: number
  /** `klab:` lines seen but not kept (beyond the analyser's cap on `klab`). */
  klabNotStored?: number
  /** Times a record from later in the log carried an earlier timestamp than the previous one. */
  timeWentBackwards?: number
  /** What the reader cut, dropped or could not read whole (absent when nothing). */
  input?: InputNotes
  /** Which boot of the log this is, when the log holds more than one. */
  boot?: BootInfo
  /** The boot printed again after itself (a console showing dmesg): each stretch, its records not analysed twice. */
  replays?: Replay[]
  /** Replays beyond the ones described (analysis/boots.ts MAX_REPLAYS). */
  replaysNotStored?: number
  /** Once-per-boot messages printed again with other values (FactConflict). */
  factConflicts?: FactConflict[]
}

/**
 * A message the kernel prints once per boot (`smp: Brought up`, `Memory:`, `setup_percpu:`) printed
 * again in one boot with another value: most likely two boots' lines with no boundary seen between
 * them (no `Linux version` banner, no clock restart). The fact keeps the first.
 */
export interface FactConflict {
  fact: keyof HostFacts
  first: {value: string; line: number; text: string}
  second: {value: string; line: number; text: string}
}

/** A boot printed again after itself, from `line` to where its stamps pass the boot's latest one. */
export interface Replay {
  line: number
  /** Stamped records in the replayed stretch. */
  records: number
  /** Of them, the ones the boot held already: not analysed again (the rest, lines the first copy lacked, are). */
  repeated: number
}

/** One boot of a log that holds several, numbered as `journalctl --list-boots` does. */
export interface BootInfo {
  /** 1-based position in the log (`journalctl -b 1` is the first). */
  index: number
  /** 0 for the last boot, -1 for the one before it, ... (`journalctl -b -1`). */
  offset: number
  /** Boots in the log. */
  count: number
  firstLine: number
  lastLine: number
  /** Why a new boot starts here (absent for the first). */
  startReason?: string
  /** The journal's _BOOT_ID, when the format carries it. */
  id?: string
}

/** Damage and padding the reader met in the input, for the warnings a command prints. */
export interface InputNotes {
  /** Lines longer than the line limit, cut at it: how many, the first one's line, the limit in bytes. */
  longLines?: {count: number; firstLine?: number; limit: number}
  padding?: InputPadding
  /** The compressed input ended early (read with --accept-truncated): what was wrong. */
  truncated?: string
}

// ---- /proc/allocinfo ----

export interface AllocSite {
  /** `file:line func` (+ ` [module]`), the key sites are matched and summed by. */
  key: string
  file: string
  lineNo: number
  func: string
  module?: string
  bytes: bigint
  calls: bigint
  accurate: boolean
  /** Unknown trailing `key:value` tokens (format 2.0 allows them). */
  extra?: Record<string, string>
  /** How many input lines were summed into this site (duplicates of inlined helpers). */
  count: number
  /** Source line numbers (1-based) of the lines summed here: the first MAX_SITE_LINES (count has them all); none for a recording's snapshot (it keeps no line). */
  lines: number[]
}

export interface AllocAnomaly {
  /** The dump's line; 0 in a recording's snapshot (a recording keeps no line of the dump it sampled). */
  line: number
  key: string
  /** invalid-counter: a value the kernel cannot print (bytes beyond s64, calls beyond u64): the line is left out of sites and totals. */
  kind: 'negative-bytes' | 'wrapped-calls' | 'duplicate-key' | 'invalid-counter'
  detail: string
}

/** A dump's anomalies by kind, every one counted (a kind without one absent): AllocInfo's, and what analyse, allocinfo and batch output. */
export type AnomalyCounts = Partial<Record<AllocAnomaly['kind'], number>>

export interface AllocInfo {
  source: string
  version: 'none' | '1.0' | '2.0' | string
  /** One per key (AllocSite.key): lines with the same key are summed into one site. */
  sites: AllocSite[]
  /** The sums of the sites' bytes and calls. */
  totalBytes: bigint
  totalCalls: bigint
  /** The first MAX_ANOMALIES of each kind; anomalyCounts counts them all. */
  anomalies: AllocAnomaly[]
  anomalyCounts: AnomalyCounts
  /**
   * The site lines left out of `sites` and the totals for a counter the kernel cannot print
   * (invalid-counter), as read, the first of each key: a recording stores them so that whoever reads
   * it flags them as this reader did, instead of seeing the site gone (trend/recording.ts DeltaEncoder).
   */
  invalid?: AllocSite[]
  /** The first MAX_SKIPPED skipped lines; skippedTotal and skippedByReason count them all. */
  skipped: Skipped[]
  skippedTotal: number
  skippedByReason: Record<string, number>
  lines: number
  /** Why the input ended early (a gzip stream cut short, or its last line): what was read up to the damage is here, and its missing sites must not read as gone (trend, diff). */
  truncated?: string
  /**
   * A file of several dumps appended (a header after sites begins a snapshot): the result is the
   * last; `siteLines` of the earlier ones were read and dropped (every line is still a site, a
   * header, skipped or one of these), `from` is the last snapshot's first header line,
   * `skippedLines` the non-blank lines skipped before it (none of them could hold a site of the last).
   */
  earlier?: {snapshots: number; siteLines: number; skippedLines: number; from: number}
  /** What a reader of the result must be told, each naming the source (and line): earlier snapshots of the file dropped, NUL padding skipped, an unknown header version, a dump without sites. Every command that reads a dump shows them as warnings. */
  notes?: string[]
}
