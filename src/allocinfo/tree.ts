// Totals by source path prefix (`mm/`, `kernel/sched/`, ...): where in the tree the memory went.
import type {AllocSite} from '../types.js'
import type {SortKey} from './select.js'

export interface TreeRow {
  /** The first `depth` components of the file path; a file shallower than depth is its own row. */
  prefix: string
  sites: number
  bytes: bigint
  calls: bigint
}

/** allocinfo --tree's prefix depth when --depth is not given: `mm/`, `kernel/sched/`. */
export const TREE_DEPTH = 2

export function pathPrefix(file: string, depth: number): string {
  const parts = file.split('/')
  return parts.length <= depth ? file : parts.slice(0, depth).join('/') + '/'
}

/** Sums sites per prefix; sorted by bytes or calls (largest first), else by prefix. */
export function treeTotals(sites: readonly AllocSite[], depth: number, sort: SortKey = 'bytes'): TreeRow[] {
  const rows = new Map<string, TreeRow>()
  for (const s of sites) {
    const prefix = pathPrefix(s.file, depth)
    let r = rows.get(prefix)
    if (r === undefined) rows.set(prefix, (r = {prefix, sites: 0, bytes: 0n, calls: 0n}))
    r.sites++
    r.bytes += s.bytes
    r.calls += s.calls
  }
  const byPrefix = (a: TreeRow, b: TreeRow) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0)
  const field = sort === 'calls' ? 'calls' : sort === 'bytes' ? 'bytes' : undefined
  return [...rows.values()].sort((a, b) => (field ? (a[field] < b[field] ? 1 : a[field] > b[field] ? -1 : 0) : 0) || byPrefix(a, b))
}
