// The fast path (src/cli/fast.ts): `allocinfo`, `analyse`, `diff` and `batch` run without oclif when their flags
// parse plainly, and must behave exactly as through oclif — the same stdout, stderr and exit
// status (ALLOCSCOPE_NO_FAST=1 forces oclif). Needs the BUILT CLI (`npm run build`). The cases run
// both ways in-process (test/helpers/cli.ts runs what bin/run.js runs); that the fast path loads no
// oclif module at all is seen in real processes, one per command and one falling back.
import {spawn} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {type CommandSpec, parseArgv} from '../../src/cli/fast.js'
import {runCli} from '../helpers/cli.js'
import {REPO, SAMPLES, captureDir} from '../helpers/paths.js'

const BIN = join(REPO, 'bin', 'run.js')
const SPEC = join(REPO, 'dist', 'cli', 'fast-spec.json')
const A = join(captureDir('linux-7.2-pool-c4-m1024'), 'allocinfo.txt')
const B = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt')
/** Says at exit whether any @oclif module was loaded (no spaces: NODE_OPTIONS splits at them). */
const OCLIF_HOOK = 'data:text/javascript,import(`node:module`).then((m)=>process.on(`exit`,()=>process.stderr.write(`OCLIF=${Object.keys(m.default._cache).some((k)=>k.includes(`@oclif`))}\\n`)))'

interface Run {
  status: number | null
  stdout: string
  stderr: string
  oclif: boolean
}

function run(args: string[], fast: boolean): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env = {PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', NODE_OPTIONS: `--import=${OCLIF_HOOK}`, ...(fast ? {} : {ALLOCSCOPE_NO_FAST: '1'})}
    const p = spawn(process.execPath, [BIN, ...args], {cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d) => (stdout += d))
    p.stderr.on('data', (d) => (stderr += d))
    p.on('error', reject)
    p.on('close', (status) => resolve({status, stdout, stderr: stderr.replace(/^OCLIF=\w+\n/m, ''), oclif: /^OCLIF=true$/m.test(stderr)}))
  })
}

let spec: Record<string, CommandSpec>
beforeAll(() => {
  if (!existsSync(SPEC)) throw new Error('dist/cli/fast-spec.json missing: run `npm run build` (npm test does)')
  spec = JSON.parse(readFileSync(SPEC, 'utf8')).commands
})

describe('fast path argv parsing (against the spec the build wrote from the oclif flags)', () => {
  it('knows allocinfo, analyse, batch and diff, with integer flags told from string flags', () => {
    expect(Object.keys(spec).sort()).toEqual(['allocinfo', 'analyse', 'batch', 'diff'])
    expect(spec.batch!.variadic).toBe(true)
    expect(spec.batch!.flags.jobs).toEqual({type: 'integer', char: 'j', min: 1})
    expect(spec.allocinfo!.flags.top).toEqual({type: 'integer', char: 'n', default: 20, min: 0})
    expect(spec.allocinfo!.flags.min).toEqual({type: 'string'})
    expect(spec.diff!.flags['legacy-max']).toEqual({type: 'integer', min: 1})
  })
  it('flags, short flags, --flag=value, --no-flag, defaults', () => {
    expect(parseArgv(spec.allocinfo!, ['x.txt', '-n', '5', '--sort=calls', '--no-color', '--json'])).toEqual({
      args: {input: 'x.txt'},
      argv: ['x.txt'],
      flags: {top: 5, sort: 'calls', color: false, json: true, format: 'table', 'fail-on': 'never', 'csv-units': false, 'csv-summary': 'mark', 'csv-formulas': false, 'accurate-no': false, bytes: false, 'accept-truncated': false},
      given: ['top', 'sort', 'color', 'json'],
    })
    expect(parseArgv(spec.allocinfo!, ['-', '-n3'])?.flags.top).toBe(3)
    expect(parseArgv(spec.allocinfo!, ['--', '-n'])?.args).toEqual({input: '-n'})
    expect(parseArgv(spec.analyse!, ['x', '--boot=-1'])?.flags.boot).toBe(-1)
    // oclif reads a separate `-1` as a flag: its message, not the fast path's guess.
    expect(parseArgv(spec.analyse!, ['x', '--boot', '-1'])).toBeUndefined()
  })
  it('a variadic command (batch, oclif strict = false) takes any number of inputs; `--` is left to oclif', () => {
    const p = parseArgv(spec.batch!, ['a', '-j', '2', 'b', 'c', '--unordered'])
    expect(p?.argv).toEqual(['a', 'b', 'c'])
    expect(p?.flags).toMatchObject({jobs: 2, unordered: true, list: false})
    expect(parseArgv(spec.batch!, ['a', '--', '-b'])).toBeUndefined()
    expect(parseArgv(spec.batch!, ['a', '--jobs', '0'])).toBeUndefined()
  })
  it('leaves to oclif whatever it should judge', () => {
    for (const argv of [['x', '--top', '-1'], ['x', '--top', 'ten'], ['x', '--sort', 'size'], ['x', '--bogus'], [], ['x', 'y'], ['x', '--top', '1', '--top', '2'], ['x', '--json=yes'], ['x', '--file'], ['x', '--no-json']]) {
      expect(parseArgv(spec.allocinfo!, argv), argv.join(' ')).toBeUndefined()
    }
  })
})

