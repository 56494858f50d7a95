// The CLI's conventions, on the BUILT CLI (needs `npm run build`; npm test does it): usage mistakes
// are one line with a "did you mean" and exit 2; -h, help, help <cmd>, version and the `analyze`
// spelling work; output to a full disk is one line and exit 74 for every command and format; COLUMNS
// sizes tables even when piped; bundled samples work from any directory. The commands run
// in-process (test/helpers/cli.ts, checked against real processes in test/cli/in-process.test.ts);
// a real process where it is the point: /dev/full under help, a terminal, stdin.
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, openSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {BaseCommand} from '../../src/cli/base.js'
import {internalErrorLine, outputWidth} from '../../src/cli/output.js'
import {closest} from '../../src/cli/suggest.js'
import {EXIT} from '../../src/errors.js'
import {BIN, runCli} from '../helpers/cli.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

let ELSEWHERE: string

/** In-process; the environment a user's shell would give: HOME elsewhere, no COLUMNS unless set. */
const run = (args: string[], opts: {cwd?: string; env?: Record<string, string>; stdoutError?: string} = {}) =>
  runCli(args, {cwd: opts.cwd, env: {HOME: ELSEWHERE, COLUMNS: undefined, ...opts.env}, stdoutError: opts.stdoutError})

/** A real process, for what only a process shows. */
function spawnRun(args: string[], opts: {stdout?: number | 'pipe'} = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO,
    env: {PATH: process.env.PATH, HOME: ELSEWHERE, NO_COLOR: '1'},
    encoding: 'utf8',
    stdio: ['ignore', opts.stdout ?? 'pipe', 'pipe'],
  })
  return {status: r.status, stdout: r.stdout ?? '', stderr: r.stderr}
}

const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '')

beforeAll(() => {
  if (!existsSync(join(REPO, 'dist', 'commands'))) throw new Error('dist/ missing: run `npm run build` (npm test does)')
  ELSEWHERE = mkdtempSync(join(tmpdir(), 'allocscope-elsewhere-'))
})
afterAll(() => rmSync(ELSEWHERE, {recursive: true, force: true}))

describe('usage mistakes: one line, what was wrong, did you mean, exit 2', () => {
  it.each([
    [['analyse', '--jsn', 'x'], /unknown flag --jsn; did you mean --json\?/],
    [['anlyse', 'x'], /'anlyse' is not a command; did you mean 'analyse'\?/],
    [['diff'], /diff: expected a capture/],
    [['predict', '--cpus', '-3'], /--cpus.*greater than or equal to 1.*-3/],
    [['allocinfo', '--sort', 'nope', 'x'], /--sort=nope to be one of/],
    [['analyse', '--sample', 'nonesuch'], /--sample nonesuch: no bundled sample 'nonesuch'; expected one of .*linux-7.2-pool-c64-m1024/],
    [['analyse', 'samples/linux-7.2-pool-c64-m1024', '--block', 'nope'], /--block nope: no such block; expected one of 'Host'/],
    // A command of no argument given one said "'predict' is not a command; did you mean 'predict'?".
    [['predict', 'x'], /^allocscope: Unexpected argument: x \(see allocscope predict --help\)$/m],
    [['version', 'x', 'y'], /^allocscope: Unexpected argument: x \(see allocscope version --help\)$/m],
    [['record', 'x', '--out', 'r.arec'], /^allocscope: Unexpected argument: x \(see allocscope record --help\)$/m],
  ])('%j', async (args, msg) => {
    const r = await run(args)
    expect(lines(r.stderr), r.stderr).toHaveLength(1)
    expect(r.stderr).toMatch(msg)
    expect(r.stderr).toMatch(/^allocscope/)
    expect(r.stdout).toBe('')
    expect(r.status).toBe(EXIT.usage)
  })
})

