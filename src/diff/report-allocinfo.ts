// AllocDiff → Report: the bloat-o-meter summary line, one row per site, the others row, and the
// total line with the percentage change. Numbers stay exact (bytes, not KiB) as in bloat-o-meter.
import {type Block, type Cell, type Column, NONE, deltaCell} from '../render/report.js'
import {byCount, plural, signed} from '../render/units.js'
import {type AllocDiff, type AllocDiffRow, summaryLine, totalLine} from './allocinfo.js'
import {outsideWords, scopeWords} from '../allocinfo/scope.js'
import {MAX_ANOMALIES} from '../readers/allocinfo.js'

const STATUS_TEXT: Record<AllocDiffRow['status'], string> = {new: 'new', gone: 'gone', grow: 'grow', shrink: 'shrink', same: ''}

const dash = (n: bigint | undefined) => (n === undefined ? NONE : n)

export function allocDiffBlocks(d: AllocDiff): Block[] {
  const m = d.metric
  const other = m === 'bytes' ? 'calls' : 'bytes'
  const columns: Column[] = [
    {key: 'site', header: 'site', priority: 0, extras: ['accurate']},
    {key: 'status', header: 'status', priority: 5},
    {key: 'old', header: `old ${m}`, align: 'right', priority: 0},
    {key: 'new', header: `new ${m}`, align: 'right', priority: 0},
    {key: 'delta', header: 'delta', align: 'right', priority: 0},
    {key: 'other', header: `Δ ${other}`, align: 'right', priority: 1},
  ]
  const pick = (r: AllocDiffRow) =>
    m === 'bytes'
      ? {old: r.oldBytes, nu: r.newBytes, delta: r.deltaBytes, other: r.deltaCalls}
      : {old: r.oldCalls, nu: r.newCalls, delta: r.deltaCalls, other: r.deltaBytes}
  const rows: Record<string, Cell>[] = d.rows.map((r) => {
    const v = pick(r)
    return {
      // The site's key; whether its counters are accurate is a CSV column of its own (`site accurate`).
      site: {text: r.key + (r.inaccurate ? ' accurate:no' : ''), raw: r.key, extra: {accurate: r.inaccurate ? 'no' : 'yes'}},
      status: STATUS_TEXT[r.status],
      old: dash(v.old),
      new: dash(v.nu),
      delta: deltaCell(v.delta),
      other: signed(v.other),
    }
  })
  const summaryRows: Record<string, Cell>[] = []
  const od = d.others ? (m === 'bytes' ? d.others.deltaBytes : d.others.deltaCalls) : 0n
  const oo = d.others ? (m === 'bytes' ? d.others.deltaCalls : d.others.deltaBytes) : 0n
  if (d.others) summaryRows.push({site: `[${d.others.count} others]`, status: '', old: '', new: '', delta: deltaCell(od), other: signed(oo)})
  // No row: the renderers print `empty` alone, so it says what the others row and Total would have.
  const empty = d.others
    ? `no row shown: ${plural(d.others.count, 'changed site')} folded into others, ${signed(od)} ${m} and ${signed(oo)} ${other} (${plural(d.sitesCompared, 'site')} compared)`
    : `no site differs in ${m} (${plural(d.sitesCompared, 'site')} compared)`
  const s = d.summary
  return [
    headBlock(d),
    {
      kind: 'table',
      columns,
      rows,
      summaryRows,
      footer: {site: 'Total', status: '', old: s.before, new: s.after, delta: signed(s.net), other: signed(d.summaries[other].net)},
      empty,
    },
    {kind: 'text', lines: [totalLine(s)]},
  ]
}

/**
 * A dump with more anomalies than the reader keeps (MAX_ANOMALIES of a kind, every one counted): only
 * the kept are compared, so the lists above are not all that appeared or went. Said as allocinfo's
 * title ('1000 shown of 1200') and the site filters' warning say it.
 */
function notComparedLines(d: AllocDiff): string[] {
  const n = d.anomalies.notCompared ?? {}
  return (['a', 'b'] as const).flatMap((side) => {
    const x = n[side]
    if (!x) return []
    const rest = x.counted - x.kept
    return [`${side}: ${plural(x.counted, 'anomaly', 'anomalies')} counted, ${x.kept} kept by the reader (the first ${MAX_ANOMALIES} of each kind): only the kept are compared; the other ${rest} ${byCount(rest, 'is', 'are')} not listed as appeared or gone, nor gated on`]
  })
}

/** The diff's head: which files, which filter, the anomalies that appeared, bloat-o-meter's summary. */
function headBlock(d: AllocDiff): Block {
  const filt = scopeWords(d.filter, 'source')
  return {
    kind: 'text',
    // Sources go in the lines, not the title: the text format clips lines to 80 columns.
    title: `allocinfo diff (${d.metric}${d.keyBy === 'func' ? ', by function' : ''})`,
    lines: [
      `a: ${d.a}`,
      `b: ${d.b}`,
      ...(filt.length ? [`filter: ${filt.join(' ')}`] : []),
      ...d.anomalies.appeared.slice(0, 5).map((x) => `anomaly appeared: ${x.kind} at ${x.key} (b ${x.line > 0 ? `line ${x.line}` : 'snapshot: a recording keeps no line'}): ${x.detail}`),
      ...(d.anomalies.appeared.length > 5 ? [`... ${plural(d.anomalies.appeared.length - 5, 'more anomaly', 'more anomalies')} appeared`] : []),
      ...(d.anomalies.gone.length ? [`${plural(d.anomalies.gone.length, 'anomaly', 'anomalies')} of a gone in b`] : []),
      ...notComparedLines(d),
      ...(d.anomaliesOutsideFilters ? [outsideWords(d.anomaliesOutsideFilters, d.filter)] : []),
      summaryLine(d.summary),
    ],
  }
}
