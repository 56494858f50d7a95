// What `diff` makes of each input it is given (src/diff/inputs.ts): pipes and FIFOs, files a mail
// or a serial console left, dumps a tool reshaped. Inputs are REAL samples or SYNTHETIC ones DERIVED
// from them here; the pipes and FIFOs need a real process (spawnCli, the BUILT CLI: npm run build).
import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {afterAll, describe, expect, it} from 'vitest'
import {BIN, cliEnv, type Ran, runCli} from '../helpers/cli.js'
import {SAMPLES, TESTDATA} from '../helpers/paths.js'
import {classifyInput, dumpFrom} from '../../src/diff/inputs.js'
import {readAllocInfo} from '../../src/readers/allocinfo.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-diff-inputs-'))
const writers: ChildProcess[] = []
afterAll(() => {
  for (const w of writers) if (w.exitCode === null) w.kill()
  rmSync(tmp, {recursive: true, force: true})
})
const POOL = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
const DUMP = join(POOL, 'allocinfo.txt')
const LKML = join(SAMPLES, 'lkml-7.0-rc4-alloc-tag-not-set', 'dmesg-excerpt.txt')

/** A DERIVED input written for the test: its path. */
function derived(name: string, bytes: Buffer | string): string {
  const path = join(tmp, `derived-${name}`)
  writeFileSync(path, bytes)
  return path
}

/** The first n lines of a file, each with its newline. */
const lines = (file: string, n: number): string => readFileSync(file, 'utf8').split('\n').slice(0, n).map((l) => `${l}\n`).join('')

/** `diff --json` of one input, in this process: exit status, result and stderr. */
async function diffJson(...args: string[]): Promise<{status: number | null; result: Record<string, unknown>; warnings: string[]; stderr: string}> {
  const r = await runCli(['diff', ...args, '--json'])
  const j = r.stdout ? JSON.parse(r.stdout) : {}
  return {status: r.status, result: j.result ?? {}, warnings: j.warnings ?? [], stderr: r.stderr}
}

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

// procfs says size 0 for files with content (/proc/allocinfo, the real case: `diff before.txt
// /proc/allocinfo`); /proc/self/status stands for it on any Linux machine.
const PROC = '/proc/self/status'
const noProc = existsSync(PROC) ? undefined : `no ${PROC}: not Linux`
describe.skipIf(noProc !== undefined)(`a file whose size says 0 but has content (procfs)${noProc ? ` (skipped: ${noProc})` : ''}`, () => {
  it(`${PROC}: copied once and sniffed from the copy (was: "empty file", trusting its size)`, () => {
    expect(statSync(PROC).size).toBe(0)
    const x = classifyInput(PROC)
    expect(x.path).toBe(PROC)
    expect(x.kind).toBe('bootlog')
    expect(x.spooled).toBeDefined()
    expect(x.capture.bootLog).toBe(x.spooled)
    expect(readFileSync(x.spooled!, 'utf8')).toMatch(/^Name:\t/)
  })
  it('diff says what it is not, not "empty file"; a file with no bytes is still "empty file"', async () => {
    const r = await runCli(['diff', PROC, DUMP])
    expect(r.status).toBe(2)
    expect(r.stderr).not.toMatch(/empty file/)
    expect(r.stderr).toMatch(/\/proc\/self\/status: neither an allocinfo dump nor a kernel log/)
    const empty = derived('empty', '')
    const e = await runCli(['diff', empty, DUMP])
    expect(e.status).toBe(2)
    expect(e.stderr).toContain(`${empty}: empty file; expected a boot log, an allocinfo dump or a capture directory`)
  })
})

describe('diff reads `-` as it reads /dev/stdin', () => {
  it('cat b | diff a -: the two dumps (was: refused, "needs to know each side\'s kind")', () => {
    const r = piped(DUMP, ['diff', join(SAMPLES, 'linux-7.2-legacylate-c255-m1024', 'allocinfo.txt'), '-', '--json'])
    expect(r.status, r.stderr).toBe(0)
    const j = JSON.parse(r.stdout).result
    expect(j.b).toBe('-')
    expect(j.allocinfo.sitesCompared).toBe(930)
  })
  it('- for both sides is a usage error (stdin is read once)', async () => {
    const r = await runCli(['diff', '-', '-'])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('stdin can be read once')
  })
})

