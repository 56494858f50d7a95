// Flow control of the batch pool (against the BUILT pool, dist/: it starts the built worker): an
// archive behind an input that does not finish is paused by its worker once the main thread holds
// HOLD_MAX of its lines unwritten, instead of all of them being held. The archive is DERIVED, made
// here of REAL syzkaller peer logs; the blocking input is a SYNTHETIC worker that answers when told.
import {existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import * as tar from 'tar-stream'
import {describe, expect, it} from 'vitest'
import type {BatchRecord} from '../../src/batch/schema.js'
import {PEER, REPO} from '../helpers/paths.js'

const DIST = join(REPO, 'dist', 'batch')

async function peerTar(file: string, copies: number): Promise<number> {
  const pack = tar.pack()
  const logs = readdirSync(PEER).sort()
  for (let c = 0; c < copies; c++) for (const n of logs) pack.entry({name: `p${c}/${n}`}, readFileSync(join(PEER, n)))
  pack.finalize()
  const parts: Buffer[] = []
  for await (const b of pack) parts.push(b as Buffer)
  writeFileSync(file, Buffer.concat(parts))
  return logs.length * copies
}

/** SYNTHETIC: a worker that holds its tasks until sent {go: true}, then answers each with one record. */
const BLOCKER = `
const {parentPort} = require('node:worker_threads')
const held = []
parentPort.on('message', (m) => {
  if (m.go) {
    for (const t of held.splice(0)) parentPort.postMessage({seq: t.seq, lines: [JSON.stringify({schema: 'allocscope/batch-v1', input: {path: t.task.path}})], maxSeverity: -1, errors: 0, multiBoot: 0, units: 1, final: true})
  } else if (m.task) held.push(m)
})`

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe.skipIf(!existsSync(join(DIST, 'pool.js')))('flow control (built dist/)', () => {
  it('an archive behind a blocked input: its worker pauses at HOLD_MAX lines held; then every record comes, in order', async () => {
    const {BatchPool} = (await import(join(DIST, 'pool.js'))) as typeof import('../../src/batch/pool.js')
    const {HOLD_MAX, POST_EVERY} = (await import(join(DIST, 'messages.js'))) as typeof import('../../src/batch/messages.js')
    const {Worker} = await import('node:worker_threads')
    const archive = join(mkdtempSync(join(tmpdir(), 'allocscope-batch-flow-')), 'peer.tar')
    const members = await peerTar(archive, 3)
    const blocker = new Worker(BLOCKER, {eval: true})
    // jobs 2: the blocker takes tasks 0 and 1 (two in flight per worker), a real worker the archive.
    const tasks = [{type: 'file' as const, path: 'blocked-0'}, {type: 'file' as const, path: 'blocked-1'}, {type: 'archive' as const, path: archive}]
    const lines: string[] = []
    let done = 0
    const run = new BatchPool(tasks, {jobs: 2, started: [blocker], ordered: true, write: (ls) => void lines.push(...ls), onProgress: (d) => (done = d)}).run()
    // Wait until the archive's worker has done HOLD_MAX inputs (however slow a loaded machine is),
    // then 2 s more: held, it does no more than one post past the cap, well short of the archive.
    // (Stopping at the first second with no input done failed under a load of 16: a stall, not the hold.)
    for (const end = Date.now() + 60_000; done < HOLD_MAX && Date.now() < end; ) await sleep(200)
    await sleep(2000)
    expect(lines).toEqual([])
    expect(done).toBeGreaterThanOrEqual(HOLD_MAX)
    expect(done).toBeLessThanOrEqual(HOLD_MAX + POST_EVERY)
    blocker.postMessage({go: true})
    const r = await run
    expect(r.heldMax).toBeGreaterThanOrEqual(HOLD_MAX)
    expect(r.heldMax).toBeLessThanOrEqual(HOLD_MAX + POST_EVERY)
    const paths = lines.map((l) => (JSON.parse(l) as BatchRecord).input.path)
    expect(paths.slice(0, 2)).toEqual(['blocked-0', 'blocked-1'])
    expect(paths).toHaveLength(2 + members)
    expect(paths[2]).toBe(`${archive}//p0/${readdirSync(PEER).sort()[0]}`)
    expect(r).toMatchObject({inputs: 2 + members, stopped: false})
  }, 120_000)
})

/** The value once it has not changed for `quietMs` (or whatever it is after `maxMs`). */
async function steady(read: () => number, quietMs: number, maxMs: number): Promise<number> {
  let last = read()
  let since = Date.now()
  for (const end = Date.now() + maxMs; Date.now() < end; ) {
    await sleep(100)
    const now = read()
    if (now !== last) [last, since] = [now, Date.now()]
    else if (Date.now() - since >= quietMs) break
  }
  return last
}

describe.skipIf(!existsSync(join(DIST, 'pool.js')))('backpressure from the output (built dist/)', () => {
  it('an output that says it is full stops new tasks and an archive\'s worker; its drain resumes them and every record comes', async () => {
    const {BatchPool} = (await import(join(DIST, 'pool.js'))) as typeof import('../../src/batch/pool.js')
    const {HOLD_MAX, POST_EVERY} = (await import(join(DIST, 'messages.js'))) as typeof import('../../src/batch/messages.js')
    const archive = join(mkdtempSync(join(tmpdir(), 'allocscope-batch-drain-')), 'peer.tar')
    const members = await peerTar(archive, 2)
    const files = readdirSync(PEER).sort().slice(0, 40).map((n) => ({type: 'file' as const, path: join(PEER, n)}))
    const tasks = [{type: 'archive' as const, path: archive}, ...files]
    const lines: string[] = []
    let resume: (() => void) | undefined
    let full = true
    let done = 0
    // SYNTHETIC output: full from its first write until resumed (stdout with a reader that stopped).
    const write = (ls: string[]) => (lines.push(...ls), !full)
    const run = new BatchPool(tasks, {jobs: 2, ordered: true, write, waitDrain: (r) => (resume = r), onProgress: (d) => (done = d)}).run()
    for (const end = Date.now() + 60_000; resume === undefined && Date.now() < end; ) await sleep(100)
    // Paused: the archive's worker is held at its cap, no file task beyond those in flight. Under
    // load it may take seconds to fill up to the cap (a fixed 2 s wait read 142, then 270 a second
    // later, on a machine at load 8): wait until the count stands still for 1.5 s, then it must stay.
    const paused = await steady(() => done, 1500, 60_000)
    // At most: the archive's lines up to its cap (HOLD_MAX unacknowledged, a post or two past it) and the 2 × 2 tasks in flight.
    expect(paused).toBeLessThanOrEqual(HOLD_MAX + 2 * POST_EVERY + 4)
    expect(paused).toBeLessThan(members)
    await sleep(1000)
    expect(done).toBe(paused)
    full = false
    resume!()
    const r = await run
    expect(r).toMatchObject({inputs: members + files.length, stopped: false})
    expect(lines).toHaveLength(members + files.length)
  }, 120_000)
})
