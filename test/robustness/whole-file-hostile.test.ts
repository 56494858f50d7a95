// Readers that read or inflated a whole file in one go (issue 14: every reader stays under 200 MiB),
// on the BUILT CLI spawned as a user would, peak RSS read from inside the child
// (test/helpers/cli-rss.ts): `trend` on plain allocinfo snapshots (now streamed, gzip inflated as
// it is read); read whole, so capped raw and inflated (src/readers/bounded.ts): `calibrate` on a
// capture's boot log (16 MiB), `diff` on a prediction (4 MiB), a capture's meta.json (1 MiB),
// each sample of `record --source` (32 MiB); batch's --files-from list, read a line at a time. The
// bombs are SYNTHETIC, built on the fly (under 1 MiB on disk each but one plain 128 MiB file,
// 160-256 MiB inflated); the snapshots, logs and prediction they start with are REAL (samples/).
import {execFileSync} from 'node:child_process'
import {createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync} from 'node:fs'
import {once} from 'node:events'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {repeat, writeGzipMembers} from '../helpers/gzip-members.js'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {BIN, RSS_LIMIT_MIB, type RssRun, runWithRss} from '../helpers/cli-rss.js'
import {SAMPLES} from '../helpers/paths.js'

const MiB = 1 << 20
const CAPTURE = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
let T: string

const run = (cmd: string[]): Promise<RssRun> => runWithRss(cmd, {home: T})

/** `parts` gzipped into T/name: small on disk, large inflated (helpers/gzip-members.ts). */
const gzipFile = (name: string, parts: Iterable<Buffer>): string => writeGzipMembers(join(T, name), parts)

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
    const bomb = gzipFile('nuls.gz', [h, ...repeat(Buffer.alloc(MiB), 256)])
    const r = await run(['trend', bomb, join(CAPTURE, 'allocinfo.txt')])
    expect(r.stderr.trim()).toBe(`allocscope: ${bomb}:2: binary data (a NUL byte at byte ${h.length}, before any allocinfo line): expected /proc/allocinfo text`)
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeGreaterThan(0)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  }, 120_000)

  it(`a snapshot of 60 MiB of one site line (a header first), then one of 1 MiB: one site, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    const site = '     4096        1 mm/slub.c:4242 func:kmalloc_bomb \n'
    const a = gzipFile('a.gz', [header('2026-12-04T18:00:00Z'), ...lines(site, 60)])
    const b = gzipFile('b.gz', [header('2026-12-04T19:00:00Z'), ...lines(site, 1)])
    // Given in reverse: the headers order them.
    const r = await run(['trend', b, a, '--json'])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const j = JSON.parse(r.stdout).result
    expect(j.input).toMatchObject({kind: 'snapshots', sources: [a, b], snapshots: 2, timeSources: {header: 2}, releases: ['7.2.13']})
    // The one site, read in both (two points: too few for a test, so none is tested).
    expect([j.verdicts, j.tested]).toEqual([{'too-few-points': 1}, 0])
    // Inflated whole (the build before streaming, c1e1891), these two peaked at 276 MiB (457 MiB
    // with 120 MiB, 856 MiB with 160 MiB each); streamed, 78 MiB (`/usr/bin/time -f %M`).
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  }, 180_000)
})

describe('trend on pipes: each read once, its header kept', () => {
  it('two REAL dumps with headers (DERIVED: the same dump at two times), through process substitution, gzip and not', async () => {
    const dump = readFileSync(join(CAPTURE, 'allocinfo.txt'))
    const a = gzipFile('pipe-a.gz', [header('2026-12-04T19:00:00Z'), dump])
    const b = gzipFile('pipe-b.gz', [header('2026-12-04T18:00:00Z'), dump])
    const r = await runWithRss([process.execPath, BIN, 'trend', `<(cat '${a}')`, `<(gunzip -c '${b}')`, '--json'], {home: T, shell: true})
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
    const j = JSON.parse(r.stdout).result
    expect(j.input.timeSources).toEqual({header: 2})
    expect(j.input.sources).toHaveLength(2)
    expect(j.input.sources.every((p: string) => p.startsWith('/dev/fd/'))).toBe(true)
    // Ordered and timed by their headers (the second pipe first), the gzip one inflated.
    expect([j.input.firstTime, j.input.lastTime]).toEqual(['2026-12-04T18:00:00.000Z', '2026-12-04T19:00:00.000Z'])
    // Every site of the dump read (two points each: too few for a test).
    expect(j.verdicts['too-few-points']).toBeGreaterThan(100)
  })
})

describe('calibrate on a capture whose boot log is a bomb: refused at 16 MiB', () => {
  const refused = (log: string, how: string) => `allocscope: ${log}: ${how}; expected the boot log of one boot (at most 16 MiB)`

  it(`dmesg.txt.gz of 256 MiB of NULs: exit 2, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    mkdirSync(join(T, 'nuls'))
    const log = gzipFile('nuls/dmesg.txt.gz', repeat(Buffer.alloc(MiB), 256))
    const r = await run(['calibrate', join(T, 'nuls')])
    expect(r.stderr.trim()).toBe(refused(log, 'inflates to more than 16 MiB (a gzip bomb?)'))
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeGreaterThan(0)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  }, 120_000)

  it(`console.log.gz of a real boot then 256 MiB of kernel-looking lines: exit 2, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    mkdirSync(join(T, 'lines'))
    const boot = readFileSync(join(CAPTURE, 'console.log'))
    const log = gzipFile('lines/console.log.gz', [boot, ...lines('[ 1234.567890] audit: type=1400 apparmor="DENIED" operation="open"\n', 256)])
    const r = await run(['calibrate', join(T, 'lines')])
    expect(r.stderr.trim()).toBe(refused(log, 'inflates to more than 16 MiB (a gzip bomb?)'))
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  }, 120_000)

  it.skipIf(!existsSync('/dev/zero'))(`/dev/zero as the boot log: more than 16 MiB, exit 2, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    const r = await run(['calibrate', '/dev/zero'])
    expect(r.stderr.trim()).toBe(refused('/dev/zero', 'more than 16 MiB'))
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  })
})

