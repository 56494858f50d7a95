// The one-line form of oclif's parse errors (which would print the whole usage); the other error
// lines are in output.ts, shared with the fast path.
import type {Command} from '@oclif/core'
import {EXIT} from '../errors.js'
import {ownGet} from '../own.js'
import {sanitizeLine} from '../render/sanitize.js'
import {closest} from './suggest.js'

interface FlagShape {
  char?: string
  type?: string
  allowNo?: boolean
}

interface CommandShape {
  flags?: Record<string, FlagShape>
  baseFlags?: Record<string, FlagShape>
}

type ParseError = Error & {oclif?: {exit?: number}; parse?: unknown; flags?: string[]; args?: Array<{name?: string; description?: string}>}

/** `allocscope: unknown flag --x[; did you mean --y?] (see …)`: a word naming no flag of the command. */
function unknownFlagLine(bin: string, bad: string, names: string[], see: string): string {
  const guess = closest(bad.replace(/^--?/, '').replace(/=.*$/, ''), names)
  return `${bin}: unknown flag ${sanitizeLine(bad)}${guess ? `; did you mean --${guess}?` : ''} ${see}`
}

/**
 * `allocscope: <what was wrong>[; did you mean --x?] (see allocscope <cmd> --help)`, for an oclif
 * parse or validation error; undefined for anything else. The same `allocscope:` head as every other
 * error line (output.ts): the command is named in the hint (was `allocscope predict: …` here,
 * `allocscope: …` for a bad value the command itself refused).
 */
function usageErrorLine(err: ParseError, cmd: CommandShape, bin: string, id: string, sampled: boolean, see: string): string | undefined {
  if (err.oclif?.exit === undefined || !('parse' in err || /flag|argument|arg\b|Expected/i.test(err.message))) return undefined
  // oclif's message spans lines ("Parsing --cpus\n\tExpected an integer ...\nSee more help"): one
  // line, headed by the flag as every other flag's message is (`--cpus: Expected an integer ...`).
  // Its flag validation errors are headed "The following error occurred:" and dimmed on a colour
  // terminal (or FORCE_COLOR): the reason alone, without the SGR codes (which sanitizeLine would
  // otherwise show as `\x1b[2m`).
  const plain = err.message.replace(/\x1b\[[0-9;]*m/g, '').replace(/^The following errors? occurred:\s*/, '')
  const lines = plain.split('\n').filter((l) => l.trim() && !/^See more help/.test(l))
  const first = sanitizeLine(lines.map((l) => l.trim()).join(': ').replace(/^Error:\s*/, '').replace(/:\s*:/g, ':').replace(/^Parsing (--[\w-]+):/, '$1:'))
  const names = Object.keys({...cmd.baseFlags, ...cmd.flags})
  if (Array.isArray(err.flags) && err.flags.length) return unknownFlagLine(bin, err.flags[0], names, see)
  if (/^Missing \d+ required arg/.test(first)) {
    const missing = (err.args ?? []).map((a) => `${(a.name ?? 'argument').toUpperCase()}${a.description ? ` (${a.description})` : ''}`)
    return `${bin}: missing ${missing.length ? missing.join(', ') : 'argument'} ${see}`
  }
  // --sample stands for the input (samples.ts): a path named besides it is one input too many.
  const both = sampled && /^Unexpected argument/.test(first) ? `; --sample already names an input of ${id}: a path besides it is one too many` : ''
  return `${bin}: ${first.replace(/\s+/g, ' ')}${both} ${see}`
}

/**
 * For an oclif parse error, its one line on stderr and exit 2; returns for anything else. Every
 * command's catch() takes this branch: BaseCommand's, and version's (it has none of BaseCommand's
 * flags). `shape` is the command's class (Command.ctor is protected); `sampled`: --sample was
 * given (it is resolved into the arguments before parsing, base.ts); `see`: the pointer at the end,
 * the command's --help unless the command knows better (help's --help is the root help).
 */
export function exitOnUsageError(cmd: Command, shape: CommandShape, err: ParseError, sampled = false, see = `(see ${cmd.config.bin} ${cmd.id ?? ''} --help)`): void {
  const usage = usageErrorLine(err, shape, cmd.config.bin, cmd.id ?? '', sampled, see)
  if (usage === undefined) return
  process.stderr.write(`${usage}\n`)
  cmd.exit(EXIT.usage)
}

/**
 * The first boolean flag of argv given a value (`--json=true`, `--no-color=1`), as written; undefined
 * when there is none. A word after a flag that takes a value is that value (oclif reads it so,
 * `--module --json=1` is a module), and words after `--` are arguments.
 */
export function booleanGivenValue(argv: readonly string[], flags: Record<string, FlagShape>): string | undefined {
  for (const w of flagWords(argv, flags)) {
    const m = /^--(no-)?([^=]+)=/.exec(w)
    const f = m ? ownGet(flags, m[2]!) : undefined
    if (m && f?.type === 'boolean' && (!m[1] || f.allowNo)) return `--${m[1] ?? ''}${m[2]}`
  }
  return undefined
}

/** The words of argv that oclif reads as flags: not a flag's value, nor after `--`. Flags are own keys only (src/own.ts). */
function* flagWords(argv: readonly string[], flags: Record<string, FlagShape>): Generator<string> {
  const takesValue = (w: string) => {
    const long = /^--([^=]+)$/.exec(w)?.[1]
    const f = long !== undefined ? ownGet(flags, long) : /^-[^-]$/.test(w) ? Object.values(flags).find((x) => x.char === w[1]) : undefined
    return f !== undefined && f.type !== 'boolean'
  }
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!
    if (w === '--') return
    if (w.startsWith('-')) yield w
    if (takesValue(w)) i++
  }
}

