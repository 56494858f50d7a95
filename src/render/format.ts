// Report → text in the four human/script formats. `table` uses cli-table3 sized to the terminal;
// `text` is plain ASCII under 80 columns for pasting into a mail; `markdown` for issues and
// mails that render it; `csv` (csv-stringify) for spreadsheets and scripts.
import Table from 'cli-table3'
import {stringify} from 'csv-stringify/sync'
import {Chalk, type ChalkInstance} from 'chalk'
import {type Block, type Cell, type Column, type Report, type Style, cellStyle, cellText} from './report.js'

export type Format = 'table' | 'markdown' | 'csv' | 'text'
export const FORMATS: readonly Format[] = ['table', 'markdown', 'csv', 'text']

export interface RenderOptions {
  color: boolean
  /** Terminal width for `table`; `text` is always < 80. */
  width: number
}

export function renderReport(report: Report, format: Format, opts: RenderOptions): string {
  const chalk = new Chalk({level: opts.color && format === 'table' ? 1 : 0})
  const parts: string[] = []
  for (const b of report.blocks) {
    switch (format) {
      case 'table':
        parts.push(renderTableBlock(b, chalk, opts.width))
        break
      case 'markdown':
        parts.push(renderMarkdownBlock(b))
        break
      case 'csv':
        parts.push(renderCsvBlock(b))
        break
      case 'text':
        parts.push(renderTextBlock(b, 79))
        break
    }
  }
  return parts.filter((p) => p.length > 0).join('\n') + (parts.length ? '\n' : '')
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

/** Drop lowest-priority columns until the natural width fits. */
function fitColumns(cols: Column[], rows: Record<string, Cell>[], width: number, pad: number): Column[] {
  let kept = [...cols]
  const natural = (c: Column) =>
    Math.max(c.header.length, ...rows.map((r) => longestLine(cellText(r[c.key])))) + pad
  const total = () => kept.reduce((s, c) => s + natural(c), 1)
  while (total() > width) {
    const droppable = kept.filter((c) => (c.priority ?? 1) > 0)
    if (droppable.length === 0 || kept.length <= 2) break
    const lowest = droppable.reduce((a, c) => ((c.priority ?? 1) < (a.priority ?? 1) ? c : a), droppable[0])
    if ((lowest.priority ?? 1) >= 5) break
    kept = kept.filter((c) => c !== lowest)
  }
  return kept
}

function longestLine(s: string): number {
  let m = 0
  for (const l of s.split('\n')) m = Math.max(m, l.length)
  return m
}

function renderTableBlock(b: Block, chalk: ChalkInstance, width: number): string {
  const title = b.title ? chalk.bold(b.title) + '\n' : ''
  if (b.kind === 'text') return title + b.lines.join('\n') + '\n'
  if (b.kind === 'kv') {
    const t = new Table({chars: COMPACT, style: {head: [], border: []}, wordWrap: true, colWidths: kvWidths(b.rows, width)})
    for (const r of b.rows) {
      t.push([r.key, paint(chalk, cellText(r.value), cellStyle(r.value)) + (r.note ? chalk.dim(`  (${r.note})`) : '')])
    }
    return title + t.toString() + '\n'
  }
  if (b.rows.length === 0) return title + (b.empty ?? '(none)') + '\n'
  const cols = fitColumns(b.columns, b.rows, width, 3)
  const t = new Table({
    chars: COMPACT,
    head: cols.map((c) => chalk.bold(c.header)),
    style: {head: [], border: []},
    colAligns: cols.map((c) => c.align ?? 'left'),
  })
  for (const r of b.rows) t.push(cols.map((c) => paint(chalk, cellText(r[c.key]), cellStyle(r[c.key]))))
  if (b.footer) t.push(cols.map((c) => chalk.bold(cellText(b.footer![c.key]))))
  return title + withHeaderRule(t.toString(), b.footer !== undefined) + '\n'
}

// No rule between body rows: long tables stay readable in a terminal.
const COMPACT = {mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': ''}

/** Put back the rule under the header (and above a totals line) that COMPACT removed. */
function withHeaderRule(rendered: string, footer: boolean): string {
  const lines = rendered.split('\n')
  if (lines.length < 4) return rendered
  const rule = lines[0].replace('┌', '├').replace('┐', '┤').replace(/┬/g, '┼')
  lines.splice(2, 0, rule)
  if (footer) lines.splice(lines.length - 2, 0, rule)
  return lines.join('\n')
}

function kvWidths(rows: {key: string; value: Cell; note?: string}[], width: number): [number, number] {
  const k = Math.min(Math.max(8, ...rows.map((r) => r.key.length)) + 2, 32)
  return [k, Math.max(20, Math.min(width - k - 3, 200))]
}

const mdEscape = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, '<br>')

function renderMarkdownBlock(b: Block): string {
  const out: string[] = []
  if (b.title) out.push(`### ${b.title}`, '')
  if (b.kind === 'text') {
    out.push('```', ...b.lines, '```')
  } else if (b.kind === 'kv') {
    out.push('| | |', '|---|---|')
    for (const r of b.rows) out.push(`| ${mdEscape(r.key)} | ${mdEscape(cellText(r.value))}${r.note ? ` (${mdEscape(r.note)})` : ''} |`)
  } else if (b.rows.length === 0) {
    out.push(b.empty ?? '(none)')
  } else {
    out.push(`| ${b.columns.map((c) => mdEscape(c.header)).join(' | ')} |`)
    out.push(`|${b.columns.map((c) => (c.align === 'right' ? '---:' : '---')).join('|')}|`)
    const all = b.footer ? [...b.rows, b.footer] : b.rows
    for (const r of all) out.push(`| ${b.columns.map((c) => mdEscape(cellText(r[c.key]))).join(' | ')} |`)
  }
  return out.join('\n') + '\n'
}

function renderCsvBlock(b: Block): string {
  // One CSV table per block; blocks are separated by a blank line (see README, "Output").
  if (b.kind === 'text') return ''
  if (b.kind === 'kv') return stringify([['key', 'value'], ...b.rows.map((r) => [r.key, cellText(r.value)])])
  const rows = b.footer ? [...b.rows, b.footer] : b.rows
  return stringify([b.columns.map((c) => c.key), ...rows.map((r) => b.columns.map((c) => cellText(r[c.key])))])
}

/** Plain ASCII, every line < 80 columns: columns are dropped by priority, then cells clipped. */
function renderTextBlock(b: Block, width: number): string {
  const out: string[] = []
  const ascii = (s: string) => s.replace(/[^\x20-\x7e]/g, '?')
  if (b.title) out.push(clip(ascii(b.title), width), '-'.repeat(Math.min(width, b.title.length)))
  if (b.kind === 'text') {
    for (const l of b.lines) out.push(clip(ascii(l), width))
  } else if (b.kind === 'kv') {
    const k = Math.min(Math.max(...b.rows.map((r) => r.key.length), 4), 28)
    for (const r of b.rows) {
      const v = cellText(r.value) + (r.note ? ` (${r.note})` : '')
      out.push(clip(ascii(`${r.key.padEnd(k)}  ${v.replace(/\n/g, ' ')}`), width))
    }
  } else if (b.rows.length === 0) {
    out.push(b.empty ?? '(none)')
  } else {
    const all = b.footer ? [...b.rows, b.footer] : b.rows
    const cols = fitColumns(b.columns, all, width, 2)
    const w = cols.map((c) => Math.max(c.header.length, ...all.map((r) => cellText(r[c.key]).replace(/\n/g, ' ').length)))
    // Shrink the widest left-aligned column until the line fits.
    let total = w.reduce((s, x) => s + x, 0) + 2 * (cols.length - 1)
    while (total > width) {
      let wi = -1
      for (let i = 0; i < cols.length; i++) if (cols[i].align !== 'right' && (wi < 0 || w[i] > w[wi])) wi = i
      if (wi < 0 || w[wi] <= 8) break
      const cut = Math.min(total - width, w[wi] - 8)
      w[wi] -= cut
      total -= cut
    }
    const line = (r: Record<string, Cell> | null) =>
      cols
        .map((c, i) => {
          const s = ascii(r ? cellText(r[c.key]).replace(/\n/g, ' ') : c.header)
          const t = s.length > w[i] ? s.slice(0, Math.max(0, w[i] - 1)) + '~' : s
          return c.align === 'right' ? t.padStart(w[i]) : t.padEnd(w[i])
        })
        .join('  ')
        .trimEnd()
    out.push(clip(line(null), width), clip(cols.map((_, i) => '-'.repeat(w[i])).join('  '), width))
    for (const r of b.rows) out.push(clip(line(r), width))
    if (b.footer) out.push(clip(line(b.footer), width))
  }
  return out.join('\n') + '\n'
}

function clip(s: string, width: number): string {
  return s.length > width ? s.slice(0, width - 1) + '~' : s
}
