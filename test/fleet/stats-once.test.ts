// fleet asks the file system of each input once: --html's check that it is no input, and the
// check that no file is read twice (read.ts onceEach), share the run's answers (PathCache).
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runFleet} from '../../src/fleet/run.js'
import {countLookups} from '../helpers/stat-count.js'

describe('fleet: each input looked up once', () => {
  it('SYNTHETIC empty inputs beside an --html page from an earlier run: one stat each', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'allocscope-SYNTHETIC-fleet-stats-'))
    const inputs = ['a', 'b', 'c'].map((n) => join(dir, `${n}.ndjson`))
    for (const p of inputs) writeFileSync(p, '')
    const html = join(dir, 'fleet.html')
    writeFileSync(html, '<html></html>\n')
    const looked = countLookups()
    try {
      const r = await runFleet(inputs, {html})
      expect(r.warnings).toEqual([`no records in ${inputs.join(', ')}: nothing to summarise`])
    } finally {
      looked.restore()
    }
    expect(inputs.map((p) => looked.count(p))).toEqual([1, 1, 1])
  })
})
