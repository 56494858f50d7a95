// "Did you mean": the nearest name by edit distance, when it is near enough to be a typo.
// Hand-written (a dozen lines) rather than a dependency for one distance function.

export function editDistance(a: string, b: string): number {
  let prev = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = cur
  }
  return prev[b.length]
}

/** The closest candidate within max(2, a third of the word) edits, or a candidate it prefixes. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const w = word.toLowerCase()
  let best: string | undefined
  let bestD = Infinity
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase())
    if (d < bestD) [best, bestD] = [c, d]
  }
  if (best !== undefined && bestD <= Math.max(2, Math.floor(w.length / 3))) return best
  const prefixed = candidates.filter((c) => w.length >= 2 && c.toLowerCase().startsWith(w))
  return prefixed.length === 1 ? prefixed[0] : undefined
}
