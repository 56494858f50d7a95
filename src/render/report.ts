// The neutral report value every command builds; renderers turn it into table | markdown | csv |
// text. JSON output does not go through here: it carries the command's structured result.

export type Style = 'good' | 'bad' | 'warn' | 'dim' | 'bold' | 'grow' | 'shrink'
export type Cell = string | number | bigint | undefined | null | {text: string; style?: Style}

export interface Column {
  key: string
  header: string
  align?: 'left' | 'right'
  /** Lower is dropped first when the table must shrink to fit (default 1; 0 = never drop). */
  priority?: number
}

export interface TableBlock {
  kind: 'table'
  title?: string
  columns: Column[]
  rows: Record<string, Cell>[]
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
  lines: string[]
}

export type Block = TableBlock | KvBlock | TextBlock

export interface Report {
  blocks: Block[]
}

export function cellText(c: Cell): string {
  if (c === undefined || c === null) return ''
  if (typeof c === 'object') return c.text
  return String(c)
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
