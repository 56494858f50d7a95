// Running the built CLI (dist/: `npm run build` first) for batch and fleet tests, as a user runs
// it: a real process, so that worker threads, signals and exit statuses are the real ones.
import {spawn, spawnSync} from 'node:child_process'
import {join} from 'node:path'
import type {BatchRecord} from '../../src/batch/schema.js'
import {REPO} from '../helpers/paths.js'

export const BIN = join(REPO, 'bin', 'run.js')

export interface Ran {
  status: number | null
  stdout: string
  stderr: string
}

export function cli(args: string[], opts: {input?: string; cwd?: string} = {}): Ran {
  const r = spawnSync(process.execPath, [BIN, ...args], {cwd: opts.cwd ?? REPO, input: opts.input, encoding: 'utf8', maxBuffer: 1 << 30, env: {...process.env, NO_COLOR: '1'}})
  return {status: r.status, stdout: r.stdout, stderr: r.stderr}
}

export const records = (ndjson: string): BatchRecord[] =>
  ndjson
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as BatchRecord)

/** Starts a run and sends `signal` once `file` has at least `lines` lines (polled). */
export async function interrupt(args: string[], file: string, lines: number, signal: NodeJS.Signals, count: () => number): Promise<number | null> {
  const child = spawn(process.execPath, [BIN, ...args], {cwd: REPO, stdio: 'ignore'})
  const exited = new Promise<number | null>((res) => child.on('exit', (code, sig) => res(code ?? (sig ? 128 : null))))
  for (;;) {
    if (child.exitCode !== null) break
    if (count() >= lines) {
      child.kill(signal)
      break
    }
    await new Promise((r) => setTimeout(r, 20))
  }
  return exited
}
