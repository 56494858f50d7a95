import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {MAX_PER_SIGNATURE, MAX_SIGNATURES, analyseRecords} from '../../src/analysis/analyser.js'
import type {LogRecord} from '../../src/types.js'
import {derivedInterleaved, derivedRepeated} from '../helpers/derived-splats.js'
import {captureDir} from '../helpers/paths.js'
import {lineCount, recordsFromText, recordsOnlyMeta} from './records.js'

describe('bounded memory: findings capped per signature, the rest counted', () => {
  it('DERIVED: the real notrack log 300 times → one signature, 300 occurrences, 5 stored', () => {
    const text = readFileSync(join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'dmesg.txt'), 'utf8')
    const n = lineCount(text)
    const recs = derivedRepeated(recordsFromText(text), 300, n)
    const a = analyseRecords('derived', recs, recordsOnlyMeta(n * 300))
    expect(a.findings).toHaveLength(MAX_PER_SIGNATURE)
    expect(new Set(a.findings.map((f) => f.signature)).size).toBe(1)
    expect(a.findings.every((f) => f.count === 300)).toBe(true)
    expect(a.findingsNotStored).toBe(300 - MAX_PER_SIGNATURE)
    // the splat of copy k starts at the cut-here line of copy k
    const cut = text.split('\n').findIndex((l) => l.includes('cut here')) + 1
    expect(a.findings.map((f) => f.line)).toEqual([0, 1, 2, 3, 4].map((k) => cut + k * n))
    // facts are first-wins: still those of the first copy
    expect(a.host.release?.line).toBe(1)
  })

  it('SYNTHETIC: more distinct signatures than the cap', () => {
    const recs: LogRecord[] = Array.from({length: MAX_SIGNATURES + 200}, (_, i) => ({
      line: i + 1,
      time: i,
      text: `lib/foo.c:${i} module m${i} func:f has 4096 allocated at module unload`,
    }))
    const a = analyseRecords('synthetic', recs, recordsOnlyMeta(recs.length))
    expect(a.findings).toHaveLength(MAX_SIGNATURES)
    expect(a.findingsNotStored).toBe(200)
  })
})

describe('lines interleaved into a splat are still detected (DERIVED from the real notrack splat)', () => {
  const text = readFileSync(join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'dmesg.txt'), 'utf8')
  const recs = recordsFromText(text)
  const lines = text.split('\n')
  const cut = lines.findIndex((l) => l.includes('cut here')) + 1
  const task = lines.findIndex((l) => l.includes('<TASK>')) + 1
  const overflow = 'Early page allocations before page_ext init exceeded EARLY_ALLOC_PFN_MAX (8192)'

  it.each([
    ['between cut-here and the banner', cut],
    ['inside the call trace', task + 3],
  ])('%s', (_what, after) => {
    const a = analyseRecords('derived', derivedInterleaved(recs, after, overflow), recordsOnlyMeta(lines.length))
    expect(a.findings.map((f) => f.id).sort()).toEqual(['alloc-tag-not-set', 'early-pfn-overflow'])
    expect(a.profiling.recorder).toBe('legacy')
  })
})
