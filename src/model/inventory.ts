// Fleet inventories for `predict --hosts`: one host per CSV row (csv-parse). Known columns become
// Host fields; every other column is kept and passed through to the output.
import {readFileSync} from 'node:fs'
import {parse} from 'csv-parse/sync'
import {InputError} from '../errors.js'
import {parseSize} from '../render/units.js'
import {DEFAULT_HOST, type Host} from './host.js'

/** The documented columns (case-insensitive; `-` and `_` alike). */
export const INVENTORY_COLUMNS: Record<string, string> = {
  name: 'host name (default: row number)',
  kernel: 'kernel release, picks the profile (e.g. 7.2.13)',
  cpus: 'possible CPUs (also online, unless online_cpus is given)',
  possible_cpus: 'possible CPUs (nr_cpu_ids)',
  online_cpus: 'CPUs brought up at boot',
  memory: 'memory, e.g. 64G, 512M (default 1G)',
  nodes: 'NUMA nodes (default 1)',
  page_size: '4K, 16K or 64K (default 4K)',
  word_bits: '64 or 32 (default 64)',
  debug: 'MEM_ALLOC_PROFILING_DEBUG: yes/no (default yes)',
  early_page_ext: 'early_page_ext on the command line: yes/no',
  deferred_init: 'DEFERRED_STRUCT_PAGE_INIT: yes/no (default yes)',
  kasan: 'KASAN: yes/no (not a term: within the bound before SMP, not counted after SMP; noted)',
  kmemleak: 'kmemleak: yes/no (as kasan; noted)',
  compressed: 'mem_profiling compressed mode: yes/no',
  gb_pages: 'x86 direct map in 1 GiB pages (CPU flag pdpe1gb, no nogbpages): yes/no (default yes)',
  profile: 'profile name or file to use for this host',
}

export interface InventoryHost {
  row: number
  host: Host
  profile?: string
  /** Columns that are not documented, passed through. */
  extra: Record<string, string>
}

const norm = (k: string) => k.trim().toLowerCase().replace(/-/g, '_')

function bool(v: string, file: string, line: number, col: string): boolean {
  const s = v.trim().toLowerCase()
  if (['1', 'y', 'yes', 'true', 'on'].includes(s)) return true
  if (['0', 'n', 'no', 'false', 'off'].includes(s)) return false
  throw new InputError(`${file}:${line}: column ${col}: "${v}" is not yes/no`, file, line)
}

function int(v: string, file: string, line: number, col: string): number {
  if (!/^\s*\d+\s*$/.test(v)) throw new InputError(`${file}:${line}: column ${col}: "${v}" is not a whole number`, file, line)
  return Number(v)
}

interface Row {
  host: Host
  online?: number
  profile?: string
}
interface Where {
  file: string
  line: number
  col: string
}

function size(v: string, w: Where, what: string): number {
  const b = parseSize(v)
  if (b === undefined) throw new InputError(`${w.file}:${w.line}: column ${w.col}: "${v}" is not ${what}`, w.file, w.line)
  return b
}

/** One setter per documented column (the keys of INVENTORY_COLUMNS). */
const COLUMN_SETTERS: Record<string, (r: Row, v: string, w: Where) => void> = {
  name: (r, v) => (r.host.name = v),
  kernel: (r, v) => (r.host.kernel = v),
  cpus: (r, v, w) => (r.host.possibleCpus = int(v, w.file, w.line, w.col)),
  possible_cpus: (r, v, w) => (r.host.possibleCpus = int(v, w.file, w.line, w.col)),
  online_cpus: (r, v, w) => (r.online = int(v, w.file, w.line, w.col)),
  memory: (r, v, w) => (r.host.memoryBytes = size(v, w, 'a size like 64G')),
  nodes: (r, v, w) => (r.host.nodes = int(v, w.file, w.line, w.col)),
  page_size: (r, v, w) => (r.host.pageSize = size(v, w, 'a page size like 4K')),
  word_bits: (r, v, w) => (r.host.wordBytes = int(v, w.file, w.line, w.col) / 8),
  debug: (r, v, w) => (r.host.debug = bool(v, w.file, w.line, w.col)),
  early_page_ext: (r, v, w) => (r.host.earlyPageExt = bool(v, w.file, w.line, w.col)),
  deferred_init: (r, v, w) => (r.host.deferredInit = bool(v, w.file, w.line, w.col)),
  kasan: (r, v, w) => (r.host.kasan = bool(v, w.file, w.line, w.col)),
  kmemleak: (r, v, w) => (r.host.kmemleak = bool(v, w.file, w.line, w.col)),
  compressed: (r, v, w) => (r.host.compressed = bool(v, w.file, w.line, w.col)),
  gb_pages: (r, v, w) => (r.host.gbPages = bool(v, w.file, w.line, w.col)),
  profile: (r, v) => (r.profile = v),
}

