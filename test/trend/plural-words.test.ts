// Counts in trend's messages say their noun in the right number ('1 point', '2 points'; '1 snapshot
// has the same time', '2 snapshots have'), where they said 'point(s)' and 'snapshot(s) have'.
// Series are SYNTHETIC (test/trend/synthetic.ts) or DERIVED from the real sample dump.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {analyseStore, DEFAULT_ALPHA, DEFAULT_MIN_RATE} from '../../src/trend/analyse.js'
import {readTrendInput} from '../../src/trend/input.js'
import {SAMPLES} from '../helpers/paths.js'
import {site, synthStore} from './synthetic.js'

const opts = {minRatePerHour: DEFAULT_MIN_RATE, alpha: DEFAULT_ALPHA, filter: {}}
const REAL = readFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt'), 'utf8')

describe('trend messages: a count of 1 and of 2', () => {
  it("a site's why: '1 point; a trend needs 6' / '2 points; ...'", () => {
    const why = (bytes: number[]) => analyseStore(synthStore([site('x', bytes)], bytes.length), opts).sites[0]!.why
    expect(why([4096])).toBe('1 point; a trend needs 6')
    expect(why([4096, 8192])).toBe('2 points; a trend needs 6')
  })
  it("snapshots of one time: '1 snapshot has the same time' / '2 snapshots have the same time'", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'allocscope-trend-plural-'))
    const files = ['a', 'b', 'c'].map((n) => join(dir, `${n}.txt`))
    for (const f of files) writeFileSync(f, `# allocscope: time=2026-12-04T18:00:00Z\n${REAL}`)
    const ties = async (n: number) => (await readTrendInput(files.slice(0, n), {timeFrom: 'auto'})).warnings.filter((w) => w.includes('same time'))
    expect(await ties(2)).toEqual([expect.stringMatching(/^1 snapshot has the same time as the one before \(/)])
    expect(await ties(3)).toEqual([expect.stringMatching(/^2 snapshots have the same time as the one before \(/)])
  })
})
