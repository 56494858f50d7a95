// Growth is judged on the changes between snapshots, not on the levels (src/trend/stats.ts): bytes
// in use is a running total, so a random walk's levels look like a trend to a test that takes them
// as independent. All series here are SYNTHETIC (test/trend/synthetic.ts), seeds fixed.
import {describe, expect, it} from 'vitest'
import {analyseStore, DEFAULT_ALPHA, DEFAULT_MIN_RATE} from '../../src/trend/analyse.js'
import {signedRank} from '../../src/trend/stats.js'
import {rng, site, type SynthSite, synthStore} from './synthetic.js'

const opts = {minRatePerHour: DEFAULT_MIN_RATE, alpha: DEFAULT_ALPHA, filter: {}}
const KIB64 = 65536

/** SYNTHETIC: `count` sites each stepping +64 KiB with probability `up`, else −64 KiB, every minute. */
function walks(seed: number, count: number, n: number, up = 0.5): SynthSite[] {
  const r = rng(seed)
  return Array.from({length: count}, (_, k) => {
    const bytes = [1e7]
    for (let i = 1; i < n; i++) bytes.push(bytes[i - 1]! + (r() < up ? KIB64 : -KIB64))
    return site(`walk${k}`, bytes)
  })
}

/** SYNTHETIC: one site of the given bytes per snapshot, `stepS` seconds apart. */
const one = (bytes: number[], stepS = 60) => analyseStore(synthStore([site('x', bytes)], bytes.length, stepS), opts).sites[0]!

