// The host a `predict` request describes: the flags' host (--cpus, --memory, ...), or a capture's
// (--from) with what that boot measured and every host flag typed applied over it (host-override.ts
// says each one that changes a fact the capture states). Each fact keeps the flag or log line it
// came from, so validateHost names it in a refusal. A kernel before profiling existed is refused.
import {num} from '../readers/count.js'
import {analyseBootLog, bootNote} from '../analysis/read.js'
import {waitingNotice} from '../cli/progress.js'
import {recorderOfRelease} from '../analysis/releases.js'
import {InputError} from '../errors.js'
import {resolveCapture} from '../readers/dir.js'
import {POOL_TRACKING_FUNC, type TrackingSite, legacyMaxFromLog, trackingSiteOf, withDumpDebug} from '../analysis/built-recorder.js'
import {captureRecorder, refuseBootKernel, type DumpUse, dumpUse, hostFromAnalysis, poolCodeAt, measuredEarlyCalls} from './from-boot.js'
import {defaultHost, type Host} from './host.js'
import {type FlagRecord, checkRelease, hostFlagFacts, setFact} from './host-flags.js'
import {type HostFact, applyHostFlags, overrideWarnings, statedFacts, suppliedFacts} from './host-override.js'
import type {AllocInfo, BootAnalysis, RecorderCode} from '../types.js'

/**
 * The evidence of a capture's dump (its pool tracking site: built-recorder.ts trackingSiteOf), and
 * what the dump said of itself: cut short, or unreadable. A dump that cannot be read or parsed gives
 * no evidence: absence of evidence, not a reason to refuse the prediction the log allows; it is
 * said, not used.
 */
async function dumpEvidence(dump: DumpUse, notes: string[]): Promise<{dump: DumpUse; site?: TrackingSite}> {
  // Loaded here: predict without --from, or a capture with no dump, needs no allocinfo reader.
  const {readAllocInfo} = await import('../readers/allocinfo.js')
  let info: AllocInfo
  try {
    info = await readAllocInfo(dump.path)
  } catch (e) {
    const used = {...dump, used: false, reason: `not read: ${e instanceof Error ? e.message : String(e)}`}
    notes.push(`${dump.path}: not used: ${used.reason}`)
    return {dump: used}
  }
  const site = trackingSiteOf(info)
  if (info.truncated === undefined) return {dump, ...(site ? {site} : {})}
  // A site listed before the cut is listed: its evidence counts. Its absence proves nothing, the
  // less so in a cut dump: the tracking site may lie beyond the cut, and the warning says so.
  const read = `cut short (${info.truncated}) after line ${info.lines}: only lines 1-${info.lines} read for the recorder evidence`
  const found = site ? `the pfn_pool recorder's tracking site is among them` : `the pfn_pool recorder's tracking site ${POOL_TRACKING_FUNC} is not among them, and may lie beyond the cut`
  notes.push(`${dump.path}: ${read}; ${found}`)
  return {dump: {...dump, reason: `${dump.reason}; ${read}`}, ...(site ? {site} : {})}
}

/** The host flags of `predict`, as oclif (or a test) parses them. */
export interface HostFlags {
  cpus?: number
  possible?: number
  online?: number
  memory: string
  nodes: number
  'page-size': string
  'word-bits': string
  debug: boolean
  'early-page-ext': boolean
  'deferred-init': boolean
  compressed: boolean
  'gb-pages': boolean
  kasan: boolean
  kmemleak: boolean
  kernel?: string
  from?: string
  boot?: number
  /**
   * The flags given on the command line (oclif's defaults left out: commands/predict.ts reads its
   * parse metadata). Absent (an in-process caller): only the flags without a default count, when set.
   */
  given?: readonly string[]
}

export interface HostInput {
  host: Host
  /** What the reader should know about the host: defaults used, which boot of several. */
  notes: string[]
  /** The early count an instrumented kernel printed (--from a lab capture). */
  measured?: ReturnType<typeof measuredEarlyCalls>
  /** EARLY_ALLOC_PFN_MAX as the kernel printed it in its overflow warning. */
  printedMax?: number
  recorder?: RecorderCode
  /** The capture's allocinfo dump, and whether it was taken as this boot's evidence (not for an earlier boot of the log). */
  dump?: DumpUse
  /** --from: the host facts the capture states (the rest are defaults a flag fills in without a word). */
  stated?: ReadonlyMap<HostFact, string>
  /** --from: each host flag that changed a fact the capture states (hostOverrides); the measured count is then another host's. */
  overrides?: string[]
  /** --from: the kernel's NR_CPUS as the log printed it (the most CPUs it can have), and where. */
  nrCpus?: {cpus: number; where: string}
  /** --from: the boot's analysis (its `alloc_tag was not set` warnings are set against the prediction: measured.ts). */
  analysis?: BootAnalysis
}

