// CSV for machines (csv-stringify does the quoting). Conventions, documented in the README:
// - one CSV table per table or key/value block, each preceded by a `# <title>` line and separated by
//   a blank line (csv-parse reads it with `comment: '#'`: a cell holding # is quoted); `--block NAME`
//   prints one block, no title; the same block of several scopes (`--block findings`: each boot's)
//   is one table, no title, its scope in a leading column (`boot`) and the blocks' columns merged;
// - column names are the table's headers; numbers are raw (bytes, not "19.6 MiB") unless --csv-units;
// - one value per cell, ASCII (the text format's spelling); key/value blocks have key,value,note;
//   a value shown with others (an interval's low and high) gives them columns of their own, always
//   there when its column declares them (Column.extras); a table's `-` (nothing here) is an empty cell;
// - summary rows (`[66 others]`, `Total`) are marked in a last `summary` column, or left out with
//   --csv-summary omit;
// - a cell that a spreadsheet would run as a formula (starts with = + - @ tab or CR) and is not a
//   plain number gets a leading ' (OWASP's advice for CSV injection), unless --csv-formulas.
// Prose blocks (notes, traces) are not tables, and picture columns (sparklines) are not data: they
// are in the other formats and in --json.
import {createRequire} from 'node:module'
import type {stringify as Stringify} from 'csv-stringify/sync'
import {toAscii} from './sanitize.js'
import {type Block, type Cell, type Report, type TableBlock, NONE, cellExtra, cellRaw, cellText, unscopedTitle} from './report.js'

/**
 * csv-stringify, loaded on the first CSV written: every command that renders a table loads this
 * module (render/format.ts), and csv-stringify's ESM build is eight modules (~9 ms of a start-up
 * measured against `node -e 0`, bench/RESULTS.md); its CommonJS build is one file, required here.
 */
let loaded: typeof Stringify | undefined
const stringify: typeof Stringify = (...args: Parameters<typeof Stringify>) => (loaded ??= (createRequire(import.meta.url)('csv-stringify/sync') as {stringify: typeof Stringify}).stringify)(...args)

export interface CsvOptions {
  /** Human units ("19.6 MiB") instead of raw numbers. */
  units?: boolean
  /** Write formula-looking cells as they are (for pipelines that want the raw text). */
  formulas?: boolean
  /** Summary rows: marked in a `summary` column (default) or left out. */
  summary?: 'mark' | 'omit'
  /** Print each block's `# title` line (default true; false when one block was picked). */
  titles?: boolean
}

