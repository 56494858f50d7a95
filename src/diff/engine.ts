// The diff engine: decides which diff two (or one) inputs call for and builds it — counts vs
// counts, one capture against the model (the rules), or capture vs capture (allocinfo and/or boot
// log) — returning the structured result, its report blocks and the severities --fail-on gates on.
// The `diff` command only turns flags into a DiffRequest and renders what comes back.
import type {AnalyseOptions} from '../analysis/read.js'
import {dumpIsOf, type TrackingSite, trackingSiteOf, withDumpDebug} from '../analysis/built-recorder.js'
import {type AnomalyKind, anomalyKinds, anomalyKindsBlock, anomalySeverities, gradedAnomalies} from '../allocinfo/report.js'
import {readAllocInfo, readerWarnings} from '../readers/allocinfo.js'
import {NO_ALLOCINFO_DUMP} from '../readers/dir.js'
import {readBoundedFile} from '../readers/bounded.js'
import {InputError, NotImplementedError, UsageError} from '../errors.js'
import type {Block} from '../render/report.js'
import {plural} from '../render/units.js'
import type {AllocInfo, BootAnalysis, Severity} from '../types.js'
import {type AllocDiff, type AllocDiffOptions, compiledFilter, diffAllocInfo, scopeDump} from './allocinfo.js'
import {type ScopeSources, scopeWords} from '../allocinfo/scope.js'
import type {BootLogDiff} from './bootlog.js'
import type {Expectation} from './expectation.js'
import {classifyInput, describeKind, describeSide, type DiffInput, recordingNotRead, dumpFrom} from './inputs.js'
import {skippedLinesNote} from '../trend/recording.js'
import type {ModelOptions} from './model.js'
import type {CountDiff, CountSide} from './predicted.js'
import type {DumpUse} from '../model/from-boot.js'
import {allocDiffBlocks} from './report-allocinfo.js'
import type {CountRow, RuleOutcome} from './rules.js'

export type DiffWhat = 'auto' | 'allocinfo' | 'bootlog'

export interface DiffRequest {
  a: string
  b?: string
  /** Counts: each capture stands for the model's prediction for its host. */
  predicted: boolean
  /** Two inputs: what to compare. */
  what: DiffWhat
  /** allocinfo diff options (metric, sort, top, filter, key). */
  alloc: AllocDiffOptions
  /** boot-log diff: show what did not change too. */
  all: boolean
  /** One capture: the model's profile and legacy array size. */
  model: Pick<ModelOptions, 'profile' | 'legacyMax'>
  /** One capture: the allocinfo dump to check with the boot log. */
  allocinfo?: string
  /** How boot logs are read (--input-format, --recorder, --boot). */
  read: Pick<AnalyseOptions, 'format' | 'recorder' | 'boot'>
  /**
   * Which snapshots of a recording (indices, negative from the end). One recording: `from` against
   * `to` (default first against last). Two inputs: a recording on the a side is its `from`, on the
   * b side its `to` (default the last).
   */
  snaps?: {from?: number; to?: number}
  /** Filled while reading: which boot of a several-boot log was used (the run's warnings say so). */
  bootNotes?: string[]
}

export interface PairResult {
  mode: 'pair'
  a: string
  b: string
  allocinfo?: AllocDiff
  bootlog?: BootLogDiff
}

export interface CountsResult {
  mode: 'counts'
  counts: CountDiff
}

export interface ObservedResult {
  mode: 'observed'
  bootLog?: string
  allocinfo?: string
  /** What the model expects for this host; null when it did not run (with the reason). */
  expectation: Expectation | null
  modelNote?: string
  /** Host facts the model had to default, profile caveats, in-sample checks. */
  modelNotes: string[]
  outcomes: RuleOutcome[]
  counts: CountRow[]
  /** The capture directory's dump when it was not used (another boot's: --boot -1), and why. */
  dump?: DumpUse
  /** The dump's accounting anomalies by kind with their severities (none: absent), gated on as analyse gates on them. */
  anomalyKinds?: AnomalyKind[]
  /** --module/--file/--function: the sites the allocinfo-side rules judge, and whose anomalies are shown and gated on (as the two-dump diff's). */
  filter?: ScopeSources
  /** With `filter`: the dump's anomalies at sites it leaves out (not shown, not gated on). */
  anomaliesOutsideFilters?: number
}