describe('diff reads what analyse and allocinfo read: NUL bytes, UTF-16, other compression', () => {
  const NULS = Buffer.alloc(4096)
  const utf16 = (text: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')])
  it('DERIVED: a dump with NUL padding at the end is the dump (was: "binary data")', async () => {
    const r = await diffJson(derived('pad.txt', Buffer.concat([Buffer.from(lines(DUMP, 100)), NULS])))
    expect(r.status, r.stderr).toBe(0)
    expect(r.result.mode).toBe('observed')
    expect(r.result.allocinfo).toMatch(/derived-pad\.txt$/)
    expect(r.warnings.join('\n')).toMatch(/skipped 4096 NUL bytes of padding at the end/)
  })
  it('DERIVED: a boot log after NULs (a serial console) and one padded with NULs are boot logs', async () => {
    const log = readFileSync(LKML)
    for (const [name, bytes] of [['lead.txt', Buffer.concat([NULS, log])], ['tail.txt', Buffer.concat([log, NULS])]] as const) {
      const r = await diffJson(derived(name, bytes))
      expect(r.status, r.stderr).toBe(0)
      expect(r.result.bootLog).toMatch(new RegExp(`derived-${name}`))
    }
  })
  it('DERIVED: UTF-16 with a byte order mark, a dump and a boot log, are read as the UTF-8 ones', async () => {
    const plain = await diffJson(DUMP)
    const dump = await diffJson(derived('dump16.txt', utf16(readFileSync(DUMP, 'utf8'))))
    expect(dump.status, dump.stderr).toBe(0)
    expect(dump.result.counts).toEqual(plain.result.counts)
    expect(dump.result.outcomes).toEqual(plain.result.outcomes)
    const log = await diffJson(derived('log16.txt', utf16(readFileSync(LKML, 'utf8'))))
    expect(log.status, log.stderr).toBe(0)
    expect(log.result.bootLog).toMatch(/derived-log16\.txt$/)
  })
  it('SYNTHETIC: xz input gets the readers\' word, what to run (was: "binary data")', async () => {
    const r = await diffJson(derived('a.txt.xz', Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), NULS])))
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('xz-compressed: decompress it first (xz -d)')
    expect(r.stderr).not.toContain('binary data')
  })
  it('SYNTHETIC: control bytes are still named binary data', async () => {
    const bin = derived('ctl.bin', Buffer.from(Array.from({length: 4096}, (_, i) => [0x01, 0x02, 0x7f, 0x41, 0x0a][i % 5]!)))
    const r = await diffJson(bin, DUMP)
    expect(r.status).toBe(2)
    expect(r.stderr).toContain(`${bin}: binary data, neither an allocinfo dump nor a kernel log`)
  })
})

describe('a dump is told by most of its first lines, as the reader reads it', () => {
  const sites = (): string[] => readFileSync(DUMP, 'utf8').split('\n').filter((l) => /^\s*\d+\s+\d+ /.test(l))
  it('DERIVED: a headerless dump with one damaged line among the first five is a dump (was: "neither")', async () => {
    const s = sites()
    s[2] = '   12x4     1 garbage'
    const file = derived('headerless-damaged.txt', `${s.join('\n')}\n`)
    const r = await diffJson(file)
    expect(r.status, r.stderr).toBe(0)
    expect(r.result.allocinfo).toBe(file)
    // batch decides the kind with the same rule.
    const b = await runCli(['batch', file])
    expect(JSON.parse(b.stdout).kind).toBe('allocinfo')
  })
  it('DERIVED: numfmt --to=iec output gets the reader\'s refusal, not "neither"', async () => {
    const human = sites().slice(0, 20).map((l) => l.replace(/^\s*(\d+)/, (_, n: string) => `${Math.max(1, Math.round(Number(n) / 1024))}K`.padStart(12)))
    const r = await diffJson(derived('numfmt.txt', `${human.join('\n')}\n`))
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('the sizes look human-formatted')
    expect(r.stderr).not.toContain('neither')
  })
})

