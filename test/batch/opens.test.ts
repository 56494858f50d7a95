// How often batch opens a capture directory's files, seen by strace in a real process of the BUILT
// CLI. The dump of a capture whose log does not name its recorder (a 6.12 kernel: a guess from the
// release) was opened twice: read raw, up to 16 MiB, for the recorder evidence, then parsed for
// the record. It is read once now, the evidence taken from the parsed dump. And an argument is
// stat'ed once (it was twice: for the arguments' identities, then for its tasks). Needs strace (Debian:
// apt-get install strace); skipped without it, or where it cannot trace (no ptrace).
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {BIN, cliEnv} from '../helpers/cli.js'
import {captureDir, PEER} from '../helpers/paths.js'

const canTrace = spawnSync('strace', ['-qq', '-o', '/dev/null', 'true']).status === 0
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-batch-opens-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

/** The `calls` (strace -e trace=...) of `batch args` naming `file`. */
function callsOf(calls: string, args: string[], file: string): number {
  const trace = join(tmp, 'trace')
  const r = spawnSync('strace', ['-f', '-qq', '-e', `trace=${calls}`, '-o', trace, process.execPath, BIN, 'batch', ...args], {encoding: 'utf8', env: cliEnv()})
  expect(r.status, r.stderr).toBe(0)
  return readFileSync(trace, 'utf8')
    .split('\n')
    .filter((l) => l.includes(`"${file}"`)).length
}

/** The openat calls of `batch -j 1 path` naming `file`. */
const opensOf = (path: string, file: string): number => callsOf('openat', ['-j', '1', path], file)

describe.skipIf(!canTrace)(`what batch opens and stats (strace${canTrace ? '' : ': SKIPPED, no strace that can trace here: apt-get install strace'})`, () => {
  it('the dump once (REAL: a 6.12 capture, whose recorder is a guess from the release; was: twice)', () => {
    const dir = captureDir('linux-6.12-instr_smp004_1G')
    expect(opensOf(dir, join(dir, 'allocinfo.txt'))).toBe(1)
    expect(opensOf(dir, join(dir, 'dmesg.txt'))).toBe(1)
  })

  it('an argument is stat\'ed once, to know what it is and whether it was named (REAL: a peer log; was: twice)', () => {
    const log = join(PEER, '10')
    // statx on current kernels; the others where Node falls back to them.
    expect(callsOf('statx,stat,lstat,newfstatat', ['--list', log], log)).toBe(1)
  })
})