export type DiffResult = PairResult | CountsResult | ObservedResult

export interface DiffRun {
  result: DiffResult
  blocks: Block[]
  /** What --fail-on gates on: fired rules, findings that appeared, counts outside tolerance. */
  severities: Severity[]
  warnings: string[]
}

/** The one decision: which diff the inputs and flags call for. */
export async function runDiff(req: DiffRequest): Promise<DiffRun> {
  const bootNotes: string[] = []
  const run = await decideDiff({...req, bootNotes})
  run.warnings.unshift(...bootNotes)
  return run
}

async function decideDiff(req: DiffRequest): Promise<DiffRun> {
  if (req.a === '-' && req.b === '-') throw new UsageError('-: stdin can be read once: give `-` for one side only')
  const a = classifyInput(req.a)
  const b = req.b === undefined ? undefined : classifyInput(req.b)
  const recording = [a, b].find((x) => x?.kind === 'recording')
  if (recording && (req.predicted || req.what === 'bootlog')) {
    throw new InputError(`${recording.path}: a recording holds allocinfo snapshots only (no boot log, no counts); drop ${req.predicted ? '--predicted' : '--what bootlog'}`, recording.path)
  }
  checkSnaps(req, a, b)
  if (req.predicted || a.kind === 'allocscope-json' || b?.kind === 'allocscope-json') return countsDiff(req, a, b)
  if (b === undefined) return a.kind === 'recording' ? recordingDiff(req, a) : observedDiff(req, a)
  return pairDiff(req, a, b)
}

/**
 * --from-snap/--to-snap pick snapshots of a recording (allocscope record): of the one input, or
 * with two --from-snap a's and --to-snap b's (README). One naming an input that is no recording
 * would be ignored, so it is refused, naming the flag and that input.
 */
function checkSnaps(req: DiffRequest, a: DiffInput, b: DiffInput | undefined): void {
  const sides = [['--from-snap', req.snaps?.from, 'a', a], ['--to-snap', req.snaps?.to, 'b', b ?? a]] as const
  for (const [flag, snap, side, x] of sides) {
    if (snap === undefined || x.kind === 'recording') continue
    const which = b === undefined ? 'the input' : `input ${side}`
    const pairs = b === undefined ? '' : '; with two inputs --from-snap is for a, --to-snap for b'
    throw new UsageError(`${flag} ${snap}: picks a snapshot of ${which} (${x.path}), which is ${describeKind(x)}, not a recording (allocscope record)${pairs}`)
  }
}

const hasAllocInfo = (x: DiffInput): boolean => x.kind === 'recording' || x.capture.allocinfo !== undefined
const hasBootLog = (x: DiffInput): boolean => x.kind === 'bootlog' || (x.kind === 'capture-dir' && x.capture.bootLog !== undefined)
/** A capture directory, or a boot log with a dump pasted after it: both diffs when both sides are one. */
const holdsBoth = (x: DiffInput): boolean => (x.kind === 'capture-dir' || x.kind === 'bootlog') && hasAllocInfo(x) && hasBootLog(x)
/** The boot log of a capture (a pipe's copy is named by the pipe's path). */
async function analyse(req: DiffRequest, x: DiffInput, side?: 'a' | 'b'): Promise<BootAnalysis> {
  // Loaded here: a diff of two allocinfo dumps needs neither the boot-log reader nor the model (start-up, issue 17).
  const {analyseBootLog, bootNote} = await import('../analysis/read.js')
  // A gzip log cut short is read up to the cut and said so, naming its side, as a dump cut short is (cutWarnings).
  const a = await analyseBootLog(x.capture.bootLog!, {...(x.spooled !== undefined ? {source: x.path} : {}), ...req.read, acceptTruncated: true})
  const cut = a.input?.truncated
  if (cut !== undefined) req.bootNotes?.push(`${side !== undefined ? `${side}: ` : ''}${a.source}: ${cut}: read up to the cut; what the log held after it is missing${side !== undefined ? `, so a finding after it may show as ${side === 'b' ? 'disappeared' : 'appeared'}` : ''}`)
  const note = bootNote(a)
  if (note) req.bootNotes?.push(note)
  return a
}
/** What messages call an input's allocinfo: the pipe's path for a pipe's copy. */
const allocName = (x: DiffInput): string => (x.spooled !== undefined && x.capture.allocinfo === x.spooled ? x.path : x.capture.allocinfo!)