describe('help and version as oclif users expect', () => {
  it('`analyze` is `analyse`', async () => {
    const r = await run(['analyze', 'samples/linux-7.2-pool-c64-m1024', '--json'])
    expect(r.status).toBe(0)
    expect(JSON.parse(r.stdout).result.host.release.value).toBe('7.2.13')
  })
  it('-h and help: every command once, on one line each, no paragraph', async () => {
    for (const args of [['-h'], ['help'], ['--help']]) {
      const r = await run(args)
      expect(r.status).toBe(0)
      for (const c of ['allocinfo', 'analyse', 'calibrate', 'capture', 'diff', 'predict']) expect(r.stdout).toMatch(new RegExp(`^  ${c} +\\S`, 'm'))
      expect(lines(r.stdout).length).toBeLessThan(40)
    }
  })
  it('help analyse and analyse -h: the summary once, the description once', async () => {
    for (const args of [['help', 'analyse'], ['analyse', '-h']]) {
      const r = await run(args)
      expect(r.status).toBe(0)
      expect(r.stdout.split('Host, profiling state and findings').length - 1).toBe(1)
      expect(r.stdout.split('Analyse a kernel boot log').length - 1).toBe(1)
    }
  })
  // 'help predict x' said 'Unexpected argument: x': oclif joins the words to 'predict:x' for a
  // command that takes no argument. Words after a command's name leave its help as it is.
  it.each([[['help', 'predict', 'x']], [['help', 'predict', 'x', 'y']], [['predict', 'x', '--help']], [['help', 'version', 'x']]])('%j: the command\'s help, exit 0', async (args) => {
    const r = await run(args)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toContain(`$ allocscope ${args[0] === 'help' ? args[1] : args[0]}`)
    expect(r.stdout).toMatch(/^USAGE$/m)
  })
  it('help of no command with more words is still one line, exit 2', async () => {
    const r = await run(['help', 'nosuch', 'x'])
    expect(r.status).toBe(EXIT.usage)
    expect(r.stderr).toBe("allocscope: 'nosuch' is not a command (see allocscope help)\n")
  })
  it('version, --version and -v', async () => {
    for (const args of [['version'], ['--version'], ['-v']]) {
      const r = await run(args)
      expect(r.status).toBe(0)
      expect(r.stdout).toMatch(/^allocscope\/\d+\.\d+\.\d+ /)
    }
  })
})

describe('output to a full disk: one line, exit 74, every command and format', () => {
  const hasFull = existsSync('/dev/full')
  const cases: string[][] = [
    ['analyse', 'samples/linux-7.2-notrack-c8-m1024-shrink', '--fail-on', 'info'],
    ['allocinfo', 'samples/linux-7.2-pool-c64-m1024'],
    ['diff', 'samples/linux-7.2-notrack-c8-m1024-shrink', '--fail-on', 'warning'],
    ['predict', '--cpus', '64', '--kernel', '7.2.13'],
    ['calibrate', 'samples/linux-7.2-pool-c64-m1024', 'samples/linux-7.2-pool-c255-m1024'],
  ]
  const formats = [['--json'], ['--format', 'table'], ['--format', 'text'], ['--format', 'csv'], ['--format', 'markdown']]
  // In-process: every write to stdout fails with ENOSPC, as on /dev/full (test/cli/in-process.test.ts
  // compares this with /dev/full in a real process).
  it.each(cases)('%s', async (...args) => {
    for (const f of formats) {
      const r = await run([...args, ...f], {stdoutError: 'ENOSPC'})
      expect(r.stderr, `${args.join(' ')} ${f.join(' ')}`).toBe('allocscope: writing output: no space left on device\n')
      expect(r.status).toBe(EXIT.output)
    }
  })
  it.skipIf(!hasFull)('help to a full disk too (a real process on /dev/full: help writes through console.log)', () => {
    const r = spawnRun(['help'], {stdout: require_open('/dev/full')})
    expect(r.stderr).toBe('allocscope: writing output: no space left on device\n')
    expect(r.status).toBe(EXIT.output)
  })
})

function require_open(path: string): number {
  return openSync(path, 'w')
}

describe('width', () => {
  it('COLUMNS wins (also when piped), then the terminal, else 80', () => {
    expect(outputWidth('40', undefined)).toBe(40)
    expect(outputWidth('40', 200)).toBe(40)
    expect(outputWidth(undefined, 132)).toBe(132)
    expect(outputWidth(undefined, undefined)).toBe(80)
    expect(outputWidth('junk', undefined)).toBe(80)
    expect(outputWidth('5', undefined)).toBe(20)
  })
  it.each(['40', '60', '100'])('COLUMNS=%s piped: every table line fits', async (cols) => {
    const r = await run(['diff', 'samples/linux-7.2-notrack-c8-m1024-shrink'], {env: {COLUMNS: cols}})
    expect(r.status).toBe(0)
    for (const l of r.stdout.split('\n')) expect(l.length, l).toBeLessThanOrEqual(Number(cols))
  })
})

describe('bundled samples from any directory', () => {
  it('samples/<dir> and --sample <name> resolve to the package when not in the current directory', async () => {
    const a = await run(['allocinfo', 'samples/linux-7.2-pool-c64-m1024/allocinfo.txt', '--json'], {cwd: ELSEWHERE})
    expect(a.status, a.stderr).toBe(0)
    const b = await run(['allocinfo', '--sample', 'pool-c64', '--json'], {cwd: ELSEWHERE})
    expect(b.status, b.stderr).toBe(0)
    expect(JSON.parse(a.stdout).result.totals).toEqual(JSON.parse(b.stdout).result.totals)
    const p = await run(['predict', '--sample', 'pool-c64', '--json'], {cwd: ELSEWHERE})
    expect(p.status, p.stderr).toBe(0)
    expect(JSON.parse(p.stdout).result.host.possibleCpus).toBe(64)
  })
  it('a partial name that matches several samples says which', async () => {
    const r = await run(['analyse', '--sample', 'pool'], {cwd: ELSEWHERE})
    expect(r.status).toBe(EXIT.usage)
    expect(r.stderr).toMatch(/'pool' matches linux-7.2-pool-c255-m1024, linux-7.2-pool-c64-m1024/)
  })
  it('the package ships its samples', () => {
    expect(existsSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'dmesg.txt'))).toBe(true)
  })
})

