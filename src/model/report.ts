// Prediction / sweep / fleet / calibration results → the neutral Report the renderers print.
import {inSampleNote, noIntervalReason} from './profile.js'
import {HOST_FACT_LABELS} from '../analysis/labels.js'
import {type Block, type Cell, type KvBlock, type Report, type TableBlock, NONE, bytesCell} from '../render/report.js'
import {byCount, iec, plural} from '../render/units.js'
import type {FitOutcome} from './calibrate.js'
import {sections} from './host.js'
import type {InventoryRow} from './fleet.js'
import type {MeasuredEarly} from './from-boot.js'
import type {MeasuredCheck} from './measured.js'
import type {RuleOutcome} from '../diff/rules.js'
import type {Prediction, Sweep} from './predict.js'
import type {RecorderRun} from './recorders/result.js'
import {DELTA_NOTE, TOLERANCE_LABEL, measuredDelta, relText, withinTolerance} from './tolerance.js'
import {type Interval, intervalErrorsText} from './interval.js'
import {caveatLine, overflowWhere, sweptWhere} from './cpu-ranges.js'
import {ownGet} from '../own.js'

/** Notes as paragraphs: the renderers wrap them to the output's width (render/layout.ts). */
export function wrap(lines: string[]): string[] {
  return lines
}

const num = (n: number | undefined, d = 1) => (n === undefined ? '' : Number.isInteger(n) ? n : +n.toFixed(d))

/** `value (low-high)`, the interval form of every predicted count in tables (ASCII: --format text keeps it). */
export function withInterval(iv: Interval): string {
  return iv.low === iv.value && iv.high === iv.value ? String(iv.value) : `${iv.value} (${iv.low}-${iv.high})`
}

/** A predicted count: `value (low-high)[ unit]` in tables; in CSV the value, and low and high in columns of their own. */
export function intervalCell(iv: Interval, unit = ''): Cell {
  return {text: withInterval(iv) + (unit ? ` ${unit}` : ''), raw: iv.value, extra: {low: iv.low, high: iv.high}}
}

// One value per row (CSV reads each as it is): CPUs, memory and page facts in rows of their own,
// labelled as `analyse` labels the same facts (analysis/labels.ts).
export function hostBlock(p: Prediction): Block {
  const h = p.host
  const u = p.uncertainty
  return {
    kind: 'kv',
    title: `Host${h.name ? ` ${h.name}` : ''}`,
    rows: [
      {key: HOST_FACT_LABELS.possibleCpus, value: h.possibleCpus},
      {key: HOST_FACT_LABELS.onlineCpus, value: h.onlineCpus},
      {key: 'memory', value: bytesCell(h.memoryBytes), note: `${sections(h)} sections`},
      {key: HOST_FACT_LABELS.numaNodes, value: h.nodes},
      {key: 'page size', value: bytesCell(h.pageSize)},
      {key: 'word bits', value: h.wordBytes * 8},
      {key: 'PFN_POOL_SIZE', value: p.poolSize},
      {key: HOST_FACT_LABELS.pageExtWindow, value: p.window, note: p.windowReason},
      ...gbPagesRows(p),
      {key: 'profile', value: p.profile},
      {key: 'early allocations', value: intervalCell(p.calls, 'calls'), note: 'PFNs offered'},
      {key: 'early pages', value: intervalCell(p.pagesInterval, 'pages')},
      ...intervalLevelRows(u),
      fittedRangeRow(p),
    ],
  }
}

/** Inside or outside the profile's fitted range; not used without an early window (compressed: every count 0 by the kernel's rule). */
function fittedRangeRow(p: Prediction): KvBlock['rows'][number] {
  const u = p.uncertainty
  if (p.window === 'none') return {key: 'fitted range', value: 'not used', note: 'no early window: nothing fitted is predicted'}
  return {key: 'fitted range', value: u.extrapolation.length ? {text: 'outside', style: 'warn'} : 'inside', ...(u.extrapolation.length ? {note: u.extrapolation.join('; ')} : {})}
}

