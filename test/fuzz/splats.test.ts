// The corrupted-report properties, aimed: every case cuts a real WARNING block in the middle or
// interleaves two real logs with WARNING blocks (DERIVED from the captures), and the analysis
// target's checks (test/helpers/fuzz-analysis.ts) must hold — the block still reported, corrupted.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {analyseBootLogText} from '../../src/analysis/read.js'
import type {FuzzCase} from '../helpers/fuzz.js'
import {derivedSelfInterleaved} from '../helpers/derived-splats.js'
import {analysisTarget} from '../helpers/fuzz-analysis.js'
import {interleave, mulberry32, mutateChain, splitLines} from '../helpers/mutate.js'
import {captureDir} from '../helpers/paths.js'
import {CI_SEED} from './slice.js'

const SPLATS = [
  ['linux-6.12-instr_smp064_2G_numa2', 'dmesg.txt'],
  ['linux-7.2-notrack-c8-m1024-shrink', 'dmesg.txt'],
  ['lkml-7.0-rc4-alloc-tag-not-set', 'dmesg-excerpt.txt'],
].map(([d, f]) => ({name: `${d}/${f}`, bytes: readFileSync(join(captureDir(d), f))}))

describe('WARNING blocks damaged on purpose', () => {
  it('the real blocks are whole before the damage (so the properties below are not vacuous)', () => {
    for (const f of SPLATS) {
      const a = analyseBootLogText(f.bytes.toString('utf8'), f.name)
      const splats = a.findings.filter((x) => x.splat)
      expect(splats.length, f.name).toBeGreaterThan(0)
      expect(splats.every((x) => !x.corrupted), f.name).toBe(true)
    }
  })

  it('a block cut in the middle (log ends there, or resumes after it) is reported and marked corrupted', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({max: SPLATS.length - 1}), fc.integer(), async (i, seed) => {
        const original = SPLATS[i]
        const mutated = mutateChain(original.bytes, ['splat-cut'], seed)
        expect(mutated.cutSplatLine).toBeDefined()
        expect(mutated.cutResumesWithBlockEnd).toBeUndefined()
        const c: FuzzCase = {kind: 'mutation', bytes: mutated.bytes, mutated, original}
        await analysisTarget.check(c)
        const cut = analyseBootLogText(mutated.bytes.toString('utf8'), 'cut').findings.find((f) => f.line === mutated.cutSplatLine)
        expect(cut?.corrupted).toBe(true)
      }),
      {seed: CI_SEED, numRuns: 40},
    )
  })

  it('two logs with blocks interleaved: a block with the other log in its call trace is marked corrupted', async () => {
    let checked = 0
    await fc.assert(
      fc.asyncProperty(fc.nat({max: 1}), fc.integer(), async (i, seed) => {
        const [a, b] = i === 0 ? [SPLATS[0], SPLATS[1]] : [SPLATS[1], SPLATS[0]]
        const mutated = {...interleave(b.bytes)(a.bytes, mulberry32(seed))}
        const c: FuzzCase = {kind: 'mutation', bytes: mutated.bytes, mutated, original: a}
        await analysisTarget.check(c)
        if (mutated.interleavedSplats?.length) checked++
      }),
      {seed: CI_SEED, numRuns: 30},
    )
    expect(checked).toBeGreaterThan(5)
  })

  // Seed 7011 case 2192 of `npm run fuzz -- --target analysis` (its mutation seed below): the dup
  // copied the notrack WARNING's last three lines (R13, `</TASK>`, end marker) after themselves, and
  // the cut resumes at those copies: the block reads as the real one without three register lines.
  it('a cut block whose resumed lines start with copies of its own last lines is not expected corrupted', async () => {
    const original = SPLATS[1]
    const mutated = mutateChain(original.bytes, ['duplicate', 'splat-cut'], 883799263)
    expect([mutated.name, mutated.cutSplatLine, mutated.cutResumesWithBlockEnd]).toEqual(['dup(313,3)+splat-cut(270,311,resume)', 270, true])
    // Lines 270-313 are the real block (lines 270-316) without its lines 311-313 (RDX, RBP, R10 of user space).
    const [got, real] = [mutated.bytes, original.bytes].map((b) => splitLines(b).lines.map((l) => l.toString('utf8')))
    expect(got.slice(269, 313)).toEqual([...real.slice(269, 310), ...real.slice(313, 316)])
    await analysisTarget.check({kind: 'mutation', bytes: mutated.bytes, mutated, original})
  })

  // The numa2 sample interleaved with itself, the second copy 6-14 lines behind (derivedSelfInterleaved):
  // the second copy's report is closed by the first's end marker, the same bytes as its own, with the
  // first's `<TASK>` closed and only byte-identical copies of its lines in it; the first's lines after
  // that marker (`smp: Brought up`, ...) come before the second's own end marker but outside its report.
  it('a log interleaved with a copy of itself: a report closed by the copy\'s end marker is judged by its own lines', async () => {
    const original = SPLATS[0]
    const lines = splitLines(original.bytes).lines
    for (let lag = 1; lag <= 20; lag++) {
      // interleave's draws: pA (0.5: 0.6), then `lag` lines of the first copy, then one of each in turn.
      const draws = [0.5, ...Array<number>(lag).fill(0), ...lines.flatMap((_, i) => (i + lag < lines.length ? [1, 0] : [1]))]
      const mutated = {...interleave(original.bytes)(original.bytes, () => draws.shift() ?? 1)}
      expect(mutated.bytes.toString('utf8')).toBe(derivedSelfInterleaved(lines.map((l) => l.toString('utf8')), lag) + '\n')
      await analysisTarget.check({kind: 'mutation', bytes: mutated.bytes, mutated, original})
      if (lag < 6 || lag > 14) continue
      const [, second] = mutated.interleavedSplats!
      const f = analyseBootLogText(mutated.bytes.toString('utf8'), 'self').findings.find((g) => g.line === second.cutHere)!
      const text = (line: number) => splitLines(mutated.bytes).lines[line - 1].toString('utf8')
      expect([lag, f.splat!.endLine < second.endTrace, text(f.splat!.endLine) === text(second.endTrace), f.corrupted]).toEqual([lag, true, true, false])
    }
  })
})
