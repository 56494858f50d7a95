// The record `allocscope batch` writes, one NDJSON line per input: `allocscope/batch-v1`.
// Documented in README (batch). A change that drops or renames a field is a new version; new
// optional fields keep v1. `allocscope fleet` reads these records.
import type {Graded} from '../model/severity.js'
import type {AnomalyCounts, BootInfo, BootLogFormat, FactConflict, HostFacts, KlabCounts, ProfilingState, Recorder, Replay, Severity} from '../types.js'

export const BATCH_SCHEMA = 'allocscope/batch-v1'

export type InputKind = 'bootlog' | 'allocinfo' | 'capture-dir'

/** Where a record's input is: a path, or a member of a tar archive (path = `archive//member`). */
export interface InputRef {
  path: string
  archive?: string
  member?: string
  /** Modification time (file, or the tar header's), ISO 8601: when the log was saved. */
  mtime?: string
}

/** One finding as batch keeps it: what fleet needs to group, and where to look in the log. */
export interface BatchFinding {
  id: string
  severity: Severity
  title: string
  signature: string
  line: number
  count: number
  corrupted: boolean
  /** The guilty frame of a WARNING/BUG splat (function, and module when there is one). */
  guilty?: string
}

export interface BatchAllocInfo {
  version: string
  lines: number
  sites: number
  /** Decimal strings: allocinfo counters are 64-bit. */
  bytes: string
  calls: string
  inaccurateSites: number
  /** Every anomaly counted, summed duplicates (info) among them: the sum of anomalyCounts. */
  anomalies: number
  /**
   * Anomalies by kind (AllocInfo.anomalyCounts; added to v1): `--fail-on` gates on their severities
   * as analyse, allocinfo and diff do (allocinfo/report.ts anomalySeverities), which the total alone
   * cannot say (a summed duplicate is info, negative bytes a warning).
   */
  anomalyCounts?: AnomalyCounts
  /** Every line skipped (AllocInfo.skippedTotal). */
  skipped: number
  /** Why the dump ended early (a gzip stream cut short; added to v1): the counts are of what was read. */
  truncated?: string
  /** What the reader noticed (AllocInfo.notes: earlier snapshots dropped, NUL padding, an unknown version, no site; added to v1). */
  notes?: string[]
}

/** The model's prediction for the host of a boot log (as `predict --from` makes it). */
export interface BatchPrediction {
  profile: string
  window: string
  /** Early page-allocation calls: PFNs offered to the recorder. */
  earlyPfns: number
  /** EARLY_ALLOC_PFN_MAX used: the size the kernel printed in its overflow warning, else 8192. */
  legacyMax: number
  legacyDropped: number
  /** The legacy array overflows on this host (more early PFNs than slots). */
  legacyOverflow: boolean
  /**
   * The recorder this kernel carries (the log's profiling.recorder; added to v1): the legacy fields
   * above are a what-if for every host, these are what its own recorder does.
   */
  recorder?: Recorder
  /** Early PFNs its recorder holds (0 without one); absent when the recorder is unknown. */
  recorded?: number
  /**
   * Early calls left untagged (model/predict.ts KernelOutcome.leftUntaggedCalls): past the legacy
   * array, or all of them without a recorder. Named `untagged` since v1 and kept so: a renamed
   * field would break readers of the versioned schema (README "batch").
   */
  untagged?: number
  /** Its own recorder drops PFNs (legacy past legacyMax; a pool only on failed page allocations). */
  recorderOverflow?: boolean
  /** pfn_pool: tracking pages allocated (pools published and race losers' pages). */
  poolPages?: number
  /**
   * The prediction's severity and why, as `predict --from` grades this host (model/severity.ts
   * predictionGrade: its own recorder's drops, or early pages left untagged, warn on DEBUG; a
   * what-if's are a notice); absent when nothing is dropped. `--fail-on` gates on it. Added to v1.
   */
  severity?: Graded
  notes: string[]
}

export interface BatchError {
  /** What went wrong, without the input's path (the record names the input). */
  reason: string
  line?: number
}

/**
 * Which boot of a log holding several a record is (v1, optional: absent for a log of one boot). A
 * multi-boot input gives one record per boot, as `analyse` reports every boot (or the one --boot
 * names), numbered as `journalctl --list-boots` numbers them.
 */
export interface BatchBoot extends BootInfo {
  /** The input's first record: `fleet` counts the input once, however many boots it holds. */
  first: boolean
}

export interface BatchRecord {
  schema: typeof BATCH_SCHEMA
  input: InputRef
  kind?: InputKind
  boot?: BatchBoot
  /** meta.json's, else the log's line prefix (syslog host field, journal _HOSTNAME), else this boot's systemd "Hostname set to" (record.ts named). */
  hostname?: string
  format?: BootLogFormat
  host?: HostFacts
  profiling?: ProfilingState
  findings?: BatchFinding[]
  /**
   * The lab's `klab:` counter lines, as analyse --json has them (added to v1; absent when the log has
   * none): a counter no kernel can print is in its `bad`, which `--fail-on` gates on as analyse does
   * (allocinfo/report.ts badCounterSeverities, a warning).
   */
  klab?: KlabCounts[]
  /** The boot printed again after itself (a console showing dmesg), as analyse --json has them (added to v1): its records were not analysed twice. */
  replays?: Replay[]
  /** Replays beyond those described (analyse's `replaysNotStored`; added to v1). */
  replaysNotStored?: number
  /** Once-per-boot messages printed again with other values: two boots' lines with no boundary seen (analyse's; added to v1). */
  factConflicts?: FactConflict[]
  allocinfo?: BatchAllocInfo
  prediction?: BatchPrediction | {error: string}
  error?: BatchError
}

