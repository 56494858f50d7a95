// Choosing which allocinfo sites to show: filters (the same dimensions as the 2026 allocinfo
// ioctl: module, function, file, accuracy, minimum size), a sort order, and top-N. Pure functions.
import type {AllocSite} from '../types.js'
import {type SiteScope, hasScope, inScope, scopeWords} from './scope.js'

export const SORT_KEYS = ['bytes', 'calls', 'file', 'func', 'key'] as const
export type SortKey = (typeof SORT_KEYS)[number]

const byKey = (a: AllocSite, b: AllocSite) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
const cmpBig = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0)
const cmpStr = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Sort orders: largest first for counters (as `sort -g | tail` shows them), names ascending; ties by key. */
export const SORTS: Record<SortKey, (a: AllocSite, b: AllocSite) => number> = {
  bytes: (a, b) => cmpBig(b.bytes, a.bytes) || byKey(a, b),
  calls: (a, b) => cmpBig(b.calls, a.calls) || byKey(a, b),
  file: (a, b) => cmpStr(a.file, b.file) || a.lineNo - b.lineNo || byKey(a, b),
  func: (a, b) => cmpStr(a.func, b.func) || byKey(a, b),
  key: byKey,
}

/** The scope (--module/--file/--function: scope.ts), and what selects rows within it. */
export interface SiteFilter extends SiteScope {
  /** Only sites the kernel marked ` accurate:no`. */
  inaccurateOnly?: boolean
  /** Only sites with at least this many bytes. */
  minBytes?: bigint
}

/** The filter in words, for the totals line and --json: ["file =~ /^mm\//", "bytes >= 1048576"]. */
export function describeFilter(f: SiteFilter): string[] {
  const out = scopeWords(f, 'regex')
  if (f.minBytes !== undefined) out.push(`bytes >= ${f.minBytes}`)
  if (f.inaccurateOnly) out.push('accurate:no')
  return out
}

export function matches(s: AllocSite, f: SiteFilter): boolean {
  if (f.inaccurateOnly && s.accurate) return false
  if (f.minBytes !== undefined && s.bytes < f.minBytes) return false
  return inScope(s, f)
}

export interface Totals {
  sites: number
  bytes: bigint
  calls: bigint
}

/** Sums bytes and calls. In Numbers while every partial sum stays exact (< 2^53): a BigInt add allocates, a Number add does not. */
export function totalsOf(sites: readonly AllocSite[]): Totals {
  const SAFE = 2 ** 53
  let b = 0
  let c = 0
  let i = 0
  for (; i < sites.length; i++) {
    const x = Number(sites[i]!.bytes)
    const y = Number(sites[i]!.calls)
    // |x| < 2^52 and |partial sum| < 2^52 keep the next sum exact.
    if (Math.abs(x) >= SAFE / 2 || y >= SAFE / 2 || Math.abs(b + x) >= SAFE / 2 || c + y >= SAFE / 2) break
    b += x
    c += y
  }
  let bytes = BigInt(b)
  let calls = BigInt(c)
  for (; i < sites.length; i++) {
    bytes += sites[i]!.bytes
    calls += sites[i]!.calls
  }
  return {sites: sites.length, bytes, calls}
}

const noFilter = (f: SiteFilter) => !f.inaccurateOnly && f.minBytes === undefined && !hasScope(f)

export interface Selection {
  matched: Totals
  /** The sites to show, sorted, at most `top` (0 = all). */
  shown: AllocSite[]
}

/** @param all the totals of `sites` when the caller has them (the reader does): no filter, no second sum. */
export function selectSites(sites: readonly AllocSite[], filter: SiteFilter, sort: SortKey, top: number, all?: Totals): Selection {
  const cmp = SORTS[sort]
  if (all !== undefined && noFilter(filter) && top > 0 && top * 8 < sites.length) return {matched: all, shown: topN(sites, top, cmp)}
  const kept = sites.filter((s) => matches(s, filter))
  if (top <= 0 || top * 8 >= kept.length) return {matched: totalsOf(kept), shown: kept.sort(cmp).slice(0, top > 0 ? top : undefined)}
  return {matched: totalsOf(kept), shown: topN(kept, top, cmp)}
}

/** The first n in cmp order without sorting everything: most sites lose against the current n-th. */
export function topN<T>(items: readonly T[], n: number, cmp: (a: T, b: T) => number): T[] {
  const best: T[] = []
  for (const x of items) {
    if (best.length === n && cmp(x, best[n - 1]) >= 0) continue
    let i = best.length
    while (i > 0 && cmp(x, best[i - 1]) < 0) i--
    best.splice(i, 0, x)
    if (best.length > n) best.pop()
  }
  return best
}
