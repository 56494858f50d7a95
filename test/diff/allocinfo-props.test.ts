// Properties of the allocinfo diff on synthetic AllocInfo values (generated, named synthetic):
// diff(a,a) is empty, diff(b,a) = −diff(a,b), totals = Σ rows (+ others) in both delta columns,
// line order irrelevant.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {type AllocDiff, diffAllocInfo} from '../../src/diff/allocinfo.js'
import {allocDiffBlocks} from '../../src/diff/report-allocinfo.js'
import {parseAllocInfoText} from '../../src/readers/allocinfo.js'
import {type Cell, type TableBlock, cellRaw} from '../../src/render/report.js'
import type {AllocInfo, AllocSite} from '../../src/types.js'

const FILES = ['mm/slub.c', 'mm/page_ext.c', 'kernel/fork.c', 'lib/alloc_tag.c', 'fs/dcache.c']
const FUNCS = ['alloc_slab_page', 'alloc_page_ext', 'dup_task_struct', '__alloc_tag_add_early_pfn', 'd_alloc']

const siteArb: fc.Arbitrary<AllocSite> = fc
  .record({
    f: fc.integer({min: 0, max: FILES.length - 1}),
    line: fc.integer({min: 1, max: 6}),
    mod: fc.option(fc.constantFrom('xfs', 'kvm'), {nil: undefined}),
    bytes: fc.bigInt({min: 0n, max: 1n << 40n}),
    calls: fc.bigInt({min: 0n, max: 1n << 20n}),
    accurate: fc.boolean(),
  })
  .map(({f, line, mod, bytes, calls, accurate}) => ({
    key: `${FILES[f]}:${line}${mod ? ` [${mod}]` : ''} func:${FUNCS[f]}`,
    file: FILES[f],
    lineNo: line,
    func: FUNCS[f],
    ...(mod ? {module: mod} : {}),
    bytes,
    calls,
    accurate,
    count: 1,
    lines: [0],
  }))

// One site per key, as every AllocInfo holds (the reader sums lines with the same key; types.ts).
const infoArb = (name: string) =>
  fc.uniqueArray(siteArb, {maxLength: 40, selector: (s) => s.key}).map(
    (sites): AllocInfo => ({
      source: `synthetic-${name}`,
      version: '2.0',
      sites,
      totalBytes: sites.reduce((s, x) => s + x.bytes, 0n),
      totalCalls: sites.reduce((s, x) => s + x.calls, 0n),
      anomalies: [],
      anomalyCounts: {},
      skipped: [],
      skippedTotal: 0,
      skippedByReason: {},
      lines: sites.length,
    }),
  )

const byKey = (d: AllocDiff) => new Map(d.rows.map((r) => [r.key, r]))
const FLIP = {new: 'gone', gone: 'new', grow: 'shrink', shrink: 'grow', same: 'same'} as const

