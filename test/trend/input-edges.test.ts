// Plain snapshot series at their edges (review of 2026-12-05): a snapshot cut short, a header time
// without a zone, a site with both counter anomalies, a dump saved with a byte order mark. Inputs
// are DERIVED from the real sample dump.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {sniffText} from '../../src/diff/inputs.js'
import {parseAllocInfoText, readAllocInfo} from '../../src/readers/allocinfo.js'
import {analyseStore} from '../../src/trend/analyse.js'
import {isoUtc, readTrendInput} from '../../src/trend/input.js'
import {seriesOf, snapshotFiles} from '../../src/trend/paths.js'
import {trendJson} from '../../src/trend/report.js'
import {SeriesStore} from '../../src/trend/store.js'
import {SAMPLES} from '../helpers/paths.js'

const REAL = readFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt'), 'utf8')
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-trend-edges-'))
/** DERIVED: the real dump plus one module's site (a module that goes would be an unload leak). */
const WITH_MODULE = `${REAL}${String(131072).padStart(12)} ${String(2).padStart(8)} lib/synthetic_mod.c:7 [synmod] func:modalloc \n`

const zone = process.env.TZ
afterEach(() => {
  if (zone === undefined) delete process.env.TZ
  else process.env.TZ = zone
})

describe('trend input edges', () => {
  it('a snapshot cut short is left out of the series with a warning, not read as its sites gone', async () => {
    const dir = mkdtempSync(join(tmp, 'cut-'))
    for (let i = 10; i < 16; i++) writeFileSync(join(dir, `allocinfo-2026-12-04T18-${i}-00Z.txt`), WITH_MODULE)
    const last = join(dir, 'allocinfo-2026-12-04T18-16-00Z.txt')
    writeFileSync(last, WITH_MODULE.slice(0, 30_040))
    const input = await readTrendInput([dir], {timeFrom: 'auto'})
    expect(input.store.snapshots).toBe(6)
    expect(input.warnings).toEqual([expect.stringMatching(/allocinfo-2026-12-04T18-16-00Z\.txt: line \d+: truncated last line \(no newline\): the dump is cut short: left out of the series$/)])
    const mod = input.store.sites.find((s) => s.module === 'synmod')!
    expect(mod.lastSnap).toBe(5)
    expect(mod.lastTime).toBe('2026-12-04T18:15:00.000Z')
  })

  it('an empty file among the snapshots is left out with a warning naming it, as a cut one is (it ended the run, exit 2)', async () => {
    const dir = mkdtempSync(join(tmp, 'empty-'))
    for (let i = 10; i < 16; i++) writeFileSync(join(dir, `allocinfo-2026-12-04T18-${i}-00Z.txt`), WITH_MODULE)
    writeFileSync(join(dir, 'allocinfo-2026-12-04T18-16-00Z.txt'), '')
    for (const timeFrom of ['auto', 'name'] as const) {
      const input = await readTrendInput([dir], {timeFrom})
      expect(input.store.snapshots).toBe(6)
      expect(input.warnings).toEqual([`${join(dir, 'allocinfo-2026-12-04T18-16-00Z.txt')}: empty: left out of the series`])
    }
  })

  it('truncated: a whole dump says nothing; a gzip cut short and a line cut short say so', async () => {
    expect(parseAllocInfoText(REAL).truncated).toBeUndefined()
    expect(parseAllocInfoText(REAL.slice(0, 30_040)).truncated).toMatch(/^line 429: truncated last line \(no newline\): the dump is cut short$/)
    const {gzipSync} = await import('node:zlib')
    const gz = join(tmp, 'cut.txt.gz')
    writeFileSync(gz, gzipSync(REAL).subarray(0, 3000))
    expect((await readAllocInfo(gz, gz)).truncated).toMatch(/ends early/)
  })

  it('a header time without a zone is UTC, as a time in a file name is, whatever the local zone', async () => {
    const dir = mkdtempSync(join(tmp, 'tz-'))
    for (const i of [0, 1, 2]) writeFileSync(join(dir, `snap${i}.txt`), `# allocscope: time=2026-12-04T18:0${i}:00\n${REAL}`)
    process.env.TZ = 'America/New_York'
    const input = await readTrendInput([dir], {timeFrom: 'header'})
    expect(input.store.times[0]).toBe(Date.UTC(2026, 11, 4, 18, 0, 0))
    // Anchored, seconds optional (time=2026-12-04T18:00 was local, time=junk2026-... taken).
    expect([isoUtc('2026-12-04T18:00'), isoUtc('2026-12-04T18:00:00.5+01:00'), isoUtc('2026-12-04')]).toEqual([Date.UTC(2026, 11, 4, 18), Date.UTC(2026, 11, 4, 17, 0, 0, 500), Date.UTC(2026, 11, 4)])
    expect(isoUtc('junk2026-12-04T18:00:00Z')).toBeNaN()
  })

  it('a site with negative bytes and wrapped calls has both anomalies (as allocinfo lists them)', () => {
    const store = new SeriesStore()
    store.apply({snap: 0, time: '2026-12-04T18:00:00Z', new: [[0, 'mm/x.c', 1, 'f', null, true]], set: [[0, -4096, '18446744073709551615']]}, 'synthetic')
    expect(store.anomalies.map((a) => a.kind)).toEqual(['negative-bytes', 'wrapped-calls'])
  })

  it('a dump saved with a UTF-8 byte order mark: an allocinfo dump, read whole', () => {
    const bom = `\ufeff${REAL}`
    expect(sniffText(bom).kind).toBe('allocinfo')
    const a = parseAllocInfoText(REAL)
    const b = parseAllocInfoText(bom)
    expect([b.version, b.sites.length, b.totalBytes, b.skippedTotal]).toEqual([a.version, a.sites.length, a.totalBytes, a.skippedTotal])
  })

  it('a steady leak over 8 snapshots is a suspect: the correction counts the sites that changed, not the 929 constant ones', async () => {
    const dir = mkdtempSync(join(tmp, 'fdr-'))
    const lines = REAL.split('\n')
    const i = lines.findIndex((l) => l.includes('mm/slub.c:'))
    const [, b, c, rest] = /^\s*(\d+)\s+(\d+)\s(.*)$/.exec(lines[i]!)!
    for (let k = 0; k < 8; k++) {
      lines[i] = `${String(BigInt(b!) + BigInt(k * 2 ** 20)).padStart(12)} ${c!.padStart(8)} ${rest}`
      writeFileSync(join(dir, `allocinfo-2026-12-04T${String(10 + k).padStart(2, '0')}:00:00Z.txt`), lines.join('\n'))
    }
    const input = await readTrendInput([dir], {timeFrom: 'name'})
    const res = analyseStore(input.store, {minRatePerHour: 2 ** 20, alpha: 0.01, filter: {}})
    expect(res.tested).toBe(1)
    expect(res.suspects.map((s) => s.key)).toEqual([expect.stringContaining('mm/slub.c:')])
    // One site tested: its q is its p (7 changes all rises: 2^-7, below 0.01 alone).
    expect(res.suspects[0]!.q).toBe(res.suspects[0]!.p)
    expect(res.suspects[0]!.p).toBe(2 ** -7)
  })

  it('the same file twice is one snapshot; snapshots with one time are said to be', async () => {
    const dir = mkdtempSync(join(tmp, 'ties-'))
    const a = join(dir, 'a.txt')
    const b = join(dir, 'b.txt')
    writeFileSync(a, `# allocscope: time=2026-12-04T18:00:00Z\n${REAL}`)
    writeFileSync(b, `# allocscope: time=2026-12-04T18:00:00Z\n${REAL}`)
    const input = await readTrendInput([a, a, b], {timeFrom: 'auto'})
    expect(input.store.snapshots).toBe(2)
    expect(input.warnings).toEqual([`${a}: given more than once: read once`, expect.stringMatching(/^1 snapshot has the same time as the one before/)])
  })

  it('a site that went down (its changes fall significantly) is not listed as grown, whatever the medians of its tenths say', async () => {
    const dir = mkdtempSync(join(tmp, 'down-'))
    const lines = REAL.split('\n')
    const i = lines.findIndex((l) => l.includes('mm/slub.c:'))
    const [, , c, rest] = /^\s*(\d+)\s+(\d+)\s(.*)$/.exec(lines[i]!)!
    // DERIVED: 20 points; the first two tenths low, a rise, then a long fall ending above the start.
    const series = [100, 100, 900, 880, 860, 840, 820, 800, 780, 760, 740, 720, 700, 680, 660, 640, 620, 600, 200, 200].map((v) => v * 4096)
    series.forEach((v, k) => {
      lines[i] = `${String(v).padStart(12)} ${c!.padStart(8)} ${rest}`
      writeFileSync(join(dir, `allocinfo-2026-12-04T18:${String(k).padStart(2, '0')}:00Z.txt`), lines.join('\n'))
    })
    const input = await readTrendInput([dir], {timeFrom: 'name'})
    const res = analyseStore(input.store, {minRatePerHour: 1, alpha: 0.01, filter: {}})
    const site = res.sites.find((s) => s.key.includes('mm/slub.c:'))!
    expect([site.verdict, site.growthBytes > 0]).toEqual(['shrinking', true])
    const j = trendJson(input, res, {minRatePerHour: 1, alpha: 0.01, filters: [], top: 0})
    expect(j.notSuspects.map((s) => s.key)).not.toContain(site.key)
  })
})

