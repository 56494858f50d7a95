// Number formatting shared by every renderer.

const IEC = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB']

/** IEC units like `numfmt --to=iec` but with explicit suffixes: 1536 → "1.5 KiB". */
export function iec(n: bigint | number): string {
  const neg = typeof n === 'bigint' ? n < 0n : n < 0
  let v = Math.abs(Number(n))
  let i = 0
  while (v >= 1024 && i < IEC.length - 1) {
    v /= 1024
    i++
  }
  const s = i === 0 ? String(v) : v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)
  return `${neg ? '-' : ''}${s} ${IEC[i]}`
}

/** Parses sizes such as 64G, 512M, 4096K, 1.5GiB, 1048576 (bytes). Returns bytes or undefined. */
export function parseSize(s: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?b)?\s*$/i.exec(s)
  if (!m) return undefined
  const mult: Record<string, number> = {'': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50}
  return Math.round(Number(m[1]) * mult[m[2].toLowerCase()])
}

export function signed(n: bigint | number): string {
  const neg = typeof n === 'bigint' ? n < 0n : n < 0
  return neg ? String(n) : `+${n}`
}

export function pct(num: number, den: number): string {
  if (den === 0) return num === 0 ? '0.0%' : 'n/a'
  return `${((num / den) * 100).toFixed(1)}%`
}

/** The word in the number a count asks for, where the count is not next to it: byCount(1, 'remains', 'remain') is 'remains', byCount(2, 'boot') 'boots'. A bigint count (calls, bytes) too. */
export const byCount = (n: number | bigint, one: string, many = `${one}s`): string => (n === 1 || n === 1n ? one : many)

/** A count and its noun in the right number: plural(1, 'anomaly', 'anomalies') is '1 anomaly', plural(2, 'site') '2 sites'. */
export const plural = (n: number | bigint, one: string, many = `${one}s`): string => `${n} ${byCount(n, one, many)}`
