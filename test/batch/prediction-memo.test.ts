// batch keeps one prediction per host shape (record.ts predictionOf): a fleet has few shapes, and a
// replay of the model is ~0.1 ms of a ~1 ms input. The key left out the host's name but kept the
// file:line each fact came from (host.origins, added after the memo), so no two files shared one:
// 10 000 inputs cost 10 000 replays. Two copies of a real lab boot log under different names
// must share one kept prediction.
import {copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {predictionsKept} from '../../src/batch/record.js'
import type {BatchRecord} from '../../src/batch/schema.js'
import {runTask} from '../../src/batch/run-task.js'
import {captureDir} from '../helpers/paths.js'

const dir = mkdtempSync(join(tmpdir(), 'allocscope-prediction-memo-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

async function recordOf(path: string): Promise<BatchRecord> {
  const out: BatchRecord[] = []
  for await (const r of runTask({type: 'file', path})) out.push(r)
  expect(out).toHaveLength(1)
  return out[0]!
}

describe('batch prediction memo', () => {
  it('replays the model once for two files that differ only in name and path', async () => {
    const log = join(captureDir('linux-6.12-instr_smp004_1G'), 'dmesg.txt')
    const a = join(dir, 'host-a.log')
    const b = join(dir, 'host-b.log')
    copyFileSync(log, a)
    copyFileSync(log, b)
    const ra = await recordOf(a)
    // Other tests in this worker may have kept shapes before: the second file must add none.
    const kept = predictionsKept()
    const rb = await recordOf(b)
    // The log states the facts the model takes, each with its line (the origins the key dropped).
    expect(ra.host?.possibleCpus?.value).toBe(4)
    expect(ra.prediction).toBeDefined()
    expect('error' in ra.prediction!).toBe(false)
    expect(rb.prediction).toEqual(ra.prediction)
    expect(predictionsKept()).toBe(kept)
  })

  it('keeps another prediction for a host of another shape (a key too coarse would reuse the first)', async () => {
    const log = join(captureDir('linux-6.12-instr_smp004_1G'), 'dmesg.txt')
    const a = join(dir, 'shape-a.log')
    copyFileSync(log, a)
    // DERIVED: the same log with twice the memory on its Memory: line (one fact of the host's shape).
    const b = join(dir, 'shape-b.log')
    const text = readFileSync(log, 'utf8')
    expect(text).toContain('Memory: 1008492K/1048052K available')
    writeFileSync(b, text.replace('Memory: 1008492K/1048052K available', 'Memory: 2016984K/2096104K available'))
    await recordOf(a)
    const kept = predictionsKept()
    const rb = await recordOf(b)
    expect(rb.host?.memoryTotalKiB?.value).toBe(2096104)
    expect('error' in rb.prediction!).toBe(false)
    expect(predictionsKept()).toBe(kept + 1)
  })
})
