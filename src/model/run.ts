// The `predict` command's work, without oclif: flags → one host, a CPU sweep or a fleet inventory
// → result, Report and the severities --fail-on gates on. src/commands/predict.ts parses and emits.
import type {CommandRun} from '../cli/output.js'
import {waitingNotice} from '../cli/progress.js'
import type {StreamRow, StreamRun} from '../cli/stream-table.js'
import {refuseInputAsOutput, writeUserFile} from '../cli/write-file.js'
import {UsageError} from '../errors.js'
import {builtRecorder} from '../analysis/built-recorder.js'
import type {Block, Report} from '../render/report.js'
import {byCount} from '../render/units.js'
import type {Recorder, Severity} from '../types.js'
import {PredictionCache, predictHostRow} from './fleet.js'
import {HOST_LIMITS, type Host, validateHost} from './host.js'
import {type HostFlags, type HostInput, hostInput} from './host-input.js'
import {InventoryRows, readInventory} from './inventory.js'
import {type CpuLimit, type PredictOptions, type Tracker, givenCode, predict, sweep, sweepCpus} from './predict.js'
import {type Profile, chooseProfile, fittedCapture, kernelFallbackNote, otherSeries} from './profile.js'
import {EARLY_ALLOC_PFN_MAX} from './recorders/legacy.js'
import {fleetCells, fleetTable, measuredBlock, predictionReport, sweepBlock, sweepNotesBlock, sweepSummary, wrap} from './report.js'
import {caveatLine, span} from './cpu-ranges.js'
import {measuredChecks, observedUnsetTags} from './measured.js'
import {type Graded, measuredGrade, predictionGrade, sweepGrade, unsetTagsGrade, worstGrade} from './severity.js'
import {sweepPlotBlock, sweepSvg} from './sweep-chart.js'
import {inputName} from '../readers/stdin.js'
import {statOf} from '../readers/stat.js'

export interface PredictFlags extends HostFlags {
  profile?: string
  tracker: string
  recorder?: string
  seed: number
  'legacy-max'?: number
  sweep?: string
  points: number
  hosts?: string
  plot: boolean
  svg?: string
}

/** How the output will be shown, for the terminal plot. */
export interface PredictOutput {
  format: string
  /** The terminal's width (COLUMNS, the TTY, else 80). */
  width: number
}

type Run = Omit<CommandRun, 'warnings'> & {hostWarnings?: string[]}

/** One host or a sweep: a CommandRun; a fleet (--hosts): a StreamRun, its rows written as they are predicted. */
export async function runPredict(f: PredictFlags, out: PredictOutput): Promise<CommandRun | StreamRun> {
  checkModes(f)
  if (f.svg) refuseInputAsOutput('--svg', f.svg, (['from', 'profile', 'hosts'] as const).flatMap((k) => (f[k] === undefined ? [] : [{flag: `--${k}`, path: f[k]}])))
  const opts = predictOptions(f)
  if (f.hosts !== undefined) return fleetStream(f.hosts, opts, f.profile)
  const input = await hostInput(f)
  if (f['legacy-max'] === undefined && input.printedMax !== undefined) opts.legacyMax = input.printedMax
  if (!f.recorder && input.recorder) Object.assign(opts, input.recorder)
  const profile = chooseProfile(input.host, f.profile)
  if (f.profile === undefined) opts.otherSeries = otherSeries(input.host, profile)
  const why = f.profile === undefined ? kernelFallbackNote(input.host.kernel, profile, opts.otherSeries) : undefined
  const warnings = [...input.notes, ...(input.overrides ?? []), ...(why ? [why] : [])]
  if (f.sweep === undefined) warnings.push(...defaultCpuNote(input.host))
  const run = f.sweep !== undefined ? sweepRun(f.sweep, input, profile, opts, {...f, ...out}) : hostRun(input, profile, opts, f.from)
  const {hostWarnings = [], ...shown} = run
  return {...shown, warnings: [...warnings, ...hostWarnings]}
}

/**
 * `predict` alone answered for a 1-CPU host without a word, and `--from` a log that does not say
 * (a syzkaller report) said only "default used": the default is said whenever neither CPU count
 * has an origin (host-flags.ts setFact, from-boot.ts hostFromAnalysis record each).
 */
function defaultCpuNote(host: Host): string[] {
  if (host.origins?.possibleCpus !== undefined || host.origins?.onlineCpus !== undefined) return []
  return [`no CPU count given (--cpus, --possible, --online) nor in a --from log (nr_cpu_ids): predicted for ${host.possibleCpus} CPU${host.possibleCpus === 1 ? '' : 's'}`]
}

