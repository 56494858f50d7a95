// Robust trend statistics for one series: Theil–Sen slope, a signed-rank test of the changes between
// snapshots (exact, or normal with the conditional variance), Benjamini–Hochberg q-values across
// sites, and the least-squares fits the classifier compares (line, one step, rise-then-flat).
// Hand-written: no npm package offers Theil–Sen or an exact signed-rank test with tied sizes
// (searched: simple-statistics, jstat, @stdlib/stats), and simple-statistics' normal CDF is a
// 3-decimal table, useless for the 1e-8 p-values a leak gives; erfc below is Numerical Recipes'
// erfcc (relative error < 1.2e-7).

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

/** Theil–Sen: the median of the slopes of all pairs with different x (units of y per unit of x);
 *  NaN when no two x differ (snapshots that span no time have no rate, not a rate of 0). */
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
  if (m === 0) return NaN
  const a = scratch.subarray(0, m)
  const h = m >> 1
  if (m % 2 === 1) return select(a, h)
  const hi = select(a, h)
  let lo = -Infinity
  for (let i = 0; i < h; i++) if (a[i] > lo) lo = a[i]
  return (lo + hi) / 2
}

// Why the changes and not the levels. Bytes in use is a running total: each snapshot is the one
// before plus what was allocated minus what was freed in between, so neighbouring levels are not
// independent, and a trend test that assumes they are (Mann–Kendall on the levels) calls a random
// walk with no drift "steady growth": 50 sites stepping ±64 KiB at random gave 9 suspects with
// q ~ 1e-29, and two 1 MB jumps in 180 snapshots q ~ 1e-26 (each of the 180 levels counted as a
// witness). What is independent under "no leak" is the change between snapshots: for a random walk
// the changes are independent and symmetric about 0 whatever their sizes (unequal time gaps only
// change their spread), and for a level that only fluctuates around a constant they are negatively
// correlated, which makes a test on them conservative, not wrong. So growth is judged by the
// Wilcoxon signed-rank test on the non-zero changes (their signs weighted by the ranks of their
// sizes: a steady leak with one big free is still a leak, a sawtooth's big falls count as much as
// its many small rises). Its evidence is honest about how much there is: n changes all up give
// p = 2^-n (5 rises 0.031, 7 rises 0.0078, 11 rises 4.9e-4), and two jumps give at best 0.25 —
// two events are two events, however many snapshots lie between them.
// A leak smaller per snapshot than the site's own fluctuation hides in the lag-1 changes; the
// changes between COARSE_STEPS + 1 evenly spaced snapshots (disjoint sums of changes, so still
// independent) each carry more of the drift. Long series are tested both ways, Bonferroni × 2.

/** Wilcoxon signed-rank test of the non-zero changes: one-sided p-values both ways. */
export interface SignedRank {
  /** Non-zero changes, and how many of them were rises. */
  changes: number
  rises: number
  /** P(at least this much rise) and P(at least this much fall) under changes symmetric about 0. */
  pUp: number
  pDown: number
}

/** Changes tested exactly (their sign patterns enumerated by sums): up to this many. */
const EXACT_CHANGES = 40
/** Evenly spaced changes of the coarse look at a long series. */
const COARSE_STEPS = 32

/** Signed-rank test of d (zeros dropped, ties in size given their mean rank). */
export function signedRank(d: ArrayLike<number>): SignedRank {
  const v = Float64Array.from(d).filter((x) => x !== 0)
  const n = v.length
  if (n === 0) return {changes: 0, rises: 0, pUp: 1, pDown: 1}
  v.sort((a, b) => Math.abs(a) - Math.abs(b))
  // Ranks doubled (a tie group's mean rank i+j+1 over 2 stays an integer): exact sums, no rounding.
  const r = new Int32Array(n)
  for (let i = 0; i < n; ) {
    let j = i + 1
    while (j < n && Math.abs(v[j]) === Math.abs(v[i])) j++
    r.fill(i + j + 1, i, j)
    i = j
  }
  let w = 0
  let rises = 0
  for (let i = 0; i < n; i++) if (v[i] > 0) (w += r[i]), rises++
  const [pUp, pDown] = n <= EXACT_CHANGES ? exactTails(r, w) : normalTails(r, w)
  return {changes: n, rises, pUp, pDown}
}

