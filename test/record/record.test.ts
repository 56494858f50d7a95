// record() against its own output file (src/record/record.ts, src/trend/recording.ts): what it
// refuses before opening anything for writing, and what it does when the file cannot be written.
// The source is the real sample allocinfo (samples/linux-7.2-pool-c64-m1024), or a copy of it.
import {spawnSync} from 'node:child_process'
import {copyFileSync, existsSync, linkSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {release, tmpdir} from 'node:os'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {UsageError} from '../../src/errors.js'
import {kernelMetaOf, PROC_ALLOCINFO, record} from '../../src/record/record.js'
import {BIN, cliEnv, runCli} from '../helpers/cli.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

const REAL = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt')
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-record-'))
const base = {intervalMs: 1, count: 3, tool: 'allocscope record test'}

describe('record: --out that is the --source', () => {
  // Opening --out with 'w' truncated the source before its first read: the file was lost and the
  // error blamed it ("binary data"). Same file by name, through a symlink, or through a hard link.
  it.each([
    ['the same path', (src: string) => src],
    ['a symlink to it', (src: string) => (symlinkSync(src, `${src}.lnk`), `${src}.lnk`)],
    ['a hard link to it', (src: string) => (linkSync(src, `${src}.hard`), `${src}.hard`)],
  ])('%s is refused before anything is written, naming both paths', async (name, outOf) => {
    const src = join(mkdtempSync(join(tmp, 'same-')), 'allocinfo.txt')
    copyFileSync(REAL, src)
    const out = outOf(src)
    const err = await record({...base, source: src, out}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UsageError)
    expect((err as Error).message).toBe(`--out ${out} is the same file as --source ${src}: writing it would destroy that input; give another --out`)
    expect(readFileSync(src)).toEqual(readFileSync(REAL))
  })
})

describe('record: an --out that already holds a recording', () => {
  // Running the README's soak command again wiped the last one: refused unless --force.
  it('is refused, kept byte for byte; --force overwrites; an empty file or a device is no recording to lose', async () => {
    const out = join(mkdtempSync(join(tmp, 'exists-')), 'soak.arec.gz')
    await record({...base, source: REAL, out})
    const first = readFileSync(out)
    const err = await record({...base, source: REAL, out}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UsageError)
    expect((err as Error).message).toBe(`--out ${out}: the file exists; give --force to overwrite it`)
    expect(readFileSync(out)).toEqual(first)
    await record({...base, source: REAL, out, force: true})
    expect(readFileSync(out)).not.toEqual(first)
    const empty = join(tmp, 'empty.arec.gz')
    writeFileSync(empty, '')
    expect((await record({...base, source: REAL, out: empty})).samples).toBe(3)
    const cli = await runCli(['record', '--source', REAL, '--interval', '1ms', '--count', '1', '--out', out])
    expect([cli.status, cli.stderr.trim()]).toEqual([2, `allocscope: --out ${out}: the file exists; give --force to overwrite it`])
  })
})

describe('record: an --out that fills up', () => {
  // A file-size limit (ulimit -f, 512-byte blocks in sh) a little past the header and the first
  // snapshot: a later write stops part-way (write() takes what fits), the next fails with EFBIG,
  // as a full disk would. Node ignores SIGXFSZ, so the process sees the errors. The recording must
  // end at its last whole member, and the error be one line, exit 74 (was 70, "a bug", with a
  // member cut short at the end of the file).
  it('exits 74 with one line, and what was written is a whole, readable recording', async () => {
    const dir = mkdtempSync(join(tmp, 'full-'))
    await record({...base, count: 1, source: REAL, out: join(dir, 'one.arec.gz')})
    const blocks = Math.ceil(statSync(join(dir, 'one.arec.gz')).size / 512) + 2
    const out = join(dir, 'r.arec.gz')
    const args = [BIN, 'record', '--source', REAL, '--interval', '1ms', '--count', '1000', '--out', out]
    const r = spawnSync('sh', ['-c', `ulimit -f ${blocks} && exec "$@"`, 'sh', process.execPath, ...args], {cwd: REPO, env: cliEnv(), encoding: 'utf8'})
    expect(r.status).toBe(74)
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(new RegExp(`^allocscope: ${out}: cannot write the recording \\(file too large\\); the (\\d+) snapshots before it are whole$`))
    // gunzip refuses a member cut short; every line is one whole JSON record.
    const records = gunzipSync(readFileSync(out)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as {snap?: number})
    expect(records[0]).toMatchObject({format: 'allocscope-recording'})
    const snaps = records.slice(1).map((x) => x.snap)
    expect(snaps).toEqual(snaps.map((_, i) => i))
    expect(snaps.length).toBeGreaterThan(1)
    expect(lines[0]).toContain(`the ${snaps.length} snapshots before it`)
    expect(statSync(out).size).toBeLessThanOrEqual(blocks * 512)
  }, 60_000)
})

describe('record: a start that fails leaves nothing behind', () => {
  // The file was created (its header written) before the first sample was read: a --source that is
  // no allocinfo (the REAL LKML boot log excerpt) exited 2 and left a 148-byte file, and the run
  // with the right --source was then refused ("the file exists; give --force").
  it('a --source that is no allocinfo: no file; the right --source then records without --force', async () => {
    const out = join(mkdtempSync(join(tmp, 'badstart-')), 'z.arec.gz')
    const log = join(SAMPLES, 'lkml-7.0-rc4-alloc-tag-not-set', 'dmesg-excerpt.txt')
    await expect(record({...base, source: log, out})).rejects.toThrow(/not \/proc\/allocinfo text/)
    expect(existsSync(out)).toBe(false)
    expect((await record({...base, source: REAL, out})).samples).toBe(3)
  })

  // A file-size limit below the first snapshot (ulimit -f 1: 512 bytes; the header fits): the file
  // held the header and no snapshot, with the same effect as above.
  it('a first snapshot that cannot be written: exit 74, one line, no file', () => {
    const out = join(mkdtempSync(join(tmp, 'fullstart-')), 'z.arec.gz')
    const args = [BIN, 'record', '--source', REAL, '--interval', '1ms', '--count', '2', '--out', out]
    const r = spawnSync('sh', ['-c', 'ulimit -f 1 && exec "$@"', 'sh', process.execPath, ...args], {cwd: REPO, env: cliEnv(), encoding: 'utf8'})
    expect([r.status, r.stderr.trim()]).toEqual([74, `allocscope: ${out}: cannot write the recording (file too large); nothing was recorded: the file is removed`])
    expect(existsSync(out)).toBe(false)
  })
})

describe('record: the wall clock stepping back', () => {
  // NTP or an admin setting the clock back mid-recording: each sample stamped with the wall clock
  // then went backwards, and trend refused the whole recording ("is earlier than the one before
  // it"). A sample's time is the start's wall time plus the monotonic time since the start.
  it("stamps each sample with the start's wall time plus monotonic elapsed time", async () => {
    const W = Date.UTC(2026, 11, 5, 12)
    let wall = W
    let mono = 5000
    // Between samples, one second passes and the wall clock steps back one hour.
    const onSample = () => ((mono += 1000), (wall -= 3_600_000))
    const out = join(mkdtempSync(join(tmp, 'clock-')), 'r.arec.gz')
    await record({...base, count: 4, source: REAL, out, onSample, clock: {wallMs: () => wall, monoMs: () => mono}})
    const [header, ...snaps] = gunzipSync(readFileSync(out)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as {created?: string; time?: string})
    expect(header.created).toBe(new Date(W).toISOString())
    expect(snaps.map((x) => x.time)).toEqual([0, 1, 2, 3].map((i) => new Date(W + i * 1000).toISOString()))
    const r = await runCli(['trend', out, '--json'])
    expect(r.stderr).toBe('')
    expect(r.status).toBe(0)
  })
})

describe('record: the sampled kernel\'s release and uptime', () => {
  // --source FILE is some other kernel's allocinfo (a copy, another machine's dump): the recording
  // host's uname -r and /proc/uptime were stored as its, and trend showed the wrong kernel.
  it('are left out for a --source that is not /proc/allocinfo', async () => {
    const out = join(mkdtempSync(join(tmp, 'meta-')), 'r.arec.gz')
    await record({...base, count: 2, source: REAL, out})
    const snaps = gunzipSync(readFileSync(out)).toString('utf8').trim().split('\n').slice(1).map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(snaps).toHaveLength(2)
    for (const x of snaps) expect([x.release, x.uptimeS, 'allocinfo' in x]).toEqual([undefined, undefined, true])
  })

  it('are read for /proc/allocinfo, by name or resolved path, and for nothing else', () => {
    const uptime = join(mkdtempSync(join(tmp, 'uptime-')), 'uptime')
    writeFileSync(uptime, '81234.56 160000.00\n')
    expect(kernelMetaOf(PROC_ALLOCINFO, uptime)()).toEqual({uptimeS: 81234.56, release: release()})
    expect(kernelMetaOf('/proc/../proc/allocinfo', uptime)()).toEqual({uptimeS: 81234.56, release: release()})
    expect(kernelMetaOf(REAL, uptime)()).toEqual({})
    const copy = join(mkdtempSync(join(tmp, 'copy-')), 'allocinfo')
    copyFileSync(REAL, copy)
    expect(kernelMetaOf(copy, uptime)()).toEqual({})
  })

  it.skipIf(!existsSync(PROC_ALLOCINFO))('are read through a symlink to /proc/allocinfo (needs a kernel with CONFIG_MEM_ALLOC_PROFILING)', () => {
    const link = join(mkdtempSync(join(tmp, 'link-')), 'allocinfo')
    symlinkSync(PROC_ALLOCINFO, link)
    expect(kernelMetaOf(link)().release).toBe(release())
  })
})
