// The batch command's task list without oclif or workers (src/batch/run.ts): inputs and
// --files-from, duplicates dropped, --shard K/N a partition, and the refusals.
import {existsSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {batchTasks} from '../../src/batch/inputs.js'
import {runBatch} from '../../src/batch/run.js'
import type {BatchRecord} from '../../src/batch/schema.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

const paths = (ts: {path: string}[]) => ts.map((t) => t.path).sort()

describe('batchTasks', () => {
  it('the samples directory: one task per capture or file; naming it twice adds nothing', () => {
    const once = batchTasks([SAMPLES], {})
    expect(once.length).toBeGreaterThanOrEqual(7)
    expect(paths(batchTasks([SAMPLES, SAMPLES], {}))).toEqual(paths(once))
  })

  it('--files-from adds its lines to the arguments', () => {
    const list = join(mkdtempSync(join(tmpdir(), 'allocscope-batch-run-')), 'list.txt')
    const one = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
    writeFileSync(list, `${one}\n`)
    expect(paths(batchTasks([], {'files-from': list}))).toEqual(paths(batchTasks([one], {})))
  })

  it('--shard 1/2 and 2/2 split the tasks without overlap', () => {
    const all = paths(batchTasks([SAMPLES], {}))
    const a = paths(batchTasks([SAMPLES], {shard: '1/2'}))
    const b = paths(batchTasks([SAMPLES], {shard: '2/2'}))
    expect([...a, ...b].sort()).toEqual(all)
    expect(a.filter((p) => b.includes(p))).toEqual([])
  })

  it('no inputs, and --resume without --out, are usage errors', async () => {
    expect(() => batchTasks([], {})).toThrow('no inputs: give files, directories, patterns or --files-from FILE')
    await expect(runBatch([SAMPLES], {resume: true, unordered: false, list: false})).rejects.toThrow('--resume needs --out FILE')
  })
})

// Against the BUILT pool (npm test builds first): it starts the built worker (dist/batch/worker.js).
describe.skipIf(!existsSync(join(REPO, 'dist', 'batch', 'pool.js')))('a worker that dies (built dist/)', () => {
  it('its tasks become "internal error: worker failed" records in order, and a new worker takes the rest', async () => {
    const {BatchPool} = (await import(join(REPO, 'dist', 'batch', 'pool.js'))) as typeof import('../../src/batch/pool.js')
    const {Worker} = await import('node:worker_threads')
    // SYNTHETIC: a worker that throws at its first task (a bug in a worker, as far as the pool can tell).
    const dying = new Worker("require('node:worker_threads').parentPort.on('message', () => { throw new Error('boom') })", {eval: true})
    const log = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'console.log')
    const tasks = [0, 1, 2].map((i) => ({type: 'file' as const, path: i === 2 ? log : `${log}#${i}`}))
    const lines: string[] = []
    const r = await new BatchPool(tasks, {jobs: 1, started: [dying], ordered: true, write: (ls) => void lines.push(...ls)}).run()
    const recs = lines.map((l) => JSON.parse(l) as BatchRecord)
    expect(recs.slice(0, 2)).toEqual([0, 1].map((i) => ({schema: 'allocscope/batch-v1', input: {path: `${log}#${i}`}, error: {reason: 'internal error: worker failed: boom'}})))
    expect(recs[2]).toMatchObject({input: {path: log}, kind: 'bootlog'})
    expect(recs[2]!.error).toBeUndefined()
    expect(r).toMatchObject({records: 3, errors: 2, stopped: false})
  })
})
