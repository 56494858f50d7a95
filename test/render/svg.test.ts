// The SVG chart's layout (synthetic curves: they test the drawing, not the model): legend off the
// limit line, the limit's label away from the curve, round y ticks, the overflow point marked, a
// one-point sweep drawn, and `wrote FILE` on stderr from the built CLI.
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {niceTicks} from '../../src/render/plot.js'
import {plotSvg} from '../../src/render/svg.js'
import {REPO} from '../helpers/paths.js'

const attr = (el: string, name: string) => Number(new RegExp(`\\b${name}="([-\\d.]+)"`).exec(el)![1])
const limitY = (svg: string) => attr(/<line class="limit"[^>]*>/.exec(svg)![0], 'y1')

// A legacy-like curve on a log x axis that crosses 8192 near its right end.
const rising = [{label: 'early PFNs (synthetic)', points: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096].map((x) => ({x, y: 100 + 2.5 * x}))}]
const limit = {y: 8192, label: 'EARLY_ALLOC_PFN_MAX 8192'}

describe('SVG layout', () => {
  it('the legend is above the plot area, not on the limit line', () => {
    const s = plotSvg(rising, {title: 't', limit, xLabel: 'CPUs', yLabel: 'PFNs'})
    const legend = /<text class="legend"[^>]*>/.exec(s)![0]
    const plotTop = Math.min(...[...s.matchAll(/<circle class="point"[^>]*>/g)].map((m) => attr(m[0], 'cy')), limitY(s))
    expect(attr(legend, 'y')).toBeLessThan(plotTop - 8)
  })

  it('the limit label sits at the end of the line away from the curve', () => {
    const s = plotSvg(rising, {title: 't', limit, xLabel: 'CPUs', yLabel: 'PFNs'})
    const label = /<text class="limit-label"[^>]*>/.exec(s)![0]
    // The curve is low on the left (few CPUs) and at the line on the right: the label goes left.
    expect(label).toMatch(/text-anchor="start"/)
    expect(attr(label, 'x')).toBeLessThan(200)
  })

  it('y ticks are round numbers', () => {
    expect(niceTicks(0, 9421)).toEqual([0, 2000, 4000, 6000, 8000])
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
    const s = plotSvg([{label: 'c', points: [{x: 1, y: 10}, {x: 2, y: 20}, {x: 3, y: 30}]}], {title: 't', limit, xLabel: 'x', yLabel: 'y'})
    const ticks = [...s.matchAll(/text-anchor="end">([^<]+)</g)].map((m) => m[1])
    expect(ticks.length).toBeGreaterThan(2)
    for (const t of ticks) expect(t).toMatch(/^(0|[125](0*|k|0k|00k)|[125]\.?\d*[kM]?|\d*[1-9]0*k?)$/)
    expect(ticks).not.toContain('2693')
  })

  it('marks the overflow point', () => {
    const s = plotSvg(rising, {title: 't', limit, mark: {x: 3237, y: 8192, label: 'overflows from 3237 CPUs'}, xLabel: 'CPUs', yLabel: 'PFNs'})
    expect(s).toMatch(/<g class="overflow">.*overflows from 3237 CPUs/s)
  })

  it('a one-point sweep is a visible point', () => {
    const s = plotSvg([{label: 'one', points: [{x: 64, y: 1000}]}], {title: 't', limit, xLabel: 'CPUs', yLabel: 'PFNs'})
    expect(s.match(/<circle class="point"/g)).toHaveLength(1)
    expect(s).not.toMatch(/NaN/)
  })

  it('escapes hostile labels', () => {
    const s = plotSvg([{label: '<script>\x1b', points: [{x: 1, y: 1}]}], {title: 'a"b', xLabel: 'x', yLabel: 'y'})
    expect(s).not.toContain('<script>')
    expect(s).toContain('&lt;script&gt;\\x1b')
  })
})

describe('predict --svg (built CLI)', () => {
  it.skipIf(!existsSync(join(REPO, 'dist', 'commands')))('says `wrote FILE` on stderr, and a one-point sweep does not claim the count does not grow', () => {
    const dir = mkdtempSync(join(tmpdir(), 'allocscope-svg-'))
    try {
      const out = join(dir, 'c.svg')
      const r = spawnSync(process.execPath, [join(REPO, 'bin', 'run.js'), 'predict', '--sweep', '64..64', '--svg', out, '--format', 'text'], {encoding: 'utf8', env: {PATH: process.env.PATH, NO_COLOR: '1'}})
      expect(r.status, r.stderr).toBe(0)
      expect(r.stderr).toBe(`allocscope: wrote ${out}\n`)
      expect(readFileSync(out, 'utf8')).toMatch(/<circle class="point"/)
      expect(r.stdout).not.toMatch(/does not grow/)
      expect(r.stdout).toMatch(/one point/)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
