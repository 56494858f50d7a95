// Flags and output conventions shared by every command: --json (one envelope), --format,
// colour (NO_COLOR, --no-color, TTY), --fail-on, and exit status 0 / 1 / 2.
import {Command, Flags, Interfaces} from '@oclif/core'
import {FORMATS, type Format, renderReport} from '../render/format.js'
import type {Report} from '../render/report.js'
import {type CommandRun, gateHit, internalErrorLine, knownError, terminalWidth, useColor, writeOutput} from './output.js'
import {SEVERITIES, type Severity} from '../types.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static baseFlags = {
    json: Flags.boolean({description: 'Print one JSON document {schema, command, result, warnings} on stdout.', default: false}),
    format: Flags.option({
      options: FORMATS,
      char: 'f',
      description: 'Human output: table (terminal), markdown, csv, or text (plain ASCII, < 80 columns, for mail).',
      default: 'table' as Format,
    })(),
    color: Flags.boolean({description: 'Colour in tables (default: on a TTY unless NO_COLOR is set).', allowNo: true}),
    'fail-on': Flags.option({
      options: [...SEVERITIES, 'never'] as const,
      description: 'Exit 1 when a finding or rule at or above this severity fires.',
      default: 'never' as const,
    })(),
  }

  protected flags!: BaseFlags<T>
  protected warnings: string[] = []

  public async init(): Promise<void> {
    await super.init()
    const {flags} = await this.parse({
      flags: this.ctor.flags,
      baseFlags: (this.ctor as typeof BaseCommand).baseFlags,
      args: this.ctor.args,
      strict: this.ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
  }

  /** Colour only when stdout is a TTY, NO_COLOR is unset/empty, and --no-color was not given. */
  protected useColor(): boolean {
    return useColor(this.flags.color)
  }

  protected width(): number {
    return terminalWidth()
  }

  /** Writes the result: JSON envelope or the rendered report. */
  protected emit(result: unknown, report: Report): void {
    writeOutput(this.id ?? 'allocscope', this.flags, result, report, this.warnings, renderReport)
  }

  /** Writes a command run (src/cli/output.ts) and gates on its severities. */
  protected finish(run: CommandRun): void {
    this.warnings.push(...run.warnings)
    this.emit(run.result, run.report)
    this.gate(run.severities)
  }

  /** Exit 1 when any of the given severities reaches --fail-on. */
  protected gate(severities: Severity[]): void {
    if (gateHit(this.flags['fail-on'], severities)) this.exit(1)
  }

  protected async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}; code?: string}): Promise<unknown> {
    // this.exit() throws an ExitError: let oclif handle it.
    if (err.oclif?.exit !== undefined && err.name === 'ExitError') throw err
    const known = knownError(err)
    if (known !== undefined) {
      if (known.line !== undefined) process.stderr.write(known.line)
      if (known.line !== undefined && process.env.DEBUG) process.stderr.write(`${err.stack}\n`)
      this.exit(known.status)
    }
    // oclif's own parse errors (unknown flag, missing arg) already exit 2.
    if (err.oclif?.exit !== undefined) throw err
    process.stderr.write(internalErrorLine(err))
    if (process.env.DEBUG) process.stderr.write(`${err.stack}\n`)
    this.exit(2)
  }
}
