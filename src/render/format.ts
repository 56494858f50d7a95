// Report → text in the four human/script formats. `table` is boxed and sized to the terminal (or
// COLUMNS); `text` is plain ASCII under 80 columns for pasting into a mail; `markdown` for issues and
// mails that render it; `csv` (render/csv.ts) for spreadsheets and scripts. No format drops a
// column or cuts a value: cells and prose wrap onto continuation lines, and a table too wide for
// the width even then is laid out as one record per row. Every string passes the sanitiser
// (render/sanitize.ts) on the way out.
import {Chalk, type ChalkInstance} from 'chalk'
import {type CsvOptions, renderCsv} from './csv.js'
import {type ColumnSpec, fitWidths, longestLine, pad, wrapCell, wrapLine, wrapParagraph} from './layout.js'
import {renderMarkdownBlock} from './markdown.js'
import {type Block, type Cell, type KvBlock, type Report, type Style, type TableBlock, cellStyle, cellText} from './report.js'
import {sanitize, toAscii} from './sanitize.js'

export type Format = 'table' | 'markdown' | 'csv' | 'text'
export const FORMATS: readonly Format[] = ['table', 'markdown', 'csv', 'text']

/** `text` is for a mail: always under 80 columns, whatever the terminal. */
export const TEXT_WIDTH = 79

export interface RenderOptions {
  color: boolean
  /** Width for `table` (the terminal, COLUMNS, or 80 when neither says). */
  width: number
  csv?: CsvOptions
}

export function renderReport(report: Report, format: Format, opts: RenderOptions): string {
  if (format === 'csv') return renderCsv(report, opts.csv ?? {})
  const chalk = new Chalk({level: opts.color && format === 'table' ? 1 : 0})
  const parts: string[] = []
  for (const b of report.blocks) {
    if (format === 'markdown') parts.push(renderMarkdownBlock(b))
    else parts.push(renderBlock(b, format === 'table' ? {box: true, width: Math.max(20, opts.width), chalk, ascii: false} : {box: false, width: TEXT_WIDTH, chalk, ascii: true}))
  }
  return parts.filter((p) => p.length > 0).join('\n') + (parts.length ? '\n' : '')
}

interface Style_ {
  box: boolean
  width: number
  chalk: ChalkInstance
  ascii: boolean
}

function paint(chalk: ChalkInstance, s: string, style: Style | undefined): string {
  switch (style) {
    case 'good':
    case 'shrink':
      return chalk.green(s)
    case 'bad':
    case 'grow':
      return chalk.red(s)
    case 'warn':
      return chalk.yellow(s)
    case 'dim':
      return chalk.dim(s)
    case 'bold':
      return chalk.bold(s)
    default:
      return s
  }
}

function renderBlock(b: Block, st: Style_): string {
  const clean = (s: string) => (st.ascii ? toAscii(s) : sanitize(s))
  const out: string[] = []
  if (b.title) {
    const t = wrapLine(clean(b.title), st.width)
    if (st.box) for (const l of t) out.push(st.chalk.bold(l))
    else out.push(...t, '-'.repeat(Math.min(st.width, t.reduce((m, l) => Math.max(m, l.length), 0))))
  }
  if (b.kind === 'text') {
    for (const l of b.lines) {
      const line = clean(l)
      for (const x of line.split('\n')) for (const w of b.pre ? wrapLine(x, st.width) : wrapParagraph(x, st.width)) out.push(w)
    }
  } else if (b.kind === 'kv') {
    for (const l of kvLines(b, st, clean)) out.push(l)
  } else if (b.rows.length === 0) {
    for (const l of wrapLine(clean(b.empty ?? '(none)'), st.width)) out.push(l)
  } else {
    // No spread of rows into a call: a 10^6-row table would overflow the stack.
    for (const l of tableLines(b, st, clean)) out.push(l)
  }
  return out.join('\n') + '\n'
}

interface StyledCell {
  text: string
  style?: Style
}

function kvLines(b: KvBlock, st: Style_, clean: (s: string) => string): string[] {
  const rows: StyledCell[][] = b.rows.map((r) => [{text: clean(r.key)}, {text: clean(cellText(r.value) + (r.note ? ` (${r.note})` : '')), style: cellStyle(r.value)}])
  const natural = (i: number) => rows.reduce((m, r) => Math.max(m, longestLine(r[i].text)), 0)
  // A long key (28+) wraps rather than pushing every value to the right edge.
  const cols: ColumnSpec[] = [
    {header: '', align: 'left', natural: Math.min(natural(0), 28)},
    {header: '', align: 'left', natural: natural(1)},
  ]
  return gridLines(cols, null, rows, [], st) ?? recordLines(['', ''], rows, st)
}