describe('trend DIR: the directory listed once', () => {
  it('seriesOf hands its listing of a plain snapshot directory on, and snapshotFiles takes the files from it, not from a second listing', () => {
    const dir = mkdtempSync(join(tmp, 'listed-'))
    for (const t of ['10', '11']) writeFileSync(join(dir, `allocinfo-2026-12-04T18-${t}-00Z.txt`), REAL)
    const one = seriesOf(dir)
    expect(one.path).toBe(dir)
    expect(one.listed?.names.map((n) => n.name)).toEqual(['allocinfo-2026-12-04T18-10-00Z.txt', 'allocinfo-2026-12-04T18-11-00Z.txt'])
    // A file made after the listing: not among the listing's files, as it is among a new listing's.
    writeFileSync(join(dir, 'allocinfo-2026-12-04T18-12-00Z.txt'), REAL)
    expect(snapshotFiles([one.listed!]).map((f) => f.slice(dir.length + 1))).toEqual(['allocinfo-2026-12-04T18-10-00Z.txt', 'allocinfo-2026-12-04T18-11-00Z.txt'])
    expect(snapshotFiles([dir])).toHaveLength(3)
  })

  it('the series read from one directory is the series of its files named one by one', async () => {
    const dir = mkdtempSync(join(tmp, 'same-'))
    const files = ['10', '11', '12'].map((t) => join(dir, `allocinfo-2026-12-04T18-${t}-00Z.txt`))
    for (const f of files) writeFileSync(f, f.endsWith('12-00Z.txt') ? WITH_MODULE : REAL)
    const byDir = await readTrendInput([dir], {timeFrom: 'auto'})
    const byFiles = await readTrendInput(files, {timeFrom: 'auto'})
    expect(byDir.sources).toEqual(files)
    expect([byDir.store.snapshots, byDir.store.sites.length]).toEqual([3, byFiles.store.sites.length])
    const o = {minRatePerHour: 1, alpha: 0.01}
    const json = (i: typeof byDir) => trendJson(i, analyseStore(i.store, {...o, filter: {}}), {...o, filters: [], top: 0})
    expect(json(byDir)).toEqual(json(byFiles))
  })
})