/** --sweep and --hosts ask different questions; --plot and --svg draw a sweep. */
export function checkModes(f: Pick<PredictFlags, 'sweep' | 'hosts' | 'plot' | 'svg' | 'cpus' | 'possible' | 'online'>): void {
  if (f.sweep !== undefined && f.hosts !== undefined) throw new UsageError('--sweep and --hosts are different questions: give one')
  // The sweep sets both CPU counts at every point: a CPU flag beside it was silently ignored.
  const cpuFlag = (['cpus', 'possible', 'online'] as const).find((k) => f[k] !== undefined)
  if (f.sweep !== undefined && cpuFlag) throw new UsageError(`--${cpuFlag} ${f[cpuFlag]} with --sweep ${f.sweep}: the sweep sets the CPUs (possible = online) at each point; give one`)
  if ((f.plot || f.svg) && f.sweep === undefined) throw new UsageError('--plot and --svg draw a sweep: add --sweep LO..HI')
}

/** The model options the flags give; --from may still set the legacy size and the recorder. */
function predictOptions(f: PredictFlags): PredictOptions & {tracker: Tracker; seed: number; legacyMax: number} {
  const opts = {tracker: f.tracker as Tracker, seed: f.seed, legacyMax: f['legacy-max'] ?? EARLY_ALLOC_PFN_MAX}
  return f.recorder ? {...opts, recorder: f.recorder as Recorder, recorderReason: 'given with --recorder'} : opts
}

/**
 * One host; with a lab capture's measured counts, each against its interval (a count outside is a
 * warning), unless host flags changed the capture's host (host-override.ts): then shown, not judged.
 */
function hostRun(input: HostInput, profile: Profile, opts: PredictOptions, from: string | undefined): Run {
  const p = predict(input.host, profile, opts)
  const report = predictionReport(p)
  const {measured} = input
  const overridden = (input.overrides?.length ?? 0) > 0
  const checks = measured ? measuredChecks(p, measured, !overridden) : []
  // The log's `alloc_tag was not set` warnings against the predicted pages that would warn: judged as diff judges them.
  const unsetTags = measured && input.analysis ? observedUnsetTags(input.analysis, p) : undefined
  if (measured) {
    const inFit = from === undefined ? undefined : fittedCapture(profile, from)
    report.blocks.push(measuredBlock(p, measured, checks, {...(inFit ? {inFit} : {}), overridden, unsetTags}))
  }
  const graded = worstGrade([predictionGrade(input.host.debug, p), measuredGrade(checks), overridden ? undefined : unsetTagsGrade(unsetTags)])
  if (graded) report.blocks.push(severityBlock(graded))
  // The capture's allocinfo dump, used or not (not for an earlier boot of the log), in --json too.
  const observed = unsetTags ? {unsetTags: overridden ? {...unsetTags, severity: undefined} : unsetTags} : {}
  const measuredJson = measured ? {measured: {...measured, checks, ...observed, ...(overridden ? {differentHost: true} : {})}} : {}
  const result = {...p, ...measuredJson, ...(input.dump ? {allocinfo: input.dump} : {}), ...(graded ? {severity: graded} : {})}
  return {result, report, severities: graded ? [graded.severity] : [], hostWarnings: p.warnings}
}

/** The last block of a prediction or sweep that has a severity: what tripped --fail-on, and why. */
const severityBlock = (g: Graded): Block => ({kind: 'text', lines: wrap([`Severity: ${g.severity}: ${g.why}.`])})

/** --sweep LO..HI: both ends checked here, so an error names what the user typed. */
export function parseSweep(text: string): [number, number] {
  const m = /^(\d+)\.\.(\d+)$/.exec(text)
  const [lo, hi] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN]
  if (!m || lo < 1 || hi < lo) throw new UsageError(`--sweep ${text}: expected LO..HI with 1 ≤ LO ≤ HI, e.g. 1..8192`)
  if (hi > HOST_LIMITS.cpus) throw new UsageError(`--sweep ${text}: HI must be at most ${HOST_LIMITS.cpus} CPUs`)
  return [lo, hi]
}

type SweepFlags = Pick<PredictFlags, 'points' | 'plot' | 'svg'> & PredictOutput

