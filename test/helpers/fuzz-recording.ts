// Fuzz target: allocscope recordings (src/readers/recording.ts: streamRecording, which `trend`
// streams, and snapshotsOf, which `diff` replays; format in docs/recording.md). A case is the bytes
// of a recording file:
//   mutation   a REAL recording of testdata/trend/ inflated, its lines mutated (NULs, byte flips,
//              cut lines, CR, duplicated, reordered and deleted lines, garbage), encoded again;
//   layout     a SYNTHETIC recording built here from a seed, with a model of what it holds: hostile
//              names (NUL, ESC, bidi, non-ASCII, quotes, long), huge counts (2^53 + 1, 2^64 - 1 as
//              decimal strings), sites new, changed, gone and back, accurate flipped; sometimes one
//              record poisoned (a field of the wrong type, a counter that is no integer, an id that
//              is no index); rarely one record line at the reader's cap or well over it;
//   kernelish  record-looking JSON lines; bytes: arbitrary bytes.
// Each is encoded as the recorder writes it (a gzip member per line), as one gzip stream, as plain
// text, or as members cut at an arbitrary byte (a recorder killed mid-write).
// Properties: a result or an InputError naming the file, never another error nor a hang; a whole
// recording reads as many snapshots as it holds and replays to the model's state, names and
// counters exact; a cut one reads a prefix of them (the last one read replays to the model's state
// at that snapshot) and says it was cut; a line over the cap is refused with its line number;
// nothing reaches Array.prototype.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gunzipSync, gzipSync} from 'node:zlib'
import fc from 'fast-check'
import {InputError} from '../../src/errors.js'
import {mulberry32} from '../../src/model/prng.js'
import {counterAnomalies} from '../../src/readers/allocinfo-scan.js'
import {MAX_RECORD_CHARS, snapshotsOf, streamRecording} from '../../src/readers/recording.js'
import {RECORDING_FORMAT, type SnapshotRecord, counter} from '../../src/trend/recording.js'
import {type CorpusFile, fail, type FuzzCase, type FuzzTarget, kernelishArbitrary} from './fuzz.js'
import {mutateChain} from './mutate.js'
import {REPO} from './paths.js'

const SERIES = ['leak', 'churn', 'unload', 'busy']
const ENCODINGS = ['members', 'one', 'plain', 'cut'] as const
type Encoding = (typeof ENCODINGS)[number]

/** The bytes of a recording whose lines are `lines`, encoded `how` (`cut`: members cut at `cut` of their length). */
export function encode(lines: (string | Buffer)[], how: Encoding, cut = 0.5): Buffer {
  const texts = lines.map((l) => Buffer.concat([Buffer.from(l), NL]))
  if (how === 'plain') return Buffer.concat(texts)
  if (how === 'one') return gzipSync(Buffer.concat(texts), {level: 1})
  const members = Buffer.concat(texts.map((t) => gzipSync(t, {level: 1})))
  return how === 'cut' ? members.subarray(0, Math.floor(cut * members.length)) : members
}

const NL = Buffer.from('\n')

const HOSTILE = ['\0', '\x1b]0;x\x07', '\u202e', '\u200b', 'é', 'Δ', '😀', '"', '\\', '\n', '\r', '\t', ' ', ',', ':', '[', '{', '<b>']
const PLAIN = 'abcdefghijklmnopqrstuvwxyz_/.'
/** Counters as recorded: numbers, decimal strings beyond 2^53 (a wrapped calls near 2^64), negative bytes. */
const COUNTERS: bigint[] = [0n, 1n, 4096n, 2n ** 53n - 1n, 2n ** 53n + 1n, 2n ** 63n, 2n ** 64n - 1n, -4096n, 123456789012345678901234567890n]

function name(rng: () => number, long: boolean): string {
  let s = ''
  for (let n = 1 + Math.floor(rng() * (long ? 400 : 12)); n > 0; n--) s += rng() < 0.15 ? HOSTILE[Math.floor(rng() * HOSTILE.length)] : PLAIN[Math.floor(rng() * PLAIN.length)]
  return s
}

