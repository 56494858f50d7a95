// BootAnalysis (+ allocinfo summary) → the neutral Report: Host, Profiling, Early-PFN tracking,
// Findings, optional call traces, and the allocinfo blocks.
import {type Block, type Cell, type KvBlock, type Report, type Style, NONE, bytesCell, severityCell} from '../render/report.js'
import {byCount, pct, plural} from '../render/units.js'
import {num} from '../readers/count.js'
import type {AllocSite, BootAnalysis, Finding, HostFacts, Severity, Splat} from '../types.js'
import {anomalyKindsBlock} from '../allocinfo/report.js'
import type {AllocInfoSummary} from './allocinfo-summary.js'
import type {DumpUse} from '../model/from-boot.js'
import type {FindingKind} from './detectors.js'
import {isSkippedFrame} from './frames.js'
import {inputDamage} from './input-notes.js'
import {MAX_SKIPPED} from '../readers/bootlog/sink.js'
import {HOST_FACT_LABELS, PROFILING_LABELS, hostFactCell} from './labels.js'
import {pfnPoolSize} from '../kernel.js'
import {legacyArraySize} from './built-recorder.js'
import {messageLine} from './profiling.js'

export interface AnalyseResult extends BootAnalysis {
  allocinfo?: AllocInfoSummary
  /** A capture directory's dump not used for this boot (it goes with the log's last: --boot -1), and why. */
  dump?: DumpUse
  /**
   * One boot of several (BootsAnalyseResult.boots): the worst of what --fail-on gates on in it (its
   * findings, impossible klab counters, the dump's anomalies on the boot it goes with); absent when none.
   */
  severity?: Severity
}

export interface AnalyseReportOptions {
  /** Print the call trace of each splat, the guilty frame marked. */
  traces: boolean
  /** Raw numbers instead of IEC units. */
  bytes?: boolean
}

type KvRow = KvBlock['rows'][number]

/** Host facts as rows, labelled and shown as analysis/labels.ts says (the boot-log diff uses the same). */
function hostFacts(h: HostFacts, keys: (keyof HostFacts)[], rawBytes = false): KvRow[] {
  return keys.flatMap((k) => {
    const f = h[k]
    // An inferred fact points at the line it was inferred at; the Why block says how.
    return f ? [{key: HOST_FACT_LABELS[k], value: hostFactCell(k, f.value, rawBytes), note: `line ${f.line}${f.reason ? ', inferred' : ''}`}] : []
  })
}

type Size = (n: number | bigint) => Cell

/** The report of `allocscope analyse`: host, profiling, early-PFN tracking, why, findings (traces, allocinfo). */
export function buildAnalyseReport(a: AnalyseResult, opts: AnalyseReportOptions): Report {
  // Cells carry the exact byte count for CSV whatever the table shows (render/report.ts bytesCell).
  const size: Size = (n) => bytesCell(n, opts.bytes)
  const rawBytes = opts.bytes ?? false
  const blocks: Block[] = [hostBlock(a, rawBytes), profilingBlock(a), earlyBlock(a, rawBytes)]
  if (a.klab.length) {
    blocks.push({
      kind: 'text',
      title: 'Lab measurements (klab: lines of an instrumented kernel)',
      lines: a.klab.flatMap((k) => wrap(`${k.kind} (line ${k.line}): ${Object.entries(k.values).map(([n, v]) => `${n}=${v}`).join(' ')}`)),
    })
  }
  blocks.push(whyBlock(a), findingsBlock(a))
  if (opts.traces) blocks.push(...traceBlocks(a.findings))
  if (a.allocinfo) blocks.push(...allocinfoBlocks(a.allocinfo, size))
  else if (a.dump) blocks.push({kind: 'text', title: 'allocinfo', lines: wrap(`${a.dump.path}: not used: ${a.dump.reason}`)})
  return {blocks}
}

