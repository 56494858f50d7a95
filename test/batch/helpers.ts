// Running the built CLI (dist/: `npm run build` first) for batch and fleet tests: in-process
// (test/helpers/cli.ts: the same command, worker threads and exit statuses, no Node start-up), and
// a real process where the process itself is the point (signals).
import {spawn} from 'node:child_process'
import type {BatchRecord} from '../../src/batch/schema.js'
import {BIN, cliEnv, runCli, type Ran} from '../helpers/cli.js'
import {REPO} from '../helpers/paths.js'

export type {Ran}

/** The CLI in this process; relative paths are relative to opts.cwd (default: the repository). */
export const cli = (args: string[], opts: {cwd?: string} = {}): Promise<Ran> => runCli(args, opts)

export const records = (ndjson: string): BatchRecord[] =>
  ndjson
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as BatchRecord)

/** Starts a run and sends `signal` once `file` has at least `lines` lines (polled). */
export async function interrupt(args: string[], file: string, lines: number, signal: NodeJS.Signals, count: () => number): Promise<number | null> {
  const child = spawn(process.execPath, [BIN, ...args], {cwd: REPO, stdio: 'ignore', env: cliEnv()})
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