describe('internal errors are not bad input', () => {
  it('one line saying it is a bug to report, exit 70', async () => {
    expect(internalErrorLine(new Error('boom\x1b[2J'))).toMatch(/^allocscope: internal error: boom\\x1b\[2J \(a bug in allocscope: please report it/)
    const exits: number[] = []
    const writes: string[] = []
    const orig = process.stderr.write.bind(process.stderr)
    process.stderr.write = ((s: string) => (writes.push(s), true)) as typeof process.stderr.write
    const fake = {ctor: {}, config: {bin: 'allocscope', pjson: {}}, id: 'analyse', exit: (c: number) => (exits.push(c), undefined)}
    try {
      await (BaseCommand.prototype as unknown as {catch: (e: Error) => Promise<unknown>}).catch.call(fake, new TypeError('Invalid typed array length'))
    } finally {
      process.stderr.write = orig
    }
    expect(exits).toEqual([EXIT.internal])
    expect(writes.join('')).toMatch(/internal error: Invalid typed array length.*please report/)
  })
  it('did-you-mean stays quiet when nothing is close', () => {
    expect(closest('analyze', ['analyse', 'allocinfo'])).toBe('analyse')
    expect(closest('zzzzzz', ['analyse', 'allocinfo'])).toBeUndefined()
  })
})

describe('stdin is read only when `-` says so', () => {
  // oclif reads piped stdin into a missing required argument (10 ms, then gives up): the whole dump
  // became the file name, a 60 KB error line, or was missed under load. Every argument sets ignoreStdin.
  const DUMP = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt')
  it.each(['allocinfo', 'analyse', 'calibrate', 'trend', 'diff'])('%s < a real dump, with no input named: one short usage line, exit 2', (cmd) => {
    const r = spawnSync(process.execPath, [BIN, cmd], {cwd: REPO, env: {PATH: process.env.PATH, HOME: ELSEWHERE, NO_COLOR: '1'}, encoding: 'utf8', stdio: [openSync(DUMP, 'r'), 'pipe', 'pipe']})
    expect(r.status, r.stderr).toBe(2)
    expect(lines(r.stderr)).toHaveLength(1)
    expect(r.stderr).not.toContain('allocinfo - version')
    expect(r.stderr.length).toBeLessThan(300)
  })
})

describe('`-` on a terminal says it is reading stdin', () => {
  const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0
  it.skipIf(!hasScript)('analyse - and allocinfo - (a pty from util-linux script; Ctrl-D ends the input)', () => {
    for (const [cmd, what] of [['analyse', 'the boot log'], ['allocinfo', 'the allocinfo dump']]) {
      const r = spawnSync('script', ['-qec', `'${process.execPath}' '${BIN}' ${cmd} -`, '/dev/null'], {cwd: REPO, env: {PATH: process.env.PATH, HOME: ELSEWHERE, TERM: 'dumb'}, input: '\x04', encoding: 'utf8', timeout: 60_000})
      expect(r.stdout).toContain(`allocscope: reading ${what} from stdin (end with Ctrl-D)`)
    }
  })
  // fleet with no input (stdin) and predict --from - said nothing at all on a terminal, or only the
  // waiting line: every reader of stdin says both (output.ts noteStdin, progress.ts waitingNotice).
  it.skipIf(!hasScript).each([
    ['fleet', 'the batch records'],
    ['fleet -', 'the batch records'],
    ['predict --from -', 'the boot log'],
    ['analyse -', 'the boot log'],
  ])('%s: reading stdin at once, waiting for input after a second (then Ctrl-D)', async (cmd, what) => {
    const child = spawn('script', ['-qec', `'${process.execPath}' '${BIN}' ${cmd}`, '/dev/null'], {cwd: ELSEWHERE, env: {PATH: process.env.PATH, HOME: ELSEWHERE, TERM: 'dumb', NO_COLOR: '1'}})
    let tty = ''
    // Ctrl-D once it said it waits (at most 20 s: a loaded machine starts node slowly).
    const end = () => child.stdin.write('\x04')
    const timer = setTimeout(end, 20_000)
    child.stdout.on('data', (d) => {
      tty += d
      if (tty.includes('waiting for input')) end()
    })
    await new Promise((resolve) => child.on('close', resolve))
    clearTimeout(timer)
    expect(tty).toContain(`allocscope: reading ${what} from stdin (end with Ctrl-D)`)
    expect(tty).toContain('allocscope: waiting for input on stdin ...')
  }, 60_000)
  it('not when stdin is a pipe', () => {
    const r = spawnSync(process.execPath, [BIN, 'analyse', '-'], {cwd: REPO, input: '', encoding: 'utf8'})
    expect(r.stderr).not.toMatch(/reading .* from stdin/)
  })
})
