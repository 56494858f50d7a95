// Flags and output conventions shared by every command: --json (one envelope), --format,
// colour (NO_COLOR, --no-color, TTY), --fail-on, and exit status 0 / 1 / 2.
import {Command, Flags, Interfaces} from '@oclif/core'
import {InputError, NotImplementedError, UsageError} from '../errors.js'
import {FORMATS, type Format, renderReport} from '../render/format.js'
import {toJson} from '../render/json.js'
import type {Report} from '../render/report.js'
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
    if (this.flags.color !== undefined) return this.flags.color
    if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return false
    return Boolean(process.stdout.isTTY)
  }

  protected width(): number {
    return process.stdout.columns && process.stdout.columns > 40 ? process.stdout.columns : 120
  }

  /** Writes the result: JSON envelope or the rendered report. */
  protected emit(result: unknown, report: Report): void {
    if (this.flags.json) {
      process.stdout.write(toJson(this.id ?? 'allocscope', result, this.warnings))
      return
    }
    process.stdout.write(renderReport(report, this.flags.format as Format, {color: this.useColor(), width: this.width()}))
    for (const w of this.warnings) process.stderr.write(`allocscope: warning: ${w}\n`)
  }

  /** Exit 1 when any of the given severities reaches --fail-on. */
  protected gate(severities: Severity[]): void {
    const threshold = this.flags['fail-on']
    if (threshold === 'never') return
    const min = SEVERITIES.indexOf(threshold as Severity)
    if (severities.some((s) => SEVERITIES.indexOf(s) >= min)) this.exit(1)
  }

  protected async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}; code?: string}): Promise<unknown> {
    // this.exit() throws an ExitError: let oclif handle it.
    if (err.oclif?.exit !== undefined && err.name === 'ExitError') throw err
    if (err instanceof InputError || err instanceof UsageError || err instanceof NotImplementedError) {
      process.stderr.write(`allocscope: ${err.message}\n`)
      if (process.env.DEBUG) process.stderr.write(`${err.stack}\n`)
      this.exit(2)
    }
    if (err.code === 'EPIPE') this.exit(0)
    // oclif's own parse errors (unknown flag, missing arg) already exit 2.
    if (err.oclif?.exit !== undefined) throw err
    process.stderr.write(`allocscope: internal error: ${err.message}${process.env.DEBUG ? '' : ' (set DEBUG=1 for the stack)'}\n`)
    if (process.env.DEBUG) process.stderr.write(`${err.stack}\n`)
    this.exit(2)
  }
}
