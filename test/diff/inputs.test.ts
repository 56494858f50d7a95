// What `diff` makes of each input it is given (src/diff/inputs.ts): pipes and FIFOs, files a mail
// or a serial console left, dumps a tool reshaped. Inputs are REAL samples or SYNTHETIC ones DERIVED
// from them here; the pipes and FIFOs need a real process (spawnCli, the BUILT CLI: npm run build).
import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {BIN, cliEnv, type Ran} from '../helpers/cli.js'
import {SAMPLES} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-diff-inputs-'))
const writers: ChildProcess[] = []
afterAll(() => {
  for (const w of writers) if (w.exitCode === null) w.kill()
  rmSync(tmp, {recursive: true, force: true})
})
const POOL = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
const DUMP = join(POOL, 'allocinfo.txt')

/** A FIFO that a child process (sh -c CMD) writes once, as `<(CMD)` does. */
function fifoOf(name: string, cmd: string, ...args: string[]): string {
  const path = join(tmp, name)
  expect(spawnSync('mkfifo', [path]).status).toBe(0)
  writers.push(spawn('sh', ['-c', `${cmd} > "$0"`, path, ...args], {stdio: 'ignore'}))
  return path
}

/** The CLI in a process, killed after 15 s (a read that waits for ever fails the test, not the run). */
function cli(args: string[]): Ran {
  const r = spawnSync(process.execPath, [BIN, ...args], {encoding: 'utf8', env: cliEnv(), maxBuffer: 1 << 30, timeout: 15_000})
  return {status: r.status, stdout: r.stdout, stderr: r.stderr}
}

/** `cat FILE | allocscope ARGS`: stdin a real pipe (spawnSync's input is a socket, which /dev/stdin cannot open). */
function piped(file: string, args: string[]): Ran {
  const r = spawnSync('sh', ['-c', 'f=$0 n=$1 b=$2; shift 2; cat "$f" | "$n" "$b" "$@"', file, process.execPath, BIN, ...args], {encoding: 'utf8', env: cliEnv(), maxBuffer: 1 << 30, timeout: 15_000})
  return {status: r.status, stdout: r.stdout, stderr: r.stderr}
}

describe('diff of one dump through a pipe or a FIFO', () => {
  it('a FIFO: read from the copy (was: hung reading the drained FIFO again)', () => {
    const fifo = fifoOf('one.fifo', 'cat "$1"', DUMP)
    const r = cli(['diff', fifo, '--json'])
    expect(r.status, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout)
    expect(j.result.mode).toBe('observed')
    expect(j.result.allocinfo).toBe(fifo)
  }, 20_000)
  it('a pipe as /dev/stdin: the dump, not "empty"', () => {
    const r = piped(DUMP, ['diff', '/dev/stdin', '--json'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).not.toMatch(/empty/)
    expect(JSON.parse(r.stdout).result.allocinfo).toBe('/dev/stdin')
  })
})
