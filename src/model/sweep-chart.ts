// A CPU sweep as a chart: the early-PFN curve against CPUs with the legacy array's size as a limit
// line, drawn in the terminal (--plot) or as SVG (--svg); the overflow point is where they cross.
import type {TextBlock} from '../render/report.js'
import {type Series, plotLines} from '../render/plot.js'
import {plotSvg} from '../render/svg.js'
import type {Sweep} from './predict.js'

const AXES = {xLabel: 'CPUs', yLabel: 'PFNs offered to the recorder'} as const

function curve(s: Sweep, profileName: string): {series: Series[]; limit: {y: number; label: string}} {
  return {
    series: [{label: `early PFNs (${profileName})`, points: s.points.map((p) => ({x: p.cpus, y: p.events}))}],
    limit: {y: s.legacyMax, label: `EARLY_ALLOC_PFN_MAX ${s.legacyMax}`},
  }
}

/** The terminal plot: plain ASCII and 76 columns for --format text, else up to 100 columns of the terminal. */
export function sweepPlotBlock(s: Sweep, profileName: string, o: {ascii: boolean; width: number}): TextBlock {
  const {series, limit} = curve(s, profileName)
  const lines = plotLines(series, {width: o.ascii ? 76 : Math.min(o.width, 100), height: 16, ascii: o.ascii, limit, ...AXES})
  return {kind: 'text', title: 'Recorded PFNs against CPUs', lines, pre: true}
}

export function sweepSvg(s: Sweep, profileName: string): string {
  const {series, limit} = curve(s, profileName)
  // The overflow point is where the curve crosses the limit line: marked only when it does so once, inside the range.
  const [first, ...more] = s.overflows
  const crossing = first && !more.length && first[0] > s.swept[0] && first[1] === s.swept[1] ? first[0] : undefined
  const mark = crossing === undefined ? undefined : {x: crossing, y: s.legacyMax, label: `overflows from ${crossing} CPUs`}
  return plotSvg(series, {title: `Early PFNs against CPUs (${profileName})`, limit, mark, ...AXES})
}
