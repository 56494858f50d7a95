// The same chart as render/plot.ts as a standalone SVG file (hand-written: polyline, dashed limit
// line, ticks, labels), for reports and mails.
import {type PlotOptions, type Series, fmtTick, makeScale, scalePos} from './plot.js'

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd']

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

export function plotSvg(series: Series[], o: Pick<PlotOptions, 'limit' | 'xLabel' | 'yLabel'> & {title: string; width?: number; height?: number}): string {
  const W = o.width ?? 720
  const H = o.height ?? 420
  const m = {l: 70, r: 20, t: 40, b: 60}
  const pw = W - m.l - m.r
  const ph = H - m.t - m.b
  const all = series.flatMap((s) => s.points)
  const xs = makeScale(all.map((p) => p.x))
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
  const ticks = (s: typeof xs) => {
    if (!s.log) return Array.from({length: 5}, (_, i) => s.min + ((s.max - s.min) * i) / 4)
    const out: number[] = []
    for (let e = Math.floor(Math.log10(s.min)); e <= Math.ceil(Math.log10(s.max)); e++) if (10 ** e >= s.min && 10 ** e <= s.max) out.push(10 ** e)
    return out.length >= 2 ? out : [s.min, s.max]
  }
  for (const t of ticks(xs)) parts.push(`<line x1="${f(X(t))}" y1="${m.t + ph}" x2="${f(X(t))}" y2="${m.t + ph + 5}" stroke="#333"/><text x="${f(X(t))}" y="${m.t + ph + 18}" text-anchor="middle">${fmtTick(t)}</text>`)
  for (const t of ticks(ys)) parts.push(`<line x1="${m.l - 5}" y1="${f(Y(t))}" x2="${m.l}" y2="${f(Y(t))}" stroke="#333"/><text x="${m.l - 8}" y="${f(Y(t)) }" dy="4" text-anchor="end">${fmtTick(t)}</text>`)
  parts.push(`<text x="${m.l + pw / 2}" y="${H - 18}" text-anchor="middle">${esc(o.xLabel)}${xs.log ? ' (log)' : ''}</text>`)
  parts.push(`<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}${ys.log ? ' (log)' : ''}</text>`)
  if (o.limit) {
    const y = f(Y(o.limit.y))
    parts.push(`<line x1="${m.l}" y1="${y}" x2="${m.l + pw}" y2="${y}" stroke="#888" stroke-dasharray="6 4"/><text x="${m.l + pw - 4}" y="${y}" dy="-5" text-anchor="end" fill="#555">${esc(o.limit.label)}</text>`)
  }
  series.forEach((s, i) => {
    const pts = s.points.map((p) => `${f(X(p.x))},${f(Y(p.y))}`).join(' ')
    const c = COLORS[i % COLORS.length]
    parts.push(`<polyline points="${pts}" fill="none" stroke="${c}" stroke-width="2"/>`)
    parts.push(`<text x="${m.l + 10}" y="${m.t + 16 + 16 * i}" fill="${c}">${esc(s.label)}</text>`)
  })
  parts.push('</svg>')
  return parts.join('\n') + '\n'
}
