// The `analyse` command's work, without oclif: a boot log or capture directory (and an allocinfo)
// → one boot's result or every boot's → Report, the warnings about the input, and the severities
// --fail-on gates on (each boot's: allocinfo/report.ts bootSeverities). src/commands/analyse.ts parses the flags and emits.
import type {CommandRun} from '../cli/output.js'
import {InputError} from '../errors.js'
import {readAllocInfo, readerWarnings, refuseCutGzip} from '../readers/allocinfo.js'
import {resolveCapture} from '../readers/dir.js'
import type {BootAnalysis, BootLogFormat, Recorder} from '../types.js'
import type {DumpUse} from '../model/from-boot.js'
import {bootSeverities, worstSeverity} from '../allocinfo/report.js'
import {summariseAllocInfo} from './allocinfo-summary.js'
import {dumpIsOf, trackingSiteOf, withDumpDebug} from './built-recorder.js'
import type {BootsResult} from './boots.js'
import {type AnalyseOptions, analyseBootLogBoots, conflictWarnings, counterWarnings, inputWarnings} from './read.js'
import {type AnalyseResult, type BootsAnalyseResult, buildAnalyseReport, buildBootsReport} from './report.js'

export interface AnalyseFlags {
  allocinfo?: string
  traces: boolean
  'input-format'?: string
  boot?: number
  recorder?: string
  bytes: boolean
  'accept-truncated': boolean
}

/** The terminal's part: a progress callback, and the notice for an input that gives nothing (per path). */
export interface AnalyseHooks {
  onProgress?: AnalyseOptions['onProgress']
  waitingNotice?: (path: string) => (() => void) | undefined
}

export async function runAnalyse(input: string, f: AnalyseFlags, hooks: AnalyseHooks = {}): Promise<CommandRun> {
  const cap = resolveCapture(input)
  if (!cap.bootLog) throw new InputError(`${input}: no boot log in this capture directory (dmesg.txt, console.log, ...); expected a capture with a boot log`, input)
  const logged = await analyseBootLogBoots(
    cap.bootLog,
    {
      format: f['input-format'] as BootLogFormat | undefined,
      recorder: f.recorder as Recorder | undefined,
      onProgress: hooks.onProgress,
      acceptTruncated: f['accept-truncated'],
      onWaiting: hooks.waitingNotice?.(cap.bootLog),
      split: true,
    },
    f.boot ?? 'all',
  )
  const unused = await unusedDump(cap.allocinfo, f.allocinfo, logged.boots)
  const allocPath = unused ? undefined : (f.allocinfo ?? cap.allocinfo)
  const dump = allocPath ? await readDump(allocPath, f['accept-truncated'], hooks) : undefined
  // The dump's tracking site states DEBUG for the boot it was read after (predict --from's and batch's rule).
  const site = dump && trackingSiteOf(dump)
  const res = {...logged, boots: logged.boots.map((b) => withDumpDebug(b, site))}
  const allocinfo = dump ? summariseAllocInfo(dump) : undefined
  const warnings = [...inputWarnings(res.boots[0]!), ...res.boots.flatMap(counterWarnings), ...res.boots.flatMap(conflictWarnings)]
  if (res.boots.every((b) => b.records === 0)) warnings.push(`${cap.bootLog}: no kernel log records found`)
  if (dump) warnings.push(...readerWarnings(dump))
  if (unused) warnings.push(`${unused.path}: not used: ${unused.reason}`)
  return {...analyseOutput(res, {allocinfo, unused}, {traces: f.traces, bytes: f.bytes}), warnings}
}

/**
 * A capture directory's dump, when it goes with none of the boots analysed: it was read after the
 * log's last boot, so an earlier one (--boot -1) is another kernel run's (dumpIsOf, the rule of
 * predict --from, diff and batch). Not read, and said why; a dump named by --allocinfo is used.
 */
async function unusedDump(capDump: string | undefined, named: string | undefined, boots: BootAnalysis[]): Promise<DumpUse | undefined> {
  if (capDump === undefined || named !== undefined || boots.some(dumpIsOf)) return undefined
  const {dumpUse} = await import('../model/from-boot.js')
  return dumpUse(boots[0]!, capDump, 'it is not summarised and its anomalies are not gated on')
}

/** The dump beside the log: a gzip cut short is refused as the log is, unless --accept-truncated. */
async function readDump(path: string, accept: boolean, hooks: AnalyseHooks) {
  const info = await readAllocInfo(path, undefined, {onWaiting: hooks.waitingNotice?.(path)})
  refuseCutGzip(info, accept)
  return info
}

/**
 * One boot (the log's only one, or the one --boot named): the single-boot result, as always; else
 * every boot's, the dump's summary under the last boot's (boots[].allocinfo) and, for readers of
 * before, also at the top as allocinfo with allocinfoBoot naming that boot.
 */
function analyseOutput(res: BootsResult, {allocinfo, unused}: {allocinfo?: AnalyseResult['allocinfo']; unused?: DumpUse}, opts: {traces: boolean; bytes: boolean}): Pick<CommandRun, 'result' | 'report' | 'severities'> {
  if (res.boots.length === 1) {
    const result: AnalyseResult = res.boots[0]!
    if (allocinfo) result.allocinfo = allocinfo
    if (unused) result.dump = unused
    return {result, report: buildAnalyseReport(result, opts), severities: bootSeverities(result)}
  }
  // The dump goes with the log's last boot (dumpIsOf): its summary is that boot's, where one boot's
  // result has it. Each boot says the worst of what --fail-on gates on in it (the Boots table's column).
  const boots = res.boots.map((b): AnalyseResult => withSeverity(allocinfo && dumpIsOf(b) ? {...b, allocinfo} : b))
  const last = boots.find((b) => b.allocinfo)
  const compat = last ? {allocinfo: last.allocinfo, allocinfoBoot: last.boot?.offset ?? 0} : {}
  const result: BootsAnalyseResult = {source: res.boots[0]!.source, count: res.count, omitted: res.omitted, boots, ...compat}
  return {result, report: buildBootsReport(result, opts), severities: boots.flatMap(bootSeverities)}
}

/** A boot of several with `severity`, the worst of what --fail-on gates on in it (absent when nothing is). */
function withSeverity(b: AnalyseResult): AnalyseResult {
  const severity = worstSeverity(bootSeverities(b))
  return severity ? {...b, severity} : b
}
