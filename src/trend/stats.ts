// Robust trend statistics for one series: Theil–Sen slope, Mann–Kendall test (tie-corrected
// variance, normal approximation), Benjamini–Hochberg q-values across sites, and the least-squares
// fits the classifier compares (line, one step, rise-then-flat).
// Hand-written: no npm package offers Theil–Sen or Mann–Kendall (searched: simple-statistics,
// jstat, @stdlib/stats), and simple-statistics' normal CDF is a 3-decimal table, useless for the
// 1e-8 p-values a leak gives; erfc below is Numerical Recipes' erfcc (relative error < 1.2e-7).

/** Complementary error function, Chebyshev fit (Numerical Recipes §6.2 erfcc). */
export function erfc(x: number): number {
  const z = Math.abs(x)
  const t = 1 / (1 + 0.5 * z)
  const r =
    t *
    Math.exp(
      -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    )
  return x >= 0 ? r : 2 - r
}

/** P(Z >= z) for a standard normal Z. */
export const upperTail = (z: number): number => 0.5 * erfc(z / Math.SQRT2)

/** k-th smallest (0-based) of a, reordering a in place (Hoare quickselect, median-of-3 pivot). */
export function select(a: Float64Array, k: number): number {
  let lo = 0
  let hi = a.length - 1
  while (hi > lo) {
    const mid = (lo + hi) >> 1
    const pivot = median3(a[lo], a[mid], a[hi])
    let i = lo
    let j = hi
    while (i <= j) {
      while (a[i] < pivot) i++
      while (a[j] > pivot) j--
      if (i <= j) {
        const t = a[i]
        a[i] = a[j]
        a[j] = t
        i++
        j--
      }
    }
    if (k <= j) hi = j
    else if (k >= i) lo = i
    else return a[k]
  }
  return a[k]
}

const median3 = (a: number, b: number, c: number) => Math.max(Math.min(a, b), Math.min(Math.max(a, b), c))

export function median(values: ArrayLike<number>): number {
  const a = Float64Array.from(values)
  if (a.length === 0) return NaN
  const h = a.length >> 1
  if (a.length % 2 === 1) return select(a, h)
  const hi = select(a, h)
  let lo = -Infinity
  for (let i = 0; i < h; i++) if (a[i] > lo) lo = a[i]
  return (lo + hi) / 2
}

let scratch = new Float64Array(1024)

/** Theil–Sen: the median of the slopes of all pairs with different x (units of y per unit of x). */
export function theilSen(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length
  const pairs = (n * (n - 1)) / 2
  // One buffer reused across calls: thousands of sites, one fit each.
  if (scratch.length < pairs) scratch = new Float64Array(pairs)
  let m = 0
  for (let i = 0; i < n; i++) {
    const xi = x[i]
    const yi = y[i]
    for (let j = i + 1; j < n; j++) {
      const dx = x[j] - xi
      if (dx !== 0) scratch[m++] = (y[j] - yi) / dx
    }
  }
  if (m === 0) return 0
  const a = scratch.subarray(0, m)
  const h = m >> 1
  if (m % 2 === 1) return select(a, h)
  const hi = select(a, h)
  let lo = -Infinity
  for (let i = 0; i < h; i++) if (a[i] > lo) lo = a[i]
  return (lo + hi) / 2
}

export interface MannKendall {
  /** Sum over pairs i < j of sign(y_j - y_i). */
  s: number
  /** Variance of S under no trend, corrected for ties. */
  varS: number
  /** Continuity-corrected normal score. */
  z: number
  /** One-sided p-value for an increasing trend. */
  pUp: number
}

/** Mann–Kendall trend test on y in time order (normal approximation; fine from n ≈ 10 on). */
export function mannKendall(y: ArrayLike<number>): MannKendall {
  const n = y.length
  let s = 0
  for (let i = 0; i < n - 1; i++) {
    const yi = y[i]
    for (let j = i + 1; j < n; j++) s += y[j] > yi ? 1 : y[j] < yi ? -1 : 0
  }
  // Tie groups t: var(S) = [n(n-1)(2n+5) - Σ t(t-1)(2t+5)] / 18
  const sorted = Float64Array.from(y).sort()
  let ties = 0
  for (let i = 0; i < n; ) {
    let j = i + 1
    while (j < n && sorted[j] === sorted[i]) j++
    const t = j - i
    if (t > 1) ties += t * (t - 1) * (2 * t + 5)
    i = j
  }
  const varS = (n * (n - 1) * (2 * n + 5) - ties) / 18
  const z = varS <= 0 ? 0 : s > 0 ? (s - 1) / Math.sqrt(varS) : s < 0 ? (s + 1) / Math.sqrt(varS) : 0
  return {s, varS, z, pUp: varS <= 0 ? 1 : upperTail(z)}
}

/** Benjamini–Hochberg adjusted p-values (q), in the input's order. */
export function benjaminiHochberg(p: readonly number[]): number[] {
  const m = p.length
  const order = p.map((_, i) => i).sort((a, b) => p[a] - p[b])
  const q = new Array<number>(m)
  let min = 1
  for (let r = m - 1; r >= 0; r--) {
    const i = order[r]
    min = Math.min(min, (p[i] * m) / (r + 1))
    q[i] = min
  }
  return q
}

/** Residual sum of squares of the least-squares line. */
export function sseLine(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length
  let sx = 0
  let sy = 0
  for (let i = 0; i < n; i++) {
    sx += x[i]
    sy += y[i]
  }
  const mx = sx / n
  const my = sy / n
  let sxx = 0
  let sxy = 0
  let syy = 0
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx
    const dy = y[i] - my
    sxx += dx * dx
    sxy += dx * dy
    syy += dy * dy
  }
  return sxx === 0 ? syy : Math.max(0, syy - (sxy * sxy) / sxx)
}

/** Best single step (two constant levels, split after index k) by least squares: its SSE and k. */
export function bestStep(y: ArrayLike<number>): {sse: number; at: number} {
  const n = y.length
  let total = 0
  let total2 = 0
  for (let i = 0; i < n; i++) {
    total += y[i]
    total2 += y[i] * y[i]
  }
  let best = {sse: total2 - (total * total) / n, at: -1}
  let left = 0
  for (let k = 0; k < n - 1; k++) {
    left += y[k]
    const nl = k + 1
    const nr = n - nl
    const right = total - left
    // SSE = Σy² − left²/nl − right²/nr
    const sse = total2 - (left * left) / nl - (right * right) / nr
    if (sse < best.sse) best = {sse, at: k}
  }
  return {sse: Math.max(0, best.sse), at: best.at}
}

/**
 * Best "rise, then flat" fit: a line up to x[c], constant from there on, with the flat part
 * covering at least `minFlat` of the points (growth that stopped: a warming cache). O(n²), n is
 * small (the classifier bins long series first).
 */
export function bestRiseThenFlat(x: ArrayLike<number>, y: ArrayLike<number>, minFlat = 0.25): number {
  const n = x.length
  const lastC = n - 1 - Math.max(2, Math.ceil(n * minFlat))
  let best = Infinity
  for (let c = 1; c <= lastC; c++) {
    // Hinge basis h_i = min(x_i, x_c): least squares y ≈ a + b·h.
    const h = new Float64Array(n)
    for (let i = 0; i < n; i++) h[i] = Math.min(x[i], x[c])
    best = Math.min(best, sseLine(h, y))
  }
  return best
}
