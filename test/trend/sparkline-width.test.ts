// trend's sparkline is a picture column (render/report.ts `picture`): it is narrowed to its column
// (evenly spaced points, the first and last kept: render/layout.ts shrinkPicture), never wrapped. It
// was wrapped like text: a 24-point line became `___...--:` / `::==` / `++++**####` on three lines
// in --format text (79 columns) and in a table at 90 or 100, which reads as three pictures. Every
// line stays within the width (display width: the glyphs are one column each). Over the lab's real
// leak series (testdata/trend/leak).
import {describe, expect, it} from 'vitest'
import {shrinkPicture} from '../../src/render/layout.js'
import {runCli} from '../helpers/cli.js'

const display = (l: string) => [...l].length

interface Grid {
  /** Per body line: whether it starts a row (the first column has text), and its cell in the column. */
  lines: Array<{starts: boolean; cell: string}>
}

/** Column spans [start, end) from a table's header rule: text `---  ---`, or a box's `├──┼──┤`. */
function spans(rule: string): Array<[number, number]> {
  if (rule.startsWith('├')) {
    const seps = [...rule].flatMap((ch, i) => (/[├┼┤]/.test(ch) ? [i] : []))
    return seps.slice(0, -1).map((s, k) => [s + 2, seps[k + 1] - 1])
  }
  return [...rule.matchAll(/-+/g)].map((m) => [m.index, m.index + m[0].length])
}

/** The grid of the table titled `title` (undefined when it is laid out as records), at column `header`. */
function gridColumn(output: string, title: string, header: string): Grid | undefined {
  const lines = output.split('\n')
  const start = lines.findIndex((l) => l.startsWith(title))
  const end = lines.findIndex((l, i) => i > start && (l.trim() === '' || l.startsWith('└')))
  const rule = lines.findIndex((l, i) => i > start && i < end && (l.startsWith('├') || /^-+(  +-+)+$/.test(l)))
  if (rule < 0) return undefined
  const cols = spans(lines[rule])
  const slice = (l: string, [a, b]: [number, number]) => l.slice(a, b).trim()
  const head = lines.slice(start + 1, rule).filter((l) => !/^[-┌]/.test(l))
  const col = cols.findIndex((c) => head.map((l) => slice(l, c)).filter(Boolean).join(' ') === header)
  expect(col, `column ${header} in ${title}`).toBeGreaterThanOrEqual(0)
  return {lines: lines.slice(rule + 1, end).map((l) => ({starts: slice(l, cols[0]) !== '', cell: slice(l, cols[col])}))}
}

describe("trend's sparkline column", () => {
  it('a picture is narrowed by keeping evenly spaced glyphs, first and last among them', () => {
    expect(shrinkPicture('abcdefghij', 10)).toBe('abcdefghij')
    expect(shrinkPicture('abcdefghij', 4)).toBe('adgj')
    expect(shrinkPicture(' __..--==##', 5)).toBe(' .-=#')
    expect(shrinkPicture('abc', 1)).toBe('c')
  })

  it.each([
    ['text', '80', 79],
    ['table', '80', 80],
    ['table', '90', 90],
    ['table', '100', 100],
    ['table', '120', 120],
  ])('%s at COLUMNS=%s: every line within %i columns, each suspect\'s sparkline on its first line only', async (format, columns, width) => {
    const r = await runCli(['trend', 'testdata/trend/leak', '--format', format], {env: {COLUMNS: columns}})
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout.split('\n').filter((l) => display(l) > width)).toEqual([])
    const grid = gridColumn(r.stdout, 'Leak suspects', 'bytes over time')
    // At 80 the boxed table does not fit as a grid: one record per suspect, the picture whole.
    if (!grid) {
      expect(r.stdout).toMatch(/^bytes over time {2}[ ▁-█]{24}$/m)
      return
    }
    const starts = grid.lines.filter((l) => l.starts)
    // klab_alloc_one and the slab pages under it (mm/slub.c:2480's two page steps are no trend).
    expect(starts.length).toBe(2)
    for (const l of starts) expect(l.cell.length).toBeGreaterThanOrEqual(8)
    expect(grid.lines.filter((l) => !l.starts && l.cell !== '')).toEqual([])
  })
})
