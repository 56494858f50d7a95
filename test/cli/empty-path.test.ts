// An empty value for a flag that names a file or directory is refused at parse time (exit 2, one
// line naming the flag), never taken as "not given": `fleet b.ndjson --html "$OUT"` with OUT unset
// wrote no page and exited 0, `predict --from ''` predicted for 1 CPU, `batch --out ''` wrote the
// records to stdout. One rule (src/cli/flags.ts pathFlag), on the oclif path and the fast path.
// The path flags are found in the commands' own definitions (a flag whose parser refuses ''), and
// every other string-valued flag must be named below as no path: a new flag is classified here.
import {mkdtempSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {runCli} from '../helpers/cli.js'
import {argvWith, type CommandFlag, commandFlags} from '../helpers/command-flags.js'
import {REPO} from '../helpers/paths.js'

/** String-valued flags that name no file (`cmd:flag`, or `*:flag` for every command). */
const NOT_PATHS = new Set([
  '*:block', '*:sample', '*:module', '*:file', '*:function', '*:memory', 'allocinfo:min', 'batch:shard', 'calibrate:name', 'calibrate:terms',
  'capture:append', 'capture:cpu-model', 'capture:provenance', 'diff:min-delta', 'predict:kernel', 'predict:sweep',
  'record:interval', 'record:duration', 'trend:min-rate', 'trend:alpha',
])
/** Except where the same name is a path: capture --module is the klab_leak.ko to load. */
const PATHS_ANYWAY = new Set(['capture:module'])

/** A string-valued flag (no options, not an integer), and whether its parser refuses '' (a path flag). */
async function stringFlag(f: CommandFlag): Promise<{id: string; name: string; path: boolean} | undefined> {
  const {def} = f
  if (def.type !== 'option' || def.options) return undefined
  const probe = def.parse ? await def.parse('7', {}, def).catch(() => undefined) : '7'
  if (probe !== '7') return undefined // an integer
  const path = def.parse ? await def.parse('', {}, def).then(() => false, () => true) : false
  return {id: f.id, name: f.name, path}
}

/** A flag this file takes for a path: not named in NOT_PATHS. */
const namedPath = (f: {id: string; name: string}) => PATHS_ANYWAY.has(`${f.id}:${f.name}`) || !(NOT_PATHS.has(`${f.id}:${f.name}`) || NOT_PATHS.has(`*:${f.name}`))

let all: {id: string; name: string; path: boolean}[]
let dir: string
beforeAll(async () => {
  all = (await Promise.all((await commandFlags()).map(stringFlag))).filter((f) => f !== undefined)
  dir = mkdtempSync(join(tmpdir(), 'allocscope-empty-path-'))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('path flags refuse an empty value', () => {
  it('every string flag of every command is a path flag or named as no path', () => {
    const unnamed = all.filter((f) => !f.path && namedPath(f))
    expect(unnamed.map((f) => `${f.id} --${f.name}`), 'a flag naming a file: flags.ts pathFlag; else add it to NOT_PATHS').toEqual([])
    // The review's list, at least.
    const paths = new Set(all.filter((f) => f.path).map((f) => `${f.id} --${f.name}`))
    for (const p of ['predict --from', 'predict --svg', 'predict --profile', 'predict --hosts', 'trend --svg', 'trend --log', 'fleet --html', 'calibrate --out', 'batch --out', 'batch --files-from', 'diff --profile', 'diff --allocinfo', 'analyse --allocinfo', 'record --out', 'record --source']) {
      expect(paths, p).toContain(p)
    }
  })
  it('each one: exit 2 and `--flag: empty path (expected ...)`, as --flag \'\' and --flag=, through oclif and the fast path', async () => {
    const failures: string[] = []
    for (const f of all.filter((x) => x.path || namedPath(x))) {
      for (const argv of [argvWith(f.id, f.name, [`--${f.name}`, '']), argvWith(f.id, f.name, [`--${f.name}=`])]) {
        for (const env of [{}, {ALLOCSCOPE_NO_FAST: '1'}]) {
          const r = await runCli(argv, {cwd: dir, env: {HOME: dir, ...env}})
          const want = new RegExp(`^allocscope: --${f.name}: empty path \\(expected an? [a-z ]+\\) \\(see allocscope ${f.id} --help\\)\\n$`)
          if (r.status !== 2 || !want.test(r.stderr) || r.stdout !== '') failures.push(`${argv.join(' ')} ${JSON.stringify(env)}: exit ${r.status}, ${JSON.stringify(r.stderr.slice(0, 200))}`)
        }
      }
    }
    expect(failures).toEqual([])
    expect(readdirSync(dir)).toEqual([])
  }, 120_000)
  it('"-" (stdin) and a path are still taken', async () => {
    const r = await runCli(['predict', '--from', join(REPO, 'samples', 'linux-7.2-pool-c64-m1024'), '--json'], {cwd: dir, env: {HOME: dir}})
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout).result.host.possibleCpus).toBe(64)
  })
})
