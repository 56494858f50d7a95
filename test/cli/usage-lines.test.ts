// Usage mistakes that were not one allocscope line: `help nosuch` printed oclif's
// ` ›   Error: Command nosuch not found.` (an unknown command gets allocscope's line with a did-you-mean),
// and `allocinfo --depth N` without `--tree` was silently ignored (--depth has oclif's dependsOn, and
// no default, which dependsOn would count as given). Both now say so in one line, exit 2, through
// oclif and through the fast path alike; on a colour terminal too (oclif dims the reason: no SGR
// codes shown escaped in the line). `help --json` printed oclif's error and the root help.
// Runs the BUILT CLI (npm test builds it).
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {type CommandSpec, parseArgv} from '../../src/cli/fast.js'
import {EXIT} from '../../src/errors.js'
import {runCli, spawnCli} from '../helpers/cli.js'
import {REPO} from '../helpers/paths.js'

describe('help for a command that does not exist', () => {
  it.each([
    [['help', 'nosuch'], "allocscope: 'nosuch' is not a command (see allocscope help)\n"],
    [['help', 'anlyse'], "allocscope: 'anlyse' is not a command; did you mean 'analyse'? (see allocscope help)\n"],
    [['nosuch', '--help'], "allocscope: 'nosuch' is not a command (see allocscope help)\n"],
    [['anlyse'], "allocscope: 'anlyse' is not a command; did you mean 'analyse'? (see allocscope help)\n"],
  ])('%j: the unknown-command line, exit 2', async (args, line) => {
    const r = await runCli(args)
    expect(r.stderr).toBe(line)
    expect(r.stdout).toBe('')
    expect(r.status).toBe(EXIT.usage)
  })
  it('help for a real command is unchanged', async () => {
    const r = await runCli(['help', 'allocinfo'])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^Top allocation sites/)
  })
})

describe('help takes no --json (help is text only; src/commands/help.ts)', () => {
  // A real process: oclif printed ` ›   Error: Nonexistent flag: --json`, then the whole root help.
  it.each([
    // Pointed at `help --help`, which prints the root help: now help's one flag, and the help asked for.
    [['help', '--json'], 'allocscope: unknown flag --json (help takes one flag, --nested-commands; see allocscope help)\n'],
    [['help', 'analyse', '--json'], 'allocscope: unknown flag --json (help takes one flag, --nested-commands; see allocscope help analyse)\n'],
    [['help', 'trend', '--json'], 'allocscope: unknown flag --json (help takes one flag, --nested-commands; see allocscope help trend)\n'],
    [['help', '--json', 'analyze'], 'allocscope: unknown flag --json (help takes one flag, --nested-commands; see allocscope help analyze)\n'],
    [['help', '--nested'], 'allocscope: unknown flag --nested; did you mean --nested-commands? (help takes one flag, --nested-commands; see allocscope help)\n'],
  ])('%j: one line, nothing on stdout, exit 2', (args, line) => {
    const r = spawnCli(args)
    expect(r.stderr).toBe(line)
    expect(r.stdout).toBe('')
    expect(r.status).toBe(EXIT.usage)
  })
  it('help, help -n and help analyse still print the help, exit 0', () => {
    for (const args of [['help'], ['help', '-n'], ['help', 'analyse']]) {
      const r = spawnCli(args)
      expect(r.status, r.stderr).toBe(0)
      expect(r.stdout).toMatch(/^USAGE$/m)
    }
  })
})

describe('allocinfo --depth needs --tree', () => {
  const LINE = 'allocscope: All of the following must be provided when using --depth: --tree (see allocscope allocinfo --help)\n'
  it.each([
    [['allocinfo', '--sample', 'pool-c64', '--depth', '2'], {}],
    [['allocinfo', '--sample', 'pool-c64', '--depth=1', '--top', '3'], {}],
    [['allocinfo', '--sample', 'pool-c64', '--depth', '2'], {ALLOCSCOPE_NO_FAST: '1'}],
  ])('%j %j: one line, exit 2', async (args, env) => {
    const r = await runCli(args, {env})
    expect(r.stderr).toBe(LINE)
    expect(r.stdout).toBe('')
    expect(r.status).toBe(EXIT.usage)
  })
  it('on a colour terminal (FORCE_COLOR): the same line, no dimmed reason shown as escapes', () => {
    const r = spawnCli(['allocinfo', '--sample', 'pool-c64', '--depth', '2'], {env: {FORCE_COLOR: '1', NO_COLOR: undefined, ALLOCSCOPE_NO_FAST: '1'}})
    expect(r.stderr).toBe(LINE)
    expect(r.status).toBe(EXIT.usage)
  })
  it('with --tree it is the depth of the prefixes; 2 when not given', async () => {
    const r = await runCli(['allocinfo', '--sample', 'pool-c64', '--tree', '--depth', '1', '--json'])
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).result.tree.depth).toBe(1)
    const d = await runCli(['allocinfo', '--sample', 'pool-c64', '--tree', '--json'])
    expect(JSON.parse(d.stdout).result.tree.depth).toBe(2)
    expect(JSON.parse(d.stdout).result.tree.rows[0].prefix).toBe('mm/slub.c')
  })
  it('the fast path leaves it to oclif (which says it); the spec the build wrote carries the dependsOn', () => {
    const spec = (JSON.parse(readFileSync(join(REPO, 'dist', 'cli', 'fast-spec.json'), 'utf8')) as {commands: Record<string, CommandSpec>}).commands.allocinfo!
    expect(spec.flags.depth!.dependsOn).toEqual(['tree'])
    expect(parseArgv(spec, ['x', '--depth', '2'])).toBeUndefined()
    expect(parseArgv(spec, ['x', '--depth', '2', '--tree'])?.flags.depth).toBe(2)
    expect(parseArgv(spec, ['x'])?.flags.depth).toBeUndefined()
  })
})
