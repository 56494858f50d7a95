// Fitting text to a width without losing any of it: prose and cells are wrapped at word (then path)
// boundaries onto continuation lines, never cut. Column widths are found in time linear in the
// number of cells (a 10^6-row table is laid out in seconds, with no spread of rows into a call).
// Written here rather than with cli-table3: cli-table3 lays 20 000 rows out in 48 s (quadratic)
// and cuts cells with an ellipsis; both renderers (boxed table, plain text) share this layout.

/** Width of a string on the terminal: code units (renderers have escaped or transliterated the rest). */
export const width = (s: string): number => s.length

/** Longest line of a cell that may hold deliberate `\n` breaks. */
export function longestLine(s: string): number {
  if (!s.includes('\n')) return s.length
  let m = 0
  for (const l of s.split('\n')) if (l.length > m) m = l.length
  return m
}

// Where a long word may break, the one home of the rule (cells, prose, headers and their minimum
// widths, `--help`): after a separator (path `/`, list `,`, field `|` as in a finding's signature
// `warning|WARNING in topology_sane|arch/x86/kernel/smpboot.c`), else after other punctuation.
const PATH_BREAK = /[/,|]/
const SOFT_BREAK = /[:;=_.\-)+]/

/**
 * The cut after the last separator in the line's first `max` columns, else other punctuation, else
 * hard at max. A cut may follow the first character after the indent (`/` of `/sys/...`): the
 * piece after it stays whole. `minCut` is one past the indent.
 */
function softBreak(s: string, minCut: number, max: number): number {
  for (const re of [PATH_BREAK, SOFT_BREAK]) {
    for (let i = max - 1; i >= minCut - 1; i--) if (re.test(s[i])) return i + 1
  }
  return max
}

/**
 * One line wrapped to `w` columns: at the last space that fits, else after the last path separator or
 * punctuation, else hard. Continuation lines start with `indent` (dropped when it leaves no room).
 */
export function wrapLine(s: string, w: number, indent = ''): string[] {
  const max = Math.max(1, w)
  if (s.length <= max) return [s]
  const ind = indent.length <= max / 2 ? indent : ''
  const out: string[] = []
  let rest = s
  while (rest.length > max) {
    // Never break inside the line's own leading spaces (its indent).
    const minCut = /^ */.exec(rest)![0].length + 1
    let cut = rest.lastIndexOf(' ', max)
    let next: string
    if (cut >= minCut) {
      out.push(rest.slice(0, cut).trimEnd())
      next = rest.slice(cut + 1)
    } else {
      cut = softBreak(rest, minCut, max)
      out.push(rest.slice(0, cut))
      next = rest.slice(cut)
    }
    next = next.trimStart()
    if (next === '') return out
    rest = ind + next
  }
  out.push(rest)
  return out
}

/** A cell (with optional `\n` breaks) wrapped to `w` columns. */
export function wrapCell(s: string, w: number): string[] {
  if (s.length <= w && !s.includes('\n')) return [s]
  return s.split('\n').flatMap((l) => wrapLine(l, w))
}

/**
 * A picture (a sparkline) narrowed to `w` columns by keeping evenly spaced glyphs, the first and the
 * last among them: the whole window at a coarser step, on one line. Never wrapped: its pieces on
 * continuation lines read as several pictures, and a gap (an absent point) could be taken as the
 * place to break and dropped.
 */
export function shrinkPicture(s: string, w: number): string {
  if (s.length <= w) return s
  if (w <= 1) return s.slice(-Math.max(0, w))
  return Array.from({length: w}, (_, i) => s[Math.round((i * (s.length - 1)) / (w - 1))]).join('')
}

/** A paragraph wrapped with a hanging indent: its own leading spaces plus four. */
export function wrapParagraph(s: string, w: number): string[] {
  const lead = /^ */.exec(s)![0]
  return wrapLine(s, w, lead + '    ')
}

