// Markdown for issues and mails that render it. Values come from logs anyone can write, so nothing
// in a cell may become markup: HTML is escaped as entities, link/emphasis/code punctuation is
// backslash-escaped, and a value holding a bare URL (which GitHub would autolink whatever the
// escapes) is shown as a code span. Prose blocks go in a code fence longer than any backtick run.
import {type Block, type Cell, type TableBlock, cellText} from './report.js'
import {sanitize, sanitizeLine} from './sanitize.js'

const ENTITIES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;'}

/** One inline value: inert in CommonMark and GFM tables. */
export function mdEscape(raw: string): string {
  const s = sanitize(raw)
  if (/:\/\/|\bwww\./i.test(s)) return codeSpan(s)
  return s
    .replace(/[&<>]/g, (c) => ENTITIES[c])
    .replace(/[\\`*_[\]~#|]/g, '\\$&')
    .replace(/\n/g, '<br>')
}

/** A code span that survives backticks and pipes inside it (GFM tables read \| even there). */
function codeSpan(s: string): string {
  const runs = s.match(/`+/g) ?? []
  const fence = '`'.repeat(Math.max(0, ...runs.map((r) => r.length)) + 1)
  const body = s.replace(/\|/g, '\\|').replace(/\n/g, ' ')
  const spaced = body.startsWith('`') || body.endsWith('`') ? ` ${body} ` : body
  return `${fence}${spaced}${fence}`
}

export function renderMarkdownBlock(b: Block): string {
  const out: string[] = []
  if (b.title) out.push(`### ${mdEscape(b.title)}`, '')
  if (b.kind === 'text') {
    const lines = b.lines.flatMap((l) => l.split('\n').map(sanitizeLine))
    let longest = 2
    for (const l of lines) for (const r of l.match(/`{3,}/g) ?? []) longest = Math.max(longest, r.length)
    const fence = '`'.repeat(longest + 1)
    out.push(fence)
    for (const l of lines) out.push(l)
    out.push(fence)
  } else if (b.kind === 'kv') {
    out.push('| | |', '|---|---|')
    for (const r of b.rows) out.push(`| ${mdEscape(r.key)} | ${mdEscape(cellText(r.value))}${r.note ? ` (${mdEscape(r.note)})` : ''} |`)
  } else if (b.rows.length === 0) {
    out.push(mdEscape(b.empty ?? '(none)'))
  } else {
    out.push(mdTableHeader(b))
    const all = b.rows.concat(b.summaryRows ?? [], b.footer ? [b.footer] : [])
    for (const r of all) out.push(mdTableRow(b, r))
  }
  return out.join('\n') + '\n'
}

/** A table's header and alignment lines. */
export function mdTableHeader(b: Pick<TableBlock, 'columns'>): string {
  return `| ${b.columns.map((c) => mdEscape(c.header)).join(' | ')} |\n|${b.columns.map((c) => (c.align === 'right' ? '---:' : '---')).join('|')}|`
}

/** One row of a table (written as it comes when the table is streamed). */
export function mdTableRow(b: Pick<TableBlock, 'columns'>, r: Record<string, Cell>): string {
  return `| ${b.columns.map((c) => mdEscape(cellText(r[c.key]))).join(' | ')} |`
}
