// The `allocinfo` command's result (its --json value) and the neutral Report built from it.
import {type Block, type Cell, type Column, type Report, bytesCell, cellText, severityCell} from '../render/report.js'
import {iec, pct, plural} from '../render/units.js'
import {type AllocAnomaly, type AllocSite, type AnomalyCounts, type KlabCounts, SEVERITIES, type Severity, type Skipped} from '../types.js'
import type {SortKey, Totals} from './select.js'
import type {TreeRow} from './tree.js'
import {outsideWords, type SiteScope, anomalyTotal} from './scope.js'
import {ownGet, put} from '../own.js'

export interface AllocInfoResult {
  source: string
  /** Header version: '1.0', '2.0', or 'none' (no header line). */
  version: string
  lines: number
  sort: SortKey
  /** Every site in the input (duplicates summed). */
  totals: Totals
  /** The active filters in words (empty: every site). */
  filters: string[]
  /** The sites that pass the filters. */
  matched: Totals
  /** How many sites are listed in `sites`. */
  shown: number
  sites: AllocSite[]
  tree?: {depth: number; prefixes: number; rows: TreeRow[]}
  /**
   * The first MAX_ANOMALIES of each kind, each with its severity (what --fail-on sees); anomalyCounts
   * counts them all. With --module/--file/--function, those at the sites they keep (scope.ts).
   */
  anomalies: (AllocAnomaly & {severity: Severity})[]
  anomalyCounts: AnomalyCounts
  /** With --module/--file/--function: the dump's anomalies at sites they leave out (not listed, not gated on). */
  anomaliesOutsideFilters?: number
  /** The first MAX_SKIPPED skipped lines; skippedTotal and skippedByReason count them all. */
  skipped: Skipped[]
  skippedTotal: number
  skippedByReason: Record<string, number>
  /** Why the input ended early (a gzip stream cut short): the sites are those read up to the damage. */
  truncated?: string
}

/** Severity of each anomaly for --fail-on: summed duplicates are normal (inlined helpers), the rest are accounting bugs. */
export const ANOMALY_SEVERITY: Record<AllocAnomaly['kind'], Severity> = {
  'duplicate-key': 'info',
  'negative-bytes': 'warning',
  'wrapped-calls': 'warning',
  'invalid-counter': 'warning',
}

/** A klab counter no kernel can have printed (negative, beyond 64 bits) is an accounting anomaly: warning, as allocinfo's (README Severity). */
export const BAD_COUNTER_SEVERITY: Severity = 'warning'

/**
 * A boot's impossible klab counters by their line's kind (KlabCounts.bad, every one counted; a kind
 * without one absent): what fleet sums over boots, and what badCounterSeverities grades.
 */
export function badCounterCounts(klab: readonly Pick<KlabCounts, 'kind' | 'bad'>[]): Record<string, number> {
  const out: Record<string, number> = {}
  // Own keys: a record read back by batch --resume names its kind itself (a `constructor` read Object's, `__proto__` set the prototype).
  for (const k of klab) if (k.bad?.length) put(out, k.kind, (ownGet(out, k.kind) ?? 0) + k.bad.length)
  return out
}

/**
 * The severities of impossible klab counters, one per kind with any (badCounterCounts): what analyse's,
 * batch's and fleet's --fail-on see. Counts, not the lines, so that fleet grades its sums by the same rule.
 */
export const badCounterSeverities = (counts: Readonly<Record<string, number>>): Severity[] => Object.values(counts).filter((n) => n > 0).map(() => BAD_COUNTER_SEVERITY)

/** The severities of a dump's anomalies, by kind (every one counted, not only the kept): what --fail-on sees. */
export function anomalySeverities(counts: AnomalyCounts): Severity[] {
  return (Object.keys(ANOMALY_SEVERITY) as AllocAnomaly['kind'][]).filter((k) => (counts[k] ?? 0) > 0).map((k) => ANOMALY_SEVERITY[k])
}

/**
 * What --fail-on sees in one boot: its findings' severities, its impossible klab counters' and, for
 * the boot a dump goes with, the dump's anomalies'. One rule for analyse (each boot of a log, the
 * Boots table's severity column) and batch (each record: batch/severity.ts adds the prediction's).
 */
export function bootSeverities(b: {findings?: readonly {severity: Severity}[]; klab?: readonly Pick<KlabCounts, 'kind' | 'bad'>[]; allocinfo?: {anomalyCounts?: AnomalyCounts}}): Severity[] {
  return [...(b.findings ?? []).map((f) => f.severity), ...badCounterSeverities(badCounterCounts(b.klab ?? [])), ...anomalySeverities(b.allocinfo?.anomalyCounts ?? {})]
}

/** The most severe of some severities as its index in SEVERITIES; -1 when there is none. */
export const severityRank = (list: readonly Severity[]): number => Math.max(-1, ...list.map((s) => SEVERITIES.indexOf(s)))

/** The most severe of some severities; undefined when there is none. */
export const worstSeverity = (list: readonly Severity[]): Severity | undefined => SEVERITIES[severityRank(list)]

