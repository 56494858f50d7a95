// Two usage mistakes that were not one allocscope line: `help nosuch` printed oclif's
// ` ›   Error: Command nosuch not found.` (an unknown command gets allocscope's line with a did-you-mean),
// and `allocinfo --depth N` without `--tree` was silently ignored (a flag that needs another: flags.ts
// needs()). Both now say so in one line, exit 2, through oclif and through the fast path alike.
// Runs the BUILT CLI (npm test builds it).
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {type CommandSpec, parseArgv} from '../../src/cli/fast.js'
import {missingNeed} from '../../src/cli/flags.js'
import {EXIT} from '../../src/errors.js'
import {runCli} from '../helpers/cli.js'
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

describe('allocinfo --depth needs --tree', () => {
  const LINE = 'allocscope: --depth needs --tree: it sets how many path components a --tree prefix has, and without --tree the sites are listed one by one\n'
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
  it('with --tree it is the depth of the prefixes', async () => {
    const r = await runCli(['allocinfo', '--sample', 'pool-c64', '--tree', '--depth', '1', '--json'])
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).result.tree.depth).toBe(1)
  })
  it('the fast path leaves it to oclif (which says it); the spec the build wrote carries the need', () => {
    const spec = (JSON.parse(readFileSync(join(REPO, 'dist', 'cli', 'fast-spec.json'), 'utf8')) as {commands: Record<string, CommandSpec>}).commands.allocinfo!
    expect(spec.flags.depth!.needs).toBe('tree')
    expect(parseArgv(spec, ['x', '--depth', '2'])).toBeUndefined()
    expect(parseArgv(spec, ['x', '--depth', '2', '--tree'])?.flags.depth).toBe(2)
    expect(parseArgv(spec, ['x'])?.flags.depth).toBe(2)
  })
  it('missingNeed: --flag, --flag=v, -c; not past --; the default alone is not "given"', () => {
    const flags = {depth: {char: 'd', needs: {flag: 'tree', why: 'w'}}, tree: {char: 't'}}
    expect(missingNeed(['--depth', '2'], flags)).toBe('--depth needs --tree: w')
    expect(missingNeed(['--depth=2'], flags)).toBe('--depth needs --tree: w')
    expect(missingNeed(['-d2'], flags)).toBe('--depth needs --tree: w')
    expect(missingNeed(['-d', '2', '-t'], flags)).toBeUndefined()
    expect(missingNeed(['--', '--depth'], flags)).toBeUndefined()
    expect(missingNeed(['x'], flags)).toBeUndefined()
  })
})
