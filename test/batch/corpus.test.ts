// Every real capture (samples/, testdata/captures/, lab/captures/) and every syzkaller peer log
// through `batch` gives the findings, signatures, host facts and profiling state that `analyse`
// gives on the same input (analyseBootLog is what `analyse` runs), and allocinfo totals that agree
// with the allocinfo reader; and how the log read (replays, fact conflicts), which no corpus input
// has, on a real console log and a DERIVED merged one. The batch run is the one shared with the fleet tests
// (test/helpers/corpus-batch.ts: the corpus directories as a user names them from the repository).
import {mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {analyseBootLog} from '../../src/analysis/read.js'
import {readAllocInfo} from '../../src/readers/allocinfo.js'
import {resolveCapture} from '../../src/readers/dir.js'
import type {BatchRecord} from '../../src/batch/schema.js'
import {corpusBatch} from '../helpers/corpus-batch.js'
import {captureDirs, LAB_CAPTURES, REPO, SAMPLES, TESTDATA_CAPTURES} from '../helpers/paths.js'
import {peerFiles} from '../helpers/peer.js'
import {cli, records} from './helpers.js'

const labDirs = readdirSync(LAB_CAPTURES, {withFileTypes: true})
  .filter((d) => d.isDirectory())
  .map((d) => join(LAB_CAPTURES, d.name))
const captures = [...captureDirs(), ...labDirs]
const peers = peerFiles()

let byPath: Map<string, BatchRecord>

beforeAll(async () => {
  const recs = records((await corpusBatch()).join('\n'))
  byPath = new Map(recs.map((x) => [join(REPO, x.input.path), x]))
  // One record per input, in input order: each directory walked in name order. (The READMEs, the
  // LICENSE and samples/inventory.csv beside the captures are inputs too, with records of their own.)
  const byName = (dirs: string[]) => [...dirs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const home = (h: string) => byName(captures.filter((d) => d.startsWith(`${h}/`)))
  const want = [...home(SAMPLES), ...home(TESTDATA_CAPTURES), ...home(LAB_CAPTURES), ...byName(peers)].map((p) => relative(REPO, p))
  const paths = recs.map((x) => x.input.path)
  expect(paths.filter((p) => want.includes(p))).toEqual(want)
  expect(new Set(paths).size).toBe(paths.length)
}, 600_000)

async function sameAsAnalyse(path: string, bootLog: string, rec = byPath.get(path)!): Promise<void> {
  expect(rec.error, path).toBeUndefined()
  const a = await analyseBootLog(bootLog)
  expect(rec.host, path).toEqual(JSON.parse(JSON.stringify(a.host)))
  expect(rec.profiling, path).toEqual(a.profiling)
  expect(rec.format).toBe(a.format)
  const want = a.findings.map((f) => ({id: f.id, severity: f.severity, title: f.title, signature: f.signature, line: f.line, count: f.count ?? 1, corrupted: f.corrupted, guilty: f.splat?.guilty?.fn}))
  const got = rec.findings!.map((f) => ({...f, guilty: f.guilty?.replace(/ \[.*\]$/, '')}))
  expect(got, path).toEqual(want)
  // How the log read, as analyse --json has it (each absent when there is none).
  expect([rec.replays, rec.replaysNotStored, rec.factConflicts], path).toEqual([a.replays, a.replaysNotStored, a.factConflicts])
}

describe('batch over the whole real corpus = analyse on each input', () => {
  it(`${captures.length} capture directories: host facts, profiling, findings; allocinfo totals`, async () => {
    for (const dir of captures) {
      const cap = resolveCapture(dir)
      expect(byPath.get(dir)!.kind).toBe('capture-dir')
      if (cap.bootLog) await sameAsAnalyse(dir, cap.bootLog)
      if (cap.allocinfo) {
        const info = await readAllocInfo(cap.allocinfo)
        const got = byPath.get(dir)!.allocinfo!
        expect([got.sites, got.bytes, got.calls], dir).toEqual([info.sites.length, info.totalBytes.toString(), info.totalCalls.toString()])
      }
    }
  }, 600_000)

  it(`${peers.length} syzkaller peer logs`, async () => {
    expect(peers.length).toBeGreaterThan(50)
    for (const p of peers) {
      expect(byPath.get(p)!.kind).toBe('bootlog')
      await sameAsAnalyse(p, p)
    }
  }, 600_000)

  it("a console that prints dmesg again (real) and two boots' lines with no boundary between them (DERIVED): replays and fact conflicts as analyse has them", async () => {
    const consoleLog = join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink', 'console.log')
    // DERIVED: notrack's dmesg, then c64's lines after 1.5 s (its banner and early boot cut away): one boot whose once-per-boot facts come twice.
    const late = readFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'dmesg.txt'), 'utf8').split('\n').filter((l) => Number(/^\[\s*([\d.]+)\]/.exec(l)?.[1] ?? 0) > 1.5)
    const merged = join(mkdtempSync(join(tmpdir(), 'allocscope-corpus-')), 'merged.txt')
    writeFileSync(merged, readFileSync(join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink', 'dmesg.txt'), 'utf8') + late.join('\n') + '\n')
    const r = await cli(['batch', consoleLog, merged])
    const [c, m] = records(r.stdout)
    expect(c!.replays).toEqual([{line: expect.any(Number), records: 331, repeated: 321}])
    expect(m!.factConflicts?.map((x) => x.fact)).toEqual(['onlineCpus', 'memoryAvailableKiB'])
    await sameAsAnalyse(consoleLog, consoleLog, c)
    await sameAsAnalyse(merged, merged, m)
  })

  it('a boot log carries the prediction for its host; the legacy 256-slot lab boot overflows at the size it printed', () => {
    const rec = byPath.get(join(LAB_CAPTURES, 'lab-7.2-legacy256late-c8-m1024-shrink'))!
    const p = rec.prediction as {legacyMax: number; legacyOverflow: boolean; earlyPfns: number}
    expect(p.legacyMax).toBe(256)
    expect(p.legacyOverflow).toBe(p.earlyPfns > 256)
    for (const dir of captures) {
      const r = byPath.get(dir)!
      if (r.host?.release) expect(r.prediction, dir).toBeDefined()
    }
  })

  it("the prediction says what the kernel's own recorder does, and agrees with the lab boots' measured klab counts", () => {
    let pools = 0
    let nones = 0
    for (const dir of captures) {
      const r = byPath.get(dir)!
      const p = r.prediction
      if (!p || 'error' in p || p.recorder === undefined || p.recorder === 'unknown') continue
      expect(p.recorder, dir).toBe(r.profiling!.recorder)
      if (p.recorder === 'none') expect([p.recorded, p.untagged, p.recorderOverflow], dir).toEqual([0, p.earlyPfns, false])
      if (p.recorder === 'pool') {
        expect([p.recorded, p.untagged], dir).toEqual([p.earlyPfns, 0])
        expect(p.poolPages!, dir).toBeGreaterThanOrEqual(Math.ceil(p.earlyPfns / 510))
      }
      if (p.recorder === 'legacy') expect([p.recorded, p.recorderOverflow], dir).toEqual([Math.min(p.earlyPfns, p.legacyMax), p.legacyOverflow])
      // The lab kernels print what their recorder did: `klab: early_pfn recorded=R pools=P`.
      const boot = resolveCapture(dir).bootLog
      const m = boot && dir.startsWith(LAB_CAPTURES) ? /klab: early_pfn recorded=(\d+) pools=(\d+)/.exec(readFileSync(boot, 'utf8')) : null
      if (!m) continue
      const [recorded, measuredPools] = [Number(m[1]), Number(m[2])]
      if (p.recorder === 'none') {
        nones++
        expect(recorded, dir).toBe(0)
      }
      if (p.recorder === 'pool') {
        pools++
        expect(Math.abs(p.recorded! - recorded) / recorded, dir).toBeLessThanOrEqual(0.1)
        expect(Math.abs(p.poolPages! - measuredPools), dir).toBeLessThanOrEqual(1)
      }
    }
    expect(pools).toBeGreaterThanOrEqual(10)
    expect(nones).toBeGreaterThanOrEqual(4)
  })
})