function hostBlock(a: AnalyseResult, rawBytes: boolean): KvBlock {
  const h = a.host
  return {
    kind: 'kv',
    title: 'Host',
    rows: [
      {key: 'source', value: a.source, note: `${a.format}: ${a.formatReason}`},
      ...bootRows(a),
      {key: 'records', value: a.records, note: skippedNote(a)},
      ...replayRows(a),
      {key: 'lines', value: a.lines},
      ...inputDamage(a.input).map((d) => ({key: d.key, value: {text: d.text, style: 'warn' as Style}})),
      ...hostFacts(h, ['hostname', 'release', 'cmdline', 'possibleCpus', 'presentCpus', 'onlineCpus', 'nrCpusConfig', 'maxcpus', 'numaNodes', 'memoryTotalKiB'], rawBytes),
      ...memoryAvailableRow(h, rawBytes),
      ...hostFacts(h, ['gbPages', 'kasan', 'kmemleak', 'hardware'], rawBytes),
      ...(h.logEndsDuring ? [{key: HOST_FACT_LABELS.logEndsDuring, value: {text: `during ${h.logEndsDuring.value} (cut short)`, style: 'warn' as Style}, note: `began line ${h.logEndsDuring.line}`}] : []),
    ],
  }
}

/** Which boot of a multi-boot log: one value per row (its number as journalctl --list-boots numbers it, its lines). */
function bootRows(a: AnalyseResult): KvRow[] {
  const b = a.boot
  if (!b) return []
  return [
    {key: 'boot', value: b.offset, note: `${b.index} of ${b.count} in the log${b.startReason ? `; starts at ${b.startReason}` : ''}`},
    {key: 'first line', value: b.firstLine},
    {key: 'last line', value: b.lastLine},
  ]
}

function profilingBlock(a: AnalyseResult): KvBlock {
  const h = a.host
  const p = a.profiling
  return {
    kind: 'kv',
    title: 'Profiling',
    rows: [
      {key: PROFILING_LABELS.mode, value: p.mode, ...(p.modeLine ? {note: `line ${p.modeLine}`} : {})},
      ...hostFacts(h, ['memProfilingParam']),
      {key: PROFILING_LABELS.debug, value: String(p.debug)},
    ],
  }
}

function earlyBlock(a: AnalyseResult, rawBytes: boolean): KvBlock {
  const h = a.host
  const p = a.profiling
  const seen = (id: FindingKind) => {
    const f = a.findings.find((x) => x.id === id)
    return f ? {value: {text: 'yes', style: 'bad' as Style}, note: `line ${messageLine(f)}, ${f.count ?? 1}x`} : {value: 'no'}
  }
  return {
    kind: 'kv',
    title: 'Early-PFN tracking',
    rows: [
      {key: PROFILING_LABELS.recorder, value: p.recorder},
      ...hostFacts(h, ['pageExtWindow', 'pageExtBytes', 'deferredInit'], rawBytes),
      ...headroom(a),
      {key: 'array overflow', ...seen('early-pfn-overflow')},
      {key: 'pool page failure', ...seen('pool-alloc-failed')},
      {key: 'alloc_tag was not set', ...seen('alloc-tag-not-set')},
    ],
  }
}

function whyBlock(a: AnalyseResult): Block {
  const h = a.host
  const p = a.profiling
  return {
    kind: 'text',
    title: 'Why',
    lines: [
      ...wrap(`mode ${p.mode}: ${p.modeReason}`),
      ...wrap(`DEBUG ${p.debug}: ${p.debugReason}`),
      ...wrap(`recorder ${p.recorder}: ${p.recorderReason}`),
      ...(h.gbPages?.reason ? wrap(`GB pages ${h.gbPages.value ? 'yes' : 'no'}: ${h.gbPages.reason}`) : []),
    ],
  }
}

/** PFN_POOL_SIZE of the lab kernels (x86-64, 4 KiB pages): 510. */
const PFN_POOL_SIZE_4K = pfnPoolSize(4096, 8)

