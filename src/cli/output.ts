// What a command run produces and how it is written, without oclif: the result (the --json value),
// the Report, the severities --fail-on gates on and the warnings. Used by BaseCommand (oclif) and by
// the fast path (src/cli/fast.ts), so that both write the same bytes and exit the same way.
// Conventions (README "Output", "Exit status"): width from COLUMNS or the terminal; --block and the
// CSV options; warnings and error messages through the sanitiser; a failed write is one line and
// exit 74; an internal error is exit 70.
import {EXIT, InputError, NotImplementedError, OutputError, UsageError} from '../errors.js'
import {type CsvOptions, blockTitles, oneBlockPerScope} from '../render/csv.js'
import type {Format, RenderOptions} from '../render/format.js'
import {toJson} from '../render/json.js'
import {type Block, type Report, unscopedTitle} from '../render/report.js'
import {wrapLine} from '../render/layout.js'
import {sanitizeLine} from '../render/sanitize.js'
import {SEVERITIES, type Severity} from '../types.js'

/**
 * What a run's exit status is judged on: the severities --fail-on gates on and, for the commands
 * that take --fail-on-error (batch, fleet), how many inputs were error records.
 */
export interface Gated {
  severities: Severity[]
  errors?: number
}

export interface CommandRun extends Gated {
  result: unknown
  report: Report
  warnings: string[]
}

/** The output flags every command takes (BaseCommand.baseFlags). */
export interface OutputFlags {
  json: boolean
  format: string
  color?: boolean
  'fail-on': string
  'fail-on-error'?: boolean
  block?: string
  'csv-units'?: boolean
  'csv-summary'?: string
  'csv-formulas'?: boolean
}

/** Colour only when stdout is a TTY, NO_COLOR is unset/empty, and --no-color was not given. */
export function useColor(flag: boolean | undefined): boolean {
  if (flag !== undefined) return flag
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false
  return Boolean(process.stdout.isTTY)
}

/** COLUMNS (a positive integer) wins, then the terminal; 80 when neither says. Never below 20. */
export function outputWidth(columns: string | undefined, tty: number | undefined): number {
  const env = columns !== undefined && /^\d+$/.test(columns.trim()) ? Number(columns) : undefined
  const w = env && env > 0 ? env : tty && tty > 0 ? tty : 80
  return Math.max(20, w)
}

/** COLUMNS when set (piped too), else the terminal's width, else 80. */
export function terminalWidth(): number {
  return outputWidth(process.env.COLUMNS, process.stdout.isTTY ? process.stdout.columns : undefined)
}

/**
 * Whether the run fails with exit 1: a severity reaches --fail-on, or --fail-on-error was given
 * (batch, fleet) and an input was an error record (one that could not be read or parsed).
 */
export const runFails = (flags: {'fail-on': string; 'fail-on-error'?: boolean}, g: Gated): boolean => gateHit(flags['fail-on'], g.severities) || (flags['fail-on-error'] === true && (g.errors ?? 0) > 0)

/** Whether any of the severities reaches --fail-on (exit 1). */
export function gateHit(threshold: string, severities: readonly Severity[]): boolean {
  if (threshold === 'never') return false
  const min = SEVERITIES.indexOf(threshold as Severity)
  return severities.some((s) => SEVERITIES.indexOf(s) >= min)
}

/**
 * The blocks titled `name` (with the untitled blocks after each, which inherit its title: see
 * blockTitles), else those whose title starts with it: a whole title picks its block even when
 * another title begins with it (fleet's `Kernels` and `Kernels each signature was seen on`). A
 * scoped block (`Boot 0: Findings`) answers to its title without the scope too, so `--block
 * findings` picks every boot's Findings, in order, on a log that caught a reboot as on one boot.
 */
export function pickBlocks(report: Report, name: string): Report {
  const titles = blockTitles(report.blocks)
  const want = name.trim().toLowerCase()
  // A block's own title, or the last title before it; an untitled block before any title is its own ("block N").
  let last: string | undefined
  const owner = report.blocks.map((b, i) => (last = b.title ?? last) ?? titles[i])
  const names = (i: number, t: string) => [t, ...unscoped(report.blocks[i]!, t)].map((x) => x.toLowerCase())
  const exact = owner.some((t, i) => names(i, t).includes(want))
  const blocks = report.blocks.filter((_, i) => (exact ? names(i, owner[i]!).includes(want) : names(i, titles[i]!).some((t) => t.startsWith(want))))
  if (blocks.length === 0) {
    throw new UsageError(`--block ${name}: no such block; expected one of ${[...new Set(titles)].map((t) => `'${t}'`).join(', ')}`)
  }
  return {blocks}
}

