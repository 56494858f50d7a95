// Where batch's output goes wrong, at process level (what is at stake is what the process leaves
// behind and how it exits): a run stopped while stdout's reader is slow (a pipe takes 64 KiB, the
// rest waits in the process: exiting at once cut the last line), and an --out file that cannot be
// written (an uncaught ENOSPC stack trace, exit 1). Inputs: the REAL syzkaller peer logs.
import {spawn, spawnSync} from 'node:child_process'
import {closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, readSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {BIN, cliEnv, spawnCli} from '../helpers/cli.js'
import {LAB_CAPTURES, PEER, REPO} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-batch-out-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

const hasFifo = spawnSync('sh', ['-c', 'command -v mkfifo']).status === 0 && existsSync('/proc/self/io')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Bytes a process has written and its CPU time in clock ticks (all its threads), from /proc; undefined once it is gone. */
function progress(pid: number): {wchar: number; cpu: number} | undefined {
  try {
    const wchar = Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1])
    // utime and stime: fields 14 and 15, counted after the command name's closing parenthesis.
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return {wchar, cpu: Number(f[11]) + Number(f[12])}
  } catch {
    return undefined
  }
}

/**
 * Resolves once the process, having written records (16 KiB), writes no more for a second: its
 * stdout pipe is full; what it wrote last waits in the process, and the pool sends no new task
 * (backpressure) — it used to go on working, which is what this looked for before. Returns the
 * bytes written by then (records in the pipe, and the workers' 8-byte wake-ups).
 */
async function pipeFull(pid: number, what: () => string): Promise<number> {
  const end = Date.now() + 60_000
  let from = progress(pid)
  let since = Date.now()
  while (Date.now() < end) {
    await sleep(100)
    const now = progress(pid)
    if (!now || !from) throw new Error(`batch ended before its stdout pipe was full: ${what()}`)
    // A record is ~2 KB; the 8-byte writes are the workers' wake-ups (eventfd).
    if (now.wchar - from.wchar >= 1024) {
      from = now
      since = Date.now()
    } else if (now.wchar >= 16384 && Date.now() - since >= 1000) return now.wchar
  }
  throw new Error('batch did not fill its stdout pipe within 60 s')
}

/** Everything left in a non-blocking read end, until every writer has closed it. */
async function readAll(fd: number, limitMs: number): Promise<Buffer> {
  const parts: Buffer[] = []
  const buf = Buffer.alloc(1 << 16)
  for (const end = Date.now() + limitMs; Date.now() < end; ) {
    let n: number
    try {
      n = readSync(fd, buf, 0, buf.length, null)
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e
      await sleep(10)
      continue
    }
    if (n === 0) return Buffer.concat(parts)
    parts.push(Buffer.from(buf.subarray(0, n)))
  }
  throw new Error(`the writer did not close the pipe within ${limitMs} ms`)
}

describe.skipIf(!hasFifo)('a stopped run with a slow reader on stdout', () => {
  it('waits for the reader to take the queued records: the output ends with a whole line', async () => {
    const fifo = join(tmp, 'stdout')
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0)
    // The reader's end first (non-blocking: nobody reads until the signal is sent), then the writer's.
    const rfd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK)
    const wfd = openSync(fifo, 'w')
    const child = spawn(process.execPath, [BIN, 'batch', '--jobs', '1', PEER, LAB_CAPTURES], {cwd: REPO, stdio: ['ignore', wfd, 'pipe'], env: cliEnv()})
    closeSync(wfd)
    let stderr = ''
    child.stderr!.on('data', (d) => (stderr += d))
    const exited = new Promise<number | null>((res) => child.on('exit', (code, sig) => res(code ?? (sig ? 128 : null))))
    try {
      const inPipe = await pipeFull(child.pid!, () => stderr)
      child.kill('SIGTERM')
      // A reader that is busy for a while (was: the process was gone at once, the line cut at 64 KiB).
      await sleep(1500)
      const out = (await readAll(rfd, 60_000)).toString('utf8')
      expect(await exited).toBe(143)
      // More than the pipe held when the signal came: the records waiting in the process were written.
      expect(out.length).toBeGreaterThan(inPipe)
      expect(out.endsWith('\n'), `last bytes: ${JSON.stringify(out.slice(-80))}`).toBe(true)
      for (const l of out.slice(0, -1).split('\n')) expect(() => JSON.parse(l)).not.toThrow()
      expect(stderr).toMatch(/waiting for the reader of stdout to take the last records/)
      expect(stderr).toMatch(/batch stopped by SIGTERM; the output holds complete records only\n$/)
    } finally {
      child.kill('SIGKILL')
      closeSync(rfd)
    }
  }, 120_000)
})

describe.skipIf(!existsSync('/dev/full'))('an --out file that cannot be written', () => {
  it('is one line and exit 74, as stdout on /dev/full', () => {
    const input = join(PEER, '10')
    const r = spawnCli(['batch', '--jobs', '1', input, '--out', '/dev/full'])
    expect(r.stderr).toBe('allocscope: writing output: no space left on device\n')
    expect(r.status).toBe(74)
    const piped = spawnSync('sh', ['-c', `"$0" "$1" batch --jobs 1 "$2" > /dev/full`, process.execPath, BIN, input], {cwd: REPO, env: cliEnv(), encoding: 'utf8'})
    expect([piped.status, piped.stderr]).toEqual([r.status, r.stderr])
  }, 60_000)
})