/** How full the recorder was, from the lab's true counts (klab: lines), when the kernel printed them. */
function headroom(a: BootAnalysis): KvRow[] {
  const legacy = a.klab.find((k) => k.kind === 'early_pfn_legacy')
  if (legacy && legacy.values.recorded !== undefined) {
    const bad = badCounters(legacy, ['recorded', 'dropped'])
    if (bad) return [{key: 'array recorded', value: {text: `not computed: ${bad}`, style: 'warn'}, note: `klab line ${legacy.line}`}]
    const r = num(legacy.values.recorded)
    const d = num(legacy.values.dropped ?? 0)
    const slots = legacyArraySize(a)
    return [
      {key: 'array recorded', value: {text: `${r} PFNs`, raw: r}, note: `klab line ${legacy.line}; ${pct(r, slots)} of ${slots} slots`},
      ...(d ? [{key: 'array dropped', value: {text: `${d} PFNs`, raw: d}}] : []),
    ]
  }
  const pool = a.klab.find((k) => k.kind === 'early_pfn')
  if (pool && pool.values.pools) {
    const bad = badCounters(pool, ['recorded', 'pools'])
    if (bad) return [{key: 'pool recorded', value: {text: `not computed: ${bad}`, style: 'warn'}, note: `klab line ${pool.line}`}]
    const recorded = num(pool.values.recorded ?? 0)
    const pools = num(pool.values.pools)
    const slots = pools * PFN_POOL_SIZE_4K
    return [
      {key: 'pool recorded', value: {text: `${recorded} PFNs`, raw: recorded}, note: `klab line ${pool.line}; ${pct(recorded, slots)} of ${slots} slots`},
      {key: 'pool pages', value: pools},
    ]
  }
  return []
}

/** The counters among `metrics` that no kernel can have printed (negative, beyond 64 bits), said as such; undefined when none. */
function badCounters(k: BootAnalysis['klab'][number], metrics: string[]): string | undefined {
  const bad = (k.bad ?? []).filter((b) => metrics.includes(b.metric))
  return bad.length ? bad.map((b) => `${b.metric}=${b.digits} is ${b.problem}`).join(', ') + ', which no kernel counter can be' : undefined
}

/**
 * One paragraph per reason: the renderers wrap it to the output's width with a hanging indent
 * (render/layout.ts), so a wide terminal is not hard-wrapped at 76 and text/mail is still < 80.
 */
export function wrap(text: string): string[] {
  return [text.replace(/\s+/g, ' ').trim()]
}

/**
 * `Memory: …K/…K available` is printed by mem_init(), before deferred struct-page init (and
 * deferred_init=lazy's on-demand init) has freed the rest of memory: on such a host the figure is
 * what was free then, not what the booted host has.
 */
function memoryAvailableRow(h: BootAnalysis['host'], rawBytes: boolean): KvRow[] {
  const rows = hostFacts(h, ['memoryAvailableKiB'], rawBytes)
  const lazy = h.cmdline !== undefined && /(?:^|\s)deferred_init=lazy(?:\s|$)/.test(h.cmdline.value)
  if (rows[0] && (h.deferredInit?.value || lazy)) {
    const when = h.deferredInit ? `deferred page init finished at line ${h.deferredInit.line}` : 'deferred_init=lazy initialises the rest on demand'
    rows[0].note = `${rows[0].note}; printed before ${when}: memory freed later is not in it`
  }
  return rows
}

/** The boot printed again (a console showing dmesg): what of it was a repeat, not analysed twice. */
function replayRows(a: BootAnalysis): KvRow[] {
  const rows: KvRow[] = (a.replays ?? []).map((r) => ({
    key: 'printed again',
    value: `from line ${r.line}: ${r.repeated} of ${plural(r.records, 'record')} repeated, not analysed again`,
  }))
  if (a.replaysNotStored) rows.push({key: 'printed again', value: plural(a.replaysNotStored, 'more time')})
  return rows
}

function skippedNote(a: BootAnalysis): string | undefined {
  const parts: string[] = []
  const n = a.skippedTotal ?? a.skipped.length
  if (n) parts.push(`${n}${a.skippedTotal === undefined && n >= MAX_SKIPPED ? '+' : ''} ${byCount(n, 'line')} skipped`)
  if (a.droppedMessages) parts.push(`${plural(a.droppedMessages, 'printk message')} dropped`)
  if (a.timeWentBackwards) parts.push(`time went backwards ${a.timeWentBackwards}x`)
  return parts.length ? parts.join(', ') : undefined
}

