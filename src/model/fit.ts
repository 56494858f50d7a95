// Ordinary least squares for the workload profiles, written out because the systems are tiny
// (≤ 8 terms, ≤ 30 captures): Householder QR (numerically safer than the normal equations when
// terms such as possible CPUs and log2(possible CPUs) are nearly collinear), with a rank check so
// that a term the data cannot determine is reported instead of getting an arbitrary coefficient.

import {byCount, plural} from '../render/units.js'

export interface LsqResult {
  coef: number[]
  /** Numerical rank of the design matrix. */
  rank: number
  /** Columns that are (numerically) linear combinations of the columns before them. */
  dependent: number[]
}

/** Solves min ||X b − y||₂. X is row-major (rows = observations). */
export function lstsq(X: number[][], y: number[]): LsqResult {
  const m = X.length
  const n = m === 0 ? 0 : X[0].length
  // Scale columns to unit norm so the rank tolerance does not depend on units (CPUs vs sections).
  const scale = new Array<number>(n).fill(0)
  for (let j = 0; j < n; j++) {
    let s = 0
    for (let i = 0; i < m; i++) s += X[i][j] * X[i][j]
    scale[j] = Math.sqrt(s) || 1
  }
  const A = X.map((r) => r.map((v, j) => v / scale[j]))
  const b = [...y]
  const cols: number[] = [] // columns kept (independent), in order
  const dependent: number[] = []
  const R: number[][] = [] // R rows for the kept columns (upper triangular, as [k][col])
  let k = 0
  for (let j = 0; j < n; j++) {
    // Norm of column j below the k rows already used.
    let norm = 0
    for (let i = k; i < m; i++) norm += A[i][j] * A[i][j]
    norm = Math.sqrt(norm)
    if (k >= m || norm < 1e-9) {
      dependent.push(j)
      continue
    }
    const alpha = A[k][j] > 0 ? -norm : norm
    const v = new Array<number>(m).fill(0)
    for (let i = k; i < m; i++) v[i] = A[i][j]
    v[k] -= alpha
    let vv = 0
    for (let i = k; i < m; i++) vv += v[i] * v[i]
    if (vv > 0) {
      for (let jj = 0; jj < n; jj++) {
        let d = 0
        for (let i = k; i < m; i++) d += v[i] * A[i][jj]
        const f = (2 * d) / vv
        for (let i = k; i < m; i++) A[i][jj] -= f * v[i]
      }
      let d = 0
      for (let i = k; i < m; i++) d += v[i] * b[i]
      const f = (2 * d) / vv
      for (let i = k; i < m; i++) b[i] -= f * v[i]
    }
    R.push([...A[k]])
    cols.push(j)
    k++
  }
  // Back substitution over the kept columns; dependent columns get 0.
  const coef = new Array<number>(n).fill(0)
  for (let r = cols.length - 1; r >= 0; r--) {
    let s = b[r]
    for (let q = r + 1; q < cols.length; q++) s -= R[r][cols[q]] * coef[cols[q]]
    coef[cols[r]] = s / R[r][cols[r]]
  }
  return {coef: coef.map((c, j) => c / scale[j]), rank: cols.length, dependent}
}

export function dot(a: number[], b: number[]): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i] * b[i]
  return s
}

/** Coefficient of determination; 1 when the data has no variance and the fit is exact. */
export function rSquared(y: number[], yhat: number[]): number {
  const mean = y.reduce((s, v) => s + v, 0) / y.length
  let ssRes = 0
  let ssTot = 0
  for (let i = 0; i < y.length; i++) {
    ssRes += (y[i] - yhat[i]) ** 2
    ssTot += (y[i] - mean) ** 2
  }
  if (ssTot === 0) return ssRes === 0 ? 1 : 0
  return 1 - ssRes / ssTot
}

export interface LooPoint {
  /** Prediction for point i from a fit that did not see it; undefined when the rest cannot determine every term. */
  predicted?: number
  /** Why there is no prediction. */
  reason?: string
}

/** Why a leave-one-out fold has no fit: 'without this capture 1 capture remains for 2 terms'. */
export const tooFewLeft = (what: string, left: number, terms: number): string =>
  `without this ${what} ${plural(left, 'capture')} ${byCount(left, 'remains', 'remain')} for ${terms} terms`

/**
 * Leave-one-out: refit without each point in turn and predict it. With `groups` (a key per
 * point, e.g. the host shape), every point of the same group is left out together, so a repeated
 * boot of the same host does not predict its twin.
 */
export function leaveOneOut(X: number[][], y: number[], termNames: string[], groups?: string[]): LooPoint[] {
  const what = groups ? 'host shape' : 'capture'
  return X.map((_, i) => {
    const out = (k: number) => (groups ? groups[k] === groups[i] : k === i)
    const Xi = X.filter((__, k) => !out(k))
    const yi = y.filter((__, k) => !out(k))
    if (Xi.length < X[0].length) {
      return {reason: tooFewLeft(what, Xi.length, X[0].length)}
    }
    const f = lstsq(Xi, yi)
    if (f.dependent.length > 0) {
      return {reason: `without this ${what} the data cannot determine ${f.dependent.map((j) => termNames[j]).join(', ')}`}
    }
    return {predicted: dot(X[i], f.coef)}
  })
}

/**
 * Non-negative least squares, min ||X b − y||₂ with b ≥ 0, for the tiny systems of the profiles:
 * every subset of columns held at zero is tried (2^n least-squares fits, n ≤ 8) and the feasible
 * fit with the smallest residual wins, which is the exact NNLS optimum.
 */
export function nnls(X: number[][], y: number[], whole?: LsqResult): number[] {
  const n = X.length === 0 ? 0 : X[0].length
  // The unconstrained optimum, when it is determined and already non-negative, is the NNLS one:
  // calibrate's page-term selection asks this for every term set and fold, and it mostly is.
  // `whole`: lstsq(X, y) when the caller has solved it already (calibrate's fitExtra, for the
  // columns the data cannot determine), not solved again here nor for the mask of every column.
  whole ??= n ? lstsq(X, y) : undefined
  if (whole && whole.dependent.length === 0 && whole.coef.every((c) => c >= -1e-9)) return whole.coef.map((c) => Math.max(0, c))
  const all = (1 << n) - 1
  let best: {coef: number[]; ss: number} | undefined
  for (let mask = 0; mask < 1 << n; mask++) {
    const free = [...Array(n).keys()].filter((j) => mask & (1 << j))
    const coef = new Array<number>(n).fill(0)
    if (free.length) {
      const f =
        mask === all && whole
          ? whole
          : lstsq(
              X.map((r) => free.map((j) => r[j])),
              y,
            )
      if (f.dependent.length) continue
      free.forEach((j, i) => (coef[j] = f.coef[i]))
      if (coef.some((c) => c < -1e-9)) continue
    }
    const ss = X.reduce((a, r, i) => a + (dot(r, coef) - y[i]) ** 2, 0)
    if (!best || ss < best.ss - 1e-9) best = {coef: coef.map((c) => Math.max(0, c)), ss}
  }
  return best!.coef
}
