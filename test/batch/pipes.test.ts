// batch on inputs that can be read only once, in order: a FIFO (`batch <(ssh host dmesg)` hands over
// a pipe as /dev/fd/N, the same to fstat). Its head and the rest come from one descriptor
// (src/batch/open-input.ts): the record is the one the regular file with the same bytes gives, a
// boot log and a gzip allocinfo dump alike (REAL corpus files written into the FIFO), also when the
// head arrives in pieces. A writer that keeps the pipe open stops neither the run (once the reader
// has what it needs) nor Ctrl-C; a FIFO nobody writes to is waited for, and a second signal quits;
// one reached by a walk, a pattern or a list is not read, nor a FIFO named meta.json. Was:
// "invalid seek" for every FIFO.
import {type ChildProcess, spawn, spawnSync} from 'node:child_process'
import {createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, type WriteStream} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {afterAll, describe, expect, it} from 'vitest'
import type {BatchRecord} from '../../src/batch/schema.js'
import {cliEnv} from '../helpers/cli.js'
import {captureDir, REPO, SAMPLES} from '../helpers/paths.js'
import {cli, records} from './helpers.js'

const hasMkfifo = spawnSync('sh', ['-c', 'command -v mkfifo']).status === 0 && existsSync('/proc/self/task')
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-pipes-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
const NOTRACK = join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink')
const DMESG = join(NOTRACK, 'dmesg.txt')
const CONSOLE = join(NOTRACK, 'console.log')
const ALLOCINFO = join(captureDir('linux-7.2-pool-c64-m1024'), 'allocinfo.txt')

/** A FIFO and its writer, which opens once a reader does ('open'). A reader that stops early leaves the writer an EPIPE: not a failure here. */
function fifoWriter(name: string, dir = tmp): {path: string; writer: WriteStream} {
  const path = join(dir, name)
  expect(spawnSync('mkfifo', [path]).status).toBe(0)
  return {path, writer: createWriteStream(path).on('error', () => {})}
}

/** A FIFO that `bytes` are written into, then closed. */
function fifo(name: string, bytes: Buffer): string {
  const {path, writer} = fifoWriter(name)
  writer.end(bytes)
  return path
}

async function batch(paths: string[]): Promise<BatchRecord[]> {
  const r = await cli(['batch', '--jobs', '1', ...paths])
  expect(r.status, r.stderr).toBe(0)
  return records(r.stdout)
}

interface Run {
  child: ChildProcess
  stderr: () => string
  ended: Promise<{code: number | null; signal: NodeJS.Signals | null; stdout: string}>
}

/** The built CLI's `batch` in a process of its own (what is at stake is whether that process ends); killed when the test gives up. */
function run(args: string[]): Run {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'run.js'), 'batch', ...args], {cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: cliEnv()})
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (d) => (stdout += d))
  child.stderr!.on('data', (d) => (stderr += d))
  const guard = setTimeout(() => child.kill('SIGKILL'), 15_000)
  const ended = new Promise<{code: number | null; signal: NodeJS.Signals | null; stdout: string}>((res) =>
    child.on('close', (code, signal) => {
      clearTimeout(guard)
      res({code, signal, stdout})
    }),
  )
  return {child, stderr: () => stderr, ended}
}

/** Until a thread of `pid` waits in the kernel for a FIFO's other end (Linux: /proc/PID/task/TID/wchan). */
async function blockedInFifoOpen(pid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const tasks = existsSync(`/proc/${pid}/task`) ? readdirSync(`/proc/${pid}/task`) : []
    if (tasks.some((t) => /fifo|partner/.test(readWchan(pid, t)))) return
    await sleep(100)
  }
  // Where wchan says nothing (restricted ptrace, gVisor): after 10 s batch is waiting anyway.
}

function readWchan(pid: number, tid: string): string {
  try {
    return readFileSync(`/proc/${pid}/task/${tid}/wchan`, 'utf8')
  } catch {
    return ''
  }
}

const opened = (w: WriteStream) => new Promise<void>((res) => w.once('open', () => res()))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** What a record says about its input's content (not its path or time). */
const content = ({input: _input, ...rest}: BatchRecord) => rest

