// The same chart as render/plot.ts as a standalone SVG file (hand-written: polyline, dashed limit
// line, ticks, labels), for reports and mails. Layout rules that a reader looking at it needs:
// the legend sits between the title and the plot (never on the limit line); the limit's label goes
// at the end of the line farther from the curve, on the side away from it; y ticks are round
// numbers (1, 2, 5 × 10^k, or powers of ten on a log scale); the overflow point is marked; every
// point is drawn as a dot, so a one-point sweep is a visible point, not an empty plot.
import {type PlotOptions, type Series, axisTicks, fmtTick, makeScale, scalePos} from './plot.js'
import {sanitizeLine} from './sanitize.js'

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd']

const esc = (s: string) => sanitizeLine(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

export interface SvgOptions extends Pick<PlotOptions, 'limit' | 'xLabel' | 'yLabel'> {
  title: string
  width?: number
  height?: number
  /** A point to mark (the first CPU count at which the legacy array overflows). */
  mark?: {x: number; y: number; label: string}
  /** A linear x axis over the data's range (elapsed time), never log. */
  linearX?: boolean
}

export function plotSvg(series: Series[], o: SvgOptions): string {
  const W = o.width ?? 720
  const H = o.height ?? 440
  const m = {l: 70, r: 20, t: 40 + 16 * series.length, b: 60}
  const pw = W - m.l - m.r
  const ph = H - m.t - m.b
  const all = series.flatMap((s) => s.points)
  const xs = makeScale(all.map((p) => p.x), o.linearX)
  const ys = makeScale([...all.map((p) => p.y), ...(o.limit ? [o.limit.y * 1.15] : [])])
  const X = (v: number) => m.l + scalePos(xs, v) * pw
  const Y = (v: number) => m.t + (1 - scalePos(ys, v)) * ph
  const f = (n: number) => n.toFixed(1)
  const parts: string[] = []
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`)
  parts.push(`<title>${esc(o.title)}</title>`)
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`)
  parts.push(`<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(o.title)}</text>`)
  parts.push(`<g stroke="#333" fill="none"><line x1="${m.l}" y1="${m.t + ph}" x2="${m.l + pw}" y2="${m.t + ph}"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${m.t + ph}"/></g>`)
  for (const t of axisTicks(xs)) parts.push(`<line x1="${f(X(t))}" y1="${m.t + ph}" x2="${f(X(t))}" y2="${m.t + ph + 5}" stroke="#333"/><text x="${f(X(t))}" y="${m.t + ph + 18}" text-anchor="middle">${fmtTick(t)}</text>`)
  for (const t of axisTicks(ys)) parts.push(`<line x1="${m.l - 5}" y1="${f(Y(t))}" x2="${m.l}" y2="${f(Y(t))}" stroke="#333"/><text x="${m.l - 8}" y="${f(Y(t))}" dy="4" text-anchor="end">${fmtTick(t)}</text>`)
  parts.push(`<text x="${m.l + pw / 2}" y="${H - 18}" text-anchor="middle">${esc(o.xLabel)}${xs.log ? ' (log)' : ''}</text>`)
  parts.push(`<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}${ys.log ? ' (log)' : ''}</text>`)
  if (o.limit) parts.push(limitLine(o.limit, all, {X, Y, l: m.l, r: m.l + pw, f}))
  series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length]
    const pts = s.points.map((p) => `${f(X(p.x))},${f(Y(p.y))}`).join(' ')
    if (s.points.length > 1) parts.push(`<polyline class="curve" points="${pts}" fill="none" stroke="${c}" stroke-width="2"/>`)
    for (const p of s.points) parts.push(`<circle class="point" cx="${f(X(p.x))}" cy="${f(Y(p.y))}" r="${s.points.length > 40 ? 1.5 : 3}" fill="${c}"/>`)
    // Legend: between the title and the plot area, one line per series.
    parts.push(`<rect x="${m.l}" y="${34 + 16 * i}" width="12" height="4" fill="${c}"/><text class="legend" x="${m.l + 18}" y="${40 + 16 * i}" fill="${c}">${esc(s.label)}</text>`)
  })
  if (o.mark) {
    const x = f(X(o.mark.x))
    const y = f(Y(o.mark.y))
    const anchor = X(o.mark.x) > m.l + pw * 0.7 ? 'end' : 'start'
    parts.push(
      `<g class="overflow"><line x1="${x}" y1="${m.t + ph}" x2="${x}" y2="${y}" stroke="#d62728" stroke-dasharray="3 3"/><circle cx="${x}" cy="${y}" r="5" fill="none" stroke="#d62728" stroke-width="2"/>` +
        `<text x="${x}" y="${m.t + ph - 8}" dx="${anchor === 'end' ? -6 : 6}" text-anchor="${anchor}" fill="#d62728">${esc(o.mark.label)}</text></g>`,
    )
  }
  parts.push('</svg>')
  return parts.join('\n') + '\n'
}

interface Frame {
  X: (v: number) => number
  Y: (v: number) => number
  l: number
  r: number
  f: (n: number) => string
}

/** The dashed limit line, its label at the end farther from the curve and on the side away from it. */
function limitLine(limit: {y: number; label: string}, pts: {x: number; y: number}[], fr: Frame): string {
  const y = fr.Y(limit.y)
  const sorted = [...pts].sort((a, b) => a.x - b.x)
  const gap = (p: {y: number} | undefined) => (p ? Math.abs(fr.Y(p.y) - y) : Infinity)
  const first = sorted[0]
  const last = sorted[sorted.length - 1]
  const atLeft = gap(first) >= gap(last)
  const near = atLeft ? first : last
  // Curve below the line there (larger y in SVG): label above; else below.
  const above = !near || fr.Y(near.y) >= y
  const x = atLeft ? fr.l + 4 : fr.r - 4
  return (
    `<line class="limit" x1="${fr.l}" y1="${fr.f(y)}" x2="${fr.r}" y2="${fr.f(y)}" stroke="#888" stroke-dasharray="6 4"/>` +
    `<text class="limit-label" x="${x}" y="${fr.f(y)}" dy="${above ? -5 : 14}" text-anchor="${atLeft ? 'start' : 'end'}" fill="#555">${esc(limit.label)}</text>`
  )
}
