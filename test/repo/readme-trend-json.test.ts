// README's trend section lists the per-site fields of `trend --json`; scripts read them by that
// list, so a field dropped from the output (mkS/mkZ were, silently, in 0f420ed) or added without
// a word must fail here. Input: testdata/trend/leak, a real lab recording.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runTrend} from '../../src/trend/run.js'
import type {TrendJson} from '../../src/trend/report.js'
import {REPO, TESTDATA} from '../helpers/paths.js'

/** The backticked names of README's "`trend --json` per site … : a, b, …;" list. */
function readmeFields(): string[] {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8').replace(/\s+/g, ' ')
  const m = /`trend --json` per site[^:]*: ([^;]*);/.exec(readme)
  expect(m, 'README: the `trend --json` per site list').not.toBeNull()
  return [...m![1].matchAll(/`([A-Za-z]+)`/g)].map((x) => x[1])
}

describe('trend --json per site carries what README says', () => {
  it('testdata/trend/leak: every README field on its sites (growthStartHours only for a late leak, unloads for a reloaded module), none unnamed', async () => {
    const run = await runTrend([join(TESTDATA, 'trend', 'leak')], {top: 20, 'min-rate': '64K/h', alpha: '0.01', 'time-from': 'auto'}, {ascii: true})
    const json = run.result as TrendJson
    const sites = [...json.suspects, ...json.notSuspects]
    expect(json.suspects.length).toBeGreaterThan(0)
    const named = readmeFields()
    const seen = new Set(sites.flatMap((s) => Object.keys(s)))
    for (const k of ['rank', 'severity']) seen.delete(k)
    expect([...seen].filter((k) => !named.includes(k))).toEqual([])
    expect(named.filter((k) => !seen.has(k))).toEqual(['growthStartHours', 'unloads'])
    // Restored as descriptive statistics: the leak's growing levels give a positive S.
    expect(json.suspects.every((s) => s.mkS > 0 && s.mkZ > 2)).toBe(true)
  })
})
