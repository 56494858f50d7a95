// Running the BUILT CLI (dist/: `npm run build` first; npm test does it) from tests, two ways:
//
// - runCli: in this process. It does what bin/run.js does — the fast path (dist/cli/fast.js) for
//   the commands that have one, else oclif with the same Config, hooks, command classes and error
//   handling (oclif's own `handle`, as `execute` calls it) — with stdout, stderr, console,
//   process.exit/exitCode, the environment and the working directory captured or set for the call
//   and restored after. No Node start-up per call: ~0.5 s of CPU saved each time, which was most
//   of the suite's time (issue 11).
// - spawnCli: a real `node bin/run.js` process, for what only a process shows: signals, stdin and
//   FIFOs, a real /dev/full or closed pipe, TTYs, peak RSS, and one case per behaviour to prove the
//   in-process runs tell the truth about the process (test/cli/in-process.test.ts compares them).
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {format} from 'node:util'
import {Config, Errors, ModuleLoader, run} from '@oclif/core'
import {REPO} from './paths.js'

export const BIN = join(REPO, 'bin', 'run.js')

export interface Ran {
  status: number | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  /** Working directory for the call (default: the repository). */
  cwd?: string
  /** Variables set for the call on top of this process's environment; undefined unsets one. */
  env?: Record<string, string | undefined>
  /** In-process only: stdout fails every write with this errno code, as /dev/full does (ENOSPC). */
  stdoutError?: string
}

/**
 * Both runners' environment on top of this one: no colour, and no NODE_ENV=test (vitest sets it;
 * oclif would then look for src/*.ts in place of dist/, which a user's installed CLI never does).
 */
const DEFAULT_ENV: Record<string, string | undefined> = {NO_COLOR: '1', NODE_ENV: undefined}

/** A real process, as a user runs it (DEFAULT_ENV, then opts.env). */
export function spawnCli(args: string[], opts: CliOptions & {input?: string} = {}): Ran {
  const r = spawnSync(process.execPath, [BIN, ...args], {cwd: opts.cwd ?? REPO, input: opts.input, encoding: 'utf8', maxBuffer: 1 << 30, env: cliEnv(opts.env)})
  return {status: r.status, stdout: r.stdout, stderr: r.stderr}
}

/** The environment of a spawned CLI: this one, DEFAULT_ENV, then `extra` (undefined unsets). */
export function cliEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {...process.env, ...DEFAULT_ENV, ...extra}
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k]
  return env
}

let config: Promise<Config> | undefined
type Fast = {runFast(argv: readonly string[]): Promise<number | undefined>}
let fast: Promise<Fast> | undefined

/** One call at a time: the stubs below are process-wide. */
let queue: Promise<unknown> = Promise.resolve()

/** The same argv in this process (see the header), with DEFAULT_ENV and opts.env. */
export function runCli(args: string[], opts: CliOptions = {}): Promise<Ran> {
  const next = queue.then(() => runNow(args, opts))
  queue = next.catch(() => undefined)
  return next
}