/** A CPU sweep (possible = online), its table and summary, with the plot and the SVG when asked. */
function sweepRun(range: string, input: HostInput, profile: Profile, opts: PredictOptions, f: SweepFlags): Run {
  const {host, nrCpus} = input
  const [lo, hi] = parseSweep(range)
  validateHost({...host, possibleCpus: hi, onlineCpus: hi})
  // The search past the range stops at the kernel's NR_CPUS when the log printed it; pastNrCpus names it in the same words.
  const limit = nrCpus && {cpus: nrCpus.cpus, what: `the kernel's NR_CPUS, ${nrCpus.where}`}
  const s = sweep(host, profile, sweepCpus(lo, hi, f.points), opts, limit)
  const blocks: Block[] = [sweepBlock(s), {kind: 'text', lines: wrap([sweepSummary(s)])}, ...sweepNotesBlock(s)]
  if (f.plot) blocks.unshift(sweepPlotBlock(s, profile.name, {ascii: f.format === 'text', width: f.width}))
  if (f.svg) writeChart(f.svg, sweepSvg(s, profile.name))
  // The host without its CPU counts (the sweep's points have them): was `possibleCpus: 1` in --json.
  const {possibleCpus: _p, onlineCpus: _o, ...shape} = host
  // The recorder the host runs (none without DEBUG), as each point's prediction has it.
  const graded = sweepGrade(host.debug, builtRecorder(host, givenCode(opts)).recorder, s)
  if (graded) blocks.push(severityBlock(graded))
  const hostWarnings = [...s.caveats.filter((c) => c.kind === 'warning').map((c) => caveatLine(c, s.points.length)), ...pastNrCpus(range, [lo, hi], s.points, limit)]
  return {result: {host: {...shape, sweptCpus: [lo, hi]}, profile: profile.name, ...s, ...(graded ? {severity: graded} : {})}, report: {blocks}, severities: graded ? [graded.severity] : [], hostWarnings}
}

/**
 * A --from sweep whose HI is above the NR_CPUS the log printed: that kernel cannot have more possible
 * CPUs (setup_percpu), so the points past it are of a kernel built with a larger NR_CPUS. Said, the
 * numbers left as they are (the model is of the host's shape, whatever NR_CPUS a build sets).
 */
function pastNrCpus(range: string, [lo, hi]: [number, number], points: readonly {cpus: number}[], nr: CpuLimit | undefined): string[] {
  if (!nr || hi <= nr.cpus) return []
  const past = points.filter((p) => p.cpus > nr.cpus).length
  // The CPU counts swept past NR_CPUS: from LO when the whole range is past it.
  const from = Math.max(lo, nr.cpus + 1)
  const cpus = `${span([from, hi])} CPUs`
  const which =
    past === points.length
      ? past === 1 ? `the one swept point (${cpus}) gives` : `all ${past} swept points (${cpus}) give`
      : `the ${byCount(past, 'swept point', 'swept points')} above ${nr.cpus} (${past} of ${points.length}, ${from === hi ? 'at' : 'in'} ${cpus}) ${byCount(past, 'gives', 'give')}`
  return [
    `--sweep ${range} goes past ${nr.cpus} CPUs (${nr.what}): this kernel cannot have more possible CPUs, ` +
      `so ${which} the model's numbers for this host shape with a kernel built with a larger NR_CPUS, not for this kernel`,
  ]
}

function writeChart(path: string, svg: string): void {
  writeUserFile(path, svg, 'the SVG')
  process.stderr.write(`allocscope: wrote ${path}\n`)
}

/**
 * --hosts: the inventory read, predicted and written row by row (src/cli/stream-table.ts): a 10^6-row
 * inventory is never held; hosts of one shape are predicted once. A regular file can be read again:
 * table and text measure their columns in a first pass (the second one predicts from the cache).
 */
function fleetStream(path: string, opts: PredictOptions, profile: string | undefined): StreamRun {
  const file = inputName(path)
  const inventory = new InventoryRows(file)
  const cache = new PredictionCache()
  const seen = new Set<Severity>()
  async function* rows(inv: InventoryRows): AsyncGenerator<StreamRow[]> {
    for await (const hosts of readInventory(path, inv, {onWaiting: waitingNotice(path)})) {
      yield hosts.map((h) => {
        const {row} = predictHostRow(h, {...opts, profile}, cache)
        if (row.severity) seen.add(row.severity)
        return {value: row, cells: fleetCells(row, inv.extraColumns)}
      })
    }
  }
  // A file that cannot be stat'ed is read once: its reader says why.
  const again = path !== '-' && statOf(path)?.isFile() === true ? () => rows(new InventoryRows(file)) : undefined
  return {stream: {key: 'hosts', table: () => fleetTable(inventory.extraColumns), rows: rows(inventory), again}, severities: () => [...seen], warnings: []}
}