/**
 * Two inputs of kinds that do not pair. A side no reader takes (binary, neither a dump nor a log)
 * is named first, as `path: what` as every input error is; else both sides' kinds.
 */
async function nothingToCompare(a: DiffInput, b: DiffInput): Promise<InputError> {
  const expected = 'expected two allocinfo dumps (or recordings), two boot logs, or two capture directories'
  const [da, db] = await Promise.all([describeSide(a), describeSide(b)])
  if (!da.unread && !db.unread) return new InputError(`${a.path} is ${da.what} and ${b.path} is ${db.what}: nothing to compare; ${expected}`, b.path)
  const [x, dx, y, dy] = da.unread ? [a, da, b, db] : [b, db, a, da]
  return new InputError(`${x.path}: ${dx.what}; nothing to compare with ${y.path} (${dy.what}); ${expected}`, x.path)
}

/** Capture vs capture: the allocinfo diff, the boot-log diff, or both for two capture directories. */
async function pairDiff(req: DiffRequest, a: DiffInput, b: DiffInput): Promise<DiffRun> {
  const what = req.what
  const run: DiffRun & {result: PairResult} = {result: {mode: 'pair', a: a.path, b: b.path}, blocks: [], severities: [], warnings: []}
  const doAlloc = what === 'allocinfo' || (what === 'auto' && hasAllocInfo(a) && hasAllocInfo(b))
  const doBoot = what === 'bootlog' || (what === 'auto' && (!doAlloc || (holdsBoth(a) && holdsBoth(b))))
  if (what === 'auto' && !doAlloc && !(hasBootLog(a) && hasBootLog(b))) {
    throw await nothingToCompare(a, b)
  }
  if (doBoot) {
    for (const x of [a, b]) if (!hasBootLog(x)) throw new InputError(`${x.path}: no boot log (${x.kind}); expected a boot log or a capture directory holding dmesg.txt`, x.path)
    const [la, lb, {bootLogDiffSeverities, diffBootLogs}, {bootLogDiffBlocks}] = await Promise.all([analyse(req, a, 'a'), analyse(req, b, 'b'), import('./bootlog.js'), import('./report-bootlog.js')])
    run.result.bootlog = diffBootLogs(la, lb)
    run.blocks.push(...bootLogDiffBlocks(run.result.bootlog, {all: req.all}))
    run.severities.push(...bootLogDiffSeverities(run.result.bootlog))
  }
  if (doAlloc) {
    for (const x of [a, b]) {
      if (!hasAllocInfo(x)) throw new InputError(`${x.path}: ${x.kind === 'capture-dir' ? NO_ALLOCINFO_DUMP + recordingNotRead(x) : `no allocinfo (${x.kind})`}; expected a /proc/allocinfo dump or a capture directory holding one`, x.path)
    }
    const [ia, ib] = await Promise.all([allocInfoOf(a, 'a', req.snaps?.from ?? -1, run.warnings), allocInfoOf(b, 'b', req.snaps?.to ?? -1, run.warnings)])
    addAllocDiff(run, ia, ib, req)
  }
  return run
}

/** The allocinfo diff of two dumps into the run: result, blocks, and its severity. */
function addAllocDiff(run: DiffRun & {result: PairResult}, ia: AllocInfo, ib: AllocInfo, req: DiffRequest): void {
  run.result.allocinfo = diffAllocInfo(ia, ib, req.alloc)
  run.blocks.push(...allocDiffBlocks(run.result.allocinfo))
  // Accounting anomalies that b has and a had not (what the diff reports as new), graded by the
  // one table every command uses (allocinfo/report.ts): an anomaly already in a is no change.
  run.severities.push(...gradedAnomalies(run.result.allocinfo.anomalies.appeared).map((a) => a.severity))
}

