// Fleet inventories for `predict --hosts`: one host per CSV row (csv-parse). Known columns become
// Host fields; every other column is kept and passed through to the output. Read as a stream
// (csv-parse's streaming API): a 10^6-row inventory never sits in memory, rows go to the model and
// the output one by one (commands/predict.ts); parseInventory is the same over a string.
import {open} from 'node:fs/promises'
import {type Damage, decoded, gzipCutError} from '../readers/decoded.js'
import {Readable} from 'node:stream'
import {type Info, type Options, parse} from 'csv-parse'
import {parse as parseSync} from 'csv-parse/sync'
import {unsupportedRelease} from '../analysis/releases.js'
import {closest} from '../cli/suggest.js'
import {InputError, ioReason} from '../errors.js'
import {noticeIfWaiting} from '../readers/wait.js'
import {parseSize} from '../render/units.js'
import {defaultHost, type Host, type HostOrigins} from './host.js'
import {ownGet, put} from '../own.js'

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
  kasan: 'KASAN: yes/no (counted before SMP by the 7.2 profile\'s KASAN terms, after SMP by the 7.2 KASAN profile; both fitted on KASAN + kmemleak boots; noted)',
  kmemleak: 'kmemleak: yes/no (as kasan; noted)',
  compressed: 'mem_profiling compressed mode: yes/no',
  gb_pages: 'x86 direct map in 1 GiB pages (CPU flag pdpe1gb, no nogbpages): yes/no (default yes)',
  profile: 'profile name or file to use for this host',
}