/** One row per signature (the first occurrence), with how often it occurred. */
function findingsBlock(a: BootAnalysis): Block {
  const firsts = new Map<string, Finding>()
  for (const f of a.findings) if (!firsts.has(f.signature)) firsts.set(f.signature, f)
  const rows = [...firsts.values()].map((f) => ({
    severity: severityCell(f.severity),
    id: f.id,
    // Whether the report is damaged is a value of its own in CSV (`title corrupted`).
    title: {text: f.title + (f.corrupted ? ` [corrupted: ${f.splat?.corruptedReason ?? 'yes'}]` : ''), raw: f.title, extra: {corrupted: f.corrupted ? (f.splat?.corruptedReason ?? 'yes') : ''}},
    line: f.line,
    count: f.count ?? 1,
  }))
  return {
    kind: 'table',
    title: 'Findings',
    columns: [
      {key: 'severity', header: 'severity', priority: 0},
      {key: 'id', header: 'id', priority: 3},
      {key: 'title', header: 'title', priority: 0, extras: ['corrupted']},
      {key: 'line', header: 'line', align: 'right', priority: 2},
      {key: 'count', header: 'count', align: 'right', priority: 1},
    ],
    rows,
    empty: a.findingsNotStored ? `(none stored; ${a.findingsNotStored} not stored)` : 'No findings.',
  }
}

function traceBlocks(findings: readonly Finding[]): Block[] {
  const done = new Set<string>()
  const out: Block[] = []
  for (const f of findings) {
    if (!f.splat || done.has(f.signature)) continue
    done.add(f.signature)
    out.push({kind: 'text', title: `Trace: ${f.title} (lines ${f.splat.startLine}-${f.splat.endLine})`, lines: traceLines(f.splat)})
  }
  return out
}

export function traceLines(s: Splat): string[] {
  const head: string[] = []
  if (s.message) head.push(...s.message.split('\n').map((l) => `message: ${l}`))
  const at = [s.file && `${s.file}:${s.fileLine}`, s.fn && `${s.fn}${s.offset ? `+${s.offset}` : ''}`].filter(Boolean).join(' ')
  if (at) head.push(`at: ${at}`)
  const who = [s.cpu !== undefined && `CPU ${s.cpu}`, s.comm && `${s.comm}${s.pid !== undefined ? `/${s.pid}` : ''}`, s.kernel, s.taint].filter(Boolean).join(', ')
  if (who) head.push(`on: ${who}`)
  if (s.corrupted) head.push(`corrupted: ${s.corruptedReason}`)
  // A guilty frame outside the call trace (the faulting PC, a lockdep `at:`) is shown first.
  const own = s.guilty && !s.frames.some((f) => f.line === s.guilty!.line && f.fn === s.guilty!.fn) ? [s.guilty] : []
  const frames = [...own, ...s.frames].map((f) => {
    const mark = f === s.guilty || (s.guilty && f.line === s.guilty.line && f.fn === s.guilty.fn) ? '>' : f.reliable && isSkippedFrame(f.fn) ? '-' : ' '
    const ctx = f.context ? `[${f.context}] ` : ''
    return `${mark} ${f.reliable ? '  ' : '? '}${ctx}${f.fn}${f.offset ? `+${f.offset}` : ''}${f.module ? ` [${f.module}]` : ''}`
  })
  return [...head, 'call trace (> guilty frame, - allocator/report internals, ? unreliable):', ...(frames.length ? frames : ['  (no frames)'])]
}

/** `file:line func [module]`: the site, its module in a CSV column of its own. */
function siteCell(x: AllocSite): Cell {
  const site = `${x.file}:${x.lineNo} ${x.func}`
  return {text: site + (x.module ? ` [${x.module}]` : ''), raw: site, extra: {module: x.module ?? ''}}
}

