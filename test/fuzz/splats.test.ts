// The corrupted-report properties, aimed: every case cuts a real WARNING block in the middle or
// interleaves two real logs with WARNING blocks (DERIVED from the captures), and the analysis
// target's checks (test/helpers/fuzz-analysis.ts) must hold — the block still reported, corrupted.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {analyseBootLogText} from '../../src/analysis/read.js'
import type {FuzzCase} from '../helpers/fuzz.js'
import {analysisTarget} from '../helpers/fuzz-analysis.js'
import {interleave, mulberry32, mutateChain} from '../helpers/mutate.js'
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
})
