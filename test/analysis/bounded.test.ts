import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {MAX_PER_SIGNATURE, MAX_SIGNATURES, analyseRecords} from '../../src/analysis/analyser.js'
import type {LogRecord} from '../../src/types.js'
import {derivedRepeated} from '../helpers/derived-splats.js'
import {CAPTURES} from '../helpers/paths.js'
import {lineCount, recordsFromText} from './records.js'

const meta = (lines: number) => ({format: 'dmesg' as const, formatReason: 'test', lines, skipped: [], droppedMessages: 0})

describe('bounded memory: findings capped per signature, the rest counted', () => {
  it('DERIVED: the real notrack log 300 times → one signature, 300 occurrences, 5 stored', () => {
    const text = readFileSync(join(CAPTURES, 'linux-7.2-notrack-c8-m1024-shrink', 'dmesg.txt'), 'utf8')
    const n = lineCount(text)
    const recs = derivedRepeated(recordsFromText(text), 300, n)
    const a = analyseRecords('derived', recs, meta(n * 300))
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
    const a = analyseRecords('synthetic', recs, meta(recs.length))
    expect(a.findings).toHaveLength(MAX_SIGNATURES)
    expect(a.findingsNotStored).toBe(200)
  })
})
