// Fleet summaries merge by laws (fast-check, SYNTHETIC records drawn from small pools so that
// signatures, hosts and kernels collide; each pool holds `__proto__`, a name a log can give): the summary of a list does not depend on the order of
// the records nor on how they are split and grouped; merge is associative and commutative with
// the empty summary as identity; a summary survives JSON and merges again; a signature keeps its
// most severe finding's severity; inputs are counted once
// overall and once per release, whatever the number of boots (records) of a log.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {BATCH_SCHEMA, type BatchRecord} from '../../src/batch/schema.js'
import {summaryOfRecord} from '../../src/fleet/record.js'
import {emptySummary, Folder, type FleetSummary, mergeSummaries} from '../../src/fleet/summary.js'
import {KLAB_KINDS, type KlabCounts, type Severity, SEVERITIES} from '../../src/types.js'

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs)
const finding = fc.record({
  signature: pick(['a|x', 'b|y', 'c|z', 'alloc-tag-not-set|t', '__proto__']),
  severity: pick(SEVERITIES),
  count: fc.integer({min: 1, max: 5}),
})
const record: fc.Arbitrary<BatchRecord> = fc
  .record({
    path: pick(['h/1', 'h/2', 'h/3', 'h/4', 'h/5', 'h/6']),
    hostname: fc.option(pick(['alpha', 'beta', 'gamma', '__proto__']), {nil: undefined}),
    // Years outside 0-9999 too (a tar header's mtime): ISO text that does not sort as time.
    mtime: fc.option(pick(['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z', '+011476-08-01T00:00:00.000Z', '-001200-01-01T00:00:00.000Z']), {nil: undefined}),
    release: fc.option(pick(['6.12.1', '7.2.13', '__proto__']), {nil: undefined}),
    cpus: pick([1, 64, 4096, 8192]),
    recorder: pick(['legacy', 'pool', 'none', 'unknown'] as const),
    findings: fc.array(finding, {maxLength: 3}),
    error: fc.option(pick(['empty: expected a kernel log', 'permission denied', '__proto__']), {nil: undefined}),
    earlyPfns: fc.integer({min: 0, max: 20000}),
    legacyMax: pick([256, 8192]),
    // A boot of a log holding several (its input's first record, or a later one), or a log of one boot.
    boot: fc.option(fc.boolean(), {nil: undefined}),
    // A dump's accounting anomalies by kind (a kind absent, or counted).
    // The prediction's severity (batch grades it): none, or any.
    graded: fc.option(pick(SEVERITIES), {nil: undefined}),
    anomalies: fc.option(fc.dictionary(pick(['negative-bytes', 'wrapped-calls', 'invalid-counter', 'duplicate-key']), fc.integer({min: 0, max: 3})), {nil: undefined}),
    // The boot's klab lines, each with 0-2 impossible counters (a kind may repeat: a log printing it twice).
    klab: fc.option(fc.array(fc.record({kind: pick(KLAB_KINDS), bad: fc.integer({min: 0, max: 2})}), {maxLength: 3}), {nil: undefined}),
  })
  .map((r): BatchRecord => {
    const input = {path: r.path, ...(r.mtime ? {mtime: r.mtime} : {})}
    if (r.error) return {schema: BATCH_SCHEMA, input, error: {reason: r.error}}
    return {
      schema: BATCH_SCHEMA,
      input,
      kind: 'bootlog',
      ...(r.boot === undefined ? {} : {boot: {index: r.boot ? 1 : 2, offset: 0, count: 2, firstLine: 1, lastLine: 2, first: r.boot}}),
      ...(r.hostname ? {hostname: r.hostname} : {}),
      host: {...(r.release ? {release: {value: r.release, line: 1, text: ''}} : {}), possibleCpus: {value: r.cpus, line: 2, text: ''}},
      profiling: {mode: 'enabled', modeReason: '', debug: true, debugReason: '', debugSource: {from: 'log', line: 1}, recorder: r.recorder, recorderReason: ''},
      findings: r.findings.map((f, i) => ({id: f.signature.split('|')[0]!, severity: f.severity, title: f.signature, signature: f.signature, line: i + 1, count: f.count, corrupted: false})),
      ...(r.klab ? {klab: r.klab.map((k, i) => klabLine(k.kind, k.bad, i + 1))} : {}),
      ...(r.anomalies ? {allocinfo: {version: '1.0', lines: 1, sites: 1, bytes: '0', calls: '0', inaccurateSites: 0, anomalies: 0, anomalyCounts: r.anomalies, skipped: 0}} : {}),
      prediction: {profile: 'p', window: 'before-smp', earlyPfns: r.earlyPfns, legacyMax: r.legacyMax, legacyDropped: Math.max(0, r.earlyPfns - r.legacyMax), legacyOverflow: r.earlyPfns > r.legacyMax, ...(r.graded ? {severity: {severity: r.graded, why: 'w'}} : {}), notes: []},
    }
  })

