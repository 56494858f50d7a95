// Where a sweep's curve lies above the legacy array, as CPU ranges and in words: only what was
// evaluated. The predicted count is a formula of the host, evaluated at every CPU count of the
// swept range (exact); the 90 % interval's ends are known at the swept points only, so a crossing
// of theirs is said as lying between two swept points. And the caveats of the swept points' own
// predictions (notes, warnings), each once with the points it applies to.

import {plural} from '../render/units.js'

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

export const span = ([a, b]: [number, number]) => (a === b ? String(a) : `${a}–${b}`)

/** The exact ranges (every CPU count of `swept` evaluated) in words: "never overflows …", "overflows from N CPUs on …". */
export function overflowWhere(overflows: CpuRanges, [lo, hi]: [number, number]): string {
  if (lo === hi) return `${overflows.length ? 'overflows' : 'does not overflow'} at ${plural(lo, 'CPU')}`
  if (overflows.length === 0) return `never overflows within ${span([lo, hi])}`
  const [[a, b]] = overflows
  if (overflows.length === 1 && b === hi) return a === lo ? `overflows at every CPU count of ${span([lo, hi])}` : `overflows from ${a} CPUs on within ${span([lo, hi])} (not at ${a - 1})`
  return `overflows at ${overflows.map(span).join(', ')} CPUs of ${span([lo, hi])} only`
}

/** CPU counts, each evaluated, in words (one count: 'CPU count 135 evaluated'). */
export const evaluatedWords = (r: CpuRanges) => (r.length === 1 && r[0][0] === r[0][1] ? `CPU count ${r[0][0]} evaluated` : `every CPU count ${r.map(span).join(' and ')} evaluated`)

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

/** A note or warning of the swept points' predictions, said once for the points it applies to. */
export interface SweepCaveat {
  kind: 'note' | 'warning'
  /** As the first point it applies to says it (that point's numbers when `varies`). */
  text: string
  /** The swept points it applies to, as runs of them. */
  cpus: CpuRanges
  points: number
  /** Its numbers differ between those points (a CPU count, a widening). */
  varies: boolean
}

/** The caveats of each swept point (`each[i]` for `cpus[i]`), grouped by their words: the same caveat with other numbers is one. */
export function sweepCaveats(cpus: readonly number[], each: ReadonlyArray<{notes: readonly string[]; warnings: readonly string[]}>): SweepCaveat[] {
  const groups = new Map<string, {kind: SweepCaveat['kind']; texts: string[]; at: Set<number>}>()
  each.forEach((p, i) => {
    for (const [kind, list] of [['warning', p.warnings], ['note', p.notes]] as const) {
      for (const text of list) {
        const key = `${kind}:${text.replace(/\d+(\.\d+)?/g, '#')}`
        const g = groups.get(key) ?? {kind, texts: [], at: new Set<number>()}
        groups.set(key, g)
        g.texts.push(text)
        g.at.add(i)
      }
    }
  })
  return [...groups.values()].map((g) => ({kind: g.kind, text: g.texts[0], cpus: runsOf(cpus, (i) => g.at.has(i)), points: g.at.size, varies: new Set(g.texts).size > 1}))
}

/** A caveat in one line, with the swept points it applies to. */
export function caveatLine(c: SweepCaveat, total: number): string {
  const where = c.points === total ? 'at every swept point' : `at the swept point${c.points === 1 ? '' : 's'} ${c.cpus.map(span).join(', ')} (${c.points} of ${total})`
  const first = c.cpus[0][0]
  return `${where}${c.varies ? `, with the numbers of ${first} CPU${first === 1 ? '' : 's'}` : ''}: ${c.text}`
}
