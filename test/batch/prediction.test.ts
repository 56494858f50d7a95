// A capture directory's `prediction` in batch is the one `predict --from DIR` makes (README: "as
// predict --from makes it"), recorder evidence included: over a guess from the release, or no
// recorder message, the allocinfo's pfn_pool tracking site says the kernel carries the pool
// (model/from-boot.ts captureRecorder). batch ignored the dump, so a capture whose log does not
// name its recorder was predicted with none (recorded 0) where predict --from said pool (145).
// Checked on every real capture directory with a dump (the shared corpus run), and on a DERIVED one
// where the dump decides: the pool sample with its klab: lines removed and its banner's release
// renamed 6.14.0 (a release the guess table says has no recorder).
import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import type {BatchPrediction, BatchRecord} from '../../src/batch/schema.js'
import {resolveCapture} from '../../src/readers/dir.js'
import {corpusBatch} from '../helpers/corpus-batch.js'
import {captureDirs, LAB_CAPTURES, REPO, SAMPLES} from '../helpers/paths.js'
import {cli, records} from './helpers.js'

const dir = mkdtempSync(join(tmpdir(), 'allocscope-batch-prediction-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

interface PredictJson {
  profile: string
  window: string
  events: number
  recorder: string
  legacy?: {dropped: number}
  kernel?: {recorded: {value: number}; untaggedCalls: {value: number}}
  pool?: {trackingPagesAllocated: number}
}

/** What batch's prediction and `predict --from --json` both say, in batch's terms. */
function fromPredict(p: PredictJson): Partial<BatchPrediction> {
  return {
    profile: p.profile,
    window: p.window as BatchPrediction['window'],
    earlyPfns: p.events,
    legacyDropped: p.legacy?.dropped ?? 0,
    recorder: p.recorder as BatchPrediction['recorder'],
    ...(p.kernel ? {recorded: Math.round(p.kernel.recorded.value), untagged: Math.round(p.kernel.untaggedCalls.value)} : {}),
    // predict runs both recorders by default; batch replays the pool only for a pool kernel.
    ...(p.recorder === 'pool' ? {poolPages: p.pool!.trackingPagesAllocated} : {}),
  }
}

function fromBatch(p: BatchPrediction): Partial<BatchPrediction> {
  const {profile, window, earlyPfns, legacyDropped, recorder, recorded, untagged, poolPages} = p
  return {profile, window, earlyPfns, legacyDropped, recorder, ...(recorded !== undefined ? {recorded, untagged} : {}), ...(poolPages !== undefined ? {poolPages} : {})}
}

async function predicted(capture: string): Promise<Partial<BatchPrediction>> {
  const r = await cli(['predict', '--from', capture, '--json'])
  expect(r.status, `${capture}: ${r.stderr}`).toBe(0)
  return fromPredict(JSON.parse(r.stdout).result as PredictJson)
}

/** The prediction of the record that carries the dump (a capture's last boot). */
function batchPrediction(recs: BatchRecord[], path: string): Partial<BatchPrediction> {
  const rec = recs.find((x) => x.input.path === path && x.allocinfo !== undefined)
  expect(rec, path).toBeDefined()
  const p = rec!.prediction
  expect(p && !('error' in p), path).toBe(true)
  return fromBatch(p as BatchPrediction)
}

describe("batch's prediction of a capture directory = predict --from's", () => {
  it('DERIVED: a log that does not name its recorder, with a dump listing the pool tracking site', async () => {
    const cap = join(dir, 'capg2')
    mkdirSync(cap)
    const log = readFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'dmesg.txt'), 'utf8')
    writeFileSync(join(cap, 'dmesg.txt'), log.split('\n').filter((l) => !l.includes('klab:')).join('\n').replace('Linux version 7.2.13', 'Linux version 6.14.0'))
    writeFileSync(join(cap, 'allocinfo.txt'), readFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt')))
    const recs = records((await cli(['batch', '-j', '1', cap])).stdout)
    const want = await predicted(cap)
    expect(want).toMatchObject({recorder: 'pool', recorded: 145})
    // Was: recorder none, recorded 0.
    expect(batchPrediction(recs, cap)).toEqual(want)
    // The record's profiling stays analyse's (the log alone): the evidence is the prediction's.
    expect(recs[0]!.profiling!.recorder).toBe('none')
  })

  const captures = [...captureDirs(), ...resolveLab()].filter((d) => {
    const c = resolveCapture(d)
    return c.bootLog !== undefined && c.allocinfo !== undefined
  })

  it(`every real capture directory with a dump (${captures.length})`, async () => {
    expect(captures.length).toBeGreaterThan(50)
    const recs = records((await corpusBatch()).join('\n'))
    for (const d of captures) expect(batchPrediction(recs, relative(REPO, d)), d).toEqual(await predicted(d))
  }, 600_000)
})

function resolveLab(): string[] {
  return readdirSync(LAB_CAPTURES, {withFileTypes: true})
    .filter((e) => e.isDirectory())
    .map((e) => join(LAB_CAPTURES, e.name))
}