describe('fast path = oclif path, end to end', () => {
  const cases: string[][] = [
    ['allocinfo', B, '--top', '5', '--sort', 'calls', '--format', 'text'],
    ['allocinfo', B, '-n', '3', '--json', '--fail-on', 'info'],
    ['allocinfo', join(SAMPLES, 'linux-7.2-pool-c64-m1024'), '--tree', '--depth', '1', '--format', 'markdown'],
    ['allocinfo', join(REPO, 'no-such-file.txt')],
    ['allocinfo', B, '--function', '('],
    ['diff', A, B, '--top', '4', '--format', 'csv'],
    ['diff', A, B, '--json', '--metric', 'calls', '--key', 'func'],
    ['diff', join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink'), '--fail-on', 'warning', '--format', 'text'],
    ['batch', SAMPLES, join(REPO, 'testdata', 'peer', 'syzkaller', '10'), B, '--jobs', '2', '--fail-on', 'warning'],
    ['analyse', join(SAMPLES, 'linux-7.2-pool-c64-m1024'), '--format', 'text', '--traces'],
    ['analyse', join(REPO, 'testdata', 'peer', 'syzkaller', '10'), '--json', '--fail-on', 'warning'],
    ['analyse', join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'dmesg.txt'), '--boot=1', '--recorder', 'legacy', '--format', 'markdown', '--bytes'],
    ['analyse', join(REPO, 'no-such-file.log')],
    ['batch', '--list', SAMPLES, join(REPO, 'no-such-file.log')],
    ['batch', join(REPO, 'no-such-file.log'), '-j', '1'],
    ['batch'],
    ['batch', SAMPLES, '--resume'],
  ]
  for (const c of cases) {
    it(c.map((w) => w.replace(REPO + '/', '')).join(' '), async () => {
      const fast = await runCli(c)
      const slow = await runCli(c, {env: {ALLOCSCOPE_NO_FAST: '1'}})
      expect(fast.stdout + fast.stderr).not.toBe('')
      expect(fast.stderr).toBe(slow.stderr)
      expect(fast.stdout).toBe(slow.stdout)
      expect(fast.status).toBe(slow.status)
    }, 60_000)
  }
  it.each([cases[1]!, cases[6]!, cases[10]!])('in a real process: %s loads no oclif module (and the same output as oclif)', async (...c) => {
    const [fast, slow] = await Promise.all([run(c, true), run(c, false)])
    expect(fast.oclif, 'the fast path loads no oclif module').toBe(false)
    expect(slow.oclif).toBe(true)
    expect(fast).toEqual({...slow, oclif: false})
  }, 60_000)
  it('analyse --boot -1 (a separate negative value) goes to oclif, whose reading of it stands', async () => {
    const argv = ['analyse', join(SAMPLES, 'linux-7.2-pool-c64-m1024'), '--boot', '-1']
    const [fast, slow] = await Promise.all([run(argv, true), run(argv, false)])
    expect(fast.oclif).toBe(true)
    expect([fast.stdout, fast.stderr, fast.status]).toEqual([slow.stdout, slow.stderr, slow.status])
  }, 60_000)
  it('an argv the fast path does not take still runs, through oclif (--top -1: its own message)', async () => {
    const r = await run(['allocinfo', B, '--top', '-1'], true)
    expect(r.oclif).toBe(true)
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/top/)
  }, 60_000)
})
