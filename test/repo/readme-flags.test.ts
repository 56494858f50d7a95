// Every flag a user can type is documented in README.md: each command's long flags, read from the
// command classes themselves (src/commands/*.ts, their flags and baseFlags as oclif merges them), so
// a flag added to a command without a word in the README fails here. `--traces`, `--tracker`,
// `--what`, `--key`, `--all`, `--points`, `--profile`, `--terms`, `--verbose` and ten of capture's
// had drifted out of it. Hidden flags are not for users and are left out; a flag with `allowNo` is
// documented by either spelling (`--color` or `--no-color`). Matched as a whole flag: `--all` is not
// found inside `--allocinfo`.
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {REPO} from '../helpers/paths.js'

interface FlagDef {
  hidden?: boolean
  allowNo?: boolean
}
interface CommandClass {
  flags?: Record<string, FlagDef>
  baseFlags?: Record<string, FlagDef>
}

/** Each command id with its long flags (hidden ones left out), from the command sources. */
async function commandFlags(): Promise<Map<string, Array<[string, FlagDef]>>> {
  const dir = join(REPO, 'src', 'commands')
  const out = new Map<string, Array<[string, FlagDef]>>()
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
    const cls = (await import(join(dir, file))).default as CommandClass
    const flags = {...cls.baseFlags, ...cls.flags}
    out.set(file.replace(/\.ts$/, ''), Object.entries(flags).filter(([, f]) => !f.hidden))
  }
  return out
}

/** Whether the text names `--NAME` (or `--no-NAME` for a negatable flag) as a whole flag. */
export function documents(text: string, name: string, def: FlagDef): boolean {
  const spellings = def.allowNo ? [name, `no-${name}`] : [name]
  return spellings.some((n) => new RegExp(`--${n.replace(/[-]/g, '\\-')}(?![\\w-])`).test(text))
}

describe('README documents every flag', () => {
  it('each long flag of each command appears in README.md', async () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8')
    const all = await commandFlags()
    // Every command is read, with its flags (analyse alone has more than 10).
    expect([...all.keys()]).toEqual(expect.arrayContaining(['allocinfo', 'analyse', 'batch', 'calibrate', 'capture', 'diff', 'fleet', 'predict', 'record', 'trend', 'version']))
    expect(all.get('analyse')!.length).toBeGreaterThan(10)
    const missing = [...all].flatMap(([id, flags]) => flags.filter(([n, f]) => !documents(readme, n, f)).map(([n]) => `${id} --${n}`))
    expect(missing).toEqual([])
  })
  it('a flag is found whole, by either spelling when negatable', () => {
    expect(documents('use `--allocinfo FILE`', 'all', {})).toBe(false)
    expect(documents('use `--all`.', 'all', {})).toBe(true)
    expect(documents('`--no-color`', 'color', {allowNo: true})).toBe(true)
    expect(documents('`--no-color`', 'color', {})).toBe(false)
  })
})
