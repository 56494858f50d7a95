// trend --svg's time axis: linear, in the unit the window reads best in. The real leak series
// (testdata/trend/leak: 40 snapshots over 108 s) had x on a log scale to 1 h, ticks "0 0 0 1",
// its data in half the width and its first two points on one another at x = 0.
import {mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {fmtTick, timeUnit} from '../../src/render/plot.js'
import {runTrend} from '../../src/trend/run.js'
import {TESTDATA} from '../helpers/paths.js'

const flags = {top: 10, 'min-rate': '64K', alpha: '0.01', 'time-from': 'auto'}

describe('trend --svg: the time axis', () => {
  it('the real leak recording (108 s): seconds on a linear axis, distinct increasing ticks, the data across the whole width', async () => {
    const svg = join(mkdtempSync(join(tmpdir(), 'allocscope-trend-svg-')), 'leak.svg')
    await runTrend([join(TESTDATA, 'trend', 'leak', 'recording.arec.gz')], {...flags, svg}, {ascii: true})
    const text = readFileSync(svg, 'utf8')
    // x ticks: a tick mark followed by a label centred under it (y ticks are anchored at their end).
    const ticks = [...text.matchAll(/stroke="#333"\/><text x="([\d.]+)" y="[\d.]+" text-anchor="middle">([^<]*)<\/text>/g)].map((m) => ({at: Number(m[1]), label: m[2]!}))
    const values = ticks.map((t) => Number(t.label))
    expect(ticks.length).toBeGreaterThanOrEqual(3)
    expect(new Set(ticks.map((t) => t.label)).size).toBe(ticks.length)
    expect(values.every((v, i) => Number.isFinite(v) && (i === 0 || v > values[i - 1]!))).toBe(true)
    // Linear: the label says "(log)" otherwise.
    expect(text).toContain('>seconds since 2026-12-04T20:56:13.000Z</text>')
    // Plot area from x = 70 to 700: the first snapshot at its left edge, the last at its right.
    const cx = [...text.matchAll(/<circle class="point" cx="([\d.]+)"/g)].map((m) => Number(m[1]))
    expect([Math.min(...cx), Math.max(...cx)]).toEqual([70, 700])
    // No two points of one series on one another (each snapshot its own x).
    const first = text.slice(0, text.indexOf('<polyline', text.indexOf('<polyline') + 1))
    const xs = [...first.matchAll(/<circle class="point" cx="([\d.]+)"/g)].map((m) => m[1])
    expect(new Set(xs).size).toBe(xs.length)
  })

  it('units by span, and fractional ticks keep their digits', () => {
    expect([30, 600, 3 * 3600, 5 * 86400].map((s) => timeUnit(s).name)).toEqual(['seconds', 'minutes', 'hours', 'days'])
    expect([0.2, 0.4, 0.6, 1, 2.5, 20000].map(fmtTick)).toEqual(['0.2', '0.4', '0.6', '1', '2.5', '20k'])
  })
})
