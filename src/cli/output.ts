// What a command run produces and how it is written, without oclif: the result (the --json value),
// the Report, the severities --fail-on gates on and the warnings. Used by BaseCommand (oclif) and by
// the fast path (src/cli/fast.ts), so that both write the same bytes and exit the same way.
import {InputError, NotImplementedError, UsageError} from '../errors.js'
import type {Format} from '../render/format.js'
import {toJson} from '../render/json.js'
import type {Report} from '../render/report.js'
import {SEVERITIES, type Severity} from '../types.js'

export interface CommandRun {
  result: unknown
  report: Report
  severities: Severity[]
  warnings: string[]
}

/** The output flags every command takes (BaseCommand.baseFlags). */
export interface OutputFlags {
  json: boolean
  format: string
  color?: boolean
  'fail-on': string
}

/** Colour only when stdout is a TTY, NO_COLOR is unset/empty, and --no-color was not given. */
export function useColor(flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false
  return Boolean(process.stdout.isTTY)
}

export function terminalWidth(): number {
  return process.stdout.columns && process.stdout.columns > 40 ? process.stdout.columns : 120
}

/** Whether any of the severities reaches --fail-on (exit 1). */
export function gateHit(threshold: string, severities: readonly Severity[]): boolean {
  if (threshold === 'never') return false
  const min = SEVERITIES.indexOf(threshold as Severity)
  return severities.some((s) => SEVERITIES.indexOf(s) >= min)
}

type Render = (typeof import('../render/format.js'))['renderReport']

/** The JSON envelope, or the report in the chosen format and the warnings on stderr. */
export function writeOutput(id: string, flags: OutputFlags, result: unknown, report: Report, warnings: readonly string[], render: Render): void {
  if (flags.json) {
    process.stdout.write(toJson(id, result, [...warnings]))
    return
  }
  process.stdout.write(render(report, flags.format as Format, {color: useColor(flags.color), width: terminalWidth()}))
  for (const w of warnings) process.stderr.write(`allocscope: warning: ${w}\n`)
}

/** Writes a run as BaseCommand does; the renderers (cli-table3, chalk, csv) are loaded only for human formats. Returns the exit status. */
export async function writeRun(id: string, flags: OutputFlags, run: CommandRun): Promise<number> {
  const render: Render = flags.json ? () => '' : (await import('../render/format.js')).renderReport
  writeOutput(id, flags, run.result, run.report, run.warnings, render)
  return gateHit(flags['fail-on'], run.severities) ? 1 : 0
}

/** An error the user can act on (exit 2, one line), a closed pipe (exit 0), or undefined for anything else. */
export function knownError(err: Error & {code?: string}): {status: number; line?: string} | undefined {
  if (err instanceof InputError || err instanceof UsageError || err instanceof NotImplementedError) return {status: 2, line: `allocscope: ${err.message}\n`}
  if (err.code === 'EPIPE') return {status: 0}
  return undefined
}

export function internalErrorLine(err: Error): string {
  return `allocscope: internal error: ${err.message}${process.env.DEBUG ? '' : ' (set DEBUG=1 for the stack)'}\n`
}