export interface InventoryHost {
  row: number
  /** `file:line` of the row, for an error about it (a profile column naming no profile). */
  at?: string
  host: Host
  profile?: string
  /** Columns that are not documented, passed through. */
  extra: Record<string, string>
  /** The row's documented cells but the name: rows with the same shape are the same host to the model (fleet.ts caches by it). */
  shape?: string
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

/** A kernel release as --kernel takes it (releases.ts unsupportedRelease: as uname -r prints it, 6.10 on). */
function release(v: string, w: Where): string {
  const why = unsupportedRelease(v, true)
  if (why) throw new InputError(`${w.file}:${w.line}: column ${w.col}: "${v}": ${why}`, w.file, w.line)
  return v
}

/** The columns that set each fact validateHost may refuse (online CPUs: online_cpus, else the possible CPUs' column). */
const ORIGIN_COLUMNS: Record<keyof HostOrigins, string[]> = {
  possibleCpus: ['cpus', 'possible_cpus'],
  onlineCpus: ['online_cpus'],
  memoryBytes: ['memory'],
  nodes: ['nodes'],
  pageSize: ['page_size'],
  wordBytes: ['word_bits'],
}

/** One setter per documented column (the keys of INVENTORY_COLUMNS). */
const COLUMN_SETTERS: Record<string, (r: Row, v: string, w: Where) => void> = {
  name: (r, v) => (r.host.name = v),
  kernel: (r, v, w) => (r.host.kernel = release(v, w)),
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

/**
 * The longest row, in characters: a host's row is some 100. A quote left open or a line without
 * an end would otherwise be gathered whole (300 MB of one cell: 426 MB of memory, issue 14).
 */
const MAX_ROW_CHARS = 2 ** 20

/** csv-parse's options, the same for the stream and the string: records as cell arrays with the line each ends on. */
const CSV_OPTIONS = {bom: true, comment: '#', comment_no_infix: true, skip_empty_lines: true, trim: true, info: true, max_record_size: MAX_ROW_CHARS} as const

/** The header's columns, trimmed; a column named twice (after normalising) is an error, not "the last one wins". */
function headerColumns(h: string[], file: string, line: number): string[] {
  const cols = h.map((c) => c.trim())
  const seen = new Map<string, number>()
  cols.forEach((c, i) => {
    const k = norm(c)
    const first = seen.get(k)
    if (first !== undefined) throw new InputError(`${file}:${line}: column "${c}" appears twice (columns ${first + 1} and ${i + 1}); expected each column once`, file, line)
    seen.set(k, i)
  })
  refuseNearMisses(cols, file, line)
  if (!cols.some((c) => norm(c) === 'cpus' || norm(c) === 'possible_cpus')) {
    throw new InputError(`${file}:${line}: no cpus or possible_cpus column; expected columns ${Object.keys(INVENTORY_COLUMNS).join(', ')}`, file, line)
  }
  return cols
}

/**
 * A column that is not documented but within a typo of one (`memroy`, `node`, `cpu`) is an error:
 * passed through, it would leave the host at the default (1 GiB, 1 node) without a word. Any other
 * column (`rack`, `owner`) is passed through to the output, as documented.
 */
function refuseNearMisses(cols: string[], file: string, line: number): void {
  const known = Object.keys(INVENTORY_COLUMNS)
  for (const c of cols) {
    if (known.includes(norm(c))) continue
    const near = closest(norm(c), known)
    if (near) throw new InputError(`${file}:${line}: column "${c}" is not an inventory column; did you mean "${near}"? (columns: ${known.join(', ')}; any other is passed through)`, file, line)
  }
}

const cutGzip = (file: string): InputError => gzipCutError(file, 'expected a whole gzip-compressed inventory CSV')

/** csv-parse's own errors (a quote left open, a row with more cells than the header), naming the file and line. */
function csvError(e: unknown, file: string): Error {
  if (e instanceof InputError) return e
  const err = e as Error & {lines?: number}
  return new InputError(`${file}${err.lines ? `:${err.lines}` : ''}: not a CSV inventory (${err.message})`, file, err.lines)
}

/** Records → hosts, one at a time: the first record is the header. Holds the header only. */
export class InventoryRows {
  /** The header's columns that are not documented: passed through (known once the header is read). */
  extraColumns: string[] = []
  private cols?: string[]
  /** Per column: its setter (documented columns), and which are the CPU columns and the name. */
  private setters: ((typeof COLUMN_SETTERS)[string] | undefined)[] = []
  private cpuCols: number[] = []
  private nameCol = -1
  private hosts = 0

  constructor(readonly file: string) {}

  /** The host of one record (undefined for the header); `line` is the file line the record ends on. */
  push(cells: string[], line: number): InventoryHost | undefined {
    if (!this.cols) return this.header(cells, line)
    const cols = this.cols
    // Rows that carry no host: a row of only commas (a phantom host), an empty cpus cell (it would silently be 1 CPU).
    if (cells.every((v) => v === '')) throw new InputError(`${this.file}:${line}: an empty row (only commas); expected one host per row`, this.file, line)
    if (this.cpuCols.every((i) => (cells[i] ?? '') === '')) {
      throw new InputError(`${this.file}:${line}: column ${this.cpuCols.map((i) => cols[i]).join('/')} is empty; expected the host's possible CPUs`, this.file, line)
    }
    this.hosts++
    const host = defaultHost()
    const extra: Record<string, string> = {}
    const row: Row = {host, online: undefined, profile: undefined}
    let shape = ''
    for (let i = 0; i < cols.length; i++) {
      const v = cells[i] ?? ''
      const set = this.setters[i]
      if (set && i !== this.nameCol) shape += `${v}\u0000`
      if (v === '') continue
      if (set) set(row, v, {file: this.file, line, col: cols[i]})
      else put(extra, cols[i]!, v)
    }
    host.onlineCpus = row.online ?? host.possibleCpus
    host.name ??= `host${this.hosts}`
    // A host outside physical sense (validateHost) is refused naming the file and the row's line.
    const at = `${this.file}:${line}`
    host.origins = this.origins(cells, at)
    return {row: line, at, host, profile: row.profile, extra, shape}
  }

  /** Each fact's origin, `file:line: column C` (the last non-empty column that set it), for validateHost's refusal. */
  private origins(cells: string[], at: string): HostOrigins {
    const cols = this.cols!
    const out: HostOrigins = {}
    // The last non-empty column setting a fact is the one whose value it holds (the setters run in column order).
    const last = (keys: string[]) => cols.reduce<string | undefined>((hit, c, j) => (keys.includes(norm(c)) && (cells[j] ?? '') !== '' ? c : hit), undefined)
    for (const [field, keys] of Object.entries(ORIGIN_COLUMNS) as [keyof HostOrigins, string[]][]) {
      const col = last(keys) ?? (field === 'onlineCpus' ? last(ORIGIN_COLUMNS.possibleCpus) : undefined)
      out[field] = col ? `${at}: column ${col}` : at
    }
    return out
  }

  private header(cells: string[], line: number): undefined {
    this.cols = headerColumns(cells, this.file, line)
    const keys = this.cols.map(norm)
    // Own keys only: a column named `constructor` or `__proto__` is no setter (Object.prototype's), but passed through.
    this.setters = keys.map((k) => ownGet(COLUMN_SETTERS, k))
    this.cpuCols = keys.flatMap((k, i) => (k === 'cpus' || k === 'possible_cpus' ? [i] : []))
    this.nameCol = keys.indexOf('name')
    this.extraColumns = this.cols.filter((_, i) => !this.setters[i])
    return undefined
  }

  /** After the last record: an inventory with no host is an error. */
  end(): void {
    if (this.hosts === 0) throw new InputError(`${this.file}: no hosts; expected a header line (name,cpus,memory,...) and one row per host`, this.file)
  }
}

export function parseInventory(text: string, file: string): InventoryHost[] {
  let parsed: {record: string[]; info: Info}[]
  try {
    parsed = parseSync(text, CSV_OPTIONS) as unknown as typeof parsed
  } catch (e) {
    throw csvError(e, file)
  }
  const rows = new InventoryRows(file)
  const hosts = parsed.flatMap((p) => rows.push(p.record, p.info.lines) ?? [])
  rows.end()
  return hosts
}

type Parsed = {record: string[]; info: Info}

/**
 * The hosts of an inventory file ('-' = stdin) as they are read, a batch at a time (what one read
 * held: a few thousand rows, no await per row): memory holds one batch whatever the row count.
 * `rows.extraColumns` is set before the first batch is yielded.
 */
export async function* readInventory(path: string, rows: InventoryRows, opts: {onWaiting?: () => void} = {}): AsyncGenerator<InventoryHost[]> {
  const file = rows.file
  const cannot = (e: unknown) => new InputError(`${file}: cannot read the inventory (${ioReason(e)})`, file)
  // Opening a FIFO waits for its writer, the first read for data (readers/wait.ts).
  const opened = async (): Promise<{it: AsyncIterator<Buffer>; first: IteratorResult<Buffer>}> => {
    let input: AsyncIterable<Buffer>
    if (path === '-') input = process.stdin
    else {
      const fh = await open(path, 'r').catch((e: unknown) => Promise.reject(cannot(e)))
      input = fh.createReadStream({highWaterMark: 1 << 14})
    }
    const it = input[Symbol.asyncIterator]()
    return {it, first: await it.next().catch((e: unknown) => Promise.reject(cannot(e)))}
  }
  const {it, first} = await noticeIfWaiting(opened(), opts.onWaiting)
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let r = first; !r.done; r = await it.next().catch((e: unknown) => Promise.reject(cannot(e)))) yield r.value
  }
  const damage: Damage = {}
  const src = Readable.from(decoded(chunks(), file, 'an inventory CSV (a header line name,cpus,memory,... and a row per host)', damage))
  // A record buffer of 512 (Transform's own option, passed through): batches, not 16 records at a time; small enough that a batch dies young (no promotion to the old space).
  const parser = parse({...CSV_OPTIONS, readableHighWaterMark: 512} as Options)
  src.on('error', (e) => parser.destroy(e))
  src.pipe(parser)
  try {
    for await (const batch of recordBatches(parser)) yield batch.flatMap((p) => rows.push(p.record, p.info.lines) ?? [])
  } catch (e) {
    // A gzip cut short: its last row is cut, not bad.
    throw damage.what === undefined ? csvError(e, file) : cutGzip(file)
  } finally {
    src.destroy()
    if (path !== '-') await it.return?.()
  }
  if (damage.what !== undefined) throw cutGzip(file)
  rows.end()
}

/** The records a stream holds, every one it has each time it wakes (for-await on the stream would cost a promise per record). */
async function* recordBatches(parser: ReturnType<typeof parse>): AsyncGenerator<Parsed[]> {
  let done = false
  let error: unknown
  let wake = () => {}
  parser.on('readable', () => wake())
  parser.on('end', () => ((done = true), wake()))
  parser.on('error', (e) => ((error = e), wake()))
  for (;;) {
    const batch: Parsed[] = []
    for (let r = parser.read() as Parsed | null; r !== null; r = parser.read() as Parsed | null) batch.push(r)
    if (batch.length) yield batch
    else if (error !== undefined) throw error
    else if (done) return
    // No await since read() returned null: an event that comes now finds this wake.
    else await new Promise<void>((resolve) => (wake = resolve))
  }
}