function intervalLevelRows(u: Prediction['uncertainty']): KvBlock['rows'] {
  if (u.missing) return [{key: 'interval', value: u.missing}]
  const half = (q: number, n: number, few: boolean, what: string, of: 'calls' | 'pages') => ({
    value: {text: `+/- ${round2(q * u.widen)} x ${TOLERANCE_LABEL} at the value`, raw: round2(q * u.widen)},
    // One boot's error is the largest of one: 'the … error of 1 boot x 1.5'.
    note: `${what}: in units of ${TOLERANCE_LABEL}; ${few ? (n === 1 ? 'the' : 'the largest of the') : 'from the'} ${intervalErrorsText(u, of)} ${byCount(n, 'error')} of ${plural(n, 'boot')}${few ? ' x 1.5 (fewer than 9)' : ''}${u.widen > 1 ? `, widened ×${u.widen} for extrapolation` : ''}`,
  })
  return [
    {key: 'interval level', value: {text: `${Math.round(u.level * 100)} %`, raw: u.level}},
    {key: 'interval half-width', ...half(u.q, u.fittedOn, u.fewCaptures, 'early allocations', 'calls')},
    {key: 'pages half-width', ...half(u.pageQ, u.pageFittedOn, u.pageFewCaptures, "early pages (their own model's errors)", 'pages')},
  ]
}

/** The kernel's own recorder, said before the what-ifs of the table below. */
export function kernelBlock(p: Prediction): Block {
  const k = p.kernel
  const rows: KvBlock['rows'] = [{key: 'recorder', value: p.recorder, note: p.recorderReason}]
  if (k) {
    rows.push(
      {key: 'recorded', value: intervalCell(k.recorded)},
      {key: 'calls left untagged', value: intervalCell(k.leftUntaggedCalls, 'calls'), note: 'never tagged; a klab untagged_calls counts every early call, recorded or not'},
      {key: 'pages left untagged', value: intervalCell(k.leftUntaggedPages, 'pages')},
      {key: 'would warn if freed', value: intervalCell(k.wouldWarnIfFreedPages, 'pages'), note: p.host.debug ? '"alloc_tag was not set" (DEBUG kernel)' : 'no DEBUG: the kernel has no such WARN'},
    )
  }
  return {kind: 'kv', title: "This kernel's early-PFN recorder", rows}
}

function round2(x: number): number {
  return Math.round(x * 100) / 100
}

/** Shown only off the default: a 2 MiB direct map, and whether the profile counts it. */
function gbPagesRows(p: Prediction): KvBlock['rows'] {
  if (p.host.gbPages !== false) return []
  const t = p.terms.find((x) => x.id === 'noGbPages')
  return [{key: 'GB pages', value: 'no (2 MiB direct map)', note: t ? `noGbPages: +${num(t.calls)} calls` : 'not in the profile'}]
}

/**
 * May warn if freed: the dropped pages, on a DEBUG kernel only. Without DEBUG the kernel has no
 * recorder and no WARN (lib/alloc_tag.c builds both under MEM_ALLOC_PROFILING_DEBUG): nothing warns,
 * whatever the what-if run dropped (the notes say what a DEBUG kernel in this window would).
 */
function warnCell(r: RecorderRun, debug: boolean): Cell {
  if (!debug) return {text: '0 (no DEBUG)', raw: 0, style: 'dim'}
  return r.wouldWarnIfFreed.pages ? {text: plural(r.wouldWarnIfFreed.pages, 'page'), style: 'warn', raw: r.wouldWarnIfFreed.pages} : 0
}

function runCells(r: RecorderRun | undefined, debug: boolean): Record<string, Cell> {
  if (!r) return {}
  const a = r.leakedAccounting
  return {
    recorded: r.recorded,
    dropped: r.dropped ? {text: String(r.dropped), style: 'bad'} : 0,
    poolsPublished: r.recorder === 'pool' ? r.poolsPublished : NONE,
    raceFrees: r.recorder === 'pool' ? r.raceFrees : NONE,
    peak: bytesCell(r.trackingBytesPeak),
    leaked: r.recorder === 'pool' ? {text: `${a.expected} (≤ ${a.worstCase}) = ${iec(a.bytes)}`, raw: a.expected, extra: {worst: a.worstCase, bytes: a.bytes}} : NONE,
    overflow: r.overflow ? {text: `at event ${r.overflow.atEvent}`, style: 'bad'} : r.allocFailures ? {text: `${r.allocFailures} alloc failures`, style: 'bad'} : 'no',
    warnPages: warnCell(r, debug),
  }
}