// csv-parse reads our CSV with `comment: '#'` (the title lines): an unquoted # anywhere in a line
// would start a comment there and lose the rest of the record (`build,#1 SMP PREEMPT ...`), so every
// cell holding one is quoted.
const STRINGIFY = {quoted_match: /#/}

const PLAIN_NUMBER = /^[+-]?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?%?$/
const FORMULA_START = /^[=+\-@\t\r]/

/** OWASP: a leading ' keeps a spreadsheet from evaluating the cell; plain numbers stay numbers. */
export function neutraliseFormula(s: string): string {
  return FORMULA_START.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s
}

/**
 * Titles for every block: its own, else the nearest titled block's before it, else `block N`. An
 * inherited title gets ` (n)` only on the n-th (n > 1) table or key/value block under it, so the
 * `# title` lines CSV prints stay distinct and count from the first one printed: a text block (no
 * CSV) titled `allocinfo diff (bytes)` followed by its table gives that table the title as it is,
 * not a `(2)` with no `(1)` anywhere (a block's index in the report said nothing in CSV).
 */
export function blockTitles(blocks: Block[]): string[] {
  let last: string | undefined
  let printed = 0
  return blocks.map((b, i) => {
    const csv = b.kind !== 'text'
    if (b.title) {
      last = b.title
      printed = csv ? 1 : 0
      return b.title
    }
    if (last === undefined) return `block ${i + 1}`
    if (csv) printed++
    return csv && printed > 1 ? `${last} (${printed})` : last
  })
}

/** One CSV cell as written: ASCII, one line, formula-looking text defused unless --csv-formulas. */
const csvCell = (o: CsvOptions) => (s: string) => (o.formulas ? toAscii(s) : neutraliseFormula(toAscii(s))).replace(/\n/g, ' ')

/** A table's CSV in pieces (the title and header, then rows as they come, a batch at a time), as renderCsv writes it: for a table too long to hold. */
export function csvTableStream(b: Omit<TableBlock, 'rows'>, o: CsvOptions): {head: string; rows: (rs: Record<string, Cell>[]) => string} {
  const cell = csvCell(o)
  // As csvRows, except extra values: a streamed table's columns are fixed before its rows, so its
  // cells carry none (predict --hosts: one number or word per cell).
  const value = (c: Cell) => (o.units ? cellText(c) : cellText(c) === NONE ? '' : cellRaw(c))
  const columns = b.columns.filter((c) => !c.picture)
  return {
    head: (o.titles === false ? '' : `# ${cell(blockTitles([{...b, rows: []}])[0])}\n`) + stringify([columns.map((c) => cell(c.header))], STRINGIFY),
    rows: (rs) => (rs.length ? stringify(rs.map((r) => columns.map((c) => cell(value(r[c.key])))), STRINGIFY) : ''),
  }
}

export function renderCsv(report: Report, o: CsvOptions): string {
  const cell = csvCell(o)
  if (o.titles === false && oneBlockPerScope(report.blocks)) return stringify(scopedTable(report.blocks, o).map((r) => r.map(cell)), STRINGIFY)
  const titles = blockTitles(report.blocks)
  const parts: string[] = []
  report.blocks.forEach((b, i) => {
    const rows = csvRows(b, o)
    if (!rows) return
    const body = stringify(rows.map((r) => r.map(cell)), STRINGIFY)
    parts.push((o.titles === false ? '' : `# ${cell(titles[i])}\n`) + body)
  })
  return parts.join('\n')
}

/**
 * Whether the CSV blocks (tables, key/value blocks) are one block of each of several scopes, the
 * same title and kind in each (`--block findings` on a log of several boots: `Boot -1: Findings`,
 * `Boot 0: Findings`): CSV writes them as one table (scopedTable), not a titled table each.
 */
export function oneBlockPerScope(blocks: readonly Block[]): boolean {
  const data = blocks.filter((b) => b.kind !== 'text')
  const first = data[0]
  if (first === undefined || data.length < 2 || first.scopeCell === undefined) return false
  const same = (b: Block) => b.kind === first.kind && b.scopeCell?.header === first.scopeCell!.header && unscopedTitle(b) !== undefined && unscopedTitle(b) === unscopedTitle(first)
  return data.every(same) && new Set(data.map((b) => b.scope)).size === data.length
}

/**
 * The blocks oneBlockPerScope accepts as one table: the scope's column (`boot`), then the union of
 * the blocks' columns, each block's in its order (a column only some blocks have goes after the one
 * it follows in them), empty in the rows of a block without it; no title line.
 */
function scopedTable(blocks: readonly Block[], o: CsvOptions): string[][] {
  const parts = blocks.flatMap((b) => {
    const [header, ...rows] = csvRows(b, o) ?? []
    return header ? [{scope: String(b.scopeCell!.value), header, rows}] : []
  })
  const columns = parts.reduce<string[]>((all, p) => unionColumns(all, p.header), [])
  const body = parts.flatMap((p) => p.rows.map((r) => [p.scope, ...columns.map((c) => (p.header.includes(c) ? r[p.header.indexOf(c)]! : ''))]))
  return [[blocks[0]!.scopeCell!.header, ...columns], ...body]
}

/** `into` with the columns of `add` it lacks, each after the column it follows in `add` (first when it is add's first). */
function unionColumns(into: readonly string[], add: readonly string[]): string[] {
  const out = [...into]
  add.forEach((c, i) => {
    if (!out.includes(c)) out.splice(i === 0 ? 0 : out.indexOf(add[i - 1]!) + 1, 0, c)
  })
  return out
}

function csvRows(b: Block, o: CsvOptions): string[][] | undefined {
  // One value per cell: a cell's extra values (an interval's low and high) get columns of their own.
  const value = (c: Cell) => (o.units ? cellText(c) : cellText(c) === NONE ? '' : cellRaw(c))
  const extra = (c: Cell, name: string) => (o.units ? '' : String(cellExtra(c)?.[name] ?? ''))
  const extraNames = (cells: Cell[], declared: readonly string[] = []) => (o.units ? [] : [...new Set([...declared, ...cells.flatMap((c) => Object.keys(cellExtra(c) ?? {}))])])
  if (b.kind === 'text') return undefined
  if (b.kind === 'kv') {
    const names = extraNames(b.rows.map((r) => r.value))
    return [['key', 'value', ...names, 'note']].concat(b.rows.map((r) => [r.key, value(r.value), ...names.map((n) => extra(r.value, n)), r.note ?? '']))
  }
  const all = [...b.rows, ...(b.summaryRows ?? []), ...(b.footer ? [b.footer] : [])]
  const columns = b.columns.filter((c) => !c.picture).map((c) => ({c, names: extraNames(all.map((r) => r[c.key]), c.extras)}))
  const header = columns.flatMap(({c, names}) => [c.header, ...names.map((n) => `${c.header} ${n}`)])
  const line = (r: Record<string, Cell>) => columns.flatMap(({c, names}) => [value(r[c.key]), ...names.map((n) => extra(r[c.key], n))])
  const summaries = [...(b.summaryRows ?? []).map((r) => ['others', r] as const), ...(b.footer ? [['total', b.footer] as const] : [])]
  const out = [header]
  const mark = summaries.length > 0 && o.summary !== 'omit'
  if (mark) header.push('summary')
  for (const r of b.rows) out.push(mark ? [...line(r), ''] : line(r))
  if (mark) for (const [kind, r] of summaries) out.push([...line(r), kind])
  return out
}