export interface ColumnSpec {
  header: string
  align: 'left' | 'right'
  /** Longest line of the header and of every cell. */
  natural: number
  /** Longest line of the cells alone (numbers never wrap; a header may, at its spaces). */
  cells?: number
  /** A drawing (a sparkline): narrowed to its column (shrinkPicture), never wrapped. */
  picture?: boolean
}

const longestWord = (s: string) => s.split(/\s+/).reduce((m, w) => Math.max(m, w.length), 0)

// After a path separator or punctuation: where wrapLine may break a word that has no space.
const AFTER_BREAK = new RegExp(`(?<=${PATH_BREAK.source}|${SOFT_BREAK.source})`)

/** A word cut where wrapLine may break it: `leave-one-out` → `leave-`, `one-`, `out`. */
export const wordPieces = (w: string): string[] => w.split(AFTER_BREAK)

/**
 * The longest part of a header that wrapLine cannot break (a word, or a piece of one between its
 * punctuation: `leave-` of `leave-one-out`): a column narrower than it cuts the word in two
 * (`recorde` / `d` at 80 columns).
 */
const longestPiece = (s: string): number => s.split(/\s+/).flatMap(wordPieces).reduce((m, p) => Math.max(m, p.length), 0)


/** The narrowest a wrappable column gets before the table is shown as records instead. */
const MIN_WRAP = 8

/**
 * Column widths that fit `avail` columns of content: natural widths when they fit, else the wide
 * left-aligned columns share what is left (water-filling), numbers never wrap. Undefined when even
 * the minimum widths do not fit: the caller lays the rows out as records.
 */
export function fitWidths(cols: ColumnSpec[], avail: number): number[] | undefined {
  const natural = cols.map((c) => c.natural)
  const min = cols.map((c) => {
    // A header word may break at its punctuation (leave-/one-/out), never inside a piece.
    const head = longestPiece(c.header)
    return c.align === 'right' ? Math.max(c.cells ?? c.natural, head) : Math.min(c.natural, Math.max(head, MIN_WRAP))
  })
  const sum = (a: number[]) => a.reduce((s, x) => s + x, 0)
  if (sum(natural) <= avail) return natural
  if (sum(min) > avail) return undefined
  const widths = [...min]
  let extra = avail - sum(min)
  const all = cols.map((_, i) => i)
  // Number columns' header words unbroken first, then text columns' values whole, then headers on
  // one line (a header wrapped at its spaces reads better than a value or a word cut in two).
  const cellTarget = all.map((i) => Math.min(natural[i], Math.max(cols[i].cells ?? natural[i], longestWord(cols[i].header))))
  const right = all.filter((i) => cols[i].align === 'right')
  const phases: [number[], number[]][] = [
    [right, all.map((i) => Math.min(cellTarget[i], Math.max(cols[i].cells ?? 0, 8)))],
    [all.filter((i) => cols[i].align !== 'right'), cellTarget],
    [right, cellTarget],
    [all, natural],
  ]
  for (const [group, target] of phases) extra = fill(widths, group, target, extra)
  return widths
}

/** Shares `extra` among `group` up to `target` each (smallest needs served first); returns what is left. */
function fill(widths: number[], group: number[], target: number[], extra: number): number {
  const wanting = group.filter((i) => target[i] > widths[i]).sort((a, b) => target[a] - widths[a] - (target[b] - widths[b]))
  for (let k = 0; k < wanting.length; k++) {
    const i = wanting[k]
    const give = Math.min(target[i] - widths[i], Math.floor(extra / (wanting.length - k)))
    widths[i] += give
    extra -= give
  }
  // What the floor() left goes to the widest columns that still want it.
  for (let k = wanting.length - 1; k >= 0 && extra > 0; k--) {
    const i = wanting[k]
    const give = Math.min(target[i] - widths[i], extra)
    widths[i] += give
    extra -= give
  }
  return extra
}

export const pad = (s: string, w: number, align: 'left' | 'right'): string => (align === 'right' ? s.padStart(w) : s.padEnd(w))
