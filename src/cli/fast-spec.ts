// Build step (npm run build): writes dist/cli/fast-spec.json, the flags and arguments of the
// commands the fast path runs (src/cli/fast.ts), read from their oclif definitions so that each
// flag stays defined once, in its command. Integer flags are told from string flags by asking
// the flag's own parser, the only place oclif keeps that.
import {writeFileSync} from 'node:fs'
import {FAST_IDS, type CommandSpec, type FlagSpec} from './fast.js'

interface OclifFlag {
  type: 'boolean' | 'option'
  char?: string
  default?: unknown
  options?: readonly string[]
  min?: number
  max?: number
  allowNo?: boolean
  multiple?: boolean
  exclusive?: unknown
  dependsOn?: unknown[]
  exactlyOne?: unknown
  relationships?: unknown
  env?: string
  parse?: (input: string, ctx: unknown, opts: unknown) => Promise<unknown>
}

/** undefined: a flag the fast path must not judge (oclif handles such commands). */
async function flagSpec(f: OclifFlag): Promise<FlagSpec | undefined> {
  // dependsOn by name is read (fast.ts leaves a flag given without them to oclif); by `when` it is not.
  const dependsOn = f.dependsOn?.every((d) => typeof d === 'string') ? {dependsOn: f.dependsOn} : undefined
  if (f.multiple || f.exclusive || (f.dependsOn && !dependsOn) || f.exactlyOne || f.relationships || f.env || typeof f.default === 'function') return undefined
  const base = {...(f.char ? {char: f.char} : {}), ...(f.default !== undefined ? {default: f.default} : {}), ...dependsOn}
  if (f.type === 'boolean') return {type: 'boolean', ...base, ...(f.allowNo ? {allowNo: true} : {})}
  if (f.options) return {type: 'option', ...base, options: [...f.options]}
  const probe = f.parse ? await f.parse('7', {}, f).catch(() => undefined) : '7'
  if (typeof probe === 'number') return {type: 'integer', ...base, ...(f.min !== undefined ? {min: f.min} : {}), ...(f.max !== undefined ? {max: f.max} : {})}
  if (probe !== '7') return undefined
  // A path flag (flags.ts pathOf) refuses an empty value: the fast path leaves that to oclif's message.
  const empty = f.parse ? await f.parse('', {}, f).then(() => true, () => false) : true
  return empty ? {type: 'string', ...base} : {type: 'string', ...base, nonEmpty: true}
}

async function commandSpec(id: string): Promise<CommandSpec | undefined> {
  const C = (await import(`../commands/${id}.js`)).default as {flags: Record<string, OclifFlag>; baseFlags: Record<string, OclifFlag>; args: Record<string, {required?: boolean}>; strict?: boolean}
  const flags: Record<string, FlagSpec> = {}
  for (const [name, f] of Object.entries({...C.baseFlags, ...C.flags})) {
    const s = await flagSpec(f)
    if (s === undefined) return undefined
    flags[name] = s
  }
  const args = Object.entries(C.args ?? {}).map(([name, a]) => ({name, required: Boolean(a.required)}))
  return C.strict === false ? {args, flags, variadic: true} : {args, flags}
}

const commands: Record<string, CommandSpec> = {}
for (const id of FAST_IDS) {
  const s = await commandSpec(id)
  if (s) commands[id] = s
  else process.stderr.write(`fast-spec: ${id} has flags the fast path does not read; it runs through oclif\n`)
}
writeFileSync(new URL('./fast-spec.json', import.meta.url), JSON.stringify({commands}, null, 1) + '\n')
