// Flags and output conventions shared by every command: --json (one envelope), --format and the
// CSV options, --block, colour (NO_COLOR, --no-color, TTY), width (COLUMNS, the terminal), --fail-on,
// bundled samples by path or --sample, and the exit statuses of errors.EXIT. The writing itself is
// in output.ts, shared with the fast path.
import {Command, Flags, Interfaces} from '@oclif/core'
import {EXIT} from '../errors.js'
import {FORMATS, type Format, renderReport} from '../render/format.js'
import type {Report} from '../render/report.js'
import {SEVERITIES, type Severity} from '../types.js'
import {exitOnBooleanValue, exitOnUsageError} from './errors.js'
import {type CommandRun, type Gated, internalErrorLine, knownError, noteStdin, refuseOutputConflict, terminalWidth, runFails, useColor, writeOutput} from './output.js'
import {isSampleFlag, resolveSampleArgs, sampleHelp} from './samples.js'
import {type StreamRun, writeTableStream} from './stream-table.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>

const OUTPUT = 'OUTPUT'

/** The flags of a command that renders a report (table, markdown, csv, text, --json). */
const OUTPUT_FLAGS = {
  json: Flags.boolean({description: 'Print one JSON document {schema, command, result, warnings} on stdout.', default: false, helpGroup: OUTPUT}),
  format: Flags.option({
    options: FORMATS,
    char: 'f',
    description: 'Human output: table (terminal), markdown, csv, or text (plain ASCII, < 80 columns, for mail).',
    default: 'table' as Format,
    helpGroup: OUTPUT,
  })(),
  color: Flags.boolean({description: 'Colour in tables (default: on a TTY unless NO_COLOR is set).', allowNo: true, helpGroup: OUTPUT}),
  block: Flags.string({description: 'Print only the block(s) whose title starts with this (case-insensitive); with --format csv, one plain CSV table, no title line (the block of each boot: one table, the boot in a leading boot column; blocks of several titles: each after its # title line).', helpGroup: OUTPUT}),
  'csv-units': Flags.boolean({description: 'CSV: human units (19.6 MiB) instead of raw numbers.', default: false, helpGroup: OUTPUT}),
  'csv-summary': Flags.option({options: ['mark', 'omit'] as const, description: 'CSV: summary rows ([N others], Total) marked in a summary column, or left out.', default: 'mark' as const, helpGroup: OUTPUT})(),
  'csv-formulas': Flags.boolean({description: "CSV: write cells starting with = + - @ as they are (default: prefixed with ' so a spreadsheet does not run them).", default: false, helpGroup: OUTPUT}),
}

/** The flags every command takes, whatever it writes (batch writes NDJSON records, no report). */
export const RUN_FLAGS = {
  // Read (and removed) from argv by resolveSampleArgs before parsing: declared for the help.
  sample: Flags.string({description: sampleHelp('')}),
  'fail-on': Flags.option({
    options: [...SEVERITIES, 'never'] as const,
    description: 'Exit 1 when a finding or rule at or above this severity fires (never: do not gate).',
    default: 'never' as const,
  })(),
}

/**
 * The base flags of command `id` when --sample means something else there, or nothing
 * (samples.ts sampleUse): described as the command takes it, or left out of its help. The cast:
 * TypeScript wants a subclass's static to carry the base's flags; the sample is read from argv.
 */
