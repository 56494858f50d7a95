// Every command's flags, read from the command classes themselves (src/commands/*.ts), for tests
// that must cover each flag of a kind (a new flag is covered without naming it), and the argv each
// command needs besides the flag under test for oclif to reach the flags.
import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {REPO} from './paths.js'

export interface FlagDef {
  type: string
  options?: unknown
  allowNo?: boolean
  parse?: (input: string, ctx: unknown, opts: unknown) => Promise<unknown>
}

export interface CommandFlag {
  id: string
  name: string
  def: FlagDef
}

export const COMMAND_IDS = readdirSync(join(REPO, 'src', 'commands')).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''))

/** Each command's flags, its base flags included. */
export async function commandFlags(): Promise<CommandFlag[]> {
  const each = await Promise.all(
    COMMAND_IDS.map(async (id) => {
      const C = (await import(join(REPO, 'src', 'commands', `${id}.ts`))).default as {flags?: Record<string, FlagDef>; baseFlags?: Record<string, FlagDef>}
      return Object.entries({...C.baseFlags, ...C.flags}).map(([name, def]) => ({id, name, def}))
    }),
  )
  return each.flat()
}

/** What each command needs besides the flag under test (a missing argument or required flag is said first). */
const BASE: Record<string, string[]> = {
  allocinfo: ['x'], analyse: ['x'], calibrate: ['x'], trend: ['x'], diff: ['x'], fleet: ['x'], batch: ['x'],
  capture: ['--kernel', 'x', '--then', 'diff'], record: ['--out', 'x', '--count', '1'],
}

/** argv for command `id` with `words` (the flag under test), without the base's own use of that flag. */
export function argvWith(id: string, flag: string, words: string[]): string[] {
  const base = (BASE[id] ?? []).filter((w, i, a) => w !== `--${flag}` && a[i - 1] !== `--${flag}`)
  return [id, ...base, ...words]
}
