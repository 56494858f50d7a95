// The reader's fast path (hand scan, Numbers while exact) against the regex + BigInt reader it
// replaced, kept here verbatim as the reference: same AllocInfo on synthetic lines built from the
// tokens where the two could disagree (blanks, colons, brackets, long numbers, non-ASCII, CR).
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {EXPECTED_LINE, WRAP_THRESHOLD, scanAllocInfoText, siteKey} from '../../src/capture/allocinfo.js'
import type {AllocAnomaly, AllocInfo, AllocSite, Skipped} from '../../src/types.js'
import {REAL_612, realText} from '../helpers/allocinfo-derived.js'

const LINE_RE = /^[ \t]*(-?\d+)[ \t]+(\d+)[ \t]+(\S+):(\d+)(?:[ \t]+\[([^\]\s]+)\])?[ \t]+func:(\S+)((?:[ \t]+\S+)*)[ \t]*$/
const VERSION_RE = /^allocinfo - version:[ \t]*(\S+)[ \t]*$/
const COLUMNS_RE = /^#[ \t]*<size>/
const KV_RE = /^([^:\s]+):(\S*)$/

function referenceScan(text: string, source = '-'): AllocInfo {
  const sites = new Map<string, AllocSite>()
  const anomalies: AllocAnomaly[] = []
  const skipped: Skipped[] = []
  let version: AllocInfo['version'] = 'none'
  let totalBytes = 0n
  let totalCalls = 0n

  const raw = text.split('\n')
  // A final "\n" leaves one empty string behind: that is not a line.
  const endsWithNewline = raw.length > 0 && raw[raw.length - 1] === ''
  if (endsWithNewline) raw.pop()
  const nLines = raw.length
  // Whether the kernel's trailing space survived: only then can a cut last line be told from a whole one.
  let trailingSpaceSeen = false

  for (let i = 0; i < nLines; i++) {
    let line = raw[i]
    if (line.endsWith('\r')) line = line.slice(0, -1)
    const lineNo = i + 1
    const last = i === nLines - 1 && !endsWithNewline
    const m = LINE_RE.exec(line)
    if (m === null) {
      const v = VERSION_RE.exec(line)
      if (line.trim() === '') skipped.push({line: lineNo, reason: 'blank line'})
      else if (v !== null) version = v[1]
      else if (COLUMNS_RE.test(line)) {
        /* the header's column line */
      } else if (last) skipped.push({line: lineNo, reason: `truncated last line (no newline); ${EXPECTED_LINE}`})
      else skipped.push({line: lineNo, reason: `not an allocinfo line; ${EXPECTED_LINE}`})
      continue
    }
    const endsWithSpace = line.endsWith(' ') || line.endsWith('\t')
    if (last && !endsWithSpace && trailingSpaceSeen) {
      // The kernel ends every line with " \n": without it the name may be cut mid-word.
      skipped.push({line: lineNo, reason: 'truncated last line (no trailing space or newline)'})
      continue
    }
    if (endsWithSpace) trailingSpaceSeen = true

    let accurate = true
    let extra: Record<string, string> | undefined
    const rest = m[7]
    if (rest !== '') {
      let bad: string | undefined
      for (const tok of rest.trim().split(/[ \t]+/)) {
        if (tok === 'accurate:no') {
          accurate = false
          continue
        }
        const kv = KV_RE.exec(tok)
        if (kv === null) {
          bad = tok
          break
        }
        ;(extra ??= {})[kv[1]] = kv[2]
      }
      if (bad !== undefined) {
        skipped.push({line: lineNo, reason: `unexpected token '${bad.slice(0, 40)}' after func:name; expected key:value pairs`})
        continue
      }
    }

    const bytes = BigInt(m[1])
    const calls = BigInt(m[2])
    const file = m[3]
    const fileLine = Number(m[4])
    const module = m[5]
    const func = m[6]
    const key = siteKey(file, fileLine, func, module)
    totalBytes += bytes
    totalCalls += calls
    // Accounting bugs (a free subtracted from a tag that never saw the allocation) show up as
    // negative bytes and as calls wrapped around 2^64: flag them, keep the values.
    if (bytes < 0n) anomalies.push({line: lineNo, key, kind: 'negative-bytes', detail: `bytes ${bytes} < 0`})
    if (calls >= WRAP_THRESHOLD) {
      anomalies.push({line: lineNo, key, kind: 'wrapped-calls', detail: `calls ${calls} >= 2^63 (as s64: ${calls - (1n << 64n)})`})
    }

    const prev = sites.get(key)
    if (prev === undefined) {
      const site: AllocSite = {key, file, lineNo: fileLine, func, bytes, calls, accurate, count: 1, lines: [lineNo]}
      if (module !== undefined) site.module = module
      if (extra !== undefined) site.extra = extra
      sites.set(key, site)
    } else {
      // One codetag per call site, but an inlined helper gets one per caller with the same file:line func.
      anomalies.push({line: lineNo, key, kind: 'duplicate-key', detail: `same key as line ${prev.lines[0]}; summed`})
      prev.bytes += bytes
      prev.calls += calls
      prev.accurate &&= accurate
      if (extra !== undefined) prev.extra = {...prev.extra, ...extra}
      prev.count++
      prev.lines.push(lineNo)
    }
  }
  return {source, version, sites: [...sites.values()], totalBytes, totalCalls, anomalies, skipped, lines: nLines}
}


