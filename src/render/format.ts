// Report → text in the four human/script formats. `table` is boxed and sized to the terminal (or
// COLUMNS); `text` is plain ASCII under 80 columns for pasting into a mail; `markdown` for issues and
// mails that render it; `csv` (render/csv.ts) for spreadsheets and scripts. No format drops a
// column or cuts a value: cells and prose wrap onto continuation lines, and a table too wide for
// the width even then is laid out as one record per row. Every string passes the sanitiser
// (render/sanitize.ts) on the way out.
import type {ChalkInstance} from 'chalk'
import {type CsvOptions, renderCsv} from './csv.js'
import {type ColumnSpec, fitWidths, longestLine, pad, shrinkPicture, wrapCell, wrapLine, wrapParagraph} from './layout.js'
import {renderMarkdownBlock} from './markdown.js'
import {type Block, type Cell, type KvBlock, type Report, type Style, type TableBlock, cellStyle, cellText} from './report.js'
import {sanitize, toAscii} from './sanitize.js'

export type Format = 'table' | 'markdown' | 'csv' | 'text'
export const FORMATS: readonly Format[] = ['table', 'markdown', 'csv', 'text']

/** `text` is for a mail: always under 80 columns, whatever the terminal. */
export const TEXT_WIDTH = 79

export interface RenderOptions {
  /**
   * What paints a table's colours (loadChalk()); absent: no colour. The caller loads it when colour
   * is on: importing chalk cost 24-37 ms (its terminal detection loads node:tty, node:os), a quarter
   * of `node -e 0`, and most runs (pipes, CI, NO_COLOR, other formats) paint nothing.
   */
  chalk?: ChalkInstance
  /** Width for `table` (the terminal, COLUMNS, or 80 when neither says). */
  width: number
  csv?: CsvOptions
}

/** Chalk at level 1 (ANSI colours), for RenderOptions.chalk: loaded only for a coloured run. */
export async function loadChalk(): Promise<ChalkInstance> {
  const {Chalk} = await import('chalk')
  return new Chalk({level: 1})
}

/** Only a table is painted; undefined paints nothing. */
const painterOf = (format: Format, opts: Pick<RenderOptions, 'chalk'>): ChalkInstance | undefined => (format === 'table' ? opts.chalk : undefined)

export function renderReport(report: Report, format: Format, opts: RenderOptions): string {
  if (format === 'csv') return renderCsv(report, opts.csv ?? {})
  const chalk = painterOf(format, opts)
  const parts: string[] = []
  for (const b of report.blocks) {
    if (format === 'markdown') parts.push(renderMarkdownBlock(b))
    else parts.push(renderBlock(b, styleOf(format, opts, chalk)))
  }
  return parts.filter((p) => p.length > 0).join('\n') + (parts.length ? '\n' : '')
}

interface Style_ {
  box: boolean
  width: number
  chalk: ChalkInstance | undefined
  ascii: boolean
}

