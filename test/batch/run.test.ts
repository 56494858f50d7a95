// The batch command's task list without oclif or workers (src/batch/run.ts): inputs and
// --files-from, duplicates dropped, --shard K/N a partition, and the refusals.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {batchTasks, runBatch} from '../../src/batch/run.js'
import {SAMPLES} from '../helpers/paths.js'

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