const pick = <T>(rng: () => number, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!

/** A site as the model knows it. */
interface ModelSite {
  file: string
  lineNo: number
  func: string
  module?: string
  accurate: boolean
  bytes: bigint
  calls: bigint
  present: boolean
}

/** What a SYNTHETIC recording holds: its record lines, and the model's sites after each snapshot. */
interface Built {
  lines: string[]
  states: ModelSite[][]
}

/** One snapshot of the model: some sites declared, some changed, some gone, some back, an accurate flag flipped. */
function snapshot(rng: () => number, sites: ModelSite[], snap: number, newSites: number, long: boolean): SnapshotRecord {
  const rec: SnapshotRecord = {snap, time: new Date(Date.UTC(2026, 11, 4) + snap * 10_000).toISOString(), release: name(rng, false), allocinfo: '2.0'}
  const set = (id: number) => {
    const s = sites[id]!
    s.bytes = pick(rng, COUNTERS)
    s.calls = pick(rng, COUNTERS)
    s.present = true
    ;(rec.set ??= []).push([id, counter(s.bytes), counter(s.calls)])
  }
  for (const [id, s] of sites.entries()) {
    const r = rng()
    if (s.present && r < 0.15) (s.present = false), (rec.gone ??= []).push(id)
    else if (r < 0.4) set(id)
    else if (s.present && r < 0.45) (s.accurate = !s.accurate), (rec.acc ??= []).push([id, s.accurate])
  }
  for (let i = 0; i < newSites; i++) {
    const id = sites.length
    const s: ModelSite = {file: name(rng, long), lineNo: Math.floor(rng() * 1e6), func: name(rng, long), accurate: rng() < 0.9, bytes: 0n, calls: 0n, present: false}
    if (rng() < 0.3) s.module = name(rng, false)
    sites.push(s)
    ;(rec.new ??= []).push([id, s.file, s.lineNo, s.func, s.module ?? null, s.accurate])
    set(id)
  }
  return rec
}

/** A SYNTHETIC recording from a seed: `snaps` snapshots over `sites` sites (many: its first line spans many gunzip chunks). */
export function build(seed: number, snaps: number, sites: number): Built {
  const rng = mulberry32(seed)
  const long = rng() < 0.2
  const header = {format: RECORDING_FORMAT, version: 1, created: '2026-12-04T00:00:00.000Z', source: name(rng, long), tool: 'SYNTHETIC fuzz-recording', provenance: name(rng, long)}
  const model: ModelSite[] = []
  const out: Built = {lines: [JSON.stringify(header)], states: []}
  for (let s = 0; s < snaps; s++) {
    out.lines.push(JSON.stringify(snapshot(rng, model, s, s === 0 ? sites : Math.floor(rng() * 3), long)))
    out.states.push(model.map((m) => ({...m})))
  }
  return out
}

/** Ways a damaged or hostile writer breaks a record: each must be an InputError or harmless, never a crash. */
const POISONS: ((r: Record<string, unknown>) => void)[] = [
  (r) => (r.new = 5),
  (r) => (r.set = {0: [0, 1, 1]}),
  (r) => (r.gone = 'all'),
  (r) => (r.acc = [[0]]),
  (r) => (r.set = [[0, 1.5, 1]]),
  (r) => (r.set = [[0, 'lots', 1]]),
  (r) => (r.set = [[0, 1e400, 1]]),
  (r) => (r.set = [['__proto__', 1, 1]]),
  (r) => (r.gone = ['__proto__', 'length', -1, 1e9]),
  (r) => (r.acc = [['__proto__', true]]),
  (r) => (r.new = [[0, 7, 'x', null, null, 'yes']]),
  (r) => (r.new = [[0, 'f.c', 1, 'f', 5, true]]),
  (r) => (r.new = [null]),
  (r) => (r.set = [null]),
  (r) => delete r.time,
  (r) => (r.snap = '1'),
]

/** A record line exactly `chars` long (ASCII): a snapshot whose release pads it out. */
export function lineOf(chars: number, snap: number): string {
  const base = JSON.stringify({snap, time: '2026-12-04T00:00:00.000Z', release: ''})
  return JSON.stringify({snap, time: '2026-12-04T00:00:00.000Z', release: 'x'.repeat(chars - base.length)})
}

/** A recording whose second line is at the cap (read) or 1 MiB over it (refused, line 2). */
export function capCase(where: 'at' | 'over'): FuzzCase {
  const lines = [build(1, 0, 0).lines[0]!, lineOf(MAX_RECORD_CHARS + (where === 'over' ? 2 ** 20 : 0), 0)]
  return {kind: 'layout', bytes: encode(lines, 'one'), layout: {cap: where}}
}

export interface Layout {
  seed: number
  snaps: number
  sites: number
  how: Encoding
  cut: number
  poison?: number
  cap?: 'at' | 'over'
}

export function layoutCase(l: Layout): FuzzCase {
  if (l.cap) return capCase(l.cap)
  const b = build(l.seed, l.snaps, l.sites)
  if (l.poison !== undefined && b.lines.length > 1) {
    const i = 1 + (l.seed >>> 0) % (b.lines.length - 1)
    const r = JSON.parse(b.lines[i]!) as Record<string, unknown>
    POISONS[l.poison % POISONS.length]!(r)
    b.lines[i] = JSON.stringify(r)
  }
  return {kind: 'layout', bytes: encode(b.lines, l.how, l.cut), layout: l}
}

let corpus: {name: string; lines: string[]}[] | undefined
const realRecordings = () => (corpus ??= SERIES.map((s) => {
  const text = gunzipSync(readFileSync(join(REPO, 'testdata', 'trend', s, 'recording.arec.gz'))).toString('utf8')
  return {name: `testdata/trend/${s}/recording.arec.gz`, lines: text.split('\n').filter((l) => l !== '')}
}))

const MUTATORS = ['truncate-line-end', 'truncate-mid-line', 'truncate-mid-utf8', 'byte-flip', 'invalid-utf8', 'nul', 'ansi', 'crlf', 'cr', 'long-line-64k', 'duplicate', 'reorder', 'delete', 'garbage']

/** The lines of some bytes, as bytes (a mutation's invalid UTF-8 and NULs reach the reader as they are). */
function linesOf(b: Buffer): Buffer[] {
  const out: Buffer[] = []
  let from = 0
  for (let nl = b.indexOf(10); nl !== -1; nl = b.indexOf(10, from)) (out.push(b.subarray(from, nl)), (from = nl + 1))
  if (from < b.length) out.push(b.subarray(from))
  return out
}

function arbitrary(): fc.Arbitrary<FuzzCase> {
  const how = fc.constantFrom(...ENCODINGS)
  const cut = fc.double({min: 0, max: 1, noNaN: true})
  const real = realRecordings()
  const mutation = fc
    .record({file: fc.nat({max: real.length - 1}), ops: fc.array(fc.constantFrom(...MUTATORS), {minLength: 1, maxLength: 3}), seed: fc.integer(), how, cut})
    .map(({file, ops, seed, how, cut}): FuzzCase => {
      const original: CorpusFile = {name: real[file]!.name, bytes: Buffer.from(real[file]!.lines.join('\n') + '\n')}
      const mutated = mutateChain(original.bytes, ops, seed)
      return {kind: 'mutation', bytes: encode(linesOf(mutated.bytes), how, cut), mutated, original}
    })
  const cap = fc.oneof({weight: 400, arbitrary: fc.constant(undefined)}, {weight: 1, arbitrary: fc.constantFrom('at' as const, 'over' as const)})
  const poison = fc.oneof({weight: 3, arbitrary: fc.constant(undefined)}, {weight: 1, arbitrary: fc.nat()})
  const sites = fc.oneof({weight: 4, arbitrary: fc.nat({max: 30})}, {weight: 1, arbitrary: fc.integer({min: 500, max: 2000})})
  const layout = fc.record({seed: fc.integer(), snaps: fc.nat({max: 6}), sites, how, cut, poison, cap}).map((l) => layoutCase(l as Layout))
  const lines = kernelishArbitrary(RECORD_FRAGMENTS)
  const kernelish = fc.tuple(lines, how, cut).map(([b, how, cut]): FuzzCase => ({kind: 'kernelish', bytes: encode(linesOf(b), how, cut)}))
  const bytes = fc.tuple(fc.uint8Array({maxLength: 2048}), fc.boolean()).map(([u, gz]): FuzzCase => ({kind: 'bytes', bytes: gz ? gzipSync(u) : Buffer.from(u)}))
  return fc.oneof({weight: 35, arbitrary: mutation}, {weight: 40, arbitrary: layout}, {weight: 15, arbitrary: kernelish}, {weight: 10, arbitrary: bytes})
}

const RECORD_FRAGMENTS = [
  `{"format":"${RECORDING_FORMAT}","version":1,"created":"2026-12-04T00:00:00Z","source":"/proc/allocinfo","tool":"t"}`,
  '{"format":"allocscope-recording","version":99}', '{"snap":0,"time":"2026-12-04T00:00:00Z"', '{"snap":1,"time":"x",', '"new":[[0,"mm/a.c",1,"f",null,true]]',
  '"new":[[1,"f.c",2,"g","mod",false]]', '"set":[[0,4096,1]]', '"set":[[0,"18446744073709551615","9007199254740993"]]', '"set":[[7,1,1]]', '"gone":[0]', '"acc":[[0,false]]',
  '"skipped":3', '}', ',', '[', ']', '"', '\\u0000', '\\u202e', '\0', '\x1b', '1e999', '-0', 'null', 'true', '__proto__', '\n', ' ',
]

/** Each process writes its cases to one file of its own (the reader takes a path). */
let file: string | undefined
const caseFile = () => (file ??= join(mkdtempSync(join(tmpdir(), 'allocscope-fuzz-rec-')), 'case.arec.gz'))

type Row = [string, number, string, string | null, boolean, string, string]
const row = (s: {file: string; lineNo: number; func: string; module?: string; accurate: boolean; bytes: bigint; calls: bigint}): Row => [s.file, s.lineNo, s.func, s.module ?? null, s.accurate, String(s.bytes), String(s.calls)]

/**
 * The model's present sites as the reader materialises them, in site id order (a recording keeps no line): a site
 * with a counter the kernel cannot print (bytes beyond s64, calls beyond u64) is left out, as the
 * allocinfo scanner leaves its line out (counterAnomalies, the one rule).
 */
const modelSites = (state: ModelSite[]): Row[] => state.flatMap((s) => (s.present && counterAnomalies('', s.bytes, s.calls, 0, () => {}) ? [row(s)] : []))

async function read(c: FuzzCase, path: string): Promise<{snapshots: number; warnings: string[]} | undefined> {
  try {
    return await streamRecording(path, () => {})
  } catch (e) {
    if (!(e instanceof InputError)) fail(c, `streamRecording threw ${(e as Error).name}: ${(e as Error).stack}`)
    if (!e.message.startsWith(path)) fail(c, `error does not name the file: ${e.message}`)
    return undefined
  }
}

/** snapshotsOf must agree with streamRecording: the same count; a last snapshot of `want` sites (when the model knows them). */
async function replayed(c: FuzzCase, path: string, total: number, want?: Row[]): Promise<void> {
  let got: Awaited<ReturnType<typeof snapshotsOf>>
  try {
    got = await snapshotsOf(path, [0, -1])
  } catch (e) {
    if (!(e instanceof InputError)) fail(c, `snapshotsOf threw ${(e as Error).name}: ${(e as Error).stack}`)
    if (!e.message.startsWith(path)) fail(c, `error does not name the file: ${e.message}`)
    return
  }
  if (got.total !== total) fail(c, `snapshotsOf counted ${got.total} snapshots, streamRecording ${total}`)
  const last = got.snapshots[1]!.allocinfo
  let bytes = 0n
  for (const s of last.sites) bytes += s.bytes
  if (bytes !== last.totalBytes) fail(c, `totalBytes ${last.totalBytes} is not the sum of the sites (${bytes})`)
  if (want === undefined) return
  const have = JSON.stringify(last.sites.map((s) => row(s)))
  if (have !== JSON.stringify(want)) fail(c, `snapshot ${total - 1} replays to ${have.slice(0, 300)}, the model holds ${JSON.stringify(want).slice(0, 300)}`)
}

/**
 * Members cut at `cut` of their length: the whole members before the cut are read, and no more (a
 * member cut in its gzip trailer is unchecked: not read either); a cut inside a member is said in a warning.
 */
function checkCut(c: FuzzCase, r: {snapshots: number; warnings: string[]}, lines: string[], cut: number): void {
  const sizes = lines.map((l) => encode([l], 'members').length)
  const at = Math.floor(cut * sizes.reduce((a, b) => a + b, 0))
  let whole = 0
  for (let end = 0, i = 0; i < sizes.length && (end += sizes[i]!) <= at; i++) whole = i
  const boundary = sizes.some((_, i) => sizes.slice(0, i + 1).reduce((a, b) => a + b, 0) === at)
  if (r.snapshots !== whole) fail(c, `read ${r.snapshots} snapshots of a recording cut after ${whole} whole ones`)
  if (!boundary && r.warnings.length === 0) fail(c, `read ${r.snapshots} snapshots of a recording cut inside a member, without a warning`)
}

async function check(c: FuzzCase): Promise<void> {
  const path = caseFile()
  writeFileSync(path, c.bytes)
  const r = await read(c, path)
  if (([] as unknown as {present?: unknown}).present !== undefined || Object.prototype.hasOwnProperty.call(Array.prototype, 'bytes')) fail(c, 'a record wrote to Array.prototype')
  const l = c.layout as Layout | {cap: 'at' | 'over'} | undefined
  if (l?.cap === 'over' && r !== undefined) fail(c, `a record line 1 MiB over the ${MAX_RECORD_CHARS}-character cap was read`)
  if (l?.cap === 'at' && r?.snapshots !== 1) fail(c, `a record line of exactly ${MAX_RECORD_CHARS} characters was not read (${r?.snapshots} snapshots)`)
  if (r === undefined || l?.cap !== undefined) return
  let want: Row[] | undefined
  if (c.kind === 'layout' && (l as Layout).poison === undefined) {
    const {seed, snaps, sites, how, cut} = l as Layout
    const b = build(seed, snaps, sites)
    if (how === 'cut') checkCut(c, r, b.lines, cut)
    else if (r.snapshots !== snaps) fail(c, `read ${r.snapshots} snapshots of ${snaps}`)
    if (r.snapshots > 0) want = modelSites(b.states[r.snapshots - 1]!)
  }
  if (r.snapshots > 0) await replayed(c, path, r.snapshots, want)
}

export const recordingTarget: FuzzTarget = {
  name: 'recording',
  corpus: () => realRecordings().map((r) => ({name: r.name, bytes: Buffer.from(r.lines.join('\n') + '\n')})),
  arbitrary,
  check,
}