function paint(chalk: ChalkInstance | undefined, s: string, style: Style | undefined): string {
  if (chalk === undefined) return s
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

const styleOf = (format: 'table' | 'text', opts: RenderOptions, chalk: ChalkInstance | undefined): Style_ =>
  format === 'table' ? {box: true, width: Math.max(20, opts.width), chalk, ascii: false} : {box: false, width: TEXT_WIDTH, chalk, ascii: true}

const cleanerOf = (st: Style_) => (s: string) => (st.ascii ? toAscii(s) : sanitize(s))

function titleLines(title: string, st: Style_, clean: (s: string) => string): string[] {
  const t = wrapLine(clean(title), st.width)
  if (st.box) return t.map((l) => paint(st.chalk, l, 'bold'))
  return [...t, '-'.repeat(Math.min(st.width, t.reduce((m, l) => Math.max(m, l.length), 0)))]
}

function renderBlock(b: Block, st: Style_): string {
  const clean = cleanerOf(st)
  const out: string[] = b.title ? titleLines(b.title, st, clean) : []
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
  const layout = rowLayout(cols, null, st)
  const out = layout.head()
  for (const r of rows) layout.row(r, false, out)
  return out.concat(layout.foot())
}

/**
 * A table's columns measured row by row, then its lines written row by row under the widths found:
 * the held path measures every row first; a streamed table (cli/stream-table.ts) measures a first
 * pass or its first rows, and a later cell wider than its column wraps onto continuation lines.
 */
class TableLines {
  readonly cells: number[]
  private layout?: RowLayout

  constructor(private b: Omit<TableBlock, 'rows'>, private st: Style_, private clean: (s: string) => string) {
    this.cells = b.columns.map(() => 0)
  }

  /** A row's cells as shown (sanitised), bold for a footer. */
  styled(r: Record<string, Cell>, bold = false): StyledCell[] {
    return this.b.columns.map((c) => ({text: this.clean(cellText(r[c.key])), style: bold ? 'bold' : cellStyle(r[c.key])}))
  }

  measure(row: StyledCell[]): void {
    for (let i = 0; i < row.length; i++) this.cells[i] = Math.max(this.cells[i], longestLine(row[i].text))
  }

  /** The head (top rule, headers): the widths are fixed from here on. */
  head(): string[] {
    const headers = this.b.columns.map((c) => this.clean(c.header))
    const cols: ColumnSpec[] = this.b.columns.map((c, i) => ({header: headers[i], align: c.align ?? 'left', natural: Math.max(this.cells[i], headers[i].length), cells: this.cells[i], picture: c.picture}))
    this.layout = rowLayout(cols, headers, this.st)
    return this.layout.head()
  }

  row = (row: StyledCell[], out: string[], bold = false): void => this.layout!.row(row, bold, out)
  /** The rule before a footer (a boxed table's), then the bottom. */
  mid = (): string[] => this.layout!.mid()
  foot = (): string[] => this.layout!.foot()
}

function tableLines(b: TableBlock, st: Style_, clean: (s: string) => string): string[] {
  const t = new TableLines(b, st, clean)
  const body = b.rows.map((r) => t.styled(r))
  for (const r of b.summaryRows ?? []) body.push(t.styled(r))
  const footer = b.footer ? t.styled(b.footer, true) : undefined
  for (const r of body) t.measure(r)
  if (footer) t.measure(footer)
  const out = t.head()
  for (const r of body) t.row(r, out)
  if (footer) {
    out.push(...t.mid())
    t.row(footer, out, true)
  }
  return out.concat(t.foot())
}

/** One table's lines written as its rows come: the head with the first row, once the widths are known. */
export interface StreamedTable {
  /** First pass (or the first rows): a row's cells measured, nothing written. */
  measure(r: Record<string, Cell>): void
  /** A row's lines, after the title and the table's head for the first row. */
  row(r: Record<string, Cell>): string
  /** The table's end (or the title and the `empty` text when no row was written) and the blank line ending the document (renderReport's). */
  end(): string
}

/** `table` and `text` of one table written row by row, byte for byte renderReport's when every row was measured. */
export function streamedTable(b: Omit<TableBlock, 'rows'>, format: 'table' | 'text', opts: Omit<RenderOptions, 'csv'>): StreamedTable {
  const st = styleOf(format, opts, painterOf(format, opts))
  const clean = cleanerOf(st)
  const t = new TableLines(b, st, clean)
  const title = () => (b.title ? titleLines(b.title, st, clean) : [])
  let started = false
  const lines = (ls: string[]) => (ls.length ? ls.join('\n') + '\n' : '')
  return {
    measure: (r) => t.measure(t.styled(r)),
    row: (r) => {
      const out = started ? [] : [...title(), ...t.head()]
      started = true
      t.row(t.styled(r), out)
      return lines(out)
    },
    end: () => lines(started ? t.foot() : [...title(), ...wrapLine(clean(b.empty ?? '(none)'), st.width)]) + '\n',
  }
}

/** Rows laid out under column widths (a grid), or as records when even the narrowest grid does not fit. */
interface RowLayout {
  head(): string[]
  row(row: StyledCell[], bold: boolean, out: string[]): void
  mid(): string[]
  foot(): string[]
}

function rowLayout(cols: ColumnSpec[], headers: string[] | null, st: Style_): RowLayout {
  const n = cols.length
  const widths = fitWidths(cols, st.width - (st.box ? 3 * n + 1 : 2 * (n - 1)))
  return widths ? gridLayout(cols, widths, headers, st) : recordLayout(headers ?? cols.map(() => ''), cols, st)
}

/** A cell's lines in `w` columns: a picture narrowed onto one line, anything else wrapped. */
const cellLines = (text: string, w: number, col: ColumnSpec): string[] => (col.picture ? [shrinkPicture(text, w)] : wrapCell(text, w))

function gridLayout(cols: ColumnSpec[], widths: number[], headers: string[] | null, st: Style_): RowLayout {
  const {chalk} = st
  const n = cols.length
  const rule = (l: string, m: string, r: string) => l + widths.map((w) => '─'.repeat(w + 2)).join(m) + r
  const sep = st.box ? ' │ ' : '  '
  // Colour on the value only, padding outside it (a search for "\x1b[32m-5" finds the value).
  const painted = (text: string, w: number, align: 'left' | 'right', style: Style | undefined) => {
    if (chalk === undefined || !text) return pad(text, w, align)
    const room = ' '.repeat(Math.max(0, w - text.length))
    const p = paint(chalk, text, style)
    return align === 'right' ? room + p : p + room
  }
  // `head`: the header cells, words wrapped in every column (a picture column's too).
  const row = (cells: StyledCell[], bold: boolean, out: string[], head = false) => {
    // Fast path, most rows: every cell fits on one line (no arrays per cell, little garbage).
    let fits = true
    for (let i = 0; i < n && fits; i++) fits = cells[i].text.length <= widths[i] && !cells[i].text.includes('\n')
    if (fits) {
      let line = ''
      for (let i = 0; i < n; i++) line += (i ? sep : '') + painted(cells[i].text, widths[i], cols[i].align, bold ? 'bold' : cells[i].style)
      out.push(st.box ? `│ ${line} │` : line.trimEnd())
      return
    }
    const wrapped = cells.map((c, i) => (head ? wrapCell(c.text, widths[i]) : cellLines(c.text, widths[i], cols[i])))
    const h = wrapped.reduce((m, w) => Math.max(m, w.length), 1)
    for (let j = 0; j < h; j++) {
      const line = cells.map((c, i) => painted(wrapped[i][j] ?? '', widths[i], cols[i].align, bold ? 'bold' : c.style))
      out.push(st.box ? `│ ${line.join(sep)} │` : line.join(sep).trimEnd())
    }
  }
  const head = () => {
    const out = st.box ? [rule('┌', '┬', '┐')] : []
    if (headers) {
      row(headers.map((text) => ({text})), true, out, true)
      out.push(st.box ? rule('├', '┼', '┤') : widths.map((w) => '-'.repeat(w)).join('  '))
    }
    return out
  }
  return {head, row, mid: () => (st.box ? [rule('├', '┼', '┤')] : []), foot: () => (st.box ? [rule('└', '┴', '┘')] : [])}
}

/** Too narrow for columns: each row as `header  value` lines, rows separated by a blank line. */
function recordLayout(headers: string[], cols: ColumnSpec[], st: Style_): RowLayout {
  let keyW = 0
  for (const h of headers) keyW = Math.max(keyW, h.length)
  keyW = Math.min(keyW, Math.floor(st.width / 3))
  const valueW = st.width - keyW - (keyW ? 2 : 0)
  const named = headers.some((h) => h)
  let rows = 0
  const row = (cells: StyledCell[], _bold: boolean, out: string[]) => {
    if (rows++ > 0 && named) out.push('')
    cells.forEach((c, i) => {
      const h = headers[i]
      const lines = cellLines(c.text, valueW, cols[i]).map((l) => paint(st.chalk, l, c.style))
      if (h.length > keyW) for (const l of wrapLine(h, st.width)) out.push(l)
      lines.forEach((l, j) => out.push(((j === 0 && h.length <= keyW ? h : '').padEnd(keyW) + (keyW ? '  ' : '') + l).trimEnd()))
    })
  }
  return {head: () => [], row, mid: () => [], foot: () => []}
}
