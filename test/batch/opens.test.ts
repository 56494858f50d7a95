// How often batch opens a capture directory's files, seen by strace in a real process of the BUILT
// CLI. The dump of a capture whose log does not name its recorder (a 6.12 kernel: a guess from the
// release) was opened twice: read raw, up to 16 MiB, for the recorder evidence, then parsed for
// the record. It is read once now, the evidence taken from the parsed dump. Needs strace (Debian:
// apt-get install strace); skipped without it, or where it cannot trace (no ptrace).
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {BIN, cliEnv} from '../helpers/cli.js'
import {captureDir} from '../helpers/paths.js'

const canTrace = spawnSync('strace', ['-qq', '-o', '/dev/null', 'true']).status === 0
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-batch-opens-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

/** The openat calls of `batch -j 1 path` naming `file`. */
function opensOf(path: string, file: string): number {
  const trace = join(tmp, 'trace')
  const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=openat', '-o', trace, process.execPath, BIN, 'batch', '-j', '1', path], {encoding: 'utf8', env: cliEnv()})
  expect(r.status, r.stderr).toBe(0)
  return readFileSync(trace, 'utf8')
    .split('\n')
    .filter((l) => l.includes(`"${file}"`)).length
}

describe.skipIf(!canTrace)(`files a capture directory's record opens (strace${canTrace ? '' : ': SKIPPED, no strace that can trace here: apt-get install strace'})`, () => {
  it('the dump once (REAL: a 6.12 capture, whose recorder is a guess from the release; was: twice)', () => {
    const dir = captureDir('linux-6.12-instr_smp004_1G')
    expect(opensOf(dir, join(dir, 'allocinfo.txt'))).toBe(1)
    expect(opensOf(dir, join(dir, 'dmesg.txt'))).toBe(1)
  })
})