function allocinfoBlocks(s: AllocInfoSummary, size: (n: bigint) => Cell): Block[] {
  const cols = [
    {key: 'bytes', header: 'bytes', align: 'right' as const, priority: 0},
    {key: 'calls', header: 'calls', align: 'right' as const, priority: 2},
    {key: 'site', header: 'site', priority: 0, extras: ['module']},
  ]
  const row = (x: AllocSite) => ({bytes: size(x.bytes), calls: x.calls, site: siteCell(x)})
  return [
    {
      kind: 'kv',
      title: 'allocinfo',
      rows: [
        {key: 'source', value: s.source},
        {key: 'version', value: s.version},
        {key: 'lines', value: s.lines},
        {key: 'sites', value: s.totals.sites},
        {key: 'bytes', value: size(s.totals.bytes)},
        {key: 'calls', value: s.totals.calls},
        {key: 'accurate:no sites', value: s.inaccurateCount},
        ...(s.anomalies ? [{key: 'anomalies', value: {text: String(s.anomalies), style: 'warn' as Style}, note: 'by kind: Accounting anomalies below'}] : []),
        ...(s.skipped ? [{key: 'skipped lines', value: s.skipped}] : []),
        ...(s.truncated ? [{key: 'truncated', value: {text: 'yes', style: 'warn' as Style}, note: `${s.truncated}: the totals are of what was read`}] : []),
      ],
    },
    {kind: 'table', title: `Top ${plural(s.top.length, 'site')} by bytes`, columns: cols, rows: s.top.map(row), empty: 'No sites.'},
    {
      kind: 'table',
      title: 'accurate:no sites (counters known to be incomplete)',
      columns: cols,
      rows: s.inaccurate.map(row),
      empty: s.version === '2.0' ? 'None.' : `None (allocinfo format ${s.version} has no accurate:no marker).`,
    },
    ...(s.anomalyKinds.length ? [anomalyKindsBlock(s.anomalyKinds)] : []),
  ]
}

/** `analyse` on a log holding several boots: every boot kept, numbered as `journalctl --list-boots`. */
export interface BootsAnalyseResult {
  source: string
  /** Boots in the log. */
  count: number
  /** Boots analysed but not kept (only the last MAX_BOOTS are). */
  omitted: number
  /** Each boot's analysis; the last boot's (offset 0) carries the dump's summary (allocinfo): it was read after that boot. */
  boots: AnalyseResult[]
  /** The last boot's allocinfo again, as before the boots carried it (kept for readers of that); allocinfoBoot names the boot. */
  allocinfo?: AllocInfoSummary
  /** The offset of the boot the dump goes with (0: the log's last): boots[].boot.offset. */
  allocinfoBoot?: number
}

/** The list of boots, then each boot's own report, its blocks titled with its number. */
export function buildBootsReport(r: BootsAnalyseResult, opts: AnalyseReportOptions): Report {
  const list: Block = {
    kind: 'table',
    title: `Boots (${r.count} in the log${r.omitted ? `, the first ${r.omitted} not kept` : ''}; numbered as journalctl --list-boots)`,
    columns: [
      {key: 'idx', header: 'boot', align: 'right', priority: 0},
      {key: 'first', header: 'first line', align: 'right', priority: 0},
      {key: 'last', header: 'last line', align: 'right', priority: 0},
      {key: 'kernel', header: 'kernel', priority: 1},
      {key: 'findings', header: 'findings', align: 'right', priority: 1},
      // The dump's accounting anomalies (every one counted) on the boot it goes with, and the worst of
      // what --fail-on gates on in each boot: a boot with no finding can still trip it (README Severity).
      {key: 'anomalies', header: 'allocinfo anomalies', align: 'right', priority: 1},
      {key: 'severity', header: 'severity', priority: 1},
      {key: 'why', header: 'starts at', priority: 2},
    ],
    rows: r.boots.map((b) => ({
      idx: b.boot?.offset ?? 0,
      first: b.boot?.firstLine ?? '',
      last: b.boot?.lastLine ?? '',
      kernel: b.host.release?.value ?? 'unknown',
      findings: b.findings.length,
      anomalies: b.allocinfo ? b.allocinfo.anomalies : NONE,
      severity: b.severity ? severityCell(b.severity) : NONE,
      why: b.boot?.startReason ?? 'the start of the log',
    })),
  }
  const blocks: Block[] = [list]
  for (const b of r.boots) {
    const sub = buildAnalyseReport(b, opts)
    const offset = b.boot?.offset ?? 0
    const scope = `Boot ${offset}`
    for (const blk of sub.blocks) blocks.push({...blk, title: `${scope}: ${blk.title ?? ''}`, scope, scopeCell: {header: 'boot', value: offset}})
  }
  return {blocks}
}
