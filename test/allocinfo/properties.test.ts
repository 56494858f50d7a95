// Properties of the reader (fast-check): print∘parse round-trip, order independence, no throw on
// arbitrary text, every line accounted for.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {formatAllocInfo, parseAllocInfoText, scanAllocInfoText} from '../../src/readers/allocinfo.js'
import {InputError} from '../../src/errors.js'
import type {AllocInfo} from '../../src/types.js'
import {REAL_612, dataLines, derivedReordered, realText} from '../helpers/allocinfo-derived.js'

const real = realText()
const real612 = realText(REAL_612)

const view = (i: AllocInfo) =>
  i.sites
    .map((s) => ({key: s.key, bytes: s.bytes, calls: s.calls, accurate: s.accurate, module: s.module, extra: s.extra, count: s.count}))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))

/** Synthetic sites: arbitrary but well-formed names, bigint counters over the full s64/u64 ranges. */
const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,12}$/)
const synthSite = fc.record({
  bytes: fc.bigInt({min: -(1n << 63n), max: (1n << 63n) - 1n}),
  calls: fc.bigInt({min: 0n, max: (1n << 64n) - 1n}),
  file: fc.tuple(name, name).map(([d, f]) => `${d}/${f}.c`),
  lineNo: fc.integer({min: 1, max: 99999}),
  module: fc.option(name, {nil: undefined}),
  func: name,
  accurate: fc.boolean(),
  extra: fc.option(fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/).filter((k) => k !== 'accurate' && k !== 'func'), name, {maxKeys: 2}), {nil: undefined}),
})

describe('allocinfo properties', () => {
  it('print∘parse round-trip on the real captures (same sites after a second parse)', () => {
    for (const t of [real, real612]) {
      const a = parseAllocInfoText(t)
      const b = parseAllocInfoText(formatAllocInfo(a))
      expect(view(b).map((s) => ({...s, count: 1}))).toEqual(view(a).map((s) => ({...s, count: 1})))
      expect(b.version).toBe(a.version)
    }
  })

  it('print∘parse round-trip on synthetic sites', () => {
    fc.assert(
      fc.property(fc.array(synthSite, {maxLength: 30}), fc.constantFrom('2.0' as const, 'none' as const), (sites, version) => {
        const text = formatAllocInfo(
          {version, sites: sites.map((s) => ({...s, key: '', count: 1, lines: [], extra: s.extra && Object.keys(s.extra).length ? s.extra : undefined}))},
          version,
        )
        const a = scanAllocInfoText(text)
        expect(a.skipped).toEqual([])
        expect(a.sites.reduce((s, x) => s + x.count, 0)).toBe(sites.length)
        expect(a.totalBytes).toBe(sites.reduce((s, x) => s + x.bytes, 0n))
        expect(a.totalCalls).toBe(sites.reduce((s, x) => s + x.calls, 0n))
        expect(a.anomalies.filter((x) => x.kind === 'wrapped-calls').length).toBe(sites.filter((s) => s.calls >= 1n << 63n).length)
        expect(a.anomalies.filter((x) => x.kind === 'negative-bytes').length).toBe(sites.filter((s) => s.bytes < 0n).length)
        const b = scanAllocInfoText(formatAllocInfo(a, version))
        expect(view(b).map((s) => ({...s, count: 1}))).toEqual(view(a).map((s) => ({...s, count: 1})))
      }),
      {numRuns: 150},
    )
  })

  it('aggregation does not depend on line order (derived: shuffled real lines)', () => {
    const a = parseAllocInfoText(real)
    const n = dataLines(real).length
    fc.assert(
      fc.property(fc.shuffledSubarray([...Array(n).keys()], {minLength: n, maxLength: n}), (perm) => {
        const b = parseAllocInfoText(derivedReordered(real, (d) => perm.map((i) => d[i])))
        expect(view(b)).toEqual(view(a))
        expect(b.totalBytes).toBe(a.totalBytes)
        expect(b.totalCalls).toBe(a.totalCalls)
        expect(b.anomalies.map((x) => x.kind)).toEqual(a.anomalies.map((x) => x.kind))
      }),
      {numRuns: 15},
    )
  })

  it('arbitrary text: scan never throws, parse throws only InputError, every line accounted for', () => {
    const lineArb = fc.oneof(
      fc.string({maxLength: 60}),
      fc.constantFrom(...dataLines(real).slice(0, 50)),
      fc.constantFrom('allocinfo - version: 2.0', '#     <size>  <calls> <tag info>', '', '\r', '   '),
      fc.constantFrom(...dataLines(real).slice(0, 20)).chain((l) => fc.nat(l.length).map((k) => l.slice(0, k))),
    )
    fc.assert(
      fc.property(fc.array(lineArb, {maxLength: 40}), fc.constantFrom('\n', '\r\n', '\r\r\n'), fc.boolean(), (ls, eol, finalEol) => {
        const text = ls.join(eol) + (finalEol && ls.length ? eol : '')
        const info = scanAllocInfoText(text)
        const nLines = text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0)
        expect(info.lines).toBe(nLines)
        const headers = text.split('\n').filter((l) => /^allocinfo - version:[ \t]*\S+[ \t]*\r*$/.test(l) || /^#[ \t]*<size>/.test(l)).length
        // Site lines: summed into a site, flagged invalid-counter (left out), or in an earlier snapshot (dropped).
        const parsed = info.sites.reduce((s, x) => s + x.count, 0) + (info.anomalyCounts['invalid-counter'] ?? 0) + (info.earlier?.siteLines ?? 0)
        expect(parsed + info.skippedTotal + headers).toBe(nLines)
        const lineNos = [...info.sites.flatMap((s) => s.lines), ...info.skipped.map((s) => s.line)]
        expect(new Set(lineNos).size).toBe(lineNos.length)
        try {
          parseAllocInfoText(text, 'arbitrary')
        } catch (e) {
          expect(e).toBeInstanceOf(InputError)
        }
      }),
      {numRuns: 300},
    )
  })
})