export function recorderBlock(p: Prediction): Block {
  const rows = [p.legacy, p.pool].filter((r): r is RecorderRun => !!r).map((r) => ({recorder: r.recorder, ...runCells(r, p.host.debug)}))
  return {
    kind: 'table',
    title: p.recorder === 'unknown' ? 'Early-PFN recorders, events executed one by one' : `Each recorder executed event by event (what-ifs, except ${p.recorder === 'none' ? 'none: this kernel has no recorder' : p.recorder})`,
    columns: [
      {key: 'recorder', header: 'recorder', priority: 0},
      {key: 'recorded', header: 'recorded', align: 'right', priority: 0},
      {key: 'dropped', header: 'dropped', align: 'right', priority: 0},
      {key: 'poolsPublished', header: 'pools kept', align: 'right', priority: 4},
      {key: 'raceFrees', header: 'race losers\' pages', align: 'right', priority: 3},
      {key: 'peak', header: 'tracking peak', align: 'right', priority: 2},
      {key: 'leaked', header: 'leaked acct', priority: 1, extras: ['worst', 'bytes']},
      {key: 'overflow', header: 'overflow', priority: 3},
      {key: 'warnPages', header: 'may warn if freed', align: 'right', priority: 2},
    ],
    rows,
  }
}

export function predictionReport(p: Prediction): Report {
  const blocks: Block[] = [kernelBlock(p), hostBlock(p), recorderBlock(p)]
  const lines: string[] = []
  for (const r of [p.legacy, p.pool]) {
    if (!r) continue
    for (const w of r.warnings) lines.push(`${r.recorder}: "${w.text}" at event ${w.atEvent} (CPU ${w.cpu})`)
    if (r.wouldWarnIfFreed.calls) {
      const them = byCount(r.wouldWarnIfFreed.calls, 'it', 'any of them')
      const what = p.host.debug
        ? `freeing ${them} trips "alloc_tag was not set" once (WARN_ONCE) on a DEBUG kernel`
        : `on a DEBUG kernel in this window freeing ${them} would trip "alloc_tag was not set" once (WARN_ONCE); this host has no DEBUG, so nothing warns`
      lines.push(
        `${r.recorder}: ${plural(r.wouldWarnIfFreed.calls, 'dropped allocation')}, ${plural(r.wouldWarnIfFreed.pages, 'page')}: ${what}` +
          (r.wouldWarnIfFreed.sample.length ? `; first PFNs ${r.wouldWarnIfFreed.sample.map((d) => `${d.pfn} (order ${d.order})`).join(', ')}` : ''),
      )
    }
    if (r.raceFreesAcrossPageExt) lines.push(`${r.recorder}: ${plural(r.raceFreesAcrossPageExt, 'race loser page')} got page_ext between alloc and free (hazard a; v4+ clears the reference first)`)
  }
  lines.push(...p.notes)
  if (lines.length) blocks.push({kind: 'text', title: 'Notes', lines: wrap(lines)})
  return {blocks}
}

const COUNT_UNITS: Record<MeasuredCheck['count'], string> = {calls: 'early PFNs', pages: 'early pages', pools: 'pools'}

/** One measured count against its interval: inside, outside, or not judged (another host). */
function checkText(c: MeasuredCheck): string {
  const verdict = c.inside === undefined ? 'not judged' : c.inside ? 'inside the 90 % interval' : 'OUTSIDE the 90 % interval'
  return `${c.measured} ${COUNT_UNITS[c.count]}, predicted ${withInterval(c.predicted)}: ${verdict}`
}

/**
 * What an instrumented boot (predict --from a lab capture) measured, each count against its
 * interval (model/measured.ts); with host flags over the capture, against another host: no check.
 */
export function measuredBlock(p: Prediction, measured: MeasuredEarly, checks: MeasuredCheck[], ctx: {inFit?: string; overridden: boolean; unsetTags?: RuleOutcome}): Block {
  // The sign diff uses (tolerance.ts DELTA_NOTE), said in the line: negative = predicted more.
  const {delta, rel} = measuredDelta(p.events, measured.calls)
  const [calls, ...rest] = checks
  return {
    kind: 'text',
    title: 'Measured on this boot',
    lines: wrap([
      `klab ${measured.kind} (line ${measured.line}): ${checkText(calls)}; delta ${delta > 0 ? '+' : ''}${delta}, rel ${relText(rel)} (${DELTA_NOTE})` +
        (ctx.inFit ? `; ${inSampleNote(ctx.inFit, p.profile)}` : ''),
      ...rest.map(checkText),
      ...(ctx.unsetTags ? [unsetTagsText(p, ctx.unsetTags, ctx.overridden)] : []),
      ...(ctx.overridden ? ['against a different host (host flags over the capture, see the warnings): not a check'] : []),
    ]),
  }
}