describe('a boot log with a dump pasted after it (a mailing-list report)', () => {
  // DERIVED: the LKML excerpt, then the dump's header and first ten sites, as a report pastes them.
  const mail = (): string => derived('mail.txt', `${readFileSync(LKML, 'utf8')}${lines(DUMP, 12)}`)
  it('one: the log and the dump are read, the log\'s warning gates (was: read as a dump alone, exit 0)', async () => {
    const file = mail()
    const r = await diffJson(file, '--fail-on', 'warning')
    expect(r.status, r.stderr).toBe(1)
    expect(r.result.bootLog).toBe(file)
    expect(r.result.allocinfo).toBe(file)
    const unset = (r.result.outcomes as {rule: string; status: string}[]).find((o) => o.rule === 'unset-tags')
    expect(unset?.status).toBe('fired')
    // The log's lines before the dump's header are the log, not lines the dump's reader skipped.
    expect(r.warnings.join('\n')).not.toMatch(/dump alone|line skipped/)
  })
  it("the dump's reader counts none of the log's lines as skipped, by reason too (a post-filter made them negative)", async () => {
    const file = mail()
    const x = classifyInput(file)
    const info = await readAllocInfo(file, file, dumpFrom(x, x.capture.allocinfo!))
    expect(info.sites).toHaveLength(10)
    expect(info.skippedTotal).toBe(0)
    expect(Object.values(info.skippedByReason).every((n) => n === 0)).toBe(true)
    expect(info.lines).toBe(readFileSync(file, 'utf8').split('\n').length - 1)
  })
  it('two: both diffs, as for two capture directories; against a dump, the dumps', async () => {
    const both = await diffJson(mail(), mail())
    expect(both.status, both.stderr).toBe(0)
    expect(Object.keys(both.result)).toEqual(expect.arrayContaining(['bootlog', 'allocinfo']))
    const dumps = await diffJson(mail(), DUMP)
    expect(dumps.status, dumps.stderr).toBe(0)
    expect((dumps.result.allocinfo as {sitesCompared: number}).sitesCompared).toBeGreaterThan(900)
  })
})

describe('a gzip boot log cut short', () => {
  // DERIVED: the pool sample's dmesg.txt gzipped, the stream cut at half its length.
  const cut = (): string => {
    const gz = gzipSync(readFileSync(join(POOL, 'dmesg.txt')))
    return derived('dmesg-cut.txt.gz', gz.subarray(0, gz.length >> 1))
  }
  it('is read up to the cut with a warning naming its side, as a dump cut short (was: exit 2, pointing at a flag diff has not)', async () => {
    const file = cut()
    const one = await diffJson(file)
    expect(one.status, one.stderr).toBe(0)
    expect(one.result.bootLog).toBe(file)
    expect(one.warnings.join('\n')).toContain(`${file}: the gzip stream ends early`)
    const two = await diffJson(join(POOL, 'dmesg.txt'), file)
    expect(two.status, two.stderr).toBe(0)
    expect(two.result.bootlog).toBeDefined()
    expect(two.warnings.join('\n')).toMatch(/^b: .*dmesg-cut\.txt\.gz: the gzip stream ends early.*may show as disappeared/m)
    expect(two.stderr + two.warnings.join('\n')).not.toContain('--accept-truncated')
  })
})

describe('a capture directory whose dump is a recording (a trend series)', () => {
  it('says its recording was not read and how to give it; given so, it is compared (was: "nothing to compare" alone)', async () => {
    const dir = join(TESTDATA, 'trend', 'leak')
    const rec = join(dir, 'recording.arec.gz')
    for (const what of [[], ['--what', 'allocinfo']]) {
      const r = await diffJson(dir, DUMP, ...what)
      expect(r.status).toBe(2)
      expect(r.stderr).toContain(`its recording.arec.gz, a recording, is not read as its dump: give ${rec} itself`)
    }
    const given = await diffJson(rec, DUMP)
    expect(given.status, given.stderr).toBe(0)
    expect(given.result.allocinfo).toBeDefined()
  })
})