export function baseFlagsFor(id: string): typeof BaseCommand.baseFlags {
  const {sample: _, ...rest} = BaseCommand.baseFlags
  const help = sampleHelp(id)
  return (help === undefined ? rest : {...rest, sample: Flags.string({description: help})}) as typeof BaseCommand.baseFlags
}

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static baseFlags = {...OUTPUT_FLAGS, ...RUN_FLAGS}

  protected flags!: BaseFlags<T>
  protected warnings: string[] = []
  /** The flags given on the command line (a default oclif filled in is not): predict --from overrides only those. */
  protected given: string[] = []
  /** Set by gate(): the status to exit with once the output is written. */
  private findingStatus: number | undefined
  /** Resolves when stdout has taken the output (a write error exits 74 before that). */
  private written: Promise<void> = Promise.resolve()
  /** Whether --sample was given: a parse error about an extra argument then says why (errors.ts). */
  private sampled = false

  public async init(): Promise<void> {
    await super.init()
    // Bundled samples: `samples/...` not in the current directory and `--sample NAME` are the
    // package's own, so every help example runs from any directory after a global install.
    this.sampled = this.argv.some(isSampleFlag)
    exitOnBooleanValue(this, this.ctor, this.argv)
    this.argv = resolveSampleArgs(this.argv, this.config.root, this.id ?? '')
    const {flags, metadata} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (this.ctor as typeof BaseCommand).baseFlags,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    this.given = Object.keys(flags).filter((k) => !metadata.flags[k]?.setFromDefault)
    refuseOutputConflict(this.flags, this.given)
  }

  /** Colour only when stdout is a TTY, NO_COLOR is unset/empty, and --no-color was not given. */
  protected useColor(): boolean {
    return useColor(this.flags.color)
  }

  /** COLUMNS when set (piped too), else the terminal's width, else 80. */
  protected width(): number {
    return terminalWidth()
  }

  /** On a terminal, `-` would wait silently for typing: say so. */
  protected noteStdin(input: string | undefined, what: string): void {
    noteStdin(input, what)
  }

  /** Writes the result: JSON envelope or the rendered report. */
  protected emit(result: unknown, report: Report): void {
    this.written = writeOutput(this.id ?? 'allocscope', this.flags, result, report, this.warnings, renderReport)
  }

  /** Writes a streamed run (src/cli/stream-table.ts: a table too long to hold) and gates on its rows' severities. */
  protected async finishStream(run: StreamRun): Promise<void> {
    this.warnings.push(...run.warnings)
    await writeTableStream(this.flags, {...run.stream, command: this.id ?? 'allocscope'}, this.warnings)
    this.gate({severities: run.severities()})
  }

  /** Writes a command run (src/cli/output.ts) and gates on its severities. */
  protected finish(run: CommandRun): void {
    this.warnings.push(...run.warnings)
    this.emit(run.result, run.report)
    this.gate(run)
  }

  /** Exit 1 (once the output is written: a full disk is exit 74, not a finding) when --fail-on is reached, or --fail-on-error (batch, fleet) and an input was an error record. */
  protected gate(g: Gated): void {
    if (runFails(this.flags as {'fail-on': string; 'fail-on-error'?: boolean}, g)) this.findingStatus = EXIT.finding
  }

  protected async finally(err: Error | undefined): Promise<unknown> {
    const r = await super.finally(err)
    await this.written
    if (!err && this.findingStatus !== undefined) this.exit(this.findingStatus)
    return r
  }

  protected async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}; code?: string}): Promise<unknown> {
    // this.exit() throws an ExitError: let oclif handle it.
    if (err.oclif?.exit !== undefined && (err.name === 'ExitError' || err.code === 'EEXIT')) throw err
    const known = knownError(err)
    if (known !== undefined) {
      if (known.line !== undefined) process.stderr.write(known.line)
      if (known.line !== undefined && process.env.DEBUG) process.stderr.write(`${err.stack}\n`)
      this.exit(known.status)
    }
    // oclif's own parse errors (unknown flag, missing argument, bad value): one line, exit 2.
    exitOnUsageError(this, this.ctor, err, this.sampled)
    // Other oclif errors carry their own status (this.error() with an exit code).
    if (err.oclif?.exit !== undefined && err.oclif.exit !== EXIT.usage) throw err
    process.stderr.write(internalErrorLine(err))
    if (process.env.DEBUG) process.stderr.write(`${err.stack}\n`)
    this.exit(EXIT.internal)
  }
}
