// batch on inputs that can be read only once, in order: a FIFO (what `batch <(ssh host dmesg)`
// hands over as /dev/fd/N). Its head and the rest come from one descriptor (src/batch/open-input.ts):
// the record is the one the regular file with the same bytes gives, a boot log and a gzip allocinfo
// dump alike (REAL corpus files written into the FIFO). Was: "invalid seek" for every FIFO.
import {spawnSync} from 'node:child_process'
import {createWriteStream, mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import type {BatchRecord} from '../../src/batch/schema.js'
import {captureDir, SAMPLES} from '../helpers/paths.js'
import {cli, records} from './helpers.js'

const hasMkfifo = spawnSync('sh', ['-c', 'command -v mkfifo']).status === 0
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-pipes-'))
const DMESG = join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink', 'dmesg.txt')
const ALLOCINFO = join(captureDir('linux-7.2-pool-c64-m1024'), 'allocinfo.txt')

/** A FIFO that `bytes` are written into once a reader opens it. */
function fifo(name: string, bytes: Buffer): string {
  const path = join(tmp, name)
  expect(spawnSync('mkfifo', [path]).status).toBe(0)
  // A reader that stops early leaves the writer an EPIPE: not this test's failure to report.
  createWriteStream(path).on('error', () => {}).end(bytes)
  return path
}

async function batch(paths: string[]): Promise<BatchRecord[]> {
  const r = await cli(['batch', '--jobs', '1', ...paths])
  expect(r.status, r.stderr).toBe(0)
  return records(r.stdout)
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
})
