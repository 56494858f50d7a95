// The `capture` command's work, without oclif: checked flags (request.ts) → one QEMU boot
// (run.ts) → for a series, its recording (series.ts) → result and Report. The command emits it,
// then fails on an incomplete boot (exit 2) or runs --then on the fresh capture.
import type {CommandRun} from '../cli/output.js'
import {plural} from '../render/units.js'
import {captureReport} from './report.js'
import {type CaptureFlags, captureRequest} from './request.js'
import {failureMessage, runCapture, sha256} from './run.js'
import {finishSeries, seriesExtraEntries, seriesInitScript} from './series.js'

/** What only the caller knows: the tool's version and argv (meta.json made_by), which commands exist, and whether to talk. */
export interface CaptureEnv {
  version: string
  argv: string[]
  hasCommand: (id: string) => boolean
  /** --json: no boot notice on stderr. */
  quiet: boolean
}

export interface CaptureRun {
  run: CommandRun
  dir: string
  /** Why the capture is incomplete (the command exits 2 once it has written the result). */
  failure?: string
}

export async function runCaptureCommand(f: CaptureFlags, env: CaptureEnv): Promise<CaptureRun> {
  const req = captureRequest(f, env.hasCommand)
  const series = req.series
  const result = await runCapture({
    ...req.options,
    customInit: series ? {script: seriesInitScript(series), extra: seriesExtraEntries(req.module), mode: `series-${series.kind}`} : undefined,
    onBoot: (accel, reason) => {
      if (!env.quiet) process.stderr.write(`allocscope: booting ${f.kernel} with ${plural(f.cpus, 'CPU')} under ${accel.toUpperCase()} (${reason}), timeout ${f.timeout} s …\n`)
    },
    madeBy: {tool: 'allocscope capture', version: env.version, argv: env.argv, ...(f.provenance ? {provenance: f.provenance} : {})},
  })
  const failure = failureMessage(result)
  const made = series && !failure ? finishSeries(result.dir, {...series, moduleSha256: req.module && sha256(req.module), provenance: f.provenance ?? '', tool: `allocscope capture ${env.version}`}) : undefined
  const run: CommandRun = {result: made ? {...result.meta, series: made} : result.meta, report: captureReport(result, made), severities: [], warnings: []}
  return {run, dir: result.dir, ...(failure ? {failure} : {})}
}