/** What a call changes and puts back: output, exit, environment, directory, TTY flags, signal listeners. */
interface Saved {
  out: typeof process.stdout.write
  err: typeof process.stderr.write
  log: typeof console.log
  error: typeof console.error
  warn: typeof console.warn
  exit: typeof process.exit
  exitCode: typeof process.exitCode
  env: Record<string, string | undefined>
  cwd: string
  tty: Array<[NodeJS.WriteStream | NodeJS.ReadStream, PropertyDescriptor | undefined]>
  signals: Map<NodeJS.Signals, Function[]>
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM']

async function runNow(args: string[], opts: CliOptions): Promise<Ran> {
  config ??= Config.load({root: REPO})
  const cfg = await config
  // Through oclif's loader, i.e. Node's own import() (vitest's would transform dist/ again: seconds
  // of CPU): the fast path's modules are loaded once per worker, like the commands oclif loads.
  fast ??= ModuleLoader.load<Fast>(cfg, join(REPO, 'dist', 'cli', 'fast.js'))
  const fastPath = await fast
  const out: string[] = []
  const err: string[] = []
  let exited: number | undefined
  const saved = stub(opts, out, err, (code) => (exited ??= code), () => exited !== undefined)
  let status: number | undefined
  try {
    // As bin/run.js: ALLOCSCOPE_NO_FAST=1 forces oclif.
    status = process.env.ALLOCSCOPE_NO_FAST ? undefined : await fastPath.runFast(args)
    if (status === undefined) {
      try {
        await run(args, cfg)
      } catch (e) {
        // What bin/run.js's execute() does with an error: oclif's handle prints it (unless it is an
        // exit) and exits with its status; process.exit is recorded below, not done.
        if (exited === undefined) await Errors.handle(e as Error)
      }
    }
  } finally {
    restore(saved)
  }
  const code = exited ?? status ?? (typeof process.exitCode === 'number' ? process.exitCode : 0)
  process.exitCode = saved.exitCode
  return {status: code, stdout: out.join(''), stderr: err.join('')}
}

/** Installs the stubs; `onExit` records process.exit, `gone` is true after it (writes are dropped then, as in a dead process). */
function stub(opts: CliOptions, out: string[], err: string[], onExit: (code: number) => void, gone: () => boolean): Saved {
  const saved: Saved = {
    out: process.stdout.write,
    err: process.stderr.write,
    log: console.log,
    error: console.error,
    warn: console.warn,
    exit: process.exit,
    exitCode: process.exitCode,
    env: {},
    cwd: process.cwd(),
    tty: [process.stdout, process.stderr, process.stdin].map((s) => [s, Object.getOwnPropertyDescriptor(s, 'isTTY')]),
    signals: new Map(SIGNALS.map((s) => [s, process.listeners(s)])),
  }
  const writer = (sink: string[], fail?: string) =>
    ((chunk: string | Uint8Array, enc?: unknown, cb?: unknown) => {
      const done = (typeof enc === 'function' ? enc : cb) as ((e?: Error | null) => void) | undefined
      if (!gone() && !fail) sink.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'))
      const e = fail ? Object.assign(new Error(`${fail}: ${fail === 'ENOSPC' ? 'no space left on device' : 'write failed'}, write`), {code: fail}) : null
      // A real stream calls back on a later tick; a failed write without a callback is an 'error'
      // event, which bin/run.js's listener handles in a process: test that case with spawnCli.
      if (e && !done && process.stdout.listenerCount('error') === 0) throw new Error('runCli: a write without a callback failed; test this case with spawnCli')
      process.nextTick(() => (done ? done(e) : e && process.stdout.emit('error', e)))
      return true
    }) as typeof process.stdout.write
  process.stdout.write = writer(out, opts.stdoutError)
  process.stderr.write = writer(err)
  console.log = (...a: unknown[]) => void process.stdout.write(`${format(...a)}\n`)
  console.error = console.warn = (...a: unknown[]) => void process.stderr.write(`${format(...a)}\n`)
  process.exit = ((code?: number | string | null) => onExit(Number(code ?? process.exitCode ?? 0))) as typeof process.exit
  process.exitCode = undefined
  for (const [k, v] of Object.entries({...DEFAULT_ENV, ...opts.env})) {
    saved.env[k] = process.env[k]
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  for (const [s] of saved.tty) Object.defineProperty(s, 'isTTY', {value: false, configurable: true, writable: true})
  process.chdir(opts.cwd ?? REPO)
  return saved
}

function restore(saved: Saved): void {
  process.stdout.write = saved.out
  process.stderr.write = saved.err
  console.log = saved.log
  console.error = saved.error
  console.warn = saved.warn
  process.exit = saved.exit
  for (const [k, v] of Object.entries(saved.env)) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
  for (const [s, d] of saved.tty) {
    if (d) Object.defineProperty(s, 'isTTY', d)
    else delete (s as {isTTY?: boolean}).isTTY
  }
  process.chdir(saved.cwd)
  // A command that listens for signals (batch) keeps its listener after a normal end: drop it here.
  for (const [s, before] of saved.signals) for (const l of process.listeners(s)) if (!before.includes(l)) process.removeListener(s, l as () => void)
}

/** A run refused as a usage or input error: exit 2, nothing on stdout, one line on stderr (returned). Throws otherwise. */
export function refusalLine(r: Ran): string {
  const lines = r.stderr.split('\n').filter((l) => l !== '')
  if (r.status !== 2 || r.stdout !== '' || lines.length !== 1) throw new Error(`expected exit 2, no stdout and one line on stderr; got exit ${r.status}, stdout ${r.stdout.length} chars, stderr:\n${r.stderr}`)
  return lines[0]!
}