/** P(W ≥ w), P(W ≤ w) for W = Σ r_i·[sign i is +], every sign pattern equally likely. */
function exactTails(r: Int32Array, w: number): [number, number] {
  let total = 0
  for (const x of r) total += x
  // dist[s] = P(W = s) over the ranks seen so far; updated in place from the top (0/1 knapsack).
  const dist = new Float64Array(total + 1)
  dist[0] = 1
  let top = 0
  for (const x of r) {
    top += x
    for (let s = top; s >= 0; s--) dist[s] = 0.5 * (dist[s] + (s >= x ? dist[s - x] : 0))
  }
  let up = 0
  let down = 0
  for (let s = 0; s <= total; s++) {
    if (s >= w) up += dist[s]
    if (s <= w) down += dist[s]
  }
  return [Math.min(1, up), Math.min(1, down)]
}

/** Normal approximation of the same tails: conditional mean and variance, continuity half a lattice step. */
function normalTails(r: Int32Array, w: number): [number, number] {
  let sum = 0
  let sq = 0
  let step = 0
  for (const x of r) {
    sum += x
    sq += x * x
    step = gcd(step, x)
  }
  const mean = sum / 2
  const sd = Math.sqrt(sq) / 2
  const c = step / 2
  return [upperTail((w - mean - c) / sd), upperTail((mean - w - c) / sd)]
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b))

/** Rise and fall tests of a series in time order, on its changes (see the top of this section). */
export function changeTest(y: ArrayLike<number>): SignedRank {
  const n = y.length
  const fine = signedRank(changes(y, n - 1))
  if (n - 1 <= COARSE_STEPS) return fine
  const coarse = signedRank(changes(y, COARSE_STEPS))
  // Two looks at one series: each p doubled (Bonferroni), so the smaller one is fair to report.
  return {...fine, pUp: Math.min(1, 2 * Math.min(fine.pUp, coarse.pUp)), pDown: Math.min(1, 2 * Math.min(fine.pDown, coarse.pDown))}
}

/**
 * The fewest snapshots with which a site can be a suspect at `alpha`: its smallest possible p is
 * when every one of its n − 1 changes rises, 2^-(n−1) whatever their sizes, and q ≥ p. The smallest
 * n with 2^-(n−1) < alpha (8 at 0.01). Counted, not log2'd: 2^-k is exact in floating point.
 */
export function minSuspectPoints(alpha: number): number {
  let n = 2
  while (2 ** -(n - 1) >= alpha) n++
  return n
}

/** The changes between `k + 1` evenly spaced points of y (every point when k = length − 1). */
function changes(y: ArrayLike<number>, k: number): Float64Array {
  const n = y.length
  const d = new Float64Array(Math.max(0, k))
  for (let b = 0; b < k; b++) d[b] = y[Math.round(((b + 1) * (n - 1)) / k)] - y[Math.round((b * (n - 1)) / k)]
  return d
}

/**
 * Mann–Kendall S (Σ over pairs i < j of sign(y_j − y_i)) and its continuity-corrected normal score
 * (tie-corrected variance), on the levels. Descriptive only, kept in trend --json for the scripts
 * that read it: the levels of a running total are not independent, so this is not the test
 * (changeTest is); a random walk's S is large.
 */
export function mannKendall(y: ArrayLike<number>): {s: number; z: number} {
  const n = y.length
  let s = 0
  for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++) s += Math.sign(y[j] - y[i])
  // Tie groups t: var(S) = [n(n-1)(2n+5) - Σ t(t-1)(2t+5)] / 18
  const sorted = Float64Array.from(y).sort()
  let ties = 0
  for (let i = 0; i < n; ) {
    let j = i + 1
    while (j < n && sorted[j] === sorted[i]) j++
    ties += (j - i) * (j - i - 1) * (2 * (j - i) + 5)
    i = j
  }
  const varS = (n * (n - 1) * (2 * n + 5) - ties) / 18
  return {s, z: varS <= 0 || s === 0 ? 0 : (s - Math.sign(s)) / Math.sqrt(varS)}
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