/** An input's allocinfo: its dump, or for a recording the snapshot `snap` rebuilt (named `path#N (time)`). */
async function allocInfoOf(x: DiffInput, side: 'a' | 'b', snap: number, warnings: string[]): Promise<AllocInfo> {
  if (x.kind !== 'recording') {
    const info = await readAllocInfo(x.capture.allocinfo!, allocName(x), dumpFrom(x, x.capture.allocinfo!))
    warnings.push(...cutWarnings(info, side))
    return info
  }
  const [s] = await recordingSnapshots(x, [snap], warnings)
  warnings.push(...cutWarnings(s, side))
  return s
}

/**
 * The reader's word on a dump cut short (AllocInfo.truncated: a gzip stream that ends early, a last line without
 * its newline), as a warning naming the side (a, b; none for the one input) and the file: such a
 * side misses the sites past the cut, which its diff shows as gone. Then its notes (AllocInfo.notes:
 * earlier snapshots of an appended file dropped, padding, an unknown version), the side named too.
 * Then the lines it skipped that could have held a site (skippedWarning).
 */
function cutWarnings(info: AllocInfo, side?: 'a' | 'b'): string[] {
  const tag = side !== undefined ? `${side}: ` : ''
  const skipped = skippedWarning(info, side)
  return [...readerWarnings(info, tag), ...(skipped !== undefined ? [tag + skipped] : [])]
}

/**
 * Lines the reader skipped that could have held a site, named as trend and record name them
 * (trend/recording.ts skippedLinesNote; the cut line of a dump cut short is the cut's warning): a
 * site on one is missing from that side, so it reads as gone (b) or new (a). A recording's
 * snapshot keeps only their count (`skipped` when recorded).
 */
function skippedWarning(info: AllocInfo, side?: 'a' | 'b'): string | undefined {
  const recorded = info.skipped.length === 0 && info.skippedTotal > 0
  const note = recorded
    ? `${info.source}: ${plural(info.skippedTotal, 'line')} of the sampled dump skipped when recorded (a recording keeps their count, not the lines)`
    : skippedLinesNote(info, info.truncated !== undefined ? info.lines : undefined)
  if (note === undefined) return undefined
  return `${note}; a site on ${recorded || info.skippedTotal > 1 ? 'one of them' : 'it'} is missing from ${side === undefined ? 'the dump the rules judge' : `${side}, so the diff may show it as ${side === 'b' ? 'gone' : 'new'}`}`
}

async function recordingSnapshots(x: DiffInput, picks: number[], warnings: string[]): Promise<AllocInfo[]> {
  const {snapshotsOf} = await import('../readers/recording.js')
  const r = await snapshotsOf(x.spooled ?? x.path, picks)
  warnings.push(...r.warnings)
  // Name each snapshot by the path the user gave (a pipe's copy has another) and its time.
  return r.snapshots.map((s) => ({...s.allocinfo, source: `${x.path}#${s.snap} (${s.time}${s.uptimeS !== undefined ? `, uptime ${s.uptimeS} s` : ''})`}))
}

/** One recording: how its allocinfo changed from one snapshot to another (default: first to last). */
async function recordingDiff(req: DiffRequest, x: DiffInput): Promise<DiffRun> {
  const run: DiffRun & {result: PairResult} = {result: {mode: 'pair', a: x.path, b: x.path}, blocks: [], severities: [], warnings: []}
  const [ia, ib] = await recordingSnapshots(x, [req.snaps?.from ?? 0, req.snaps?.to ?? -1], run.warnings)
  run.warnings.push(...cutWarnings(ia, 'a'), ...cutWarnings(ib, 'b'))
  run.result.a = ia.source
  run.result.b = ib.source
  addAllocDiff(run, ia, ib, req)
  return run
}

/** A `predict --json` for one host is some KiB: a file past this is no prediction (a device, a bomb), refused (issue 14). */
const MAX_PREDICTION_BYTES = 4 * 2 ** 20

