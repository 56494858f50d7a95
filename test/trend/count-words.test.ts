// trend's suspects title says a count of 1 in the singular: 'Leak suspects: 0 of 1 site tested' (was
// '1 sites'). Input: SYNTHETIC snapshots (the real dump's header, mm/synthetic.c sites), one site
// growing, one steady, timed by their mtimes an hour apart.
import {mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {runCli} from '../helpers/cli.js'
import {SAMPLES} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-trend-count-words-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
const header = readFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt'), 'utf8').split('\n').slice(0, 2).join('\n')

describe('trend: counts of 1', () => {
  it("one site changed: 'Leak suspects: 0 of 1 site tested'", async () => {
    const files = Array.from({length: 7}, (_, i) => {
      const p = join(tmp, `SYNTHETIC-snap-${i + 1}.txt`)
      writeFileSync(p, `${header}\n        ${4096 * (i + 1)}        ${i + 1} mm/synthetic.c:1 func:synthetic_alloc\n        4096        1 mm/synthetic.c:2 func:synthetic_steady\n`)
      const t = new Date(Date.UTC(2026, 0, 1, i + 1)).getTime() / 1000
      utimesSync(p, t, t)
      return p
    })
    const r = await runCli(['trend', ...files, '--time-from', 'mtime', '--format', 'text'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/\nLeak suspects: \d+ of 1 site tested \(7 snapshots/)
  })
})