/** The header's columns, trimmed; a column named twice (after normalising) is an error, not "the last one wins". */
function headerColumns(h: string[], file: string, text: string): string[] {
  const cols = h.map((c) => c.trim())
  const seen = new Map<string, number>()
  // The header is the first line that is not blank or a comment.
  const line = text.split('\n', 1000).findIndex((l) => l.trim() !== '' && !l.trimStart().startsWith('#')) + 1 || 1
  cols.forEach((c, i) => {
    const k = norm(c)
    const first = seen.get(k)
    if (first !== undefined) throw new InputError(`${file}:${line}: column "${c}" appears twice (columns ${first + 1} and ${i + 1}); expected each column once`, file, line)
    seen.set(k, i)
  })
  return cols
}

/** Rows that carry no host: an empty cpus cell (it would silently be 1 CPU), a row of only commas (a phantom host). */
function checkRow(r: Record<string, string>, file: string, line: number): void {
  const cells = Object.values(r)
  if (cells.every((v) => v === '' || v === undefined)) throw new InputError(`${file}:${line}: an empty row (only commas); expected one host per row`, file, line)
  const cpuCols = Object.keys(r).filter((k) => norm(k) === 'cpus' || norm(k) === 'possible_cpus')
  if (cpuCols.length > 0 && cpuCols.every((k) => (r[k] ?? '') === '')) {
    throw new InputError(`${file}:${line}: column ${cpuCols.join('/')} is empty; expected the host's possible CPUs`, file, line)
  }
}

export function parseInventory(text: string, file: string): InventoryHost[] {
  let parsed: {record: Record<string, string>; info: {lines: number}}[]
  try {
    parsed = parse(text, {columns: (h: string[]) => headerColumns(h, file, text), comment: '#', comment_no_infix: true, skip_empty_lines: true, trim: true, info: true}) as typeof parsed
  } catch (e) {
    if (e instanceof InputError) throw e
    const err = e as Error & {lines?: number}
    throw new InputError(`${file}${err.lines ? `:${err.lines}` : ''}: not a CSV inventory (${err.message})`, file, err.lines)
  }
  const rows = parsed.map((p) => p.record)
  if (rows.length === 0) throw new InputError(`${file}: no hosts; expected a header line (name,cpus,memory,...) and one row per host`, file)
  const header = Object.keys(rows[0]).map(norm)
  if (!header.includes('cpus') && !header.includes('possible_cpus')) {
    throw new InputError(`${file}:1: no cpus or possible_cpus column; expected columns ${Object.keys(INVENTORY_COLUMNS).join(', ')}`, file, 1)
  }
  return rows.map((r, i) => {
    // The file line the record ends on (comment lines counted), for error messages.
    const line = parsed[i].info.lines
    checkRow(r, file, line)
    const host: Host = {...DEFAULT_HOST}
    const extra: Record<string, string> = {}
    const row: Row = {host, online: undefined, profile: undefined}
    for (const [k0, v] of Object.entries(r)) {
      if (v === '' || v === undefined) continue
      const set = COLUMN_SETTERS[norm(k0)]
      if (set) set(row, v, {file, line, col: k0})
      else extra[k0] = v
    }
    const {online, profile} = row
    host.onlineCpus = online ?? host.possibleCpus
    host.name ??= `host${i + 1}`
    return {row: line, host, profile, extra}
  })
}

/** The inventory file at path, parsed; an unreadable file is refused naming it. */
export function readInventory(path: string): InventoryHost[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    throw new InputError(`${path}: cannot read the inventory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path)
  }
  return parseInventory(text, path)
}