/** Least-squares line of y on x: its means, slope and sums of squares (no allocation: the hinge search calls it n times). */
function lineFit(x: ArrayLike<number>, y: ArrayLike<number>): {mx: number; my: number; slope: number; sse: number} {
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
  return sxx === 0 ? {mx, my, slope: 0, sse: syy} : {mx, my, slope: sxy / sxx, sse: Math.max(0, syy - (sxy * sxy) / sxx)}
}

/** Residual sum of squares of the least-squares line. */
export const sseLine = (x: ArrayLike<number>, y: ArrayLike<number>): number => lineFit(x, y).sse

/** Residuals of the least-squares line. */
function lineResiduals(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const {mx, my, slope} = lineFit(x, y)
  return Float64Array.from(y, (v, i) => v - my - slope * (x[i] - mx))
}

/** Residuals of the two-level fit split after index `at` (bestStep's). */
export function stepResiduals(y: Float64Array, at: number): Float64Array {
  const left = at + 1
  const ml = left > 0 ? mean(y.subarray(0, left)) : 0
  const mr = mean(y.subarray(left))
  return Float64Array.from(y, (v, i) => v - (i < left ? ml : mr))
}

/** Residuals of the hinge fit at c (bestHinge's). */
export function hingeResiduals(x: ArrayLike<number>, y: ArrayLike<number>, shape: Hinge, c: number): Float64Array {
  return lineResiduals(hingeBasis(x, shape, c, new Float64Array(x.length)), y)
}

const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length

/**
 * How many independent points residuals are worth: n(1 − ρ)/(1 + ρ) for a lag-1 autocorrelation
 * ρ ≥ 0 (an AR(1) series' variance inflation). A fit's residuals are independent noise when the
 * shape is right; around a running total that wanders (a random walk, with drift or not) they are
 * the walk itself, ρ near 1, and counting each of them as a witness made any searched change point
 * "explain" a leak as warming or a step (the same error as testing its levels).
 */
export function effectiveN(res: Float64Array): number {
  const n = res.length
  let num = 0
  let den = 0
  for (let i = 0; i < n; i++) {
    den += res[i] * res[i]
    if (i > 0) num += res[i] * res[i - 1]
  }
  const rho = den === 0 ? 0 : Math.max(0, Math.min(0.999, num / den))
  return (n * (1 - rho)) / (1 + rho)
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

export type Hinge = 'rise-then-flat' | 'flat-then-rise'

/**
 * Best hinge fit: "rise, then flat" (a line up to x[c], constant from there on: growth that
 * stopped, a warming cache) or "flat, then rise" (constant up to x[c], a line after it: a leak
 * that started late), the flat part covering at least `minFlat` of the points (a late rise at
 * least 3 changes: fewer are a step). Its SSE and c. O(n²), n is small (the classifier bins long series first).
 */
export function bestHinge(x: ArrayLike<number>, y: ArrayLike<number>, shape: Hinge, minFlat = 0.25): {sse: number; at: number} {
  const n = x.length
  const flat = Math.max(2, Math.ceil(n * minFlat))
  const [from, to] = shape === 'rise-then-flat' ? [1, n - 1 - flat] : [flat - 1, n - 4]
  let best = {sse: Infinity, at: -1}
  const h = new Float64Array(n)
  for (let c = from; c <= to; c++) {
    const sse = sseLine(hingeBasis(x, shape, c, h), y)
    if (sse < best.sse) best = {sse, at: c}
  }
  return best
}

/** Hinge basis, for least squares y ≈ a + b·h: h_i = min(x_i, x_c) (rise, then flat) or max(x_i, x_c). */
function hingeBasis(x: ArrayLike<number>, shape: Hinge, c: number, h: Float64Array): Float64Array {
  const at = shape === 'rise-then-flat' ? Math.min : Math.max
  for (let i = 0; i < x.length; i++) h[i] = at(x[i], x[c])
  return h
}
