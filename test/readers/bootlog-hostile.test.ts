// Hostile and unlucky boot-log input: padding (NULs, blank lines) before and inside a real log
// is skipped and counted without losing a record; long lines are warned about with their line;
// NUL-only input (a sparse file, a gzip bomb, /dev/zero) is refused in bounded memory. The RSS
// checks spawn the built CLI (dist/, as npm test builds it) and read its peak from the kernel.
import {spawnSync} from 'node:child_process'
import {closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {analyseBootLog, analyseBootLogText, inputWarnings} from '../../src/analysis/read.js'
import {openBootLog} from '../../src/readers/bootlog/index.js'
import type {LogRecord} from '../../src/types.js'
import {expectedSequence} from '../helpers/convert.js'
import {repeat, writeGzipMembers} from '../helpers/gzip-members.js'
import {captureDir, REPO} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-hostile-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
const DMESG = join(captureDir('linux-7.2-pool-c64-m1024'), 'dmesg.txt')
const original = readFileSync(DMESG, 'utf8')
const MiB = 2 ** 20

async function read(path: string) {
  const s = await openBootLog(path)
  const records: LogRecord[] = []
  for await (const r of s.records) records.push(r)
  return {format: s.format, records, stats: s.stats()}
}

function file(name: string, data: string | Buffer): string {
  const p = join(tmp, name)
  writeFileSync(p, data)
  return p
}

describe('padding before and inside a real log (DERIVED from a real dmesg.txt)', () => {
  it('2 MiB of NULs before the first record: every record, the release, the run counted', async () => {
    const p = file('nul-head.txt', Buffer.concat([Buffer.alloc(2 * MiB), Buffer.from(original)]))
    const r = await read(p)
    expect(r.records.map((x) => [x.time, x.text])).toEqual(expectedSequence(original))
    expect(r.stats.padding?.leading).toEqual({bytes: 2 * MiB, lines: 0})
    const a = await analyseBootLog(p)
    expect(a.host.release?.value).toBe('7.2.13')
    expect(inputWarnings(a)).toEqual([`${p}: skipped ${2 * MiB} bytes of NULs and blank lines (0 lines) before the first text`])
  })

  it('1.5 MiB of NULs glued to the start of a line inside the log, and a short run: no record lost, both runs counted', async () => {
    const lines = original.split('\n')
    const mid = Math.floor(lines.length / 2)
    const head = Buffer.from(lines.slice(0, mid).join('\n') + '\n')
    const data = Buffer.concat([head, Buffer.alloc(1.5 * MiB), Buffer.from(lines.slice(mid, mid + 3).join('\n') + '\n'), Buffer.alloc(10), Buffer.from(lines.slice(mid + 3).join('\n'))])
    const r = await read(file('nul-mid.txt', data))
    expect(r.records.map((x) => [x.time, x.text])).toEqual(expectedSequence(original))
    expect(r.stats.padding?.nul?.ranges).toBe(2)
    expect(r.stats.padding?.nul?.bytes).toBe(1.5 * MiB + 10)
    expect(r.stats.padding?.nul?.first[0]).toEqual({offset: head.length, bytes: 1.5 * MiB})
    expect(r.stats.truncatedLines).toBe(0)
  })

  it('2 MiB of blank lines (LF, CRLF, spaces) before the log: detected, every record, line numbers after the padding', async () => {
    const pad = '\n \r\n\t\n'.repeat((2 * MiB) / 6)
    const padLines = pad.split(/\r\n|\n/).length - 1
    const r = await read(file('blank-head.txt', pad + original))
    // A CR line end is a serial console's trait.
    expect(r.format).toBe('console')
    expect(r.records.map((x) => [x.time, x.text])).toEqual(expectedSequence(original))
    expect(r.records[0]!.line).toBe(padLines + 1)
    expect(r.stats.lines).toBe(padLines + original.split('\n').length - (original.endsWith('\n') ? 1 : 0))
    expect(r.stats.recordLines + r.stats.skippedTotal).toBe(r.stats.lines)
    // Whole reads of padding are counted without being split; the read where the text starts is read line by line.
    const lead = r.stats.skippedByReason['blank lines and NUL bytes before the first text'] ?? 0
    expect(lead).toBeGreaterThan(0)
    expect(lead + (r.stats.skippedByReason['empty line'] ?? 0)).toBeGreaterThanOrEqual(padLines)
  })

  it('a line over 1 MiB is cut and warned about with its line number', async () => {
    const lines = original.split('\n')
    lines.splice(10, 0, `[    0.000001] ${'x'.repeat(MiB + 100)}`)
    const p = file('long-line.txt', lines.join('\n'))
    const a = await analyseBootLog(p)
    expect(a.input?.longLines).toEqual({count: 1, firstLine: 11, limit: MiB})
    expect(inputWarnings(a)).toEqual([`${p}: 1 line longer than 1 MiB was cut at that length, the first at line 11`])
    expect(a.host.release?.value).toBe(analyseBootLogText(original, 'x').host.release?.value)
  })
})

/** Peak RSS (MiB) and the result of the built CLI on args. */
function cliRss(args: string[]): {rssMiB: number; status: number | null; stderr: string} {
  const out = join(tmp, 'rss.txt')
  const r = spawnSync('/usr/bin/time', ['-o', out, '-f', '%M', process.execPath, join(REPO, 'bin', 'run.js'), ...args], {cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], timeout: 120_000})
  return {rssMiB: Number(readFileSync(out, 'utf8').trim().split('\n').pop()) / 1024, status: r.status, stderr: r.stderr}
}

/** `zeros` bytes of NULs gzipped into `path` (helpers/gzip-members.ts: set-up in ms, not seconds). */
async function gzipBomb(path: string, zeros: number): Promise<void> {
  writeGzipMembers(path, repeat(Buffer.alloc(MiB), zeros / MiB))
}

const hasTime = existsSync('/usr/bin/time') && existsSync(join(REPO, 'dist', 'commands'))
describe.skipIf(!hasTime)('NUL-only input stays bounded (built CLI; needs /usr/bin/time and npm run build)', () => {
  it('a 256 MiB sparse file: "empty", exit 2, peak RSS under 200 MiB', () => {
    const p = join(tmp, 'sparse.log')
    const fd = openSync(p, 'w')
    writeSync(fd, Buffer.alloc(1), 0, 1, 256 * MiB - 1)
    closeSync(fd)
    const r = cliRss(['analyse', p])
    expect(r.stderr).toContain(`${p}: empty: ${256 * MiB} NUL bytes skipped, no text: expected a kernel log`)
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeLessThan(200)
  })

  it('a gzip bomb (256 MiB of zeros in ~0.25 MiB): refused, peak RSS under 200 MiB', async () => {
    const p = join(tmp, 'bomb.log.gz')
    await gzipBomb(p, 256 * MiB)
    const r = cliRss(['analyse', p])
    expect(r.stderr).toContain(`${p}: empty: ${256 * MiB} NUL bytes skipped, no text: expected a kernel log`)
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeLessThan(200)
  })

  it('/dev/zero: refused after 1 GiB of padding, peak RSS under 200 MiB', () => {
    const r = cliRss(['analyse', '/dev/zero'])
    expect(r.stderr).toContain('/dev/zero: no text in the first 1 GiB (only NUL bytes and blank lines): expected a kernel log')
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeLessThan(200)
  })
})
