// Deterministic, seeded interleaving of the per-CPU event streams. Each CPU issues its own events
// in order; which CPU goes next is decided by its event times plus a seeded jitter, so two CPUs
// whose allocations are close in time interleave differently from seed to seed, and the same seed
// always replays the same interleaving. The jitter also draws the latency of the page allocation
// inside the pool recorder (the window between "pool is full" and the cmpxchg that publishes).
import {type Rng, mulberry32} from './prng.js'
import type {Workload} from './workload.js'
import {mergeByKey} from './merge.js'

export interface Interleaving {
  /** Event indices in the order they are issued. */
  order: Int32Array
  /** Issue time of each event (indexed by event). */
  issue: Float64Array
  rng: Rng
}

/** Jitter in workload time units: about one event spacing on a CPU. */
export const DEFAULT_JITTER = 1

export function interleave(w: Workload, seed: number, jitter = DEFAULT_JITTER): Interleaving {
  const rng = mulberry32(seed)
  const issue = new Float64Array(w.n)
  if (w.nCpus === 1) {
    const order = new Int32Array(w.n)
    // One CPU: program order, nothing to interleave.
    for (let i = 0; i < w.n; i++) {
      order[i] = i
      issue[i] = w.time[i]
    }
    return {order, issue, rng}
  }
  for (let c = 0; c < w.nCpus; c++) {
    // Per-CPU issue times stay increasing: jitter is added to the gaps, never reorders a CPU.
    let last = -Infinity
    for (let i = w.cpuStart[c]; i < w.cpuStart[c + 1]; i++) {
      const t = Math.max(w.time[i] + rng() * jitter, last + 1e-9)
      issue[i] = t
      last = t
    }
  }
  return {order: mergeByKey(issue, w.cpuStart, w.nCpus), issue, rng}
}

/** Min-heap of (time, cpu) for the micro-steps CPUs have pending (pool publish). */
export class StepHeap {
  private t: number[] = []
  private c: number[] = []
  get size(): number {
    return this.t.length
  }
  peekTime(): number {
    return this.t.length ? this.t[0] : Infinity
  }
  push(time: number, cpu: number): void {
    const t = this.t
    const c = this.c
    t.push(time)
    c.push(cpu)
    let i = t.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      if (t[p] < t[i] || (t[p] === t[i] && c[p] <= c[i])) break
      ;[t[p], t[i]] = [t[i], t[p]]
      ;[c[p], c[i]] = [c[i], c[p]]
      i = p
    }
  }
  pop(): {time: number; cpu: number} {
    const t = this.t
    const c = this.c
    const top = {time: t[0], cpu: c[0]}
    const lt = t.pop()!
    const lc = c.pop()!
    if (t.length) {
      t[0] = lt
      c[0] = lc
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < t.length && (t[l] < t[m] || (t[l] === t[m] && c[l] < c[m]))) m = l
        if (r < t.length && (t[r] < t[m] || (t[r] === t[m] && c[r] < c[m]))) m = r
        if (m === i) break
        ;[t[m], t[i]] = [t[i], t[m]]
        ;[c[m], c[i]] = [c[i], c[m]]
        i = m
      }
    }
    return top
  }
}
