// Where a sweep's curve lies above the legacy array, as CPU ranges and in words: only what was
// evaluated. The predicted count is a formula of the host, evaluated at every CPU count of the
// swept range (exact); the 90 % interval's ends are known at the swept points only, so a crossing
// of theirs is said as lying between two swept points.

/** Inclusive CPU ranges, ascending. */
export type CpuRanges = Array<[number, number]>

/** The runs of consecutive entries of `cpus` (ascending) where `over(i)` holds, as [first, last] CPU counts. */
export function runsOf(cpus: readonly number[], over: (i: number) => boolean): CpuRanges {
  const out: CpuRanges = []
  let open = false
  cpus.forEach((n, i) => {
    if (!over(i)) open = false
    else if (open) out[out.length - 1][1] = n
    else {
      out.push([n, n])
      open = true
    }
  })
  return out
}

const span = ([a, b]: [number, number]) => (a === b ? String(a) : `${a}–${b}`)

/** The exact ranges (every CPU count of `swept` evaluated) in words: "never overflows …", "overflows from N CPUs on …". */
export function overflowWhere(overflows: CpuRanges, [lo, hi]: [number, number]): string {
  if (overflows.length === 0) return `never overflows within ${span([lo, hi])}`
  const [[a, b]] = overflows
  if (overflows.length === 1 && b === hi) return a === lo ? `overflows at every CPU count of ${span([lo, hi])}` : `overflows from ${a} CPUs on within ${span([lo, hi])} (not at ${a - 1})`
  return `overflows at ${overflows.map(span).join(', ')} CPUs of ${span([lo, hi])} only`
}

/** Ranges whose ends are swept points, in words: a crossing inside the range lies between an end and its neighbouring swept point. */
export function sweptWhere(ranges: CpuRanges, cpus: readonly number[]): string {
  if (ranges.length === 0) return 'at no swept point'
  if (ranges.length === 1 && ranges[0][0] === cpus[0] && ranges[0][1] === cpus[cpus.length - 1]) return 'at every swept point'
  const between = (x: number, step: 1 | -1) => {
    const i = cpus.indexOf(x)
    const y = cpus[i + step]
    return y === undefined || Math.abs(y - x) === 1 ? undefined : `between ${Math.min(x, y)} and ${Math.max(x, y)}`
  }
  const crossings = ranges.flatMap(([a, b]) => [between(a, -1), between(b, 1)]).filter((t): t is string => t !== undefined)
  return `at the swept points ${ranges.map(span).join(', ')}` + (crossings.length ? ` (crossing ${crossings.join(', ')})` : '')
}