describe('diff on a prediction, any command on a capture with a meta.json: capped', () => {
  // A real `predict --json` for a real capture, then 128 MiB of JSON whitespace (no NUL: the sniffed head is a prediction).
  let made: Buffer | undefined
  // Made once (a whole `predict --from` run: 0.33-0.45 s wall, ~0.43 s CPU each).
  const prediction = () => (made ??= execFileSync(process.execPath, [BIN, 'predict', '--from', CAPTURE, '--json'], {env: {...process.env, NO_COLOR: '1', HOME: T}}))
  const spaces = (mib: number) => repeat(Buffer.alloc(MiB, ' '), mib)
  const refused = (file: string, how: string) => `allocscope: ${file}: ${how}; expected the output of \`allocscope predict --json\` (at most 4 MiB)`

  it(`a prediction then 128 MiB of spaces: more than 4 MiB, exit 2, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    const p = join(T, 'prediction.json')
    const out = createWriteStream(p)
    for (const b of [prediction(), ...spaces(128)]) if (!out.write(b)) await once(out, 'drain')
    out.end()
    await once(out, 'close')
    const r = await run(['diff', p, CAPTURE])
    rmSync(p)
    expect(r.stderr.trim()).toBe(refused(p, 'more than 4 MiB'))
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeGreaterThan(0)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  }, 120_000)

  it(`the same gzipped, 256 MiB of spaces: inflates past 4 MiB, exit 2; the prediction alone gzipped is read`, async () => {
    const bomb = gzipFile('prediction-bomb.json.gz', [prediction(), ...spaces(256)])
    const r = await run(['diff', bomb, CAPTURE])
    expect(r.stderr.trim()).toBe(refused(bomb, 'inflates to more than 4 MiB (a gzip bomb?)'))
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
    const ok = await run(['diff', gzipFile('prediction.json.gz', [prediction()]), CAPTURE, '--json'])
    expect(ok.stderr).toBe('')
    expect(JSON.parse(ok.stdout).result.mode).toBe('counts')
  }, 120_000)

  it.skipIf(!existsSync('/dev/zero'))(`a capture whose meta.json is /dev/zero: more than 1 MiB, exit 2, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    const dir = join(T, 'meta-dev-zero')
    mkdirSync(dir)
    symlinkSync(join(CAPTURE, 'console.log'), join(dir, 'console.log'))
    symlinkSync('/dev/zero', join(dir, 'meta.json'))
    const r = await run(['analyse', dir])
    expect(r.stderr.trim()).toBe(`allocscope: ${join(dir, 'meta.json')}: more than 1 MiB; expected the meta.json of a capture directory (at most 1 MiB)`)
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  })
})