/**
 * The host of a request: the flags', or --from's with every host flag given applied over it (one
 * rule for all: hostOverrides says each that changes a fact the capture states). The recorder
 * follows.
 */
export async function hostInput(f: HostFlags): Promise<HostInput> {
  let input: HostInput
  if (f.from) {
    // Every typed value is read (and a bad one refused) before the capture is.
    input = await hostFromCapture(f.from, f.boot, suppliedFacts(f as unknown as FlagRecord))
    const overrides = hostOverrides(input.host, f, input.stated ?? new Map())
    if (overrides.length) input = {...input, overrides}
  } else {
    input = {host: hostFromFlags(f), notes: []}
  }
  // A typed --kernel was checked with the flags (host-flags.ts); a boot's own release here.
  if (f.from) refuseBootKernel(input.host, f.from)
  // Without a capture the release is all there is: the same guess table analyse uses (releases.ts).
  const recorder = input.recorder ?? (input.host.kernel ? releaseGuess(input.host.kernel) : undefined)
  return recorder ? {...input, recorder} : input
}

/** Every host flag given applied over a capture's host; a warning for each that changed a fact the capture states. */
function hostOverrides(host: Host, f: HostFlags, stated: ReadonlyMap<HostFact, string>): string[] {
  const before = {...host}
  return overrideWarnings(before, host, applyHostFlags(host, f as unknown as FlagRecord), stated)
}

/**
 * The host of a capture directory or boot log, with its measured count, printed size and recorder.
 * `supplied`: the facts typed flags give (host-override.ts suppliedFacts): the log's notes that it
 * lacks them go (README: the flag fills them in without a word).
 */
export async function hostFromCapture(path: string, boot: number | undefined, supplied: ReadonlySet<HostFact> = new Set()): Promise<HostInput> {
  const cap = resolveCapture(path)
  if (!cap.bootLog) throw new InputError(`${path}: no boot log to take the host from (dmesg.txt, console.log, ...)`, path)
  const fromLog = await analyseBootLog(cap.bootLog, {...(boot !== undefined ? {boot} : {}), onWaiting: waitingNotice(cap.bootLog)})
  // The dump goes with the log's last boot only: for an earlier one it is not read, and said so.
  let dump = cap.allocinfo === undefined ? undefined : dumpUse(fromLog, cap.allocinfo)
  const dumpNotes: string[] = []
  if (dump && !dump.used) dumpNotes.push(`${dump.path}: not used: ${dump.reason}`)
  const ev = dump?.used ? await dumpEvidence(dump, dumpNotes) : undefined
  if (ev) dump = ev.dump
  // Its tracking site states DEBUG (analyse's rule) before the host is made from the boot.
  const analysis = withDumpDebug(fromLog, ev?.site)
  const {host, notes: factNotes} = hostFromAnalysis(analysis)
  const notes = [...[...factNotes].filter(([fact]) => !supplied.has(fact)).map(([, note]) => note), ...dumpNotes]
  const which = bootNote(analysis)
  const recorder = captureRecorder(analysis, cap.bootLog, poolCodeAt(ev?.site))
  const stated = statedFacts(analysis, host)
  const nr = analysis.host.nrCpusConfig
  const nrCpus = nr && {cpus: num(nr.value), where: `${analysis.source}:${nr.line}`}
  return {host, notes: which ? [which, ...notes] : notes, measured: measuredEarlyCalls(analysis), printedMax: legacyMaxFromLog(analysis), recorder, stated, analysis, ...(dump ? {dump} : {}), ...(nrCpus ? {nrCpus} : {})}
}

/**
 * The host the flags describe (no --from): every flag's value, defaults included, read by the one
 * parser the flags over a capture go through (host-flags.ts), each fact naming its flag for a refusal.
 */
export function hostFromFlags(f: HostFlags): Host {
  const host = defaultHost()
  const facts = hostFlagFacts(f as unknown as FlagRecord, false)
  for (const [fact, x] of facts) setFact(host, fact, x)
  // --possible alone: online follows it (no capture states another count).
  const possible = facts.get('possibleCpus')
  if (possible && !facts.has('onlineCpus')) setFact(host, 'onlineCpus', possible)
  return host
}

/** The recorder a release suggests (releases.ts), said to be a guess; `from` names where the release came from. */
export function releaseGuess(kernel: string, from = `--kernel ${kernel}`): RecorderCode | undefined {
  const guess = recorderOfRelease(kernel)
  return guess && {recorder: guess.recorder, recorderReason: `a guess from ${from} (${guess.why}); distribution kernels backport: --recorder if you know`}
}
