// Readers that used to inflate a whole file in one go (issue 14: every reader stays under 200 MiB),
// on the BUILT CLI spawned as a user would, peak RSS read from inside the child
// (test/helpers/cli-rss.ts): `trend` on plain allocinfo snapshots (now streamed, gzip inflated as
// it is read) and `calibrate` on a capture's boot log (read whole, so capped: 16 MiB raw and
// inflated). The bombs are SYNTHETIC, built on the fly (under 1 MiB on disk each, 160-256 MiB
// inflated); the snapshots and logs they start with are REAL (samples/).
import {createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {once} from 'node:events'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createGzip} from 'node:zlib'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {RSS_LIMIT_MIB, type RssRun, runWithRss} from '../helpers/cli-rss.js'
import {SAMPLES} from '../helpers/paths.js'

const MiB = 1 << 20
const CAPTURE = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
let T: string

const run = (cmd: string[]): Promise<RssRun> => runWithRss(cmd, {home: T})

function* repeat(b: Buffer, n: number): Generator<Buffer> {
  for (let i = 0; i < n; i++) yield b
}

/** Writes `parts` through gzip into T/name: small on disk, large inflated. */
async function gzipFile(name: string, parts: Iterable<Buffer>): Promise<string> {
  const path = join(T, name)
  const gz = createGzip({level: 9})
  const out = gz.pipe(createWriteStream(path))
  for (const b of parts) if (!gz.write(b)) await once(gz, 'drain')
  gz.end()
  await once(out, 'close')
  return path
}

/** `mib` MiB of one line again and again. */
const lines = (line: string, mib: number) => repeat(Buffer.from(line.repeat(Math.ceil(MiB / line.length))), mib)

const header = (time: string) => Buffer.from(`# allocscope: time=${time} release=7.2.13\n`)

beforeAll(() => {
  T = mkdtempSync(join(tmpdir(), 'allocscope-whole-file-hostile-'))
})
afterAll(() => rmSync(T, {recursive: true, force: true}))

describe('trend on gzip snapshots: streamed, not inflated whole', () => {
  it(`a header then 256 MiB of NULs: binary data at the first NUL, exit 2, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    const h = header('2026-12-04T18:00:00Z')
    const bomb = await gzipFile('nuls.gz', [h, ...repeat(Buffer.alloc(MiB), 256)])
    const r = await run(['trend', bomb, join(CAPTURE, 'allocinfo.txt')])
    expect(r.stderr.trim()).toBe(`allocscope: ${bomb}: binary data (NUL byte at offset ${h.length}): expected /proc/allocinfo text`)
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeGreaterThan(0)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  }, 120_000)

  it(`two snapshots of 160 MiB of one site line each (a header first): read whole, one site, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    const site = '     4096        1 mm/slub.c:4242 func:kmalloc_bomb \n'
    const a = await gzipFile('a.gz', [header('2026-12-04T18:00:00Z'), ...lines(site, 160)])
    const b = await gzipFile('b.gz', [header('2026-12-04T19:00:00Z'), ...lines(site, 160)])
    // Given in reverse: the headers order them.
    const r = await run(['trend', b, a, '--json'])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const j = JSON.parse(r.stdout).result
    expect(j.input).toMatchObject({kind: 'snapshots', sources: [a, b], snapshots: 2, timeSources: {header: 2}, releases: ['7.2.13']})
    expect(j.tested).toBe(1)
    // Inflated whole, each was a 160 MiB buffer and a 160 MiB string at once (~400 MiB peak).
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  }, 180_000)
})

describe('calibrate on a capture whose boot log is a bomb: refused at 16 MiB', () => {
  const refused = (log: string, how: string) => `allocscope: ${log}: ${how}; expected the boot log of one boot (at most 16 MiB)`

  it(`dmesg.txt.gz of 256 MiB of NULs: exit 2, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    mkdirSync(join(T, 'nuls'))
    const log = await gzipFile('nuls/dmesg.txt.gz', repeat(Buffer.alloc(MiB), 256))
    const r = await run(['calibrate', join(T, 'nuls')])
    expect(r.stderr.trim()).toBe(refused(log, 'inflates to more than 16 MiB (a gzip bomb?)'))
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeGreaterThan(0)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  }, 120_000)

  it(`console.log.gz of a real boot then 256 MiB of kernel-looking lines: exit 2, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    mkdirSync(join(T, 'lines'))
    const boot = readFileSync(join(CAPTURE, 'console.log'))
    const log = await gzipFile('lines/console.log.gz', [boot, ...lines('[ 1234.567890] audit: type=1400 apparmor="DENIED" operation="open"\n', 256)])
    const r = await run(['calibrate', join(T, 'lines')])
    expect(r.stderr.trim()).toBe(refused(log, 'inflates to more than 16 MiB (a gzip bomb?)'))
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  }, 120_000)

  it(`/dev/zero as the boot log: more than 16 MiB, exit 2, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    const r = await run(['calibrate', '/dev/zero'])
    expect(r.stderr.trim()).toBe(refused('/dev/zero', 'more than 16 MiB'))
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  })
})