describe.skipIf(!hasMkfifo)('batch on a FIFO (Linux: mkfifo from coreutils, /proc)', () => {
  it('a boot log through a FIFO: the record of the file itself', async () => {
    const [piped] = await batch([fifo('boot.log', readFileSync(DMESG))])
    const [file] = await batch([DMESG])
    expect(piped!.error).toBeUndefined()
    expect(piped!.findings!.length).toBeGreaterThan(0)
    expect(content(piped!)).toEqual(content(file!))
  })

  it('a gzip allocinfo dump through a FIFO: its totals, as from the file', async () => {
    const [piped] = await batch([fifo('dump', gzipSync(readFileSync(ALLOCINFO)))])
    const [file] = await batch([ALLOCINFO])
    expect(piped!.kind).toBe('allocinfo')
    expect(piped!.allocinfo!.sites).toBeGreaterThan(900)
    expect(content(piped!)).toEqual(content(file!))
  })

  it('a head that arrives in pieces (cut inside "allocinfo - version:"): still an allocinfo dump', async () => {
    const bytes = readFileSync(ALLOCINFO)
    const {path, writer} = fifoWriter('slow-dump')
    writer.write(bytes.subarray(0, 10))
    void opened(writer).then(() => setTimeout(() => writer.end(bytes.subarray(10)), 300))
    const [piped] = await batch([path])
    expect(content(piped!)).toEqual(content((await batch([ALLOCINFO]))[0]!))
  })

  it.each([
    ['a gzip boot log, then junk', () => Buffer.concat([gzipSync(readFileSync(CONSOLE)), Buffer.alloc(100, 0x5a)]), /gzip/],
    ['a gzip allocinfo dump with a NUL near its end', () => gzipSync(Buffer.concat([readFileSync(ALLOCINFO), readFileSync(join(NOTRACK, 'allocinfo.txt')), Buffer.from('\0 ')])), /NUL/],
  ])('a reader that stops early (%s) ends the process while the writer holds the pipe open', async (_what, data, reason) => {
    // More than the head (16 KiB), less than a pipe holds: the reader has read it all and waits
    // for more (a read in flight) when it stops.
    const bytes = data()
    expect(bytes.length).toBeGreaterThan(16 * 1024)
    expect(bytes.length).toBeLessThan(60 * 1024)
    const {path, writer} = fifoWriter(`held-${bytes.length}`)
    writer.write(bytes)
    try {
      const r = await run([path]).ended
      expect(r.code).toBe(0)
      expect(records(r.stdout)[0]!.error?.reason).toMatch(reason)
    } finally {
      writer.end()
    }
  }, 20_000)

  it('Ctrl-C stops a run whose pipe has a writer that wrote a little and holds it open', async () => {
    const {path, writer} = fifoWriter('quiet.log')
    writer.write('[    0.000000] Linux version 7.2.13\n')
    try {
      const r = run([path])
      await opened(writer)
      await sleep(300)
      r.child.kill('SIGINT')
      expect((await r.ended).code).toBe(130)
    } finally {
      writer.end()
    }
  }, 20_000)

  it.each([
    ['SIGINT', 'SIGINT'],
    ['SIGTERM', 'SIGINT'],
  ] as const)('a FIFO nobody writes to: the first signal (%s) says why it waits, a second (%s) quits', async (first, second) => {
    const path = join(tmp, `nobody-${first}`)
    expect(spawnSync('mkfifo', [path]).status).toBe(0)
    const r = run([path])
    await blockedInFifoOpen(r.child.pid!)
    r.child.kill(first)
    for (let i = 0; i < 50 && !/waiting on its input/.test(r.stderr()); i++) await sleep(100)
    expect(r.stderr()).toMatch(/a FIFO with no writer\?\); a second Ctrl-C \(or SIGTERM\) quits at once/)
    r.child.kill(second)
    expect((await r.ended).signal).toBe(second)
  }, 20_000)

  it('a FIFO reached by a walk, a pattern or a --files-from list is an error record, not read (it could wait for ever)', async () => {
    const dir = join(tmp, 'tree')
    mkdirSync(dir)
    expect(spawnSync('mkfifo', [join(dir, 'a.fifo')]).status).toBe(0)
    const list = join(tmp, 'list')
    writeFileSync(list, `${join(dir, 'a.fifo')}\n`)
    const notRead = expect.stringMatching(/^a FIFO not named on the command line is not read/)
    expect((await batch([dir, DMESG])).map((x) => x.error?.reason ?? 'ok')).toEqual([notRead, 'ok'])
    // The glob library lists no FIFO itself, but a symlink to one: that hit is refused, as the list's
    // FIFO (the same FIFO: one input, one record).
    const linked = join(tmp, 'linked')
    mkdirSync(linked)
    symlinkSync(join(dir, 'a.fifo'), join(linked, 'link'))
    expect((await batch([join(linked, '*'), '--files-from', list])).map((x) => [x.input.path, x.error?.reason])).toEqual([[join(linked, 'link'), notRead]])
    expect((await batch(['--files-from', list])).map((x) => x.error?.reason)).toEqual([notRead])
  })

  it('a FIFO a walk reaches and the command line also names is read, where the walk had it', async () => {
    const dir = join(tmp, 'both')
    mkdirSync(dir)
    const {path, writer} = fifoWriter('p.log', dir)
    writer.end(readFileSync(DMESG))
    const recs = await batch([dir, path])
    expect(recs).toHaveLength(1)
    expect(content(recs[0]!)).toEqual(content((await batch([DMESG]))[0]!))
  })

  it('a capture directory whose meta.json is a FIFO: an error record, not opened', async () => {
    const cap = join(tmp, 'cap')
    mkdirSync(cap)
    writeFileSync(join(cap, 'dmesg.txt'), readFileSync(DMESG))
    expect(spawnSync('mkfifo', [join(cap, 'meta.json')]).status).toBe(0)
    const [rec] = await batch([cap])
    expect(rec!.error?.reason).toBe('meta.json: a FIFO, not read (it could wait for a writer for ever); expected the meta.json of a capture directory')
  })
})