/** One kind of anomaly in a dump: how many (every one), the severity --fail-on gives it, and the first of the kind. */
export interface AnomalyKind {
  kind: AllocAnomaly['kind']
  severity: Severity
  count: number
  /** The first of the kind read (absent only when none was kept). */
  example?: Omit<AllocAnomaly, 'kind'>
}

/** A dump's anomalies by kind, the most severe first: what a command that reads a dump beside a log shows of it, so the output says what tripped --fail-on. */
export function anomalyKinds(anomalies: readonly AllocAnomaly[], counts: AnomalyCounts): AnomalyKind[] {
  const rank = (k: AnomalyKind) => SEVERITIES.indexOf(k.severity)
  const kinds = (Object.keys(ANOMALY_SEVERITY) as AllocAnomaly['kind'][]).filter((k) => (counts[k] ?? 0) > 0)
  return kinds
    .map((kind): AnomalyKind => {
      const first = anomalies.find((a) => a.kind === kind)
      return {kind, severity: ANOMALY_SEVERITY[kind], count: counts[kind]!, ...(first ? {example: {line: first.line, key: first.key, detail: first.detail}} : {})}
    })
    .sort((a, b) => rank(b) - rank(a))
}

/** Anomalies (a dump's kept ones, trend's, diff's new ones), each with its severity (the JSON's rows say what tripped --fail-on, as README Severity has it). */
export const gradedAnomalies = <A extends Pick<AllocAnomaly, 'kind'>>(list: readonly A[]): (A & {severity: Severity})[] => list.map((a) => ({...a, severity: ANOMALY_SEVERITY[a.kind]}))

/** How many anomalies a dump has, every one counted (the kept list stops at MAX_ANOMALIES of a kind). */
/** Kept here too: its readers import it with the report's other anomaly helpers. */
export {anomalyTotal}

export interface ReportOptions {
  /** Raw byte counts instead of IEC units. */
  raw: boolean
  /** The site filters given (--module/--file/--function): the anomalies' title names them. */
  scope?: SiteScope
}

const MAX_SKIPPED_SHOWN = 10

type Size = (b: bigint) => Cell
type Words = (b: bigint) => string

/** The report of `allocscope allocinfo`: the sites (or the path tree), totals, anomalies, skipped lines. */
export function buildAllocInfoReport(r: AllocInfoResult, opts: ReportOptions): Report {
  // Cells carry the exact byte count for CSV whatever the table shows (render/report.ts bytesCell).
  const size: Size = (b) => bytesCell(b, opts.raw)
  const sizeWords: Words = (b) => (opts.raw ? `${b} bytes` : iec(b))
  const blocks: Block[] = [r.tree ? treeBlock(r, r.tree, size) : sitesBlock(r, size), totalsBlock(r, sizeWords)]
  if (r.anomalies.length > 0) blocks.push(anomaliesBlock(r, opts.scope ?? {}))
  else if (r.anomaliesOutsideFilters) blocks.push({kind: 'text', title: 'anomalies (0)', lines: [outsideWords(r.anomaliesOutsideFilters, opts.scope ?? {})]})
  if (r.skippedTotal > 0) blocks.push(skippedBlock(r))
  return {blocks}
}

function treeBlock(r: AllocInfoResult, tree: NonNullable<AllocInfoResult['tree']>, size: Size): Block {
  const shown = tree.rows.length
  return {
    kind: 'table',
    title: `bytes by path prefix, depth ${tree.depth}` + (shown < tree.prefixes ? ` (top ${shown} of ${tree.prefixes})` : ''),
    columns: [
      {key: 'prefix', header: 'prefix', priority: 5},
      {key: 'sites', header: 'sites', align: 'right', priority: 2},
      {key: 'bytes', header: 'bytes', align: 'right', priority: 0},
      {key: 'share', header: '% bytes', align: 'right', priority: 1},
      {key: 'calls', header: 'calls', align: 'right', priority: 3},
    ],
    rows: tree.rows.map((t) => ({
      prefix: t.prefix,
      sites: t.sites,
      bytes: size(t.bytes),
      share: pct(Number(t.bytes), Number(r.matched.bytes)),
      calls: t.calls,
    })),
    empty: emptyText(r),
  }
}

/** An empty table says why: the dump had no site at all (a header only), or the filters left none. */
const emptyText = (r: AllocInfoResult): string => (r.totals.sites === 0 ? 'the dump holds no site line' : 'no site matches the filters')

