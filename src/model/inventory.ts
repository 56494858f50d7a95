// Fleet inventories for `predict --hosts`: one host per CSV row (csv-parse). Known columns become
// Host fields; every other column is kept and passed through to the output.
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
  kasan: 'KASAN: yes/no (not modelled; noted)',
  kmemleak: 'kmemleak: yes/no (not modelled; noted)',
  compressed: 'mem_profiling compressed mode: yes/no',
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

export function parseInventory(text: string, file: string): InventoryHost[] {
  let rows: Record<string, string>[]
  try {
    rows = parse(text, {columns: (h: string[]) => h.map((c) => c.trim()), comment: '#', skip_empty_lines: true, trim: true}) as Record<string, string>[]
  } catch (e) {
    const err = e as Error & {lines?: number}
    throw new InputError(`${file}${err.lines ? `:${err.lines}` : ''}: not a CSV inventory (${err.message})`, file, err.lines)
  }
  if (rows.length === 0) throw new InputError(`${file}: no hosts; expected a header line (name,cpus,memory,...) and one row per host`, file)
  const header = Object.keys(rows[0]).map(norm)
  if (!header.includes('cpus') && !header.includes('possible_cpus')) {
    throw new InputError(`${file}:1: no cpus or possible_cpus column; expected columns ${Object.keys(INVENTORY_COLUMNS).join(', ')}`, file, 1)
  }
  // Data lines are numbered from the header (line 1); comment lines shift this, so it is a guide.
  return rows.map((r, i) => {
    const line = i + 2
    const host: Host = {...DEFAULT_HOST}
    const extra: Record<string, string> = {}
    let profile: string | undefined
    let online: number | undefined
    for (const [k0, v] of Object.entries(r)) {
      const k = norm(k0)
      if (v === '' || v === undefined) continue
      switch (k) {
        case 'name':
          host.name = v
          break
        case 'kernel':
          host.kernel = v
          break
        case 'cpus':
        case 'possible_cpus':
          host.possibleCpus = int(v, file, line, k0)
          break
        case 'online_cpus':
          online = int(v, file, line, k0)
          break
        case 'memory': {
          const b = parseSize(v)
          if (b === undefined) throw new InputError(`${file}:${line}: column ${k0}: "${v}" is not a size like 64G`, file, line)
          host.memoryBytes = b
          break
        }
        case 'nodes':
          host.nodes = int(v, file, line, k0)
          break
        case 'page_size': {
          const b = parseSize(v)
          if (b === undefined) throw new InputError(`${file}:${line}: column ${k0}: "${v}" is not a page size like 4K`, file, line)
          host.pageSize = b
          break
        }
        case 'word_bits':
          host.wordBytes = int(v, file, line, k0) / 8
          break
        case 'debug':
          host.debug = bool(v, file, line, k0)
          break
        case 'early_page_ext':
          host.earlyPageExt = bool(v, file, line, k0)
          break
        case 'deferred_init':
          host.deferredInit = bool(v, file, line, k0)
          break
        case 'kasan':
          host.kasan = bool(v, file, line, k0)
          break
        case 'kmemleak':
          host.kmemleak = bool(v, file, line, k0)
          break
        case 'compressed':
          host.compressed = bool(v, file, line, k0)
          break
        case 'profile':
          profile = v
          break
        default:
          extra[k0] = v
      }
    }
    host.onlineCpus = online ?? host.possibleCpus
    host.name ??= `host${i + 1}`
    return {row: line, host, profile, extra}
  })
}
