// `trend` reads its one input once: a recording is told by its first bytes (gzip magic, the header
// line), and those bytes are the start of the read that follows. Before, a regular file was opened
// three times (sniffed, its first two bytes read again, then streamed), and a FIFO or a pipe
// (`trend <(cat rec.arec.gz)`) was never checked for being a recording at all: it was read as
// allocinfo text ("not /proc/allocinfo text"). The recordings are the REAL trend lab series
// (testdata/trend/); the FIFOs are fed by a child process, as a shell's process substitution is.
// Runs the BUILT CLI (npm test builds it). The open count needs strace (apt-get install strace).
import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {EXIT} from '../../src/errors.js'
import {BIN, cliEnv, spawnCli} from '../helpers/cli.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-trend-pipe-'))
const writers: ChildProcess[] = []
afterAll(() => {
  // A writer whose FIFO was never opened would wait for ever.
  for (const w of writers) if (w.exitCode === null) w.kill()
  rmSync(tmp, {recursive: true, force: true})
})
const rec = (series: string): string => join(REPO, 'testdata', 'trend', series, 'recording.arec.gz')

/** A FIFO that a child process (sh -c CMD) writes once, as `<(CMD)` does. */
function fifoOf(name: string, cmd: string, ...args: string[]): string {
  const path = join(tmp, name)
  expect(spawnSync('mkfifo', [path]).status).toBe(0)
  writers.push(spawn('sh', ['-c', `${cmd} > "$0"`, path, ...args], {stdio: 'ignore'}))
  return path
}

/** `trend --json` of `input`, its own path replaced by X (a FIFO's result is the file's). */
function trendJson(input: string): string {
  const r = spawnCli(['trend', input, '--json'])
  expect(r.status, r.stderr).toBe(0)
  return r.stdout.replaceAll(input, 'X')
}

describe('trend on a FIFO', () => {
  it.each(['leak', 'unload'])('the %s recording through a FIFO is the recording (was: "not /proc/allocinfo text")', (series) => {
    const fifo = fifoOf(`${series}.fifo`, 'cat "$1"', rec(series))
    expect(trendJson(fifo)).toBe(trendJson(rec(series)))
  })
  it('a recording inflated (zcat) through a FIFO: the same', () => {
    const fifo = fifoOf('zcat.fifo', 'gzip -dc "$1"', rec('leak'))
    expect(trendJson(fifo)).toBe(trendJson(rec('leak')))
  })
  it('a FIFO holding one allocinfo snapshot (plain or gzip) is read as that snapshot, from its first byte', () => {
    const dump = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt')
    for (const [name, cmd] of [['plain.fifo', 'cat "$1"'], ['gz.fifo', 'gzip -c "$1"']]) {
      const fifo = fifoOf(name, cmd!, dump)
      const r = spawnCli(['trend', fifo])
      expect(r.stderr).toMatch(new RegExp(`^allocscope: ${fifo}: 1 snapshot; a trend needs at least 2 `))
      expect(r.status).toBe(EXIT.usage)
    }
  })
  it('a FIFO of neither: not allocinfo, line 1', () => {
    const fifo = fifoOf('junk.fifo', 'echo junk')
    const r = spawnCli(['trend', fifo])
    expect(r.stderr).toBe(`allocscope: ${fifo}:1: not /proc/allocinfo text (no line parses); expected '<bytes> <calls> file:line [module] func:name'\n`)
  })
})

const canTrace = spawnSync('strace', ['-qq', '-o', '/dev/null', 'true']).status === 0

/** The openat calls naming `file` while the CLI runs `args`. */
function opensOf(args: string[], file: string): number {
  const trace = join(tmp, 'trace')
  const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=openat', '-o', trace, process.execPath, BIN, ...args], {encoding: 'utf8', env: cliEnv()})
  expect(r.status, r.stderr).toBe(0)
  return readFileSync(trace, 'utf8')
    .split('\n')
    .filter((l) => l.includes(`"${file}"`)).length
}

describe.skipIf(!canTrace)(`opens of a recording (strace${canTrace ? '' : ': SKIPPED, no strace that can trace here: apt-get install strace'})`, () => {
  it('trend: once (was 3: sniffed, its first 2 bytes read again, streamed)', () => {
    expect(opensOf(['trend', rec('leak'), '--json'], rec('leak'))).toBe(1)
  })
  it("diff: twice, diff's own sniff of each input and the read (was 3)", () => {
    expect(opensOf(['diff', rec('leak'), '--json'], rec('leak'))).toBe(2)
  })
})

describe('trend -', () => {
  // `-` is no name trend reads (a pipe may be one recording, not a series): it said "-: no such file
  // or directory", as if a file were missing. /dev/stdin reads the pipe, as the message says.
  it('says trend reads no stdin by that name and how to pipe a recording in; exit 2', () => {
    const r = spawnCli(['trend', '-'], {input: ''})
    expect(r.status).toBe(EXIT.usage)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^allocscope: -: trend reads no input from stdin by that name; name \/dev\/stdin \(or <\(cmd\)\) for a recording piped in/)
    // A shell's pipe (node's own stdio pipe is a socket, which /dev/stdin cannot open).
    const piped = spawnSync('sh', ['-c', 'cat "$1" | "$2" "$3" trend /dev/stdin --json', 'sh', rec('leak'), process.execPath, BIN], {encoding: 'utf8', env: cliEnv()})
    expect(piped.status, piped.stderr).toBe(0)
  })
})
