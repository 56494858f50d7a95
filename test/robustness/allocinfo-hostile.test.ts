// Hostile input for the allocinfo reader (issue 14), on the BUILT CLI spawned as a user would:
// devices, gzip bombs built on the fly (small on disk, hundreds of MiB inflated), millions of
// blank lines, input past V8's longest string (0x1fffffe8 characters, ~512 MiB), pipes into
// `diff`. Peak RSS is read from inside the child (test/helpers/cli-rss.ts) and
// must stay under 200 MiB. Needs `npm run build` (npm test does it).
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {once} from 'node:events'
import {repeat, writeGzipMembers} from '../helpers/gzip-members.js'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {readAllocInfo} from '../../src/readers/allocinfo.js'
import {InputError} from '../../src/errors.js'
import {BIN, RSS_LIMIT_MIB, type RssRun, type RssRunOptions, runWithRss} from '../helpers/cli-rss.js'
import {REPO, SAMPLES, captureDir} from '../helpers/paths.js'

const A = join(captureDir('linux-7.2-pool-c4-m1024'), 'allocinfo.txt')
const B = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt')
const MiB = 1 << 20
let T: string

const run = (cmd: string[], opts: Omit<RssRunOptions, 'home'> = {}): Promise<RssRun> => runWithRss(cmd, {...opts, home: T})

/** `parts` gzipped into T/name: a bomb that is small on disk (helpers/gzip-members.ts). */
const gzipFile = (name: string, parts: Iterable<Buffer>): string => writeGzipMembers(join(T, name), parts)

/** A real capture, then `mib` MiB of 1 MiB+ lines of junk (each cut and skipped), then the capture again. */
function* pastStringLimit(mib: number): Generator<Buffer> {
  const cap = readFileSync(B)
  yield cap
  const junk = Buffer.alloc(MiB + 1024, 'x')
  junk[junk.length - 1] = 10
  for (let i = 0; i < mib; i++) yield junk
  yield cap
}

let zeroBomb: string
let textBomb: string
let bigA: string

beforeAll(() => {
  if (!existsSync(join(REPO, 'dist', 'commands'))) throw new Error('dist/ missing: run `npm run build` (npm test does) before the robustness tests')
  T = mkdtempSync(join(tmpdir(), 'allocscope-hostile-'))
  zeroBomb = gzipFile('zeros.gz', repeat(Buffer.alloc(MiB), 256))
  textBomb = gzipFile('text.gz', repeat(Buffer.from(('x'.repeat(79) + '\n').repeat(MiB / 80 + 1)), 256))
  bigA = gzipFile('big-allocinfo.gz', pastStringLimit(560))
}, 180_000)

afterAll(() => rmSync(T, {recursive: true, force: true}))

async function inputError(path: string): Promise<string> {
  try {
    await readAllocInfo(path)
  } catch (e) {
    expect(e).toBeInstanceOf(InputError)
    return (e as Error).message
  }
  throw new Error(`no error for ${path}`)
}

describe('allocinfo reader: endless devices stop at the first evidence', () => {
  it.skipIf(!existsSync('/dev/zero'))('/dev/zero: binary at offset 0', async () => {
    expect(await inputError('/dev/zero')).toBe('/dev/zero:1: binary data (a NUL byte at byte 0, before any allocinfo line): expected /proc/allocinfo text')
  })
  it.skipIf(!existsSync('/dev/urandom'))('/dev/urandom: binary, or not allocinfo', async () => {
    expect(await inputError('/dev/urandom')).toMatch(/^\/dev\/urandom(:\d+)?: (binary data|.*not \/proc\/allocinfo text)/)
  })
  it('NUL far into a real capture (after the first 64 KiB) is still binary data', async () => {
    const t = readFileSync(B, 'latin1')
    const p = join(T, 'late-nul.txt')
    const {writeFileSync} = await import('node:fs')
    writeFileSync(p, Buffer.from(t + t + '\0' + t, 'latin1'))
    const line = 2 * t.split('\n').length - 1
    expect(await inputError(p)).toBe(`${p}:${line}: binary data (a NUL byte at byte ${2 * t.length}, with text after it; NULs are read only as padding at the end of a dump): expected /proc/allocinfo text`)
  })
})

