// The SVG chart's layout (synthetic curves: they test the drawing, not the model): legend off the
// limit line, the limit's label away from the curve, round y ticks, the overflow point marked, a
// one-point sweep drawn, and `wrote FILE` on stderr from the built CLI.
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {niceTicks, plotLines} from '../../src/render/plot.js'
import {plotSvg} from '../../src/render/svg.js'
import {runCli} from '../helpers/cli.js'
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

const tickValue = (label: string) => Number(label.replace(/k$/, 'e3').replace(/M$/, 'e6'))
/** Linear-axis ticks are round: all multiples of one step from the 1-2-5 series, at most 10 steps from 0 to the largest. */
const roundSteps = (labels: string[]) => {
  const vs = labels.map(tickValue)
  const top = Math.max(...vs.map(Math.abs))
  const steps = [-2, -1, 0, 1, 2, 3, 4, 5, 6].flatMap((e) => [1, 2, 5].map((k) => k * 10 ** e))
  return steps.some((st) => top / st <= 10 && vs.every((v) => Math.abs(v / st - Math.round(v / st)) < 1e-9))
}

describe('terminal plot (--plot): the SVG\'s round ticks', () => {
  // The labels in the gutter left of `|` and the line under the x axis.
  const ticks = (lines: string[]) => {
    const axis = lines.findIndex((l) => /^\s*\+-+$/.test(l))
    const y = lines.slice(0, axis).map((l) => l.split('|')[0].trim()).filter(Boolean)
    const x = lines[axis + 1].trim().split(/\s+/)
    return {y, x}
  }
  it('the rule catches the old ticks', () => {
    expect(roundSteps(['9421', '4710', '0'])).toBe(false)
    expect(roundSteps(['30', '20', '10', '0'])).toBe(true)
  })
  it('log axes: powers of ten (was 9421 / 835 / 74 on the y axis, 1 / 32 / 1024 on x)', () => {
    const t = ticks(plotLines(rising, {width: 76, height: 16, ascii: true, limit, xLabel: 'CPUs', yLabel: 'PFNs'}))
    expect(t.y).toEqual(['10k', '1000'])
    expect(t.x).toEqual(['1', '10', '100', '1000'])
  })
  it('linear axes: 1-2-5 steps, every label round, at least three on y', () => {
    for (const pts of [[{x: 1, y: 10}, {x: 2, y: 20}, {x: 3, y: 30}], [{x: 4, y: 74}, {x: 40, y: 675}]]) {
      const t = ticks(plotLines([{label: 'c', points: pts}], {width: 76, height: 16, ascii: true, xLabel: 'x', yLabel: 'y'}))
      expect(t.y.length).toBeGreaterThanOrEqual(3)
      expect(roundSteps(t.y), t.y.join(' ')).toBe(true)
      expect(roundSteps(t.x), t.x.join(' ')).toBe(true)
    }
  })
})

describe('predict --svg (built CLI, in-process)', () => {
  it.skipIf(!existsSync(join(REPO, 'dist', 'commands')))('says `wrote FILE` on stderr, and a one-point sweep does not claim the count does not grow but says where the model overflows beyond it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'allocscope-svg-'))
    try {
      const out = join(dir, 'c.svg')
      const r = await runCli(['predict', '--sweep', '64..64', '--kernel', '7.2.13', '--svg', out, '--format', 'text'])
      expect(r.status, r.stderr).toBe(0)
      expect(r.stderr).toBe(`allocscope: wrote ${out}\n`)
      expect(readFileSync(out, 'utf8')).toMatch(/<circle class="point"/)
      expect(r.stdout).not.toMatch(/does not grow/)
      // The model's own crossing beyond the point (no slope needed: evaluated at every count above it).
      expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/outside the swept range: below it, the array does not fill either; above it, the model's count first overflows the array at \d+ CPUs/)
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