/** A SYNTHETIC klab line with `bad` impossible counters (negative, as a damaged line prints them); none: no `bad`, as the reader writes it. */
function klabLine(kind: KlabCounts['kind'], bad: number, line: number): KlabCounts {
  const list = Array.from({length: bad}, (_, i) => ({metric: `m${i}`, digits: '-1', problem: 'negative' as const}))
  return {kind, values: {recorded: 1}, line, ...(bad > 0 ? {bad: list} : {})}
}

/** A multi-boot input: its path and mtime (one path on two machines is two inputs). */
const multiBootKey = (r: BatchRecord) => JSON.stringify([r.input.path, r.input.mtime])
const fold = (rs: BatchRecord[]): FleetSummary => rs.map(summaryOfRecord).reduce(mergeSummaries, emptySummary())
const json = (s: FleetSummary) => JSON.stringify(s)
const records = fc.array(record, {maxLength: 30})
const summary = records.map(fold)

describe('fleet summary laws', () => {
  it('order independent: any permutation of the records gives the same summary (byte for byte)', () => {
    fc.assert(
      fc.property(records, fc.infiniteStream(fc.double({min: 0, max: 1, noNaN: true})), (rs, rnd) => {
        const it = rnd[Symbol.iterator]()
        const shuffled = [...rs].sort(() => it.next().value! - 0.5)
        expect(json(fold(shuffled))).toBe(json(fold(rs)))
      }),
    )
  })

  it('split anywhere: summary(A ++ B) = merge(summary(A), summary(B))', () => {
    fc.assert(
      fc.property(records, fc.nat(), (rs, at) => {
        const k = rs.length ? at % (rs.length + 1) : 0
        expect(json(mergeSummaries(fold(rs.slice(0, k)), fold(rs.slice(k))))).toBe(json(fold(rs)))
      }),
    )
  })

  it('associative, commutative, identity', () => {
    fc.assert(
      fc.property(summary, summary, summary, (a, b, c) => {
        expect(json(mergeSummaries(a, mergeSummaries(b, c)))).toBe(json(mergeSummaries(mergeSummaries(a, b), c)))
        expect(json(mergeSummaries(a, b))).toBe(json(mergeSummaries(b, a)))
        expect(json(mergeSummaries(a, emptySummary()))).toBe(json(a))
      }),
    )
  })

  it('a summary read back from JSON merges to the same result; the chunked Folder equals merging one by one', () => {
    fc.assert(
      fc.property(records, records, (x, y) => {
        const back = JSON.parse(json(fold(x))) as FleetSummary
        expect(json(mergeSummaries(back, fold(y)))).toBe(json(fold([...x, ...y])))
        const f = new Folder()
        for (const r of [...x, ...y]) f.add(summaryOfRecord(r))
        expect(json(f.result())).toBe(json(fold([...x, ...y])))
      }),
    )
  })

  it('counts what it was given: inputs, errors, distinct hosts, overflow hosts and their severity, anomalies and impossible klab counters by kind, predictions by severity', () => {
    fc.assert(
      fc.property(records, (rs) => {
        const s = fold(rs)
        expect(s.inputs).toBe(rs.filter((r) => !r.boot || r.boot.first).length)
        expect(s.errors).toBe(rs.filter((r) => r.error).length)
        const ok = rs.filter((r) => !r.error)
        // Per release: a log of one boot is an input each; a log of several, once however many boots.
        for (const [kernel, row] of Object.entries(s.kernels)) {
          const of = ok.filter((r) => (r.host?.release?.value ?? 'unknown') === kernel)
          expect(row.inputs).toBe(of.filter((r) => !r.boot).length + new Set(of.filter((r) => r.boot).map(multiBootKey)).size)
        }
        for (const [sig, row] of Object.entries(s.signatures)) {
          const withSig = ok.filter((r) => r.findings!.some((f) => f.signature === sig))
          // An input once, however many of its boots have the signature (as a release's inputs).
          expect(row.inputs).toBe(withSig.filter((r) => !r.boot).length + new Set(withSig.filter((r) => r.boot).map(multiBootKey)).size)
          expect(row.hosts).toEqual([...new Set(withSig.map((r) => r.hostname ?? r.input.path))].sort())
          // First and last seen: the earliest and latest mtime as times.
          const seen = withSig.flatMap((r) => (r.input.mtime ? [r.input.mtime] : [])).sort((a, b) => Date.parse(a) - Date.parse(b))
          expect([row.firstSeen, row.lastSeen]).toEqual([seen[0], seen.at(-1)])
          // The most severe of its findings, whatever the order (the least as text kept info over warning).
          const ranks = withSig.flatMap((r) => r.findings!.filter((f) => f.signature === sig).map((f) => SEVERITIES.indexOf(f.severity)))
          expect(row.severity).toBe(SEVERITIES[Math.max(...ranks)])
        }
        // A row per CPU count and legacy array size: each boot with its own limit, never another's.
        for (const [cpus, byLimit] of Object.entries(s.cpus))
          for (const [max, row] of Object.entries(byLimit)) {
            const of = ok.filter((r) => String(r.host!.possibleCpus!.value) === cpus && (r.prediction as {legacyMax: number}).legacyMax === Number(max))
            expect([row.boots, row.overflow]).toEqual([of.length, of.filter((r) => (r.prediction as {legacyOverflow: boolean}).legacyOverflow).length])
          }
        // Anomalies by kind: every one counted, and the dumps with one.
        for (const [kind, row] of Object.entries(s.anomalies ?? {})) {
          const n = ok.map((r) => (r.allocinfo?.anomalyCounts as Record<string, number> | undefined)?.[kind] ?? 0)
          expect([row.count, row.dumps]).toEqual([n.reduce((a, b) => a + b, 0), n.filter((x) => x > 0).length])
        }
        // Impossible klab counters by line kind: every one counted, and the boots with one.
        for (const kind of KLAB_KINDS) {
          const n = ok.map((r) => (r.klab ?? []).filter((k) => k.kind === kind).reduce((a, k) => a + (k.bad?.length ?? 0), 0))
          const want = n.some((x) => x > 0) ? {boots: n.filter((x) => x > 0).length, count: n.reduce((a, b) => a + b, 0)} : undefined
          expect(s.badCounters?.[kind] && {boots: s.badCounters[kind].boots, count: s.badCounters[kind].count}).toEqual(want)
        }
        expect(Object.keys(s.anomalies ?? {}).length).toBe(new Set(ok.flatMap((r) => Object.entries(r.allocinfo?.anomalyCounts ?? {}).filter(([, x]) => x! > 0).map(([k]) => k))).size)
        // Boots by prediction severity per release; an overflow row at the worst of its host's overflowing boots.
        const graded = (r: BatchRecord) => (r.prediction as {severity?: {severity: Severity}}).severity?.severity
        for (const [kernel, row] of Object.entries(s.kernels)) {
          const of = ok.filter((r) => (r.host?.release?.value ?? 'unknown') === kernel && graded(r))
          const want: Record<string, number> = {}
          for (const r of of) want[graded(r)!] = (want[graded(r)!] ?? 0) + 1
          expect(row.predictionSeverities ?? {}).toEqual(want)
        }
        for (const [host, row] of Object.entries(s.overflow)) {
          const ranks = ok.filter((r) => (r.hostname ?? r.input.path) === host && (r.prediction as {legacyOverflow: boolean}).legacyOverflow && graded(r)).map((r) => SEVERITIES.indexOf(graded(r)!))
          expect(row.severity).toBe(ranks.length ? SEVERITIES[Math.max(...ranks)] : undefined)
        }
        const over = ok.filter((r) => (r.prediction as {legacyOverflow: boolean}).legacyOverflow)
        expect(Object.keys(s.overflow).sort()).toEqual([...new Set(over.map((r) => r.hostname ?? r.input.path))].sort())
      }),
    )
  })
})
