// fleet asks the file system of each input once: --html's check that it is no input, and the
// check that no file is read twice (read.ts onceEach), share the run's answers (PathCache).
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it, vi} from 'vitest'

const {countingFs, lookups, resetLookups} = await vi.hoisted(() => import('../helpers/stat-count.js'))
vi.mock('node:fs', countingFs)

// The suite runs files in one module graph per worker (vitest.config.ts isolate: false): a file
// before this one may have loaded src with the real node:fs, so the mock reaches src only when
// src is loaded again after it.
let runFleet: typeof import('../../src/fleet/run.js').runFleet
beforeAll(async () => {
  vi.resetModules()
  ;({runFleet} = await import('../../src/fleet/run.js'))
})

describe('fleet: each input looked up once', () => {
  it('SYNTHETIC empty inputs beside an --html page from an earlier run: one stat each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'allocscope-SYNTHETIC-fleet-stats-'))
    const inputs = ['a', 'b', 'c'].map((n) => join(dir, `${n}.ndjson`))
    for (const p of inputs) writeFileSync(p, '')
    const html = join(dir, 'fleet.html')
    writeFileSync(html, '<html></html>\n')
    resetLookups()
    const r = await runFleet(inputs, {html})
    expect(r.warnings).toEqual([`no records in ${inputs.join(', ')}: nothing to summarise`])
    expect(inputs.map(lookups)).toEqual([1, 1, 1])
  })
})
