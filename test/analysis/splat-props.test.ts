// Property tests: the splat parser and the analyser never throw, never drop a block, and keep
// their invariants on arbitrary interleavings of real splat lines and noise (SYNTHETIC mixes).
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {analyseRecords} from '../../src/analysis/analyser.js'
import {CUT_HERE, parseSplats} from '../../src/analysis/splat.js'
import type {LogRecord} from '../../src/types.js'
import {captureDir} from '../helpers/paths.js'
import {recordsFromFile, recordsOnlyMeta} from './records.js'

// The vocabulary: every line of the real splats, plus noise and odd strings.
const REAL = [
  ...recordsFromFile(join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'dmesg.txt')).slice(-70),
  ...recordsFromFile(join(captureDir('linux-6.12-instr_smp064_2G_numa2'), 'dmesg.txt')).slice(145, 175),
].map((r) => r.text)

const line = fc.oneof(fc.constantFrom(...REAL), fc.string({maxLength: 40}), fc.constantFrom('', '<TASK>', '</IRQ>', 'Call Trace:', 'BUG: x', 'WARNING: y'))
const records = fc.array(fc.record({text: line, caller: fc.option(fc.constantFrom('T1', 'C0'), {nil: undefined}), time: fc.option(fc.double({min: 0, max: 100, noNaN: true}), {nil: undefined})}), {maxLength: 120})

const toRecords = (xs: {text: string; caller?: string; time?: number}[]): LogRecord[] =>
  xs.map((x, i) => ({line: i + 1, text: x.text, ...(x.caller ? {caller: x.caller} : {}), ...(x.time !== undefined ? {time: x.time} : {})}))

describe('splat parser properties (SYNTHETIC mixes of real splat lines)', () => {
  it('never throws; every cut-here starts a splat; one printk caller\'s blocks are disjoint', () => {
    fc.assert(
      fc.property(records, (xs) => {
        const recs = toRecords(xs)
        const splats = parseSplats(recs)
        const cuts = recs.filter((r) => CUT_HERE.test(r.text.trim())).map((r) => r.line)
        const starts = new Set(splats.map((s) => s.startLine))
        for (const c of cuts) expect(starts.has(c)).toBe(true)
        // Each caller id has its own open report: two callers' reports may interleave, one's may not.
        const prevEnd = new Map<string, number>()
        for (const s of [...splats].sort((x, y) => x.startLine - y.startLine)) {
          expect(s.startLine).toBeGreaterThan((prevEnd.get(s.caller ?? '') ?? 0) - 1)
          expect(s.endLine).toBeGreaterThanOrEqual(s.startLine)
          expect(s.corrupted).toBe(s.corruptedReason !== undefined)
          prevEnd.set(s.caller ?? '', s.endLine)
        }
      }),
      {numRuns: 300, seed: 42},
    )
  })

  it('the analyser never throws and stores every splat as a finding (up to the caps)', () => {
    fc.assert(
      fc.property(records, (xs) => {
        const recs = toRecords(xs)
        const a = analyseRecords('prop', recs, recordsOnlyMeta(recs.length, 'prop'))
        const n = parseSplats(recs).length
        const stored = a.findings.filter((f) => f.splat).length
        expect(stored + (a.findingsNotStored ?? 0)).toBeGreaterThanOrEqual(n)
      }),
      {numRuns: 200, seed: 7},
    )
  })
})