describe('allocinfo CLI on bombs and giant input: bounded memory', () => {
  it(`a gzip bomb of zeros (256 MiB inflated): exit 2 at once, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    const r = await run(['allocinfo', zeroBomb])
    expect(r.stderr.trim()).toBe(`allocscope: ${zeroBomb}:1: binary data (a NUL byte at byte 0, before any allocinfo line): expected /proc/allocinfo text`)
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeGreaterThan(0)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  })

  it(`a gzip bomb of text (256 MiB of 80-column junk): not allocinfo after the first MiB, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    const r = await run(['allocinfo', textBomb])
    expect(r.stderr.trim()).toBe(`allocscope: ${textBomb}:1: not /proc/allocinfo text (no site or header line in the first MiB); expected '<bytes> <calls> file:line [module] func:name'`)
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  })

  it(`--json on a capture then 10 million blank lines (stdin): skipped counted by reason, first 1000 kept, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    const cap = readFileSync(B)
    const blanks = Buffer.alloc(MiB, '\n')
    const r = await run(['allocinfo', '-', '--json', '--top', '1'], {
      input: async (w) => {
        w.write(cap)
        for (let left = 10_000_000; left > 0; left -= MiB) if (!w.write(left >= MiB ? blanks : blanks.subarray(0, left))) await once(w, 'drain')
      },
    })
    expect(r.status).toBe(0)
    const j = JSON.parse(r.stdout).result
    expect(j.skippedTotal).toBe(10_000_000)
    expect(j.skippedByReason).toEqual({'blank line': 10_000_000})
    expect(j.skipped).toHaveLength(1000)
    expect(j.skipped[0]).toEqual({line: j.lines - 10_000_000 + 1, reason: 'blank line'})
    expect(r.stdout.length).toBeLessThan(100_000)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  }, 120_000)

  it(`past V8's longest string (a capture, 560 lines of 1 MiB, the capture again; gzip): read whole, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    const r = await run(['allocinfo', bigA, '--json', '--top', '1'])
    const j = JSON.parse(r.stdout).result
    const info = await readAllocInfo(B)
    const siteLines = info.sites.reduce((n, s) => n + s.count, 0)
    // The second copy's header after the first's sites begins another snapshot: the last is read (with a warning).
    expect(r.stderr).toBe('')
    expect(JSON.parse(r.stdout).warnings).toEqual([expect.stringMatching(/^\S+: 2 allocinfo snapshots in one file/)])
    expect(j.totals.sites).toBe(info.sites.length)
    expect(BigInt(j.totals.bytes)).toBe(info.totalBytes)
    expect(j.skippedByReason).toEqual({'line longer than 1 MiB (cut)': 560})
    // The capture's own duplicate keys only (inlined helpers), in the last snapshot.
    expect(j.anomalyCounts['duplicate-key']).toBe(siteLines - info.sites.length)
    expect(j.sites[0].count).toBe(1)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  }, 120_000)

  // One side past the limit: both sides go through the same reader (each read of the 560 MiB
  // bomb: 2.2 s for `allocinfo` on it, `/usr/bin/time`).
  it(`two-file diff past V8's longest string on one side: its last snapshot read, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    const r = await run(['diff', bigA, B, '--json'])
    const d = JSON.parse(r.stdout).result
    const info = await readAllocInfo(B)
    expect(JSON.parse(r.stdout).warnings).toEqual([expect.stringMatching(/^a: \S+: 2 allocinfo snapshots in one file/)])
    expect(d.allocinfo.sitesCompared).toBe(info.sites.length)
    expect(BigInt(d.allocinfo.summary.before)).toBe(info.totalBytes)
    expect(BigInt(d.allocinfo.summary.after)).toBe(info.totalBytes)
    expect(BigInt(d.allocinfo.summary.net)).toBe(0n)
    expect(r.status).toBe(0)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  }, 180_000)
})

describe('diff reads pipes once (process substitution)', () => {
  it('diff <(cat a) <(cat b) of allocinfo dumps is the diff of the files', async () => {
    const piped = await run([process.execPath, BIN, 'diff', `<(cat '${A}')`, `<(cat '${B}')`, '--json'], {shell: true})
    const files = await run(['diff', A, B, '--json'])
    expect(piped.stderr).toBe('')
    expect(piped.status).toBe(0)
    const p = JSON.parse(piped.stdout).result
    const f = JSON.parse(files.stdout).result
    expect(p.a).toMatch(/^\/dev\/fd\/\d+$/)
    expect(p.allocinfo.rows).toEqual(f.allocinfo.rows)
    expect(JSON.stringify(p.allocinfo)).not.toContain('allocscope-diff-') // messages name the pipe, not the copy
  })
})