/** A scoped block's title without its `<scope>: ` (none for a block of no scope). */
const unscoped = (b: Block, title: string): string[] => [unscopedTitle(b, title)].filter((t) => t !== undefined)

/**
 * The output flags --json leaves no room for, and what each asks of the report (table, markdown,
 * csv, text) it does not write: refuseOutputConflict's words. The --csv-* ones ask for a csv
 * report, so they have no room beside another --format either (CSV_ONLY).
 */
const NOT_WITH_JSON: Record<string, (format: string) => string> = {
  format: (f) => `a ${f} report`,
  block: () => 'one block of a report',
  'csv-units': () => 'human units in a csv report',
  'csv-summary': () => "a csv report's summary rows",
  'csv-formulas': () => "a csv report's formula cells as they are",
}
const CSV_ONLY = ['csv-units', 'csv-summary', 'csv-formulas']

/**
 * The one rule on output flags that contradict each other, for both parse paths (BaseCommand.init,
 * fast.ts runFast), before any input is read: --json writes the whole result as JSON whatever
 * --format, --block or a --csv-* flag says, and --format table, markdown or text (the default
 * table too) no CSV whatever a --csv-* flag says, so such a pair is a usage error (exit 2) naming
 * both, not output that silently ignores one. `given`: the flags on the command line (a default
 * flag is not given; the default format is still the format a --csv-* flag has no use in). oclif's `exclusive` would
 * say it too, but a flag that has it sends its command off the fast path (fast-spec.ts), and its
 * message is not ours.
 */
export function refuseOutputConflict(flags: {json?: boolean; format?: string}, given: readonly string[]): void {
  const format = flags.format ?? 'table'
  if (flags.json === true) {
    const flag = Object.keys(NOT_WITH_JSON).find((f) => given.includes(f))
    const named = flag === 'format' ? `--format ${format}` : `--${flag}`
    if (flag !== undefined) throw conflict({named: '--json', writes: 'JSON'}, named, NOT_WITH_JSON[flag]!(format), 'give one of them')
    return
  }
  const csv = format === 'csv' ? undefined : CSV_ONLY.find((f) => given.includes(f))
  if (csv === undefined) return
  const chosen = given.includes('format')
  const first = {named: `--format ${format}`, writes: `a ${format} report`, ...(chosen ? {} : {note: ' (the default)'})}
  throw conflict(first, `--${csv}`, NOT_WITH_JSON[csv]!(format), chosen ? 'give one of them' : 'give --format csv with it')
}

/** '--json and --block conflict: --json writes JSON, --block one block of a report; give one of them' */
function conflict(first: {named: string; writes: string; note?: string}, other: string, asks: string, remedy: string): UsageError {
  return new UsageError(`${first.named}${first.note ?? ''} and ${other} conflict: ${first.named} writes ${first.writes}, ${other} ${asks}; ${remedy}`)
}

/** On a terminal, `-` would wait silently for typing: say so. */
export function noteStdin(input: string | undefined, what: string): void {
  if (input === '-' && process.stdin.isTTY) process.stderr.write(`allocscope: reading ${what} from stdin (end with Ctrl-D)\n`)
}

/** A failed write to stdout: EPIPE ends quietly (exit 0), anything else is one line and exit 74. */
export function outputFailed(err: Error & {code?: string}): never {
  if (err.code === 'EPIPE') process.exit(EXIT.ok)
  const what = /^[A-Z]+: ([^,]+)/.exec(err.message)?.[1] ?? err.message
  process.stderr.write(`allocscope: writing output: ${sanitizeLine(what)}\n`)
  process.exit(EXIT.output)
}

/**
 * Writes to stdout; a write error is handled in the write's callback (one line, exit 74), before any
 * exit status can be set. Resolves when stdout took the text, or after one turn of the event loop
 * (a file's or /dev/full's error arrives on the next tick; a test's stdout mock may never call back).
 */
