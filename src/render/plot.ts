// A curve in the terminal: recorded PFNs against CPUs with a horizontal limit line (the legacy
// array's 8192 slots). Braille cells (2×4 dots each) on a terminal; plain ASCII for --format text.
// Log scales when the data span decades (a CPU sweep does).

export interface Series {
  label: string
  points: {x: number; y: number}[]
}

export interface PlotOptions {
  width: number
  height: number
  ascii: boolean
  /** Horizontal line (e.g. 8192) and its label. */
  limit?: {y: number; label: string}
  xLabel: string
  yLabel: string
}

export interface Scale {
  log: boolean
  min: number
  max: number
}

/**
 * Log when the positive range spans at least two decades. `linear`: always linear, over the data's
 * own range (an axis of elapsed time: no log of 0, no padding to 1 that left the data half the width).
 */
export function makeScale(values: number[], linear = false): Scale {
  if (linear) {
    const min = values.length ? Math.min(...values) : 0
    const max = values.length ? Math.max(...values) : 1
    return {log: false, min, max: max > min ? max : min + 1}
  }
  const pos = values.filter((v) => v > 0)
  let min = pos.length ? Math.min(...pos) : 1
  let max = Math.max(1, ...values)
  const log = pos.length > 0 && max / min >= 100
  if (!log) min = Math.min(0, ...values)
  if (max === min) max = min + 1
  return {log, min, max}
}

/** 0..1 position of v on the scale (clamped). */
export function scalePos(s: Scale, v: number): number {
  const f = s.log ? (Math.log10(Math.max(v, s.min)) - Math.log10(s.min)) / (Math.log10(s.max) - Math.log10(s.min)) : (v - s.min) / (s.max - s.min)
  return Math.max(0, Math.min(1, f))
}

/** Round ticks over [min, max]: steps of 1, 2 or 5 × 10^k, about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const span = max - min
  if (!(span > 0) || !Number.isFinite(span)) return [min]
  const raw = span / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((k) => k * mag).find((st) => st >= raw)!
  const out: number[] = []
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(+v.toFixed(10))
  return out
}

/**
 * The ticks of an axis, for the terminal plot and the SVG alike (one home): powers of ten on a log
 * scale, else 1/2/5 × 10^k steps (niceTicks).
 */
export function axisTicks(s: Scale): number[] {
  if (!s.log) return niceTicks(s.min, s.max)
  const out: number[] = []
  for (let e = Math.floor(Math.log10(s.min)); e <= Math.ceil(Math.log10(s.max)); e++) if (10 ** e >= s.min && 10 ** e <= s.max) out.push(10 ** e)
  return out.length >= 2 ? out : niceTicks(s.min, s.max)
}

/** Ticks as labels at their cell on an axis of `cells` cells (each tick at the cell it falls in); a label that would collide with the one before is left out. */
function tickCells(s: Scale, cells: number, flip: boolean): {at: number; label: string}[] {
  const out: {at: number; label: string}[] = []
  for (const t of axisTicks(s)) {
    const f = scalePos(s, t)
    const at = Math.min(cells - 1, Math.floor((flip ? 1 - f : f) * cells))
    if (!out.some((o) => o.at === at)) out.push({at, label: fmtTick(t)})
  }
  return out
}

/** The x tick labels on one line, each centred on its column (clamped to the axis), none overlapping. */
function xTickLine(ticks: {at: number; label: string}[], cols: number): string {
  let line = ''
  for (const {at, label} of ticks) {
    const start = Math.max(0, Math.min(cols - label.length, at - Math.floor(label.length / 2)))
    if (line.length && start <= line.length) continue
    line = line.padEnd(start) + label
  }
  return line
}

/** A tick's label; a fraction keeps the digits that tell it from its neighbours (0.2, 0.4: they all read 0). */
export function fmtTick(v: number): string {
  if (v >= 1e6) return `${+(v / 1e6).toFixed(1)}M`
  if (v >= 1e4) return `${+(v / 1e3).toFixed(0)}k`
  return Number.isInteger(v) ? String(v) : String(+v.toPrecision(3))
}

