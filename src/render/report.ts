// The neutral report value every command builds; renderers turn it into table | markdown | csv |
// text. JSON output does not go through here: it carries the command's structured result.
import type {Severity} from '../types.js'
import {iec} from './units.js'

export type Style = 'good' | 'bad' | 'warn' | 'dim' | 'bold' | 'grow' | 'shrink'
/**
 * A value in a table. `raw` is what a machine reads (CSV): the exact number behind a human text such
 * as "19.6 MiB", so CSV holds bytes unless --csv-units asks for the text.
 */
export type Cell = string | number | bigint | undefined | null | {text: string; style?: Style; raw?: number | bigint | string; extra?: Extra}
/**
 * Further values a cell's text shows beside its main one (`145 (137-153)`: low 137, high 153): CSV
 * gives each its own column, `<header> <name>` (key/value blocks: `<name>`), so a CSV cell holds
 * one value while the table keeps the compact text.
 */
export type Extra = Record<string, number | bigint | string>

export interface Column {
  key: string
  header: string
  align?: 'left' | 'right'
  /** Lower is dropped first when the table must shrink to fit (default 1; 0 = never drop). */
  priority?: number
  /** A drawing for the eye (a sparkline), not data: left out of CSV, whose cells hold values. */
  picture?: boolean
  /**
   * The extra values (Extra) this column's cells carry: CSV writes their columns (`<header> <name>`)
   * whatever the rows hold, empty where a row has none, so a table's CSV header is its definition's,
   * not its content's (`title corrupted` in a Findings table with no finding too).
   */
  extras?: readonly string[]
}

export interface TableBlock {
  kind: 'table'
  title?: string
  columns: Column[]
  rows: Record<string, Cell>[]
  /** Summary rows (`[66 others]`) after the rows, before the footer: marked as such in CSV. */
  summaryRows?: Record<string, Cell>[]
  /** A totals line rendered after the rows. */
  footer?: Record<string, Cell>
  /** Said when rows is empty. */
  empty?: string
}

export interface KvBlock {
  kind: 'kv'
  title?: string
  rows: {key: string; value: Cell; note?: string}[]
}

export interface TextBlock {
  kind: 'text'
  title?: string
  /** Paragraphs: renderers wrap each to the width (hanging indent), unless `pre`. */
  lines: string[]
  /** Pre-formatted (a plot): lines kept as they are (wrapped hard only when wider than the width). */
  pre?: boolean
}

/**
 * A block of one part of a report (`Boot 0` of a log with several boots), titled `<scope>: <title>`:
 * --block picks it by its own title too, so a name that works on one boot works on many.
 */
interface Scoped {
  scope?: string
  /**
   * The scope as a CSV value (`boot`, -1): when --block picks the same block of several scopes,
   * CSV writes them as one table with this leading column (csv.ts oneBlockPerScope).
   */
  scopeCell?: {header: string; value: number | string}
}

export type Block = (TableBlock | KvBlock | TextBlock) & Scoped

/** A scoped block's title without its `<scope>: ` (`title`: the block's own or the one it inherits); undefined for a block of no scope. */
export function unscopedTitle(b: Block, title: string | undefined = b.title): string | undefined {
  return b.scope !== undefined && title?.startsWith(`${b.scope}: `) ? title.slice(b.scope.length + 2) : undefined
}

export interface Report {
  blocks: Block[]
}

export function cellText(c: Cell): string {
  if (c === undefined || c === null) return ''
  if (typeof c === 'object') return c.text
  return String(c)
}

/** A table's placeholder for "nothing here": an empty cell in CSV, not a value. */
export const NONE = '-'

/** What CSV writes: the raw value when the cell has one, else its text. */
export function cellRaw(c: Cell): string {
  if (c !== null && typeof c === 'object') return c.raw !== undefined ? String(c.raw) : c.text
  return cellText(c)
}

/** A byte count shown in IEC units (or raw with `raw`), exact in CSV either way. */
export function bytesCell(n: number | bigint, raw = false): Cell {
  return {text: raw ? String(n) : iec(n), raw: n}
}

const SEVERITY_STYLE: Record<Severity, Style | undefined> = {info: 'dim', notice: undefined, warning: 'warn', error: 'bad', critical: 'bad'}

/** A severity column's cell, coloured by how bad it is (one look for a finding's and an anomaly's). */
export const severityCell = (s: Severity): Cell => ({text: s, style: SEVERITY_STYLE[s]})

export function cellExtra(c: Cell): Extra | undefined {
  return c !== null && typeof c === 'object' ? c.extra : undefined
}

export function cellStyle(c: Cell): Style | undefined {
  return c !== null && typeof c === 'object' ? c.style : undefined
}

/** A signed change, coloured as growth or shrinkage; zero is a plain "0". */
export function deltaCell(n: bigint | number): Cell {
  const pos = typeof n === 'bigint' ? n > 0n : n > 0
  const neg = typeof n === 'bigint' ? n < 0n : n < 0
  if (!pos && !neg) return '0'
  return {text: pos ? `+${n}` : String(n), style: pos ? 'grow' : 'shrink'}
}