/** The text of a prediction given to diff (plain or gzip; the spooled copy of a pipe, named as the user gave it). */
function readPrediction(x: DiffInput): string {
  return readBoundedFile(x.spooled ?? x.path, MAX_PREDICTION_BYTES, 'the output of `allocscope predict --json`', {name: x.path}).toString('utf8')
}

/**
 * Counts vs counts. A `predict --json` document is a prediction; a capture is its klab
 * measurements, or with --predicted the model's prediction for its host. One capture with
 * --predicted: its prediction against its own measurements.
 */
async function countsDiff(req: DiffRequest, a: DiffInput, b: DiffInput | undefined): Promise<DiffRun> {
  if (b === undefined && a.kind === 'allocscope-json') {
    throw new InputError(`${a.path}: a prediction alone has nothing to be compared with; give a capture (or a second prediction) as the second argument`, a.path)
  }
  const [{kernelRefusal, modelForAnalysis}, {diffCounts, predictionFromJson, sideFromAnalysis, sideFromPrediction}, {countDiffBlocks}] = await Promise.all([
    import('./model.js'),
    import('./predicted.js'),
    import('./report-predicted.js'),
  ])
  const side = async (x: DiffInput, predicted: boolean): Promise<CountSide> => {
    if (x.kind === 'allocscope-json') {
      // The recorder the document states (predict read it from the capture, or --recorder).
      const doc = predictionFromJson(readPrediction(x), x.path)
      return sideFromPrediction(doc, doc.recorder, x.path)
    }
    if (!hasBootLog(x)) throw new InputError(`${x.path}: no boot log (${x.kind}); counts come from a boot log's host (predicted) or its klab: lines (measured)`, x.path)
    const analysis = await analyse(req, x)
    if (!predicted) return sideFromAnalysis(analysis)
    const refusal = kernelRefusal(analysis)
    if (refusal) throw new UsageError(refusal)
    const m = modelForAnalysis(analysis, req.model)
    return sideFromPrediction(m.prediction, analysis.profiling.recorder, analysis.source)
  }
  const sa = await side(a, req.predicted || b === undefined)
  const sb = b === undefined ? await side(a, false) : await side(b, req.predicted && b.kind !== 'allocscope-json')
  const counts = diffCounts(sa, sb)
  const warnings = counts.rows.length === 0 ? [`no metric in common between ${sa.source} (${sa.what}) and ${sb.source} (${sb.what})`] : []
  const severities: Severity[] = counts.rows.some((r) => r.withinTolerance === false) ? ['warning'] : []
  return {result: {mode: 'counts', counts}, blocks: countDiffBlocks(counts), severities, warnings}
}

/** A dump's accounting anomalies: no rule judges them, yet analyse gates on the same dump's (README Severity), so diff shows and gates on them too. */
function dumpAnomalies(allocinfo: AllocInfo | undefined): {anomalyKinds?: AnomalyKind[]} {
  const kinds = allocinfo ? anomalyKinds(allocinfo.anomalies, allocinfo.anomalyCounts) : []
  return kinds.length ? {anomalyKinds: kinds} : {}
}

/**
 * The dump one capture is judged with: the input itself, --allocinfo, or its directory's (or the one
 * pasted after its log). A directory's dump was read after its log's last boot, so for an earlier one (--boot -1) it is
 * another kernel run's: not read, and `dump` says why (predict --from's rule, from-boot.ts dumpUse).
 */
