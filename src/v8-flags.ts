// The V8 flags allocscope sets at run time, in one place: they are the process's (every isolate,
// read at each use), so each says where it applies. Only on the V8 majors where the flags are
// known to exist (an unknown flag is an error line on stderr); ALLOCSCOPE_V8_DEFAULTS=1 keeps V8's
// defaults (to measure the difference). node:v8 is imported here only: ~10 % of `node -e 0`, so
// this module is loaded by the commands that start worker threads, not at start-up.
import {setFlagsFromString} from 'node:v8'

function setV8Flag(flag: string): void {
  if (process.env.ALLOCSCOPE_V8_DEFAULTS || !/^1[12]\./.test(process.versions.v8)) return
  setFlagsFromString(flag)
}

/**
 * V8 optimises a function once it has run about 66 KB of bytecode (its default interrupt budget);
 * each optimisation is TurboFan compiling on a background thread, CPU time the run pays for. A
 * batch of small logs spends most of its time warming up (the corpus: ~2.3 s of CPU on the first
 * pass, ~0.5 s on the next ones in the same process), and most of that warm-up was optimising
 * functions that were barely used again. A 16× budget leaves the hot functions optimised early
 * enough (the steady state and a 20 MiB log cost the same) and cut the corpus's CPU by a third
 * (bench/NOTES.md, issue 18). V8 flags are per process: set before the workers start, they apply
 * to them.
 */
export function tuneJitForBatch(): void {
  setV8Flag('--interrupt-budget=1048576')
}

/**
 * V8 lets an isolate's old generation grow to up to 4× what survived its last full collection
 * before the next one. Growth by 1.5× collects sooner, where memory is the limit and not speed:
 * - batch: a worker's garbage is many small inputs' worth; each of the three isolates sat at
 *   45-60 MiB of heap with 15-50 used, and 100 000 inputs peaked at 241-250 MiB RSS (goal < 250);
 *   bounded: 199-203 MiB (4 runs; 197-211 in later runs), for 1-22 % more CPU on that run (4 noisy runs; the corpus's
 *   wall time unchanged; 60: 232 MiB; bench/NOTES.md);
 * - a log of 256 MiB or more read on two threads (analysis/split.ts): 1 GiB peaked at
 *   175-214 MiB (goal < 200), bounded 165-173 MiB, for 0-21 % more time (4 runs); at 100 MiB it
 *   saved nothing and cost 5-10 % (4 interleaved runs), hence the threshold.
 * The flag is the process's, read at every collection: restoreHeaps() gives an in-process caller
 * (the tests) V8's default back when the work ends.
 */
export function boundHeaps(): void {
  setV8Flag('--heap-growing-percent=50')
}

/**
 * boundHeaps() once the process's resident memory passes `mib`, checked by the caller as its work
 * goes (a few times a second is plenty). A run that stays small never pays the bound's extra
 * collections: batch over 10 000 inputs took 13.9 s of CPU bounded from the start against 12.1-12.4
 * s unbounded (peak RSS 139 against 165 MiB); a long run is bounded from the point memory, not
 * speed, becomes the limit.
 */
export class HeapBound {
  private bounded = false

  /** `rss` and `bound` are the process's; a test gives its own. */
  constructor(
    private readonly mib: number,
    private readonly rss: () => number = process.memoryUsage.rss,
    private readonly bound: () => void = boundHeaps,
  ) {}

  check(): void {
    if (this.bounded || this.rss() < this.mib * 2 ** 20) return
    this.bounded = true
    this.bound()
  }
}

/** V8's own growth factor again (0: computed from the collector's speed). */
export function restoreHeaps(): void {
  setV8Flag('--heap-growing-percent=0')
}