describe('batch --files-from reads its list a line at a time', () => {
  it.skipIf(!existsSync('/dev/zero'))(`/dev/zero as the list: a NUL on line 1, exit 2, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    const r = await run(['batch', '--files-from', '/dev/zero'])
    expect(r.stderr.trim()).toMatch(/--files-from \/dev\/zero:1: a NUL byte; expected a file with one path per line/)
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeGreaterThan(0)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  })

  it(`a real path, then 256 MiB with no newline from a pipe: line 2 longer than any path, exit 2, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    const list = `<(echo '${join(CAPTURE, 'console.log')}'; head -c ${256 * MiB} /dev/zero | tr '\\0' x)`
    const r = await runWithRss([process.execPath, BIN, 'batch', '--files-from', list], {home: T, shell: true})
    expect(r.stderr.trim()).toMatch(/--files-from \/dev\/fd\/\d+:2: longer than 4096 characters, longer than any path; expected a file with one path per line/)
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  }, 60_000)
})

describe('record caps each sample of its --source at 32 MiB', () => {
  it.skipIf(!existsSync('/dev/zero'))(`--source /dev/zero: more than 32 MiB, exit 2, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    const r = await run(['record', '--source', '/dev/zero', '--count', '1', '--out', join(T, 'zero.arec.gz')])
    expect(r.stderr.trim()).toBe('allocscope: /dev/zero: more than 32 MiB; expected a /proc/allocinfo-format file (--source) (at most 32 MiB)')
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeGreaterThan(0)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  })
})

describe('fleet reads its NDJSON a bounded line at a time', () => {
  it.skipIf(!existsSync('/dev/zero'))(`fleet /dev/zero: binary data at byte 0, exit 2, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    const r = await run(['fleet', '/dev/zero'])
    expect(r.stderr.trim()).toMatch(/^allocscope: \/dev\/zero:1: binary data \(a NUL byte at byte 0\); expected NDJSON records of allocscope batch/)
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeGreaterThan(0)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  })
  it(`a REAL batch record, then a 160 MiB line without an end (SYNTHETIC, gzip through a pipe): refused at line 2, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    const rec = execFileSync(process.execPath, [BIN, 'batch', join(CAPTURE, 'dmesg.txt')], {encoding: 'utf8'}).split('\n')[0]!
    const bomb = gzipFile('fleet-line.ndjson.gz', [Buffer.from(rec + '\n'), ...repeat(Buffer.alloc(MiB, 'x'), 160)])
    const r = await runWithRss([`gzip -dc ${bomb} | ${process.execPath} ${BIN} fleet -`], {home: T, shell: true})
    expect(r.stderr.trim()).toMatch(/^allocscope: <stdin>:2: a line longer than 64 MiB; expected NDJSON records/)
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  }, 60_000)
})

describe('predict --hosts refuses a row past 1 MiB', () => {
  it(`a SYNTHETIC inventory whose second row opens a quote and never closes it (160 MiB on stdin): line 2, exit 2, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    const r = await runWithRss(['predict', '--hosts', '-', '--json'], {
      home: T,
      input: async (w) => {
        w.write('name,kernel,cpus\n"')
        const x = Buffer.alloc(MiB, 'x')
        for (let i = 0; i < 160; i++) if (!w.write(x)) await once(w, 'drain')
      },
    })
    expect(r.stderr.trim()).toMatch(/^allocscope: <stdin>:2: not a CSV inventory \(Max Record Size: /)
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  }, 60_000)
})