describe('growth is judged on the changes between snapshots', () => {
  it('50 random walks of ±64 KiB a minute with no drift (the review\'s series): no suspect, none called shrinking', () => {
    const res = analyseStore(synthStore(walks(11, 50, 100), 100, 60), opts)
    // Mann–Kendall on the levels gave 9 suspects ("steady growth … q = 7.7e-29") and 23 shrinking.
    expect(res.suspects.map((s) => s.why)).toEqual([])
    expect(res.sites.filter((s) => s.verdict === 'shrinking')).toEqual([])
  })

  it('1 000 walks without drift (20 seeds of 50): at most the false positives the q threshold allows', () => {
    let suspects = 0
    for (let seed = 1; seed <= 20; seed++) suspects += analyseStore(synthStore(walks(seed, 50, 100), 100, 60), opts).suspects.length
    // Under no drift at all, Benjamini–Hochberg at 0.01 rejects anything in a family with probability ≤ 0.01.
    expect(suspects).toBeLessThanOrEqual(1)
  })

  it('walks with drift (a leak under alloc/free noise: 70 % of the steps up, 40 seeds): nearly all suspects, at their rate', () => {
    const found = []
    for (let seed = 1; seed <= 40; seed++) found.push(...analyseStore(synthStore(walks(seed, 1, 100, 0.7), 100, 60), opts).suspects)
    // The rest: not significant alone (3), or a searched change point that fits the levels (1: warming).
    expect(found.length).toBeGreaterThanOrEqual(34)
    // Expected drift: 0.4 × 64 KiB a minute = 1.5 MiB/h.
    const rates = found.map((s) => s.bytesPerHour! / (0.4 * KIB64 * 60)).sort((a, b) => a - b)
    expect(Math.abs(rates[rates.length >> 1]! - 1)).toBeLessThan(0.25)
  })

  it('two 1 MB jumps in 180 one-minute snapshots are steps, not steady growth', () => {
    const t = one(Array.from({length: 180}, (_, i) => 1e6 * (1 + Number(i >= 60) + Number(i >= 120))))
    // Was "suspect, steady growth: 803 KiB/h, q = 1.1e-26". p: 2 rises of 2 is 1/4, doubled for the
    // two looks a series longer than 33 points gets (every change, and 32 evenly spaced ones).
    expect([t.verdict, t.changes, t.rises, t.p]).toEqual(['step', 2, 2, 0.5])
    expect(t.why).toMatch(/^2 jumps \(near 1 h, 2 h\)/)
  })

  it('a steady leak (every change a rise) is found with few points: p = 2^-(points − 1)', () => {
    expect([6, 8, 10, 12].map((n) => signedRank(Array.from({length: n - 1}, (_, i) => 4096 + i)).pUp)).toEqual([2 ** -5, 2 ** -7, 2 ** -9, 2 ** -11])
    const t = one(Array.from({length: 8}, (_, i) => 1e6 + 4096 * i + (i % 2) * 512))
    expect([t.verdict, t.p]).toEqual(['suspect', 2 ** -7])
  })

  it('the signed-rank test: ties in size share their rank, both sides exact, zeros left out', () => {
    // Sizes 1, 2, 2, 3 (ranks 1, 2.5, 2.5, 4), signs + − + +: W+ = 7.5 of 10; 16 sign patterns.
    const r = signedRank([1, -2, 0, 2, 3, 0])
    expect([r.changes, r.rises]).toEqual([4, 3])
    // Subsets of the ranks {1, 2.5, 2.5, 4} summing to ≥ 7.5: {1,2.5,4} (two ways), {2.5,2.5,4}, all four.
    expect(r.pUp).toBe(4 / 16)
    expect(r.pDown).toBe(14 / 16)
    // Above the exact range, the normal approximation of the same statistic stays close to the binomial.
    const big = signedRank(Array.from({length: 100}, (_, i) => (i < 65 ? 1 : -1)))
    expect(big.pUp).toBeGreaterThan(0.001)
    expect(big.pUp).toBeLessThan(0.003)
  })

  it('shrinking is the same test\'s other side: ±1-byte noise is not shrinking, a steady fall is', () => {
    // Was "shrinking" for any Mann–Kendall S < 0.
    const noise = one([1000000, 1000001, 1000000, 999999, 1000000, 1000001, 999999, 1000000], 600)
    expect(noise.verdict).toBe('not-significant')
    const fall = one(Array.from({length: 12}, (_, i) => 1e6 - 4096 * i), 600)
    expect([fall.verdict, fall.pDown]).toEqual(['shrinking', 2 ** -11])
  })

  it('snapshots that span no time give no rate (was "below-min-rate 0 B/h")', () => {
    const t = one(Array.from({length: 10}, (_, i) => 1e6 + 1e5 * i), 0)
    expect([t.verdict, t.why, t.bytesPerHour]).toEqual(['no-time-span', 'no rate: the snapshots span no time', null])
  })

  it('a leak that starts late is a suspect at its rate since it started, saying when', () => {
    // Flat for 30 snapshots 10 min apart, then +100 kB a snapshot: 600 kB/h from 5 h on.
    const late = one(Array.from({length: 40}, (_, i) => 1e6 + 1e5 * Math.max(0, i - 30)), 600)
    // Was below-min-rate "0 B/h" (the whole window's Theil–Sen slope).
    expect([late.verdict, late.growthStartHours, Math.round(late.bytesPerHour!)]).toEqual(['suspect', 5, 600000])
    expect(late.why).toMatch(/^growth started near 5 h: 586 KiB\/h since/)
    // Started halfway: was a suspect at half its rate (278 KiB/h).
    const half = one(Array.from({length: 40}, (_, i) => 1e6 + 1e5 * Math.max(0, i - 20)), 600)
    expect([half.verdict, Math.round(half.bytesPerHour!)]).toEqual(['suspect', 600000])
  })

  it('a floor rising at --min-rate under big alloc/free cycles is a suspect, not churn', () => {
    // +50 kB every 10 min (300 kB/h) under 4 MB that comes and goes every 4 snapshots.
    const t = one(Array.from({length: 40}, (_, i) => 1e6 + 5e4 * i + (Math.floor(i / 4) % 2) * 4e6), 600)
    // Was churn "floor rises 22 %".
    expect(t.verdict).toBe('suspect')
    expect(Math.abs(t.bytesPerHour! - 3e5) / 3e5).toBeLessThan(0.1)
    // The same cycles on a flat floor stay churn.
    const flat = one(Array.from({length: 40}, (_, i) => 1e6 + 5e4 * (i % 4) + (Math.floor(i / 4) % 2) * 4e6), 600)
    expect(flat.verdict).not.toBe('suspect')
  })
})