/** The log's `alloc_tag was not set` warnings (diff's unset-tags outcome) against the pages predicted to warn when freed. */
function unsetTagsText(p: Prediction, o: RuleOutcome, overridden: boolean): string {
  const lines = o.evidence.filter((e) => e.from === 'log' && e.line !== undefined).map((e) => e.line)
  const where = lines.length ? ` (${byCount(lines.length, 'line')} ${lines.join(', ')})` : ''
  const predicted = p.kernel ? withInterval(p.kernel.wouldWarnIfFreedPages) : '0'
  const verdict = overridden ? 'not judged' : `${o.severity} (diff's unset-tags rule${o.cause ? `; cause: ${o.cause}` : ''})`
  return `observed ${o.message}${where}, predicted ${predicted} pages would warn if freed: ${verdict}`
}

export function sweepBlock(s: Sweep): Block {
  return {
    kind: 'table',
    title: 'Sweep (possible = online CPUs)',
    columns: [
      {key: 'cpus', header: 'CPUs', align: 'right', priority: 0},
      {key: 'events', header: 'early PFNs (90 %)', align: 'right', priority: 0, extras: ['low', 'high']},
      {key: 'widened', header: 'interval widened', align: 'right', priority: 2},
      {key: 'legacyRecorded', header: 'legacy recorded', align: 'right'},
      {key: 'legacyDropped', header: 'legacy dropped', align: 'right', priority: 2},
      {key: 'poolRecorded', header: 'pool recorded', align: 'right'},
      {key: 'poolsPublished', header: 'pools kept', align: 'right', priority: 2},
      {key: 'raceFrees', header: 'race frees', align: 'right'},
    ],
    rows: s.points.map((p) => ({...p, events: intervalCell({value: p.events, low: p.low, high: p.high}), widened: widenedCell(p.widened), legacyDropped: p.legacyDropped ? {text: String(p.legacyDropped), style: 'bad'} : p.legacyDropped})),
  }
}

/** An interval's widening outside the fitted range: empty inside it. */
const widenedCell = (w: number): Cell => (w === 1 ? '' : {text: `×${w}`, raw: w})

/** The swept points' notes, each once with the points it applies to (their warnings go with the command's). */
export function sweepNotesBlock(s: Sweep): Block[] {
  const notes = s.caveats.filter((c) => c.kind === 'note')
  return notes.length ? [{kind: 'text', title: 'Notes', lines: wrap(notes.map((c) => caveatLine(c, s.points.length)))}] : []
}

/** Where the legacy array overflows (the count at every CPU count of the range), then the 90 % interval's ends at the swept points. */
export function sweepSummary(s: Sweep): string {
  const cpus = s.points.map((p) => p.cpus)
  const where = `the legacy array (${s.legacyMax} slots) ${overflowWhere(s.overflows, s.swept)} on this host shape (the predicted count, at every CPU count of the range)`
  const at = `at the ${cpus.length} swept point${cpus.length === 1 ? '' : 's'}`
  const iv = s.intervalAbove.high.length
    ? `90 % interval, ${at}: its high end lies above ${s.legacyMax} ${sweptWhere(s.intervalAbove.high, cpus)}, its low end ${sweptWhere(s.intervalAbove.low, cpus)}`
    : `the 90 % interval stays within ${s.legacyMax} ${at}`
  return `${where}${s.noOverflowReason ? `: ${s.noOverflowReason}` : ''}${fallsText(s)}; ${iv}`
}

/** Where the count falls as CPUs grow: a curve that is not monotone has no one crossing. */
function fallsText(s: Sweep): string {
  if (!s.falls.length) return ''
  const each = s.falls.slice(0, 4).map((f) => `${f.cpus - 1}→${f.cpus} (${f.before}→${f.after}${f.terms.length ? `: ${f.terms.join(', ')}` : ''})`)
  const more = s.falls.length > 4 ? ` and at ${s.falls.length - 4} more CPU counts` : ''
  return `; the predicted count is not monotone in the CPUs: it falls as they grow at ${each.join(', ')}${more}`
}

