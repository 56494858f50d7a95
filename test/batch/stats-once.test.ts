// batch asks the file system of a path once a run where several steps ask of it: the archive a
// sharded --list names on every `archive//member` line (inputs.ts memberOf).
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it, vi} from 'vitest'

const {countingFs, lookups, resetLookups} = await vi.hoisted(() => import('../helpers/stat-count.js'))
vi.mock('node:fs', countingFs)

// The suite runs files in one module graph per worker (vitest.config.ts isolate: false): a file
// before this one may have loaded src with the real node:fs, so the mock reaches src only when
// src is loaded again after it.
let listTasks: typeof import('../../src/batch/inputs.js').listTasks
beforeAll(async () => {
  vi.resetModules()
  ;({listTasks} = await import('../../src/batch/inputs.js'))
})

const tmp = (): string => mkdtempSync(join(tmpdir(), 'allocscope-SYNTHETIC-batch-stats-'))

describe('batch: each path looked up once a run', () => {
  it('a --files-from list of one archive\'s members: the archive stat\'ed once, the member paths not at all', () => {
    const dir = tmp()
    // SYNTHETIC: listing reads no member; the archive's bytes are read by the worker.
    const archive = join(dir, 'caps.tar')
    writeFileSync(archive, '')
    const lines = ['a', 'b', 'c', 'd'].map((m) => `${archive}//${m}`)
    resetLookups()
    const r = listTasks([], lines)
    expect(r.tasks).toEqual([{type: 'archive', path: archive, only: ['a', 'b', 'c', 'd']}])
    expect(lookups(archive)).toBe(1)
    expect(lines.map(lookups)).toEqual([0, 0, 0, 0])
  })
})