export function writeStdout(text: string): Promise<void> {
  const taken = new Promise<void>((resolve) => {
    process.stdout.write(text, (err) => {
      if (err) outputFailed(err)
      resolve()
    })
  })
  return Promise.race([taken, new Promise<void>((resolve) => setImmediate(resolve))])
}

type Render = (typeof import('../render/format.js'))['renderReport']

/** The CSV options the flags ask for; `titles`: a `# title` line before each table. */
export function csvOptionsOf(flags: OutputFlags, titles: boolean): CsvOptions {
  return {units: flags['csv-units'], formulas: flags['csv-formulas'], summary: flags['csv-summary'] as 'mark' | 'omit' | undefined, titles}
}

/**
 * The JSON envelope, or the report in the chosen format and the warnings on stderr. Not async
 * itself: a --block naming no block throws here, in the command's run, as one usage line (exit 2);
 * from the promise it surfaced after the run, as oclif's multi-line error with exit 1 (fleet).
 */
export function writeOutput(id: string, flags: OutputFlags, result: unknown, report: Report, warnings: readonly string[], render: Render): Promise<void> {
  if (flags.json) return writeStdout(toJson(id, result, [...warnings]))
  const picked = flags.block === undefined ? report : pickBlocks(report, flags.block)
  return writeReport(picked, flags, warnings, render)
}

async function writeReport(picked: Report, flags: OutputFlags, warnings: readonly string[], render: Render): Promise<void> {
  // A `# title` line before each table unless --block picked one (or the same block of each boot: one table, csv.ts).
  const csv = csvOptionsOf(flags, flags.block === undefined || (picked.blocks.filter((b) => b.kind !== 'text').length > 1 && !oneBlockPerScope(picked.blocks)))
  const written = writeStdout(render(picked, flags.format as Format, {...(await colorOptions(flags)), width: terminalWidth(), csv}))
  writeWarnings(warnings)
  return written
}

/**
 * A warning as stderr gets it: wrapped to `width` (continuations indented) when given, else one
 * line (stderr piped or in a file: scripts grep whole lines).
 */
export function warningText(w: string, width?: number): string {
  const line = `allocscope: warning: ${sanitizeLine(w)}`
  return (width === undefined ? [line] : wrapLine(line, width, '    ')).join('\n') + '\n'
}

/** The warnings on stderr, wrapped to the terminal when stderr is one (COLUMNS, then its width). */
export function writeWarnings(warnings: readonly string[]): void {
  const width = process.stderr.isTTY ? outputWidth(process.env.COLUMNS, process.stderr.columns) : undefined
  for (const w of warnings) process.stderr.write(warningText(w, width))
}

/** The painter when colour is on (flags and terminal) for a table, loaded only then; else none. */
export async function colorOptions(flags: OutputFlags): Promise<Pick<RenderOptions, 'chalk'>> {
  if (!useColor(flags.color) || flags.format !== 'table') return {}
  return {chalk: await (await import('../render/format.js')).loadChalk()}
}

/** Writes a run as BaseCommand does; the renderers (chalk, csv) are loaded only for human formats. Returns the exit status. */
export async function writeRun(id: string, flags: OutputFlags, run: CommandRun): Promise<number> {
  const render: Render = flags.json ? () => '' : (await import('../render/format.js')).renderReport
  await writeOutput(id, flags, run.result, run.report, run.warnings, render)
  return runFails(flags, run) ? EXIT.finding : EXIT.ok
}

/** An error the user can act on (exit 2, one line), an output file that cannot be written (exit 74, one line), a closed pipe (exit 0), or undefined for anything else. */
export function knownError(err: Error & {code?: string}): {status: number; line?: string} | undefined {
  if (err instanceof InputError || err instanceof UsageError || err instanceof NotImplementedError) return {status: EXIT.usage, line: `allocscope: ${sanitizeLine(err.message)}\n`}
  if (err instanceof OutputError) return {status: EXIT.output, line: `allocscope: ${sanitizeLine(err.message)}\n`}
  if (err.code === 'EPIPE') return {status: EXIT.ok}
  return undefined
}

/** An internal error (exit 70): what happened, that it is a bug to report, and how to see the stack. */
export function internalErrorLine(err: Error): string {
  return `allocscope: internal error: ${sanitizeLine(err.message)} (a bug in allocscope: please report it with the command line${process.env.DEBUG ? '' : '; DEBUG=1 shows the stack'})\n`
}