const FLEET_KEYS = ['name', 'cpus', 'window', 'profile', 'recorder', 'events', 'eventsLow', 'eventsHigh', 'widened', 'legacyDropped', 'poolsPublished', 'raceFrees', 'severity']

export function fleetBlock(rows: InventoryRow[], extraCols: string[]): TableBlock {
  return {...fleetTable(extraCols), rows: rows.map((r) => fleetCells(r, extraCols))}
}

// Passed-through columns keep their names (CSV headers), prefixed only on a clash.
const extraKey = (c: string) => (FLEET_KEYS.includes(c) ? `x:${c}` : c)

/** The fleet table without its rows: what a streamed fleet (predict --hosts) writes row by row under. */
export function fleetTable(extraCols: string[]): Omit<TableBlock, 'rows'> {
  return {
    kind: 'table',
    title: 'Fleet',
    columns: [
      {key: 'name', header: 'host', priority: 0},
      {key: 'cpus', header: 'CPUs', align: 'right', priority: 0},
      {key: 'window', header: 'window', priority: 1},
      {key: 'profile', header: 'profile', priority: 1},
      // The kernel's own recorder (none without DEBUG: the legacy and pool counts are what-ifs then).
      {key: 'recorder', header: 'recorder', priority: 1},
      {key: 'events', header: 'early PFNs', align: 'right', priority: 0},
      // The count's 90 % interval in columns of its own: a streamed table's CSV has one value per cell.
      {key: 'eventsLow', header: 'early PFNs low', align: 'right', priority: 1},
      {key: 'eventsHigh', header: 'early PFNs high', align: 'right', priority: 1},
      // How much the interval was widened for a host outside the fitted range (empty inside it): the row's notes say why.
      {key: 'widened', header: 'interval widened', align: 'right', priority: 1},
      {key: 'legacyDropped', header: 'legacy dropped', align: 'right', priority: 0},
      {key: 'poolsPublished', header: 'pools kept', align: 'right', priority: 2},
      {key: 'raceFrees', header: 'race frees', align: 'right', priority: 1},
      // Which host trips --fail-on: the row's own severity under the one policy (model/severity.ts).
      {key: 'severity', header: 'severity', priority: 0},
      ...extraCols.map((c) => ({key: extraKey(c), header: c, priority: 1})),
    ],
  }
}

/** One host's cells in the fleet table. */
export function fleetCells(r: InventoryRow, extraCols: string[]): Record<string, Cell> {
  return {
    name: r.name,
    cpus: r.cpus,
    window: r.window,
    profile: r.profile,
    recorder: r.recorder,
    events: r.events,
    eventsLow: r.eventsLow,
    eventsHigh: r.eventsHigh,
    widened: widenedCell(r.widened),
    legacyDropped: r.legacyDropped ? {text: String(r.legacyDropped), style: 'bad'} : r.legacyDropped,
    poolsPublished: r.poolsPublished,
    raceFrees: r.raceFrees,
    severity: r.severity === undefined ? '-' : ({text: r.severity, style: r.severity === 'warning' ? 'warn' : undefined} as Cell),
    ...Object.fromEntries(extraCols.map((c) => [extraKey(c), ownGet(r.extra, c) ?? ''])),
  }
}

/** The 90 % interval a prediction with this profile carries, its coverage, and the fitted range (one value per row). */
function intervalRows(p: FitOutcome['profile']): KvBlock['rows'] {
  const iv = p.provenance.interval
  if (!iv) return [{key: '90 % interval', value: 'none', note: noIntervalReason(p)}]
  const r = p.range
  const cov = /^(\d+)\/(\d+)$/.exec(p.provenance.coverage ?? '')
  return [
    {key: '90 % interval', value: {text: `+/- ${iv.q} x ${TOLERANCE_LABEL} at the value`, raw: iv.q}, note: `from the ${intervalErrorsText(iv)} ${byCount(iv.n, 'error')} of ${plural(iv.n, 'capture')} (an empirical quantile, no guarantee)${iv.fewCaptures ? ' (fewer than 9: the largest error x 1.5)' : ''}`},
    ...(cov ? [{key: 'interval coverage', value: {text: `${p.provenance.coverage} captures inside their own interval`, raw: Number(cov[1]), extra: {of: Number(cov[2])}}, note: "each capture's host shape left out, the interval remade from the other shapes"}] : []),
    ...(r
      ? [
          {key: `fitted ${r.cpuKind} CPUs`, value: {text: `${r.cpus[0]}-${r.cpus[1]}`, raw: r.cpus[0], extra: {to: r.cpus[1]}}},
          {key: 'fitted memory', value: {text: `${iec(r.memoryBytes[0])}-${iec(r.memoryBytes[1])}`, raw: r.memoryBytes[0], extra: {to: r.memoryBytes[1]}}},
          {key: 'fitted nodes', value: {text: `${r.nodes[0]}-${r.nodes[1]}`, raw: r.nodes[0], extra: {to: r.nodes[1]}}},
        ]
      : []),
  ]
}

