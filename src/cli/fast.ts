// The fast path (issue 17): a command whose work does not need oclif runs without loading it.
// oclif costs ~2-3x a bare `node -e 0` to load before any work (its parser alone pulls in 70
// modules); the flags are read here against a spec the build writes from the commands' own oclif
// definitions (dist/cli/fast-spec.json, by fast-spec.ts), so each flag is still defined once.
// Anything this parser does not accept plainly (help, unknown or repeated flags, a value out of
// range, a missing argument) falls back to oclif, which gives its own messages.
import {readFileSync} from 'node:fs'
import type {CommandRun, Gated, OutputFlags} from './output.js'

/** errors.EXIT's ok, finding and internal, without importing errors.ts on the fast path's start-up. */
const EXIT_OK = 0
const EXIT_FINDING = 1
const EXIT_INTERNAL = 70

export interface FlagSpec {
  type: 'boolean' | 'integer' | 'option' | 'string'
  char?: string
  default?: unknown
  options?: string[]
  min?: number
  max?: number
  allowNo?: boolean
  /** A string flag whose empty value oclif refuses (a path flag, flags.ts pathOf): left to oclif. */
  nonEmpty?: boolean
  /** oclif's dependsOn: given without these flags, oclif runs the command (and says that it needs them). */
  dependsOn?: string[]
}

export interface CommandSpec {
  args: {name: string; required: boolean}[]
  flags: Record<string, FlagSpec>
  /** oclif's `strict = false`: any number of positional words (`batch` inputs), given to the runner as argv. */
  variadic?: boolean
}

type Runner = (args: Record<string, string | undefined>, flags: Record<string, unknown>) => Promise<CommandRun>

/** The commands the fast path runs, and where their oclif-free work is. */
export const FAST_RUNNERS: Record<string, () => Promise<Runner>> = {
  allocinfo: async () => (await import('../allocinfo/run.js')).runAllocInfo as unknown as Runner,
  diff: async () => (await import('../diff/run.js')).runDiffCommand as unknown as Runner,
  analyse: async () => {
    const [{runAnalyse}, {readProgress, waitingNotice}] = await Promise.all([import('../analysis/run.js'), import('./progress.js')])
    return (async (args, flags) => runAnalyse(args.input!, flags as never, {onProgress: readProgress(flags.json === true), waitingNotice})) as Runner
  },
}

/** A command that writes its own output as it goes (NDJSON); it returns what --fail-on and --fail-on-error gate on. */
type StreamRunner = (argv: string[], flags: Record<string, unknown>) => Promise<Gated>

export const FAST_STREAMS: Record<string, () => Promise<StreamRunner>> = {
  batch: async () => (await import('../batch/run.js')).runBatch as unknown as StreamRunner,
}

/** Every command the build writes a spec for. */
export const FAST_IDS = [...Object.keys(FAST_RUNNERS), ...Object.keys(FAST_STREAMS)]

/** `given`: the flags on the command line (`flags` holds the defaults too). */
type Parsed = {args: Record<string, string | undefined>; flags: Record<string, unknown>; argv: string[]; given: string[]}

/** One flag's value; undefined when oclif should judge it. */
function value(spec: FlagSpec, raw: string, inline: boolean): unknown {
  if (spec.type === 'string') return (raw.startsWith('-') && raw !== '-') || (raw === '' && spec.nonEmpty) ? undefined : raw
  if (spec.type === 'option') return spec.options?.includes(raw) ? raw : undefined
  if (!/^-?\d{1,15}$/.test(raw)) return undefined
  // `--boot -1`: oclif reads a separate word starting with '-' as a flag, not as the value.
  if (!inline && raw.startsWith('-')) return undefined
  const n = Number(raw)
  return (spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max) ? undefined : n
}

/** Which flag a word names (`--name`, `--no-name`, `-c`), and its inline value (`--name=v`, `-cv`). */
function lookup(spec: CommandSpec, word: string): {name: string; inline?: string; negated: boolean} | undefined {
  if (word.startsWith('--')) {
    const eq = word.indexOf('=')
    const name = eq === -1 ? word.slice(2) : word.slice(2, eq)
    const inline = eq === -1 ? undefined : word.slice(eq + 1)
    if (spec.flags[name]) return {name, inline, negated: false}
    if (name.startsWith('no-') && spec.flags[name.slice(3)]?.allowNo && inline === undefined) return {name: name.slice(3), negated: true}
    return undefined
  }
  const c = word[1]
  const name = Object.keys(spec.flags).find((k) => spec.flags[k]!.char === c)
  return name === undefined ? undefined : {name, inline: word.length > 2 ? word.slice(2) : undefined, negated: false}
}