async function observedDump(req: DiffRequest, x: DiffInput, logged: BootAnalysis | undefined): Promise<ObservedDump> {
  // A pipe's dump is read from its copy (capture.allocinfo): the pipe itself was drained by classifyInput.
  const allocPath = x.kind === 'allocinfo' ? x.capture.allocinfo : (req.allocinfo ?? x.capture.allocinfo)
  if (!allocPath) return {}
  if ((x.kind === 'capture-dir' || x.dumpLine !== undefined) && req.allocinfo === undefined && logged && !dumpIsOf(logged)) {
    const {dumpUse} = await import('../model/from-boot.js')
    return {dump: dumpUse(logged, allocPath, "the rules judge this boot's log alone: the allocinfo-side rules are n/a and its anomalies are not shown")}
  }
  const whole = await readAllocInfo(allocPath, allocPath === x.spooled ? x.path : allocPath, dumpFrom(x, allocPath))
  // The site filters keep sites and their anomalies, as the two-dump diff's (scopeDump); the tracking site is the host's DEBUG evidence whatever they keep.
  const filter = req.alloc.filter ?? {}
  const words = scopeWords(filter, 'source').join(' ')
  const scoped = scopeDump(whole, compiledFilter(req.alloc))
  return {allocinfo: scoped.info, site: trackingSiteOf(whole), ...(words !== '' ? {scope: {words, filter, outside: scoped.outside, notes: scoped.notes}} : {})}
}

/** The dump a capture is judged with (within the site filters), its tracking site (DEBUG evidence), or why none was used. */
interface ObservedDump {
  allocinfo?: AllocInfo
  site?: TrackingSite
  dump?: DumpUse
  /** The site filters given: as given, in words, the anomalies they left out, and scopeDump's notes. */
  scope?: {words: string; filter: ScopeSources; outside: number; notes: string[]}
}

/** One capture: the rules over what it shows, against what the model expects for its host. */
async function observedDiff(req: DiffRequest, x: DiffInput): Promise<DiffRun> {
  if (x.kind === 'allocscope-json') throw new NotImplementedError(`checking an allocscope JSON document (${x.path}: \`${x.command}\` output) against the model`)
  const [{kernelRefusal, modelForAnalysis}, {expectationBlock, observedHeadBlock, ruleBlocks}, {firedSeverities, runRules}] = await Promise.all([
    import('./model.js'),
    import('./report-rules.js'),
    import('./rules.js'),
  ])
  const logged: BootAnalysis | undefined = hasBootLog(x) ? await analyse(req, x) : undefined
  const {allocinfo, site, dump, scope} = await observedDump(req, x, logged)
  // The dump's tracking site states DEBUG, as analyse, predict --from and batch take it (built-recorder.ts).
  const analysis = logged && withDumpDebug(logged, site)
  // A kernel before profiling has nothing to expect: the rules still run, without the model.
  const refusal = analysis && kernelRefusal(analysis)
  const m = analysis && !refusal ? modelForAnalysis(analysis, req.model) : undefined
  const modelNote = analysis ? refusal : 'no boot log: the host (CPUs, memory, window) is unknown, so the model cannot run'
  const expected = m?.expectation
  const modelNotes = m?.notes ?? []
  const rules = runRules({analysis, allocinfo, expected, ...(scope ? {scope: scope.words} : {})})
  const result: ObservedResult = {
    mode: 'observed',
    ...(analysis ? {bootLog: analysis.source} : {}),
    ...(allocinfo ? {allocinfo: allocinfo.source} : {}),
    expectation: expected ?? null,
    ...(modelNote ? {modelNote} : {}),
    modelNotes,
    outcomes: rules.outcomes,
    counts: rules.counts,
    ...dumpAnomalies(allocinfo),
    ...(dump ? {dump} : {}),
    ...(scope ? {filter: req.alloc.filter, anomaliesOutsideFilters: scope.outside} : {}),
  }
  const notes: Block[] = modelNotes.length ? [{kind: 'text', title: 'Model notes', lines: modelNotes}] : []
  const anomalies = result.anomalyKinds ? [anomalyKindsBlock(result.anomalyKinds)] : []
  return {
    result,
    blocks: [observedHeadBlock(analysis, allocinfo, dump, scope), expectationBlock(expected, modelNote), ...ruleBlocks(rules), ...anomalies, ...notes],
    severities: [...firedSeverities(rules), ...anomalySeverities(allocinfo?.anomalyCounts ?? {})],
    warnings: [
      ...(dump ? [`${dump.path}: not used: ${dump.reason}`] : []),
      ...(allocinfo ? cutWarnings(allocinfo) : []),
      ...(scope?.notes ?? []),
      ...(analysis ? [] : [`${x.path}: an allocinfo dump alone: the log-side rules are n/a`]),
    ],
  }
}
