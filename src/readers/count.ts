// Counters as the kernel printed them. The kernel's counters are u64/s64; a JavaScript number holds
// integers exactly only up to 2^53. One exact path for every counter read from a log: digits →
// a number while that is exact, else a bigint; --json writes a bigint beyond 2^53 as a decimal
// string (render/json.ts), the other formats print its digits. Arithmetic that needs a double
// (percentages, the model) converts with Number() where it does, and says so.

/** An integer read from input: a number when exact (|n| ≤ 2^53 − 1), else a bigint. */
export type Count = number | bigint

/** More digits than any kernel counter (u64: 20) by far: read as a double, not parsed as a bigint (a 1 MiB digit run costs seconds). */
const MAX_EXACT_DIGITS = 40

/** `digits` (an optional `-` then decimal digits) as a Count; exact up to MAX_EXACT_DIGITS digits. */
export function parseCount(digits: string): Count {
  const n = Number(digits)
  if (Number.isSafeInteger(n) || digits.length > MAX_EXACT_DIGITS + 1) return n
  return countOf(BigInt(digits))
}

/** A bigint back to a number when that is exact. */
export function countOf(b: bigint): Count {
  return b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(b) : b
}

/** Exact sum of two counts. */
export function addCounts(a: Count, b: Count): Count {
  return typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a + b) ? a + b : countOf(BigInt(a) + BigInt(b))
}

/** The largest unsigned 64-bit value: a kernel u64 counter cannot exceed it. */
export const U64_MAX = 2n ** 64n - 1n

/** Why a klab counter cannot be one the kernel printed, or undefined when it can. */
export function counterProblem(c: Count): 'negative' | 'beyond 64 bits' | undefined {
  if (c < 0) return 'negative'
  if (typeof c === 'number' ? !Number.isSafeInteger(c) : c > U64_MAX) return 'beyond 64 bits'
  return undefined
}

/** A count as a double, for arithmetic that is in doubles anyway (percentages, deltas, the model): rounded beyond 2^53. */
export const num = (c: Count): number => Number(c)

/** A Record of counts as doubles (for the model, whose terms are doubles). */
export const nums = (r: Record<string, Count>): Record<string, number> => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Number(v)]))

/** Exact product of a count and a whole factor (KiB → bytes). */
export const scaleCount = (c: Count, factor: number): Count => (typeof c === 'number' && Number.isSafeInteger(c * factor) ? c * factor : countOf(BigInt(c) * BigInt(factor)))