/**
 * The first word naming a flag the command does not have but Object.prototype does (`--constructor`,
 * `--toString=1`): oclif looks a flag up in a plain object, so it took `--toString` for a flag (and
 * ran without a word), and said "Unexpected flag Object" for `--constructor`.
 */
export function inheritedFlagWord(argv: readonly string[], flags: Record<string, FlagShape>): string | undefined {
  for (const w of flagWords(argv, flags)) {
    const name = /^--([^=]+)/.exec(w)?.[1]
    if (name !== undefined && name in Object.prototype && !Object.hasOwn(flags, name)) return w
  }
  return undefined
}

/**
 * A flag named after an Object.prototype member (inheritedFlagWord), as an unknown flag; a boolean flag
 * given a value: one line saying so and exit 2, before oclif parses argv. oclif blamed
 * another word: `analyse DIR --json=true` was "Unexpected argument: DIR" (or, with --sample, that
 * --sample names an input already), `trend REC --json=1` "1: no such file or directory". Both
 * parse paths come here (the fast path leaves such a word to oclif).
 */
export function exitOnBooleanValue(cmd: Command, shape: CommandShape, argv: readonly string[], see = `(see ${cmd.config.bin} ${cmd.id ?? ''} --help)`): void {
  const flags = {...shape.baseFlags, ...shape.flags}
  const inherited = inheritedFlagWord(argv, flags)
  if (inherited !== undefined) {
    process.stderr.write(`${unknownFlagLine(cmd.config.bin, inherited, Object.keys(flags), see)}\n`)
    return cmd.exit(EXIT.usage)
  }
  const given = booleanGivenValue(argv, flags)
  if (given === undefined) return
  const name = given.replace(/^--(no-)?/, '')
  const write = flags[name]!.allowNo ? `--${name} or --no-${name}` : `--${name} alone (or leave it out)`
  process.stderr.write(`${cmd.config.bin}: ${given} takes no value: write ${write} ${see}\n`)
  cmd.exit(EXIT.usage)
}