function sitesBlock(r: AllocInfoResult, size: Size): Block {
  const columns: Column[] = [
    {key: 'bytes', header: 'bytes', align: 'right', priority: 0},
    {key: 'calls', header: 'calls', align: 'right', priority: 4},
    {key: 'site', header: 'file:line', priority: 5},
    {key: 'func', header: 'function', priority: 5},
  ]
  if (r.sites.some((s) => s.module !== undefined)) columns.push({key: 'module', header: 'module', priority: 3})
  if (r.sites.some((s) => !s.accurate)) columns.push({key: 'accurate', header: 'acc', priority: 2})
  if (r.sites.some((s) => s.count > 1)) columns.push({key: 'lines', header: 'summed', align: 'right', priority: 1})
  return {
    kind: 'table',
    title: `${r.shown < r.matched.sites ? `top ${r.shown} of ` : ''}${plural(r.matched.sites, 'site')} by ${r.sort}`,
    columns,
    rows: r.sites.map((s) => ({
      bytes: s.bytes < 0n ? {text: cellText(size(s.bytes)), raw: s.bytes, style: 'bad'} : size(s.bytes),
      calls: s.calls,
      site: `${s.file}:${s.lineNo}`,
      func: s.func,
      module: s.module ?? '',
      accurate: s.accurate ? '' : {text: 'no', style: 'warn'},
      lines: s.count > 1 ? `${s.count} lines` : '',
    })),
    empty: emptyText(r),
  }
}

function totalsBlock(r: AllocInfoResult, sizeWords: Words): Block {
  // Titles are short (the text renderer does not clip them); the source goes in the totals lines.
  const source = `${r.source} (allocinfo ${r.version === 'none' ? 'without header' : r.version})`
  const filtered = r.matched.sites !== r.totals.sites
  const invalid = r.anomalyCounts['invalid-counter'] ?? 0
  return {
    kind: 'text',
    lines: [
      `source: ${source}`,
      `total: ${plural(r.totals.sites, 'site')}, ${sizeWords(r.totals.bytes)}, ${plural(r.totals.calls, 'call')} (${plural(r.lines, 'line')} read)`,
      ...(invalid > 0 ? [`left out of the total: ${plural(invalid, 'line')} with a counter the kernel cannot print (anomalies: invalid-counter)`] : []),
      ...(filtered || r.filters.length > 0
        ? [`filters: ${r.filters.join(', ')}`, `matched: ${plural(r.matched.sites, 'site')}, ${sizeWords(r.matched.bytes)}, ${plural(r.matched.calls, 'call')}`]
        : []),
    ],
  }
}

/** An anomaly's cells, in the allocinfo command's table (each one) and in analyse's and diff's (the first of each kind). */
const ANOMALY_COLUMNS: Record<'severity' | 'line' | 'kind' | 'key' | 'detail', Column> = {
  severity: {key: 'severity', header: 'severity', priority: 1},
  line: {key: 'line', header: 'line', align: 'right', priority: 3},
  kind: {key: 'kind', header: 'kind', priority: 5},
  key: {key: 'key', header: 'site', priority: 4},
  detail: {key: 'detail', header: 'detail', priority: 2},
}

const anomalyCells = (kind: AllocAnomaly['kind'], a: Omit<AllocAnomaly, 'kind'> | undefined): Record<string, Cell> => ({
  severity: severityCell(ANOMALY_SEVERITY[kind]),
  kind: {text: kind, style: kind === 'duplicate-key' ? 'dim' : 'bad'},
  line: a?.line,
  key: a?.key,
  detail: a?.detail,
})


function anomaliesBlock(r: AllocInfoResult, scope: SiteScope): Block {
  const total = anomalyTotal(r.anomalyCounts)
  const c = ANOMALY_COLUMNS
  const outside = r.anomaliesOutsideFilters ? `; ${outsideWords(r.anomaliesOutsideFilters, scope)}` : ''
  return {
    kind: 'table',
    title: `anomalies (${total > r.anomalies.length ? `${r.anomalies.length} shown of ${total}` : total}${outside})`,
    // Severity first, as in analyse's, diff's and fleet's anomaly tables.
    columns: [c.severity, c.line, c.kind, c.key, c.detail],
    rows: r.anomalies.map((a) => anomalyCells(a.kind, a)),
  }
}

/** The anomalies of a dump read beside a boot log, one row per kind with the first of it (analyse --allocinfo, diff's one capture). */
export function anomalyKindsBlock(kinds: readonly AnomalyKind[]): Block {
  const c = ANOMALY_COLUMNS
  return {
    kind: 'table',
    title: 'Accounting anomalies in allocinfo (by kind, the first of each)',
    columns: [c.severity, c.kind, {key: 'count', header: 'count', align: 'right', priority: 3}, c.line, c.key, c.detail],
    rows: kinds.map((k) => ({...anomalyCells(k.kind, k.example), count: k.count})),
  }
}

function skippedBlock(r: AllocInfoResult): Block {
  const lines = r.skipped.slice(0, MAX_SKIPPED_SHOWN).map((s) => `line ${s.line}: ${s.reason}`)
  if (r.skippedTotal > MAX_SKIPPED_SHOWN) {
    const by = Object.entries(r.skippedByReason).map(([why, n]) => `${n} ${why}`)
    lines.push(`... and ${r.skippedTotal - lines.length} more (${by.join(', ')}; the first ${r.skipped.length} in --json)`)
  }
  return {kind: 'text', title: `skipped lines (${r.skippedTotal})`, lines}
}
