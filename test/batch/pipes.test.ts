// batch on inputs that can be read only once, in order: a FIFO (`batch <(ssh host dmesg)` hands over
// a pipe as /dev/fd/N, the same to fstat). Its head and the rest come from one descriptor
// (src/batch/open-input.ts): the record is the one the regular file with the same bytes gives, a
// boot log and a gzip allocinfo dump alike (REAL corpus files written into the FIFO), also when the
// head arrives in pieces. A writer that keeps the pipe open stops neither the run (once the reader
// has what it needs) nor Ctrl-C. Was: "invalid seek" for every FIFO.
import {spawn, spawnSync} from 'node:child_process'
import {createWriteStream, mkdtempSync, readFileSync, type WriteStream} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import type {BatchRecord} from '../../src/batch/schema.js'
import {cliEnv} from '../helpers/cli.js'
import {captureDir, REPO, SAMPLES} from '../helpers/paths.js'
import {cli, records} from './helpers.js'

const hasMkfifo = spawnSync('sh', ['-c', 'command -v mkfifo']).status === 0
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-pipes-'))
const DMESG = join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink', 'dmesg.txt')
const CONSOLE = join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink', 'console.log')
const ALLOCINFO = join(captureDir('linux-7.2-pool-c64-m1024'), 'allocinfo.txt')

/** A FIFO and its writer (which opens once a reader does). A reader that stops early leaves the writer an EPIPE: not a failure here. */
function fifoWriter(name: string): {path: string; writer: WriteStream} {
  const path = join(tmp, name)
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

/** The built CLI's `batch` in a process of its own (what is at stake is whether that process ends); SIGINT after `interruptAfter` ms. */
function run(args: string[], interruptAfter?: number): Promise<{code: number | null; stdout: string}> {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'run.js'), 'batch', ...args], {cwd: REPO, stdio: ['ignore', 'pipe', 'ignore'], env: cliEnv()})
  let stdout = ''
  child.stdout.on('data', (d) => (stdout += d))
  if (interruptAfter !== undefined) setTimeout(() => child.kill('SIGINT'), interruptAfter)
  return new Promise((res) => child.on('close', (code) => res({code, stdout})))
}

/** What a record says about its input's content (not its path or time). */
const content = ({input: _input, ...rest}: BatchRecord) => rest

describe.skipIf(!hasMkfifo)('batch on a FIFO (mkfifo: coreutils)', () => {
  it('a boot log through a FIFO: the record of the file itself', async () => {
    const [piped] = await batch([fifo('boot.log', readFileSync(DMESG))])
    const [file] = await batch([DMESG])
    expect(piped!.error).toBeUndefined()
    expect(piped!.findings!.length).toBeGreaterThan(0)
    expect(content(piped!)).toEqual(content(file!))
  })

  it('a gzip allocinfo dump through a FIFO: its totals, as from the file', async () => {
    const gz = gzipSync(readFileSync(ALLOCINFO))
    const [piped] = await batch([fifo('dump', gz)])
    const [file] = await batch([ALLOCINFO])
    expect(piped!.kind).toBe('allocinfo')
    expect(piped!.allocinfo!.sites).toBeGreaterThan(900)
    expect(content(piped!)).toEqual(content(file!))
  })

  it('a head that arrives in pieces (the writer pauses after 3 000 bytes): the same record', async () => {
    const bytes = readFileSync(DMESG)
    const {path, writer} = fifoWriter('slow.log')
    writer.write(bytes.subarray(0, 3000))
    setTimeout(() => writer.end(bytes.subarray(3000)), 300)
    const [piped] = await batch([path])
    expect(content(piped!)).toEqual(content((await batch([DMESG]))[0]!))
  })

  it('a reader that stops early (a whole gzip member, then junk: corrupt): the process ends while the writer still holds the pipe open', async () => {
    const {path, writer} = fifoWriter('held.log')
    // More than the head (16 KiB), less than a pipe holds: the reader has read it all and waits
    // for more (a read in flight) when the junk stops it.
    writer.write(Buffer.concat([gzipSync(readFileSync(CONSOLE)), Buffer.alloc(100, 0x5a)]))
    try {
      const r = await run([path])
      expect(r.code).toBe(0)
      expect(records(r.stdout)[0]!.error?.reason).toMatch(/gzip/)
    } finally {
      writer.end()
    }
  }, 20_000)

  it('Ctrl-C stops a run whose pipe has a writer that wrote a little and holds it open', async () => {
    const {path, writer} = fifoWriter('quiet.log')
    writer.write('[    0.000000] Linux version 7.2.13\n')
    try {
      const r = await run([path], 1500)
      expect(r.code).toBe(130)
    } finally {
      writer.end()
    }
  }, 20_000)
})