/** `7/7 within max(10%,8)`: how many of how many, the first the value, the second a CSV column of its own (`of`). */
function withinCell(within: string | undefined): Cell {
  const m = /^(\d+)\/(\d+)$/.exec(within ?? '')
  return m ? {text: `${within} within ${TOLERANCE_LABEL}`, raw: Number(m[1]), extra: {of: Number(m[2])}} : 'undefined'
}

// One value per row: each term's calls and pages, each error measure in a row of its own.
function profileBlock(o: FitOutcome): Block {
  const p = o.profile
  const v = p.provenance
  return {
    kind: 'kv',
    title: `Profile ${p.name}`,
    rows: [
      {key: 'kernel', value: p.kernel},
      {key: 'page_ext window', value: p.window},
      ...p.terms.flatMap((t) => [
        {key: `${t.id} calls`, value: num(t.calls, 4)},
        {key: `${t.id} pages`, value: num(t.pages, 3)},
      ]),
      {key: 'R^2', value: v.r2},
      {key: 'RMSE', value: {text: `${v.rmse} calls`, raw: v.rmse}},
      ...(v.looRmse !== undefined
        ? [
            {key: 'leave-one-out RMSE', value: v.looRmse},
            {key: 'leave-one-out worst', value: {text: `${(100 * v.looMaxRelError!).toFixed(1)}%`, raw: v.looMaxRelError!}},
          ]
        : [{key: 'leave-one-out', value: 'undefined (too few captures)'}]),
      ...(p.params?.slabObjectBytes ? [{key: 'perCpuSlabs objects', value: `kmalloc-${p.params.slabObjectBytes}`}] : []),
      ...(v.nestedLooWithinBound !== undefined ? [{key: 'nested leave-one-out', value: withinCell(v.nestedLooWithinBound), note: 'terms chosen again in every fold'}] : []),
      ...(v.locoRmse !== undefined
        ? [
            {key: 'same shape left out RMSE', value: v.locoRmse},
            {key: 'same shape left out', value: withinCell(v.locoWithinBound)},
          ]
        : [{key: 'same shape left out', value: 'undefined'}]),
      ...intervalRows(p),
      ...pageFitRows(p),
    ],
  }
}

/** The page count's model, measured as the calls' above (calibrate's fitPages). */
function pageFitRows(p: FitOutcome['profile']): KvBlock['rows'] {
  const v = p.provenance
  if (v.pageR2 === undefined) return []
  const iv = v.pageInterval
  const cov = /^(\d+)\/(\d+)$/.exec(v.pageCoverage ?? '')
  return [
    {key: 'pages terms', value: (v.pageTerms ?? []).join(' + '), note: 'the extra pages beyond one per call; pages = calls + extra'},
    {key: 'pages R^2', value: v.pageR2},
    {key: 'pages RMSE', value: {text: `${v.pageRmse} pages`, raw: v.pageRmse!}},
    ...(v.pageLooRmse !== undefined
      ? [
          {key: 'pages leave-one-out RMSE', value: v.pageLooRmse},
          {key: 'pages leave-one-out worst', value: {text: `${(100 * v.pageLooMaxRelError!).toFixed(1)}%`, raw: v.pageLooMaxRelError!}},
        ]
      : [{key: 'pages leave-one-out', value: 'undefined (too few captures)'}]),
    ...(iv ? [{key: 'pages 90 % interval', value: {text: `+/- ${iv.q} x ${TOLERANCE_LABEL} at the value`, raw: iv.q}, note: `from the page model's own ${intervalErrorsText(iv, 'pages')} ${byCount(iv.n, 'error')} of ${plural(iv.n, 'capture')}${iv.fewCaptures ? ' (fewer than 9: the largest error x 1.5)' : ''}`}] : []),
    ...(cov ? [{key: 'pages interval coverage', value: {text: `${v.pageCoverage} captures inside their own interval`, raw: Number(cov[1]), extra: {of: Number(cov[2])}}, note: "each capture's host shape left out, calls and extra pages refitted without it"}] : []),
  ]
}

