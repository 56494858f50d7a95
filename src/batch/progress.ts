// Progress of a batch run on stderr, only when stderr is a TTY: done/total, files/s, ETA. An
// archive's inputs are known once it is read through (its headers): until every archive is
// counted, the total is unknown and only done and files/s are shown.
import {byCount} from '../render/units.js'

export interface Progress {
  update(done: number, total: number | undefined): void
  end(): void
}

const EVERY_MS = 500

/** Where progress goes: stderr (the `err` parameter is for tests). */
interface Tty {
  isTTY?: boolean
  write(s: string): unknown
}

export function progress(err: Tty = process.stderr, now: () => number = Date.now): Progress {
  if (!err.isTTY) return {update: () => undefined, end: () => undefined}
  const t0 = now()
  let last = -Infinity
  let shown = false
  return {
    update(done, total) {
      const t = now()
      if (t - last < EVERY_MS) return
      last = t
      shown = true
      const rate = done / Math.max(0.001, (t - t0) / 1000)
      const eta = rate > 0 && total !== undefined ? Math.round(Math.max(0, total - done) / rate) : undefined
      const of = total === undefined ? ` ${byCount(done, 'input')} (archives not counted yet)` : `/${total} ${byCount(total, 'input')}`
      err.write(`\rallocscope: batch ${done}${of}, ${rate.toFixed(1)} files/s${eta === undefined ? '' : `, ETA ${eta} s`}   `)
    },
    end() {
      if (shown) err.write('\r\x1b[K')
    },
  }
}
