// k-way merge of the per-CPU streams by a key (time): each stream is already in key order, so a
// heap of CPUs gives the global order in O(n log cpus) without allocating per event.

export function mergeByKey(key: Float64Array, start: Int32Array, streams: number): Int32Array {
  const n = start[streams]
  const out = new Int32Array(n)
  if (streams === 1) {
    for (let i = 0; i < n; i++) out[i] = i
    return out
  }
  const pos = new Int32Array(streams) // next event of each stream
  const heap = new Int32Array(streams) // stream ids
  let size = 0
  const less = (a: number, b: number) => {
    const ka = key[pos[a]]
    const kb = key[pos[b]]
    return ka < kb || (ka === kb && pos[a] < pos[b])
  }
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < size && less(heap[l], heap[m])) m = l
      if (r < size && less(heap[r], heap[m])) m = r
      if (m === i) return
      const t = heap[m]
      heap[m] = heap[i]
      heap[i] = t
      i = m
    }
  }
  for (let c = 0; c < streams; c++) {
    pos[c] = start[c]
    if (start[c] < start[c + 1]) heap[size++] = c
  }
  for (let i = (size >> 1) - 1; i >= 0; i--) down(i)
  for (let k = 0; k < n; k++) {
    const c = heap[0]
    out[k] = pos[c]++
    if (pos[c] >= start[c + 1]) heap[0] = heap[--size]
    down(0)
  }
  return out
}
