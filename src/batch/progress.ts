// Progress of a batch run on stderr, only when stderr is a TTY: done/total, files/s, ETA.
export interface Progress {
  update(done: number): void
  end(): void
}

const EVERY_MS = 500

export function progress(total: number): Progress {
  if (!process.stderr.isTTY) return {update: () => undefined, end: () => undefined}
  const t0 = Date.now()
  let last = 0
  let shown = false
  return {
    update(done) {
      const now = Date.now()
      if (now - last < EVERY_MS) return
      last = now
      shown = true
      const rate = done / Math.max(0.001, (now - t0) / 1000)
      const eta = rate > 0 ? Math.round((total - done) / rate) : 0
      process.stderr.write(`\rallocscope: batch ${done}/${total} inputs, ${rate.toFixed(1)} files/s, ETA ${eta} s   `)
    },
    end() {
      if (shown) process.stderr.write('\r\x1b[K')
    },
  }
}