/** Pieces that make well-formed lines and the near misses around them. */
const piece = fc.constantFrom(
  ' ', '  ', '\t', '0', '7', '-', '-0', '123456789012345', '1234567890123456', '99999999999999999999', '18446744073709551615',
  'mm/slab.c', ':', ':12', 'a:b:3', '[', ']', '[mod]', '[]', '[a]b', 'func:', 'func:kmalloc', 'func:x ', 'accurate:no', 'k:v', 'bad',
  'é', '\u00a0', '\v', '\r', '\ufeff', '\n',
)
const line = fc.oneof(
  fc.array(piece, {maxLength: 12}).map((p) => p.join('')),
  fc.tuple(
    fc.constantFrom('', ' ', '\t '),
    fc.constantFrom('0', '-5', '123456789012345', '-999999999999999', '1234567890123456', '9223372036854775807'),
    fc.constantFrom(' ', '\t', '  '),
    fc.constantFrom('0', '42', '999999999999999', '18446744073709551615'),
    fc.constantFrom(' ', '\t'),
    fc.constantFrom('mm/slub.c:4242', 'a:1:2', 'x:', ':5', 'f.c:12a', 'dé.c:3'),
    fc.constantFrom('', ' [m]', ' [[m]', ' []', ' [m] ', '\t[m]\t'),
    fc.constantFrom(' func:f', ' func:', ' fun:f', '\tfunc:g\u00a0'),
    fc.constantFrom('', ' ', ' accurate:no', ' accurate:no ', '\taccurate:no k:v', ' k:', ' bad', '\r', ' \r'),
  ).map((t) => t.join('')),
)

describe('allocinfo fast path', () => {
  it('gives what the regex + BigInt reader gives, on synthetic lines', () => {
    fc.assert(
      fc.property(fc.array(line, {maxLength: 8}), fc.boolean(), (lines, nl) => {
        const text = lines.join('\n') + (nl ? '\n' : '')
        expect(scanAllocInfoText(text)).toEqual(referenceScan(text))
      }),
      {numRuns: 3000},
    )
  })

  it('gives what the regex + BigInt reader gives, on the real captures', () => {
    for (const t of [realText(), realText(REAL_612)]) expect(scanAllocInfoText(t)).toEqual(referenceScan(t))
  })

  it('sums totals past 2^53 exactly', () => {
    const big = 999_999_999_999_999n
    const text = Array.from({length: 20}, (_, i) => `${big} ${big} f.c:${i + 1} func:f \n`).join('')
    const info = scanAllocInfoText(text)
    expect(info.totalBytes).toBe(big * 20n)
    expect(info.totalCalls).toBe(big * 20n)
    expect(info).toEqual(referenceScan(text))
  })
})