describe('allocinfo diff properties (synthetic AllocInfo)', () => {
  it('diff(a, a) is empty', () => {
    fc.assert(
      fc.property(infoArb('a'), (a) => {
        const d = diffAllocInfo(a, a)
        expect(d.rows).toEqual([])
        expect(d.others).toBeNull()
        for (const s of Object.values(d.summaries)) {
          expect([s.add, s.remove, s.grow, s.shrink, s.up, s.down, s.net]).toEqual([0, 0, 0, 0, 0n, 0n, 0n])
        }
      }),
    )
  })

  it('diff(b, a) is the negation of diff(a, b)', () => {
    fc.assert(
      fc.property(infoArb('a'), infoArb('b'), fc.constantFrom('bytes' as const, 'calls' as const), (a, b, metric) => {
        const ab = diffAllocInfo(a, b, {metric})
        const ba = diffAllocInfo(b, a, {metric})
        const m = byKey(ba)
        expect(m.size).toBe(ab.rows.length)
        for (const r of ab.rows) {
          const q = m.get(r.key)!
          expect(q.deltaBytes).toBe(-r.deltaBytes)
          expect(q.deltaCalls).toBe(-r.deltaCalls)
          expect(q.oldBytes).toBe(r.newBytes)
          expect(q.status).toBe(FLIP[r.status])
        }
        const s = ab.summary
        const t = ba.summary
        expect([t.add, t.remove, t.grow, t.shrink, t.up, t.down, t.net]).toEqual([s.remove, s.add, s.shrink, s.grow, -s.down, -s.up, -s.net])
      }),
    )
  })

  it('totals equal the sum of the rows (with the others row, whatever --top / --min-delta)', () => {
    fc.assert(
      fc.property(
        infoArb('a'),
        infoArb('b'),
        fc.option(fc.integer({min: 0, max: 10}), {nil: undefined}),
        fc.bigInt({min: 0n, max: 1n << 39n}),
        fc.constantFrom('bytes' as const, 'calls' as const),
        (a, b, top, minDelta, metric) => {
          const d = diffAllocInfo(a, b, {top, minDelta, metric})
          const pick = (x: {deltaBytes: bigint; deltaCalls: bigint}) => (metric === 'bytes' ? x.deltaBytes : x.deltaCalls)
          const sum = d.rows.reduce((s, r) => s + pick(r), 0n) + (d.others ? pick(d.others) : 0n)
          expect(sum).toBe(d.summary.net)
          expect(d.summary.after - d.summary.before).toBe(d.summary.net)
          // The other column (Total's Δ calls in a bytes diff) adds up too: rows + others = Total.
          const other = metric === 'bytes' ? 'calls' : 'bytes'
          const pickOther = (x: {deltaBytes: bigint; deltaCalls: bigint}) => (other === 'bytes' ? x.deltaBytes : x.deltaCalls)
          expect(d.rows.reduce((s, r) => s + pickOther(r), 0n) + (d.others ? pickOther(d.others) : 0n)).toBe(d.summaries[other].net)
          if (top !== undefined) expect(d.rows.length).toBeLessThanOrEqual(top)
        },
      ),
    )
  })

  it('the order of the input lines does not matter', () => {
    fc.assert(
      fc.property(
        infoArb('a'),
        infoArb('b'),
        fc.integer(),
        fc.constantFrom('abs' as const, 'delta' as const, 'old' as const, 'new' as const, 'rel' as const, 'site' as const),
        (a, b, seed, sort) => {
          const shuffle = <T>(xs: T[]) => {
            const out = [...xs]
            let s = seed >>> 0
            for (let i = out.length - 1; i > 0; i--) {
              s = (s * 1103515245 + 12345) >>> 0
              const j = s % (i + 1)
              ;[out[i], out[j]] = [out[j], out[i]]
            }
            return out
          }
          const d1 = diffAllocInfo(a, b, {sort, top: 5})
          const d2 = diffAllocInfo({...a, sites: shuffle(a.sites)}, {...b, sites: shuffle(b.sites)}, {sort, top: 5})
          // Rows carry the first site object seen for a key; compare what is printed.
          const view = (d: AllocDiff) => ({rows: d.rows.map((r) => [r.key, r.status, r.oldBytes, r.newBytes, r.deltaBytes, r.deltaCalls, r.inaccurate]), others: d.others, summaries: d.summaries})
          expect(view(d2)).toEqual(view(d1))
        },
      ),
    )
  })
})

// synthetic: three sites; only mm/a.c grows in bytes, all three grow in calls (+2, +3, +3).
const SYN_A = 'allocinfo - version: 2.0\n        4096        1 mm/a.c:1 func:fa \n        8192        2 mm/b.c:2 func:fb \n         100       10 mm/c.c:3 func:fc \n'
const SYN_B = 'allocinfo - version: 2.0\n        8192        3 mm/a.c:1 func:fa \n        8192        5 mm/b.c:2 func:fb \n         100       13 mm/c.c:3 func:fc \n'

/** The table as printed: each delta column's rows + summary rows, and its Total cell. */
function columnSums(d: AllocDiff): Record<'delta' | 'other', {rows: bigint; total: bigint}> {
  const table = allocDiffBlocks(d).find((b): b is TableBlock => b.kind === 'table')!
  const n = (c: Cell | undefined) => BigInt(cellRaw(c ?? '0') || '0')
  const col = (k: 'delta' | 'other') => ({rows: [...table.rows, ...(table.summaryRows ?? [])].reduce((s, r) => s + n(r[k]), 0n), total: n(table.footer?.[k])})
  return {delta: col('delta'), other: col('other')}
}

describe('rows + [others] = Total in every column shown (synthetic dumps)', () => {
  const a = parseAllocInfoText(SYN_A)
  const b = parseAllocInfoText(SYN_B)

  it('bytes diff: the sites whose calls moved and bytes did not are in [others], so Δ calls adds up (+2 + 6 = +8)', () => {
    const d = diffAllocInfo(a, b)
    expect(d.rows.map((r) => [r.key, r.deltaBytes, r.deltaCalls])).toEqual([['mm/a.c:1 fa', 4096n, 2n]])
    expect(d.others).toEqual({count: 2, deltaBytes: 0n, deltaCalls: 6n})
    const sums = columnSums(d)
    expect(sums.delta).toEqual({rows: 4096n, total: 4096n})
    expect(sums.other).toEqual({rows: 8n, total: 8n})
  })

  it('calls diff, --top 1: the same in the other direction', () => {
    const sums = columnSums(diffAllocInfo(a, b, {metric: 'calls', top: 1}))
    expect(sums.delta).toEqual({rows: 8n, total: 8n})
    expect(sums.other).toEqual({rows: 4096n, total: 4096n})
  })

  it('no row left (--min-delta above every change): the message gives what others holds, not "no site differs"', () => {
    const d = diffAllocInfo(a, b, {minDelta: 1n << 20n})
    expect(d.rows).toEqual([])
    const table = allocDiffBlocks(d).find((x): x is TableBlock => x.kind === 'table')!
    expect(table.empty).toBe('no row shown: 3 changed sites folded into others, +4096 bytes and +8 calls (3 sites compared)')
  })
})
