// A capture directory's `prediction` in batch is the one `predict --from DIR` makes (README: "as
// predict --from makes it"), recorder evidence included: over a guess from the release, or no
// recorder message, the allocinfo's pfn_pool tracking site says the kernel carries the pool
// (model/from-boot.ts captureRecorder). batch ignored the dump, so a capture whose log does not
// name its recorder was predicted with none (recorded 0) where predict --from said pool (145).
// Checked on every real capture directory with a dump (the shared corpus run), and on a DERIVED one
// where the dump decides: the pool sample with its klab: lines removed and its banner's release
// renamed 6.14.0 (a release the guess table says has no recorder; modelled with the nearest profile, 6.12's); that directory with its dump
// gzipped, and in a tar.
import {copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, relative} from 'node:path'
import {gzipSync} from 'node:zlib'
import * as tar from 'tar-stream'
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
  kernel?: {recorded: {value: number}; leftUntaggedCalls: {value: number}}
  pool?: {trackingPagesAllocated: number}
  severity?: {severity: string}
  measured?: {checks: {inside?: boolean}[]; unsetTags?: {severity?: string}}
}

/** What batch's prediction and `predict --from --json` both say, in batch's terms. */
function fromPredict(p: PredictJson): Partial<BatchPrediction> & {graded?: string} {
  return {
    // Its severity, where predict grades the prediction alone: a lab boot's measured counts outside
    // their interval, and its log's `alloc_tag was not set` warnings judged by diff's rule, are
    // predict's own checks of the measured boot (batch has no measured counts).
    ...(p.measured?.checks.some((c) => c.inside === false) || p.measured?.unsetTags?.severity ? {} : {graded: p.severity?.severity ?? 'none'}),
    profile: p.profile,
    window: p.window as BatchPrediction['window'],
    earlyPfns: p.events,
    legacyDropped: p.legacy?.dropped ?? 0,
    recorder: p.recorder as BatchPrediction['recorder'],
    ...(p.kernel ? {recorded: Math.round(p.kernel.recorded.value), untagged: Math.round(p.kernel.leftUntaggedCalls.value)} : {}),
    // predict runs both recorders by default; batch replays the pool only for a pool kernel.
    ...(p.recorder === 'pool' ? {poolPages: p.pool!.trackingPagesAllocated} : {}),
  }
}

function fromBatch(p: BatchPrediction, graded: boolean): Partial<BatchPrediction> & {graded?: string} {
  const {profile, window, earlyPfns, legacyDropped, recorder, recorded, untagged, poolPages} = p
  return {
    ...(graded ? {graded: p.severity?.severity ?? 'none'} : {}),
    ...{profile, window, earlyPfns, legacyDropped, recorder, ...(recorded !== undefined ? {recorded, untagged} : {}), ...(poolPages !== undefined ? {poolPages} : {})},
  }
}

/** DERIVED: a tar of these members, in this order. */
async function packTar(file: string, members: {name: string; data: Buffer}[]): Promise<void> {
  const pack = tar.pack()
  for (const m of members) pack.entry({name: m.name}, m.data)
  pack.finalize()
  const parts: Buffer[] = []
  for await (const c of pack) parts.push(c as Buffer)
  writeFileSync(file, Buffer.concat(parts))
}

async function predicted(capture: string): Promise<Partial<BatchPrediction> & {graded?: string}> {
  const r = await cli(['predict', '--from', capture, '--json'])
  expect(r.status, `${capture}: ${r.stderr}`).toBe(0)
  return fromPredict(JSON.parse(r.stdout).result as PredictJson)
}

/** The prediction of the record that carries the dump (a capture's last boot). */
function batchPrediction(recs: BatchRecord[], path: string, want: {graded?: string}): Partial<BatchPrediction> {
  const rec = recs.find((x) => x.input.path === path && x.allocinfo !== undefined)
  expect(rec, path).toBeDefined()
  const p = rec!.prediction
  expect(p && !('error' in p), path).toBe(true)
  return fromBatch(p as BatchPrediction, want.graded !== undefined)
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
    expect(want).toMatchObject({recorder: 'pool', profile: 'linux-6.12-before-smp'})
    // Was: recorder none, recorded 0.
    expect(batchPrediction(recs, cap, want)).toEqual(want)
    // The record's profiling stays analyse's (the log alone): the evidence is the prediction's.
    expect(recs[0]!.profiling!.recorder).toBe('none')
  })

  it('DERIVED: the same capture with its dump gzipped (allocinfo.txt.gz): the same prediction, the evidence read from the parsed dump', async () => {
    const gz = join(dir, 'capg2-gz')
    mkdirSync(gz)
    copyFileSync(join(dir, 'capg2', 'dmesg.txt'), join(gz, 'dmesg.txt'))
    writeFileSync(join(gz, 'allocinfo.txt.gz'), gzipSync(readFileSync(join(dir, 'capg2', 'allocinfo.txt'))))
    const want = await predicted(gz)
    // Was: none, 0 in both (the evidence was looked for in the raw, still compressed bytes).
    expect(want).toMatchObject({recorder: 'pool', profile: 'linux-6.12-before-smp'})
    expect(batchPrediction(records((await cli(['batch', '-j', '1', gz])).stdout), gz, want)).toEqual(want)
  })

  it('DERIVED: the same capture directory packed in a tar, its dump before or after its log: the same prediction', async () => {
    const cap = join(dir, 'capg2')
    const want = await predicted(cap)
    for (const order of [['dmesg.txt', 'allocinfo.txt'], ['allocinfo.txt', 'dmesg.txt']]) {
      const file = join(dir, `capg2-${order[0]}.tar`)
      await packTar(file, order.map((n) => ({name: `capg2/${n}`, data: readFileSync(join(cap, n))})))
      // Was: recorder none, recorded 0 in the archive (the dump's evidence was read from disk only).
      expect(batchPrediction(records((await cli(['batch', '-j', '1', file])).stdout), `${file}//capg2`, want), order.join(' then ')).toEqual(want)
    }
  })

  const captures = [...captureDirs(), ...resolveLab()].filter((d) => {
    const c = resolveCapture(d)
    return c.bootLog !== undefined && c.allocinfo !== undefined
  })

  it(`every real capture directory with a dump (${captures.length})`, async () => {
    expect(captures.length).toBeGreaterThan(50)
    const recs = records((await corpusBatch()).join('\n'))
    let graded = 0
    for (const d of captures) {
      const want = await predicted(d)
      if (want.graded !== undefined && want.graded !== 'none') graded++
      expect(batchPrediction(recs, relative(REPO, d), want), d).toEqual(want)
    }
    // The severity was compared where predict grades the prediction alone, some of them with one.
    expect(graded).toBeGreaterThan(0)
  }, 600_000)
})

function resolveLab(): string[] {
  return readdirSync(LAB_CAPTURES, {withFileTypes: true})
    .filter((e) => e.isDirectory())
    .map((e) => join(LAB_CAPTURES, e.name))
}