/** The unit an axis of elapsed time spanning `spanS` seconds reads best in (its ticks whole seconds, minutes, hours or days). */
export function timeUnit(spanS: number): {name: string; seconds: number} {
  if (spanS < 120) return {name: 'seconds', seconds: 1}
  if (spanS < 2 * 3600) return {name: 'minutes', seconds: 60}
  if (spanS < 2 * 86400) return {name: 'hours', seconds: 3600}
  return {name: 'days', seconds: 86400}
}

// Braille dot bits, by (column 0..1, row 0..3) within a cell.
const BRAILLE = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
]

export function plotLines(series: Series[], o: PlotOptions): string[] {
  const all = series.flatMap((s) => s.points)
  const xs = makeScale(all.map((p) => p.x))
  const ys = makeScale([...all.map((p) => p.y), ...(o.limit ? [o.limit.y * 1.15] : [])])
  const rows = Math.max(4, o.height)
  // Round ticks (axisTicks, as in the SVG), each on the row it falls in.
  const yTicks = tickCells(ys, rows, true)
  const gutter = Math.max(1, ...yTicks.map((t) => t.label.length)) + 1
  const cols = Math.max(10, o.width - gutter - 2)
  const subX = o.ascii ? 1 : 2
  const subY = o.ascii ? 1 : 4
  const W = cols * subX
  const H = rows * subY
  const dots = new Uint8Array(cols * rows) // braille bits, or 1 for ASCII points
  const mark = new Array<string>(cols * rows).fill('')
  const limRow = o.limit ? Math.round((1 - scalePos(ys, o.limit.y)) * (H - 1)) : -1
  const setDot = (px: number, py: number) => {
    const cx = Math.floor(px / subX)
    const cy = Math.floor(py / subY)
    if (cx < 0 || cy < 0 || cx >= cols || cy >= rows) return
    dots[cy * cols + cx] |= o.ascii ? 1 : BRAILLE[px % subX][py % subY]
  }
  for (const [si, s] of series.entries()) {
    const pts = s.points.map((p) => ({px: Math.round(scalePos(xs, p.x) * (W - 1)), py: Math.round((1 - scalePos(ys, p.y)) * (H - 1))}))
    for (let i = 0; i < pts.length; i++) {
      const a = pts[i]
      const b = pts[i + 1] ?? a
      const n = Math.max(1, Math.abs(b.px - a.px), Math.abs(b.py - a.py))
      for (let k = 0; k <= n; k++) setDot(Math.round(a.px + ((b.px - a.px) * k) / n), Math.round(a.py + ((b.py - a.py) * k) / n))
      if (o.ascii) mark[Math.floor(a.py / subY) * cols + Math.floor(a.px / subX)] = si === 0 ? '*' : '+'
    }
  }
  const out: string[] = []
  for (let r = 0; r < rows; r++) {
    let line = ''
    for (let c = 0; c < cols; c++) {
      const d = dots[r * cols + c]
      const onLimit = limRow >= 0 && Math.floor(limRow / subY) === r
      if (o.ascii) line += mark[r * cols + c] || (d ? '.' : onLimit ? '-' : ' ')
      else line += d ? String.fromCharCode(0x2800 + d) : onLimit ? '┄' : ' '
    }
    const label = yTicks.find((t) => t.at === r)?.label ?? ''
    out.push(`${label.padStart(gutter - 1)} ${o.ascii ? '|' : '│'}${line}`)
  }
  const axis = o.ascii ? '+' + '-'.repeat(cols) : '└' + '─'.repeat(cols)
  out.push(`${' '.repeat(gutter)}${axis}`)
  out.push(' '.repeat(gutter + 1) + xTickLine(tickCells(xs, cols, false), cols))
  const legend = series.map((s, i) => `${o.ascii ? (i === 0 ? '*' : '+') : '⣿'} ${s.label}`).join('   ')
  out.push(`${' '.repeat(gutter + 1)}x: ${o.xLabel}${xs.log ? ' (log)' : ''}; y: ${o.yLabel}${ys.log ? ' (log)' : ''}`)
  if (o.limit) out.push(`${' '.repeat(gutter + 1)}${o.ascii ? '---' : '┄┄┄'} ${o.limit.label}`)
  if (series.length > 1) out.push(' '.repeat(gutter + 1) + legend)
  return out
}