/** A table of captures: capture, measured, fitted, the columns between, and leave-one-out within the bound. */
function captureColumns(between: TableBlock['columns']): TableBlock['columns'] {
  return [
    {key: 'capture', header: 'capture', priority: 0},
    {key: 'measured', header: 'measured', align: 'right', priority: 0},
    {key: 'fitted', header: 'fitted', align: 'right'},
    ...between,
    {key: 'ok', header: `within ${TOLERANCE_LABEL}`, priority: 0},
  ]
}

const NA: Cell = {text: 'n/a', style: 'dim'}
const orNa = (v: number | undefined): Cell => (v !== undefined ? num(v) : NA)

/** A leave-one-out prediction against the bound: yes, no, or why there is none. */
function looWithin(loo: number | undefined, measured: number | undefined, reason?: string): Cell {
  if (loo === undefined || measured === undefined) return reason ? {text: reason, style: 'dim'} : NA
  return withinTolerance(loo, measured) ? {text: 'yes', style: 'good'} : {text: 'no', style: 'bad'}
}

function capturesBlock(o: FitOutcome): Block {
  return {
    kind: 'table',
    title: 'Captures (calls = early PFNs)',
    columns: captureColumns([
      {key: 'residual', header: 'residual', align: 'right', priority: 2},
      {key: 'loo', header: 'leave-one-out', align: 'right', priority: 0},
      {key: 'nested', header: 'nested LOO', align: 'right', priority: 1},
      {key: 'loco', header: 'same-shape out', align: 'right', priority: 1},
    ]),
    rows: o.points.map((pt) => ({
      capture: pt.capture,
      measured: pt.measured,
      fitted: num(pt.fitted),
      residual: num(pt.measured - pt.fitted),
      loo: orNa(pt.loo),
      nested: orNa(pt.nestedLoo),
      loco: orNa(pt.loco),
      ok: looWithin(pt.loo, pt.measured, pt.looReason),
    })),
  }
}

/** The page model's fit and leave-one-out per capture (calibrate's fitPages), beside the calls' table. */
function capturePagesBlock(o: FitOutcome): Block | undefined {
  if (!o.points.some((pt) => pt.measuredPages !== undefined)) return undefined
  return {
    kind: 'table',
    title: 'Captures: early pages',
    columns: captureColumns([{key: 'loo', header: 'leave-one-out', align: 'right', priority: 0}]),
    rows: o.points.map((pt) => ({capture: pt.capture, measured: pt.measuredPages ?? NONE, fitted: orNa(pt.fittedPages), loo: orNa(pt.looPages), ok: looWithin(pt.looPages, pt.measuredPages)})),
  }
}

function triedBlock(o: FitOutcome): Block {
  return {
  kind: 'table',
  title: 'Term sets tried (leave-one-out)',
  columns: [
    {key: 'terms', header: 'terms (+ base)'},
    {key: 'fails', header: 'outside bound', align: 'right'},
    {key: 'worst', header: 'worst/bound', align: 'right'},
    {key: 'rmse', header: 'LOO RMSE', align: 'right'},
  ],
  rows: o.tried.slice(0, 8).map((t) => ({
    terms: t.terms.join(' + ') || '(base only)',
    fails: t.looFailures,
    worst: Number.isFinite(t.looWorst) ? t.looWorst : 'n/a',
    rmse: Number.isFinite(t.looRmse) ? t.looRmse : 'n/a',
  })),
}
}

export function calibrationReport(o: FitOutcome): Report {
  const p = o.profile
  const pages = capturePagesBlock(o)
  const blocks: Block[] = [profileBlock(o), capturesBlock(o), ...(pages ? [pages] : [])]
  if (o.tried.length) blocks.push(triedBlock(o))
  const notes = [...p.provenance.notes, ...o.lowerBounds.map((b) => `${b.capture}: lower bound ${b.atLeast}, fit ${b.fitted} (${b.satisfied ? 'consistent' : 'VIOLATED'})`)]
  blocks.push({kind: 'text', title: 'Notes', lines: wrap(notes)})
  return {blocks}
}
