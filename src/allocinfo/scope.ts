// The site filters that say where to look, --module/--file/--function: the one home of what they
// keep, for every command that takes them (allocinfo, diff of two dumps or of one capture, trend).
// They keep sites, and with them the sites' accounting anomalies (an anomaly names its site by
// key: siteOfKey), so a command scoped to a module lists and gates on that module's alone.
import {UsageError} from '../errors.js'
import {siteOfKey} from '../readers/allocinfo-scan.js'
import type {AllocAnomaly, AllocSite, AnomalyCounts} from '../types.js'

/** JavaScript regular expressions over a site's module (built-in sites: the empty string, so `^$` selects them), file and function. */
export interface SiteScope {
  module?: RegExp
  file?: RegExp
  func?: RegExp
}

/** What the scope reads of a site. */
export type ScopedSite = Pick<AllocSite, 'file' | 'func' | 'module'>

/** A scope row: which field, its flag, what it reads of a site. */
const SCOPE_FIELDS: {field: keyof SiteScope; flag: string; get: (s: ScopedSite) => string}[] = [
  {field: 'module', flag: 'module', get: (s) => s.module ?? ''},
  {field: 'file', flag: 'file', get: (s) => s.file},
  {field: 'func', flag: 'function', get: (s) => s.func},
]

/** Compiles a user's regular expression; a bad one is a usage error naming the flag. */
export function compileRegex(flag: string, source: string | undefined): RegExp | undefined {
  if (source === undefined) return undefined
  try {
    return new RegExp(source)
  } catch (e) {
    throw new UsageError(`--${flag}: invalid regular expression '${source}' (${(e as Error).message.replace(/^Invalid regular expression: /, '')}); expected a JavaScript regular expression`)
  }
}

/**
 * The site filters as given: the flags' sources, which siteScope compiles (diff keeps them too, for
 * its JSON `filter` and its words). The module's is matched against the module name; built-in sites
 * have the empty string (`^$` selects them).
 */
export interface ScopeSources {
  module?: string
  file?: string
  func?: string
}

/** The flags' sources compiled (a bad one: compileRegex's usage error). */
export function siteScope(src: ScopeSources): SiteScope {
  const out: SiteScope = {}
  for (const r of SCOPE_FIELDS) {
    const re = compileRegex(r.flag, src[r.field])
    if (re) out[r.field] = re
  }
  return out
}

/** The site filters given, by their fields (a SiteScope, or ScopeSources). */
export type GivenScope = {[K in keyof SiteScope]?: unknown}

/**
 * How a filter given is said: its flag ('--file'); its source, as diff's heads, its one capture's
 * filter row and rule messages say it ('file=^mm/'); its compiled expression, as allocinfo's and
 * trend's `filters` do ('file =~ /^mm\//').
 */
const SCOPE_WORD = {
  flag: (r: (typeof SCOPE_FIELDS)[number]) => `--${r.flag}`,
  source: (r: (typeof SCOPE_FIELDS)[number], v: unknown) => `${r.field}=${String(v)}`,
  regex: (r: (typeof SCOPE_FIELDS)[number], v: unknown) => `${r.field} =~ ${String(v)}`,
}

/** The site filters given, in words, in one order (module, file, function): the one home of the filter in words. */
export function scopeWords(f: GivenScope, style: keyof typeof SCOPE_WORD): string[] {
  return SCOPE_FIELDS.filter((r) => f[r.field] !== undefined).map((r) => SCOPE_WORD[style](r, f[r.field]))
}

/**
 * The anomalies the site filters left out (JSON anomaliesOutsideFilters), in words, naming only the
 * filters given: '1 anomaly outside --file (not gated on)'. Every command's: allocinfo's and trend's
 * anomalies titles, diff's heads (two dumps, one capture).
 */
export const outsideWords = (n: number, f: GivenScope): string => `${n} ${n === 1 ? 'anomaly' : 'anomalies'} outside ${scopeWords(f, 'flag').join('/')} (not gated on)`

export const hasScope = (f: SiteScope): boolean => f.module !== undefined || f.file !== undefined || f.func !== undefined

export function inScope(s: ScopedSite, f: SiteScope): boolean {
  for (const r of SCOPE_FIELDS) {
    const re = f[r.field]
    if (re && !re.test(r.get(s))) return false
  }
  return true
}

/** An anomaly's site, read back from its key; a key that reads as none is matched as a file name. */
export const anomalySite = (key: string): ScopedSite => siteOfKey(key) ?? {file: key, func: ''}

/** The anomalies at sites in scope (all of them without a scope). */
function anomaliesInScope<A extends Pick<AllocAnomaly, 'key'>>(list: readonly A[], f: SiteScope): A[] {
  return hasScope(f) ? list.filter((a) => inScope(anomalySite(a.key), f)) : [...list]
}

/** A dump's (or a series') anomalies within a scope: what is listed and gated on. */
export interface ScopedAnomalies<A extends Pick<AllocAnomaly, 'key' | 'kind'> = AllocAnomaly> {
  anomalies: A[]
  /** By kind, those in scope (the dump's own counts without a scope). */
  anomalyCounts: AnomalyCounts
  /** How many of the dump's anomalies (those the reader kept) are at sites outside the scope (0 without one). */
  outside: number
  /** More anomalies than the reader keeps (MAX_ANOMALIES a kind; trend's store, in all): those past them are not matched, not counted in scope. */
  notes: string[]
}

/** Every anomaly of a dump, by its counts (what the reader counted, kept or not). */
export const anomalyTotal = (counts: AnomalyCounts): number => Object.values(counts).reduce((a, b) => a + (b ?? 0), 0)

export function scopedAnomalies<A extends Pick<AllocAnomaly, 'key' | 'kind'>>(info: {source: string; anomalies: A[]; anomalyCounts: AnomalyCounts}, f: SiteScope): ScopedAnomalies<A> {
  if (!hasScope(f)) return {anomalies: info.anomalies, anomalyCounts: info.anomalyCounts, outside: 0, notes: []}
  const anomalies = anomaliesInScope(info.anomalies, f)
  const anomalyCounts: AnomalyCounts = {}
  for (const a of anomalies) anomalyCounts[a.kind] = (anomalyCounts[a.kind] ?? 0) + 1
  const total = anomalyTotal(info.anomalyCounts)
  const kept = info.anomalies.length
  const notes = total > kept ? [`${info.source}: ${total} anomalies: only the ${kept} kept are matched against the site filters; the others are neither listed nor gated on`] : []
  return {anomalies, anomalyCounts, outside: kept - anomalies.length, notes}
}