/** argv → args and flags with defaults, as oclif would give them; undefined to fall back to oclif. */
export function parseArgv(spec: CommandSpec, argv: readonly string[]): Parsed | undefined {
  const flags: Record<string, unknown> = {}
  const positional: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const w = argv[i]!
    if (w === '--') {
      // oclif's non-strict parser has its own idea of `--`: let it judge.
      if (spec.variadic) return undefined
      positional.push(...argv.slice(i + 1))
      break
    }
    if (!w.startsWith('-') || w === '-') {
      positional.push(w)
      continue
    }
    const hit = lookup(spec, w)
    if (hit === undefined || hit.name in flags) return undefined
    const f = spec.flags[hit.name]!
    if (f.type === 'boolean') {
      if (hit.inline !== undefined) return undefined
      flags[hit.name] = !hit.negated
      continue
    }
    const raw = hit.inline ?? argv[++i]
    const v = raw === undefined ? undefined : value(f, raw, hit.inline !== undefined)
    if (v === undefined) return undefined
    flags[hit.name] = v
  }
  if (positional.length > spec.args.length && !spec.variadic) return undefined
  // Only the flags given are in `flags` yet (defaults come below).
  if (Object.keys(flags).some((name) => spec.flags[name]!.dependsOn?.some((d) => !(d in flags)))) return undefined
  const args: Record<string, string | undefined> = {}
  for (const [k, a] of spec.args.entries()) {
    if (a.required && positional[k] === undefined) return undefined
    args[a.name] = positional[k]
  }
  const given = Object.keys(flags)
  for (const [name, f] of Object.entries(spec.flags)) if (!(name in flags) && f.default !== undefined) flags[name] = f.default
  return {args, flags, argv: positional, given}
}

/** Loads the build's spec; undefined when it is missing or does not know the command. */
function specFor(id: string): CommandSpec | undefined {
  try {
    const all = JSON.parse(readFileSync(new URL('./fast-spec.json', import.meta.url), 'utf8')) as {commands: Record<string, CommandSpec>}
    return all.commands[id]
  } catch {
    return undefined
  }
}

/** Runs argv when the fast path can; the exit status, or undefined to let oclif run it. */
export async function runFast(argv: readonly string[]): Promise<number | undefined> {
  const [id, ...rest] = argv
  if (id === undefined || !FAST_IDS.includes(id) || rest.some((w) => w === '--help' || w === '-h')) return undefined
  const spec = specFor(id)
  const {internalErrorLine, knownError, noteStdin, refuseOutputConflict, runFails, writeRun} = await import('./output.js')
  let parsed: Parsed | undefined
  try {
    // Bundled samples (samples/... or --sample NAME) resolve as under oclif (src/cli/samples.ts).
    const {resolveSampleArgs} = await import('./samples.js')
    parsed = spec && parseArgv(spec, resolveSampleArgs(rest, new URL('../..', import.meta.url).pathname, id))
  } catch {
    return undefined // oclif says what is wrong with the sample
  }
  if (parsed === undefined) return undefined
  try {
    refuseOutputConflict(parsed.flags, parsed.given)
    if (id === 'allocinfo') noteStdin(parsed.args.input, 'the allocinfo dump')
    if (id === 'analyse') noteStdin(parsed.args.input, 'the boot log')
    if (id in FAST_STREAMS) {
      const gated = await (await FAST_STREAMS[id]!())(parsed.argv, parsed.flags)
      return runFails(parsed.flags as unknown as OutputFlags, gated) ? EXIT_FINDING : EXIT_OK
    }
    const run = await (await FAST_RUNNERS[id]!())(parsed.args, parsed.flags)
    return await writeRun(id, parsed.flags as unknown as OutputFlags, run)
  } catch (e) {
    const err = e as Error & {code?: string}
    const known = knownError(err)
    process.stderr.write(known === undefined ? internalErrorLine(err) : (known.line ?? ''))
    if (process.env.DEBUG && known?.status !== 0) process.stderr.write(`${err.stack}\n`)
    return known?.status ?? EXIT_INTERNAL
  }
}