function tableLines(b: TableBlock, st: Style_, clean: (s: string) => string): string[] {
  const toRow = (r: Record<string, Cell>, bold: boolean): StyledCell[] =>
    b.columns.map((c) => ({text: clean(cellText(r[c.key])), style: bold ? 'bold' : cellStyle(r[c.key])}))
  const body = b.rows.map((r) => toRow(r, false))
  for (const r of b.summaryRows ?? []) body.push(toRow(r, false))
  const tail = b.footer ? [toRow(b.footer, true)] : []
  const headers = b.columns.map((c) => clean(c.header))
  const cols: ColumnSpec[] = b.columns.map((c, i) => {
    let cells = 0
    for (const r of body) cells = Math.max(cells, longestLine(r[i].text))
    for (const r of tail) cells = Math.max(cells, longestLine(r[i].text))
    return {header: headers[i], align: c.align ?? 'left', natural: Math.max(cells, headers[i].length), cells}
  })
  return gridLines(cols, headers, body, tail, st) ?? recordLines(headers, body.concat(tail), st)
}

/** Rows under column widths that fit; undefined when even the narrowest layout does not fit. */
function gridLines(cols: ColumnSpec[], headers: string[] | null, body: StyledCell[][], tail: StyledCell[][], st: Style_): string[] | undefined {
  const n = cols.length
  const overhead = st.box ? 3 * n + 1 : 2 * (n - 1)
  const widths = fitWidths(cols, st.width - overhead)
  if (!widths) return undefined
  const {chalk} = st
  const rule = (l: string, m: string, r: string) => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r
  const out: string[] = []
  const sep = st.box ? ' │ ' : '  '
  // Colour on the value only, padding outside it (a search for "\x1b[32m-5" finds the value).
  const painted = (text: string, w: number, align: 'left' | 'right', style: Style | undefined) => {
    if (chalk.level === 0 || !text) return pad(text, w, align)
    const room = ' '.repeat(Math.max(0, w - text.length))
    const p = paint(chalk, text, style)
    return align === 'right' ? room + p : p + room
  }
  const emit = (row: StyledCell[], bold = false) => {
    // Fast path, most rows: every cell fits on one line (no arrays per cell, little garbage).
    let fits = true
    for (let i = 0; i < n && fits; i++) fits = row[i].text.length <= widths[i] && !row[i].text.includes('\n')
    if (fits) {
      let line = ''
      for (let i = 0; i < n; i++) line += (i ? sep : '') + painted(row[i].text, widths[i], cols[i].align, bold ? 'bold' : row[i].style)
      out.push(st.box ? `│ ${line} │` : line.trimEnd())
      return
    }
    const wrapped = row.map((c, i) => wrapCell(c.text, widths[i]))
    const h = wrapped.reduce((m, w) => Math.max(m, w.length), 1)
    for (let j = 0; j < h; j++) {
      const cells = row.map((c, i) => painted(wrapped[i][j] ?? '', widths[i], cols[i].align, bold ? 'bold' : c.style))
      out.push(st.box ? `│ ${cells.join(sep)} │` : cells.join(sep).trimEnd())
    }
  }
  if (st.box) out.push(rule('┌', '┬', '┐'))
  if (headers) {
    emit(headers.map((text) => ({text})), true)
    out.push(st.box ? rule('├', '┼', '┤') : widths.map((w) => '-'.repeat(w)).join('  '))
  }
  for (const r of body) emit(r)
  if (tail.length && st.box) out.push(rule('├', '┼', '┤'))
  for (const r of tail) emit(r)
  if (st.box) out.push(rule('└', '┴', '┘'))
  return out
}

/** Too narrow for columns: each row as `header  value` lines, rows separated by a blank line. */
function recordLines(headers: string[], rows: StyledCell[][], st: Style_): string[] {
  const keyW = Math.min(Math.max(0, ...headers.map((h) => h.length)), Math.floor(st.width / 3))
  const valueW = st.width - keyW - (keyW ? 2 : 0)
  const out: string[] = []
  rows.forEach((row, ri) => {
    if (ri > 0 && headers.some((h) => h)) out.push('')
    row.forEach((c, i) => {
      const h = headers[i]
      const lines = wrapCell(c.text, valueW).map((l) => paint(st.chalk, l, c.style))
      if (h.length > keyW) for (const l of wrapLine(h, st.width)) out.push(l)
      lines.forEach((l, j) => out.push(((j === 0 && h.length <= keyW ? h : '').padEnd(keyW) + (keyW ? '  ' : '') + l).trimEnd()))
    })
  })
  return out
}
