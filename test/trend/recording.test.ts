// The recording format (src/trend/recording.ts): what `record` writes is what `trend` reads, a cut
// last member (a killed recorder) loses only that sample, unchanged sites are not stored again.
// Input: the real sample allocinfo (samples/linux-7.2-pool-c64-m1024) and DERIVED edits of it.
import {appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {InputError, OutputError} from '../../src/errors.js'
import {parseAllocInfoText} from '../../src/readers/allocinfo.js'
import {readRecording, readTrendInput, timeFromName} from '../../src/trend/input.js'
import {DeltaEncoder, member, RecordingWriter, type SnapshotRecord} from '../../src/trend/recording.js'
import {SeriesStore} from '../../src/trend/store.js'
import {SAMPLES} from '../helpers/paths.js'

const REAL = readFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt'), 'utf8')
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-rec-'))

/** DERIVED: the real dump with the first site's bytes raised by `extra` (and its calls by 1 per 512). */
function bumped(extra: number): string {
  const lines = REAL.split('\n')
  const i = lines.findIndex((l) => /^\s*\d+\s+\d+\s/.test(l))
  const [, b, c, rest] = /^\s*(\d+)\s+(\d+)\s(.*)$/.exec(lines[i])!
  lines[i] = `${String(BigInt(b) + BigInt(extra)).padStart(12)} ${String(BigInt(c) + BigInt(extra / 512)).padStart(8)} ${rest}`
  return lines.join('\n')
}

function writeRecording(path: string, texts: string[]): SnapshotRecord[] {
  const w = new RecordingWriter(path, {created: '2026-01-01T00:00:00Z', source: 'derived', tool: 'test'})
  const enc = new DeltaEncoder()
  const recs = texts.map((t, i) => enc.encode(parseAllocInfoText(t, `snap${i}`), {time: new Date(Date.UTC(2026, 0, 1, 0, i)), uptimeS: 100 + i * 60, readMs: 1.5, release: '7.2.13'}))
  for (const r of recs) w.write(r)
  w.close()
  return recs
}

describe('recording', () => {
  it('stores a snapshot once in full, then only the sites that changed', () => {
    const recs = writeRecording(join(tmp, 'a.arec.gz'), [REAL, REAL, bumped(512), bumped(1024)])
    const sites = parseAllocInfoText(REAL).sites.length
    expect(recs[0].new).toHaveLength(sites)
    expect(recs[1].set).toBeUndefined()
    expect(recs[2].set).toHaveLength(1)
    expect(recs[3].set).toHaveLength(1)
    // one gzip member per record: the file is the header plus 4 JSON lines
    const lines = gunzipSync(readFileSync(join(tmp, 'a.arec.gz'))).toString().trim().split('\n')
    expect(lines).toHaveLength(5)
    expect(JSON.parse(lines[0]).format).toBe('allocscope-recording')
  })

  it('a site that goes is listed in gone, and stated again when it is back unchanged', () => {
    const lines = REAL.split('\n')
    const i = lines.findIndex((l) => /^\s*\d+\s+\d+\s/.test(l))
    const without = lines.filter((_, j) => j !== i).join('\n')
    const recs = writeRecording(join(tmp, 'gone.arec.gz'), [REAL, without, without, REAL])
    const id = recs[0].new!.findIndex((n) => lines[i].includes(`${n[1]}:${n[2]} `))
    expect(recs[1].gone).toEqual([id])
    expect(recs[2].gone).toBeUndefined()
    expect(recs[3].set?.map((x) => x[0])).toEqual([id])
    expect(recs[3].gone).toBeUndefined()
  })

  it('reads back every site and value', async () => {
    const path = join(tmp, 'b.arec.gz')
    writeRecording(path, [REAL, bumped(512), bumped(4096)])
    const store = new SeriesStore()
    const {header, warnings} = await readRecording(path, store)
    expect(header.tool).toBe('test')
    expect(warnings).toEqual([])
    expect(store.snapshots).toBe(3)
    const info = parseAllocInfoText(REAL)
    expect(store.sites).toHaveLength(info.sites.length)
    const first = store.sites[0]
    expect(first.key).toBe(info.sites[0].key)
    expect([...first.bytes.subarray(0, 3)]).toEqual([0, 512, 4096].map((d) => Number(info.sites[0].bytes) + d))
    expect(store.last?.release).toBe('7.2.13')
  })

  it('a member cut short (a killed recorder) costs that sample only, with a warning', async () => {
    const path = join(tmp, 'c.arec.gz')
    writeRecording(path, [REAL, bumped(512)])
    const next = member({snap: 2, time: '2026-01-01T00:02:00Z', set: [[0, 1, 1]]})
    appendFileSync(path, next.subarray(0, next.length >> 1))
    const store = new SeriesStore()
    const {warnings} = await readRecording(path, store)
    expect(store.snapshots).toBe(2)
    expect(warnings.join(' ')).toMatch(/ends early|cut short/)
  })

  it('keeps at most maxColumns columns, the last snapshot included', () => {
    const store = new SeriesStore(64)
    const enc = new DeltaEncoder()
    const base = parseAllocInfoText(REAL)
    for (let i = 0; i < 150; i++) {
      const info = {...base, sites: base.sites.slice(0, 3).map((s, k) => ({...s, bytes: s.bytes + BigInt(k === 0 ? i : 0)}))}
      store.apply(enc.encode(info, {time: new Date(Date.UTC(2026, 0, 1) + i * 1000)}), 'derived')
    }
    store.finish()
    expect(store.times.length).toBeLessThanOrEqual(65)
    const s0 = store.sites[0]
    expect(s0.bytes[store.times.length - 1]).toBe(Number(base.sites[0].bytes) + 149)
    expect(store.times.at(-1)).toBe(Date.UTC(2026, 0, 1) + 149_000)
  })
})

describe('plain snapshots', () => {
  it('takes times from ISO 8601 names, a header line, or mtime', async () => {
    expect(timeFromName('allocinfo-2026-12-04T18:00:05Z.txt')).toBe(Date.UTC(2026, 11, 4, 18, 0, 5))
    expect(timeFromName('20261204T180005Z')).toBe(Date.UTC(2026, 11, 4, 18, 0, 5))
    expect(timeFromName('a-2026-12-04T18-00-05+01:00')).toBe(Date.UTC(2026, 11, 4, 17, 0, 5))
    expect(timeFromName('allocinfo.txt')).toBeUndefined()
    const dir = mkdtempSync(join(tmp, 'snaps-'))
    writeFileSync(join(dir, 'b-2026-12-04T18:10:00Z.txt'), bumped(512))
    writeFileSync(join(dir, 'a-2026-12-04T18:20:00Z.txt'), bumped(1024))
    writeFileSync(join(dir, 'c.txt'), `# allocscope: time=2026-12-04T18:00:00Z uptime=5 release=7.2.13\n${REAL}`)
    const input = await readTrendInput([dir], {timeFrom: 'auto'})
    expect(input.timeSources).toEqual({header: 1, name: 2})
    expect(input.sources.map((s) => s.split('/').pop())).toEqual(['c.txt', 'b-2026-12-04T18:10:00Z.txt', 'a-2026-12-04T18:20:00Z.txt'])
    await expect(readTrendInput([dir], {timeFrom: 'name'})).rejects.toThrow(/c.txt: no ISO 8601 time in the file name/)
  })
})

describe('RecordingWriter', () => {
  // The file the user named for --out: one that cannot be opened as given is bad input (exit 2),
  // one that cannot take the bytes is an output error (exit 74); neither is a bug (exit 70).
  it('an --out that cannot be opened is an InputError naming it and why', () => {
    const path = join(tmp, 'no-such-dir', 'x.arec.gz')
    const make = () => new RecordingWriter(path, {created: '2026-01-01T00:00:00Z', source: 'derived', tool: 'test'})
    expect(make).toThrow(InputError)
    expect(make).toThrow(`${path}: cannot write the recording (no such file or directory)`)
  })

  it.skipIf(!existsSync('/dev/full'))('an --out that cannot take the header (/dev/full) is an OutputError naming it and why', () => {
    const make = () => new RecordingWriter('/dev/full', {created: '2026-01-01T00:00:00Z', source: 'derived', tool: 'test'})
    expect(make).toThrow(OutputError)
    expect(make).toThrow('/dev/full: cannot write the recording (no space left on device)')
  })
})
