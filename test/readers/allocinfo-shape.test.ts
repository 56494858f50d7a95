// isAllocinfoShape reads a text line by line and stops once its verdict cannot change (batch asks it
// of every input's head); it must say what the rule says over the first SHAPE_LINES non-blank lines
// of the first 4 × SHAPE_LINES lines. REFERENCE is the rule written the direct way (the function as
// it was: split, keep, count), checked on texts mixed from real line shapes, past both limits.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {ALLOCINFO_HEADER, isAllocinfoShape, SHAPE_LINES} from '../../src/readers/allocinfo-shape.js'
import {trimLineEndCR} from '../../src/readers/lines.js'

const SITE = /^[ \t]*-?\d+(?:\.\d+)?(?:[KMGTPEZY]i?)?[ \t]+\d+[ \t]+\S+:\d+(?:[ \t]|$)/
function reference(text: string | readonly string[]): boolean {
  const all = typeof text === 'string' ? text.split('\n', 4 * SHAPE_LINES) : text
  const lines: string[] = []
  for (const l of all) {
    if (l.trim() !== '') lines.push(trimLineEndCR(l))
    if (lines.length >= SHAPE_LINES) break
  }
  const first = lines.find((l) => !l.startsWith('#'))
  if (first !== undefined && ALLOCINFO_HEADER.test(first)) return true
  const sites = lines.filter((l) => SITE.test(l)).length
  return sites > 0 && sites >= lines.length / 2
}

// Shapes of real lines (testdata/captures/*/allocinfo.txt, dmesg.txt) and of what people paste.
const SHAPES = [
  'allocinfo - version: 1.0',
  '#     <size>  <calls> <tag info>',
  '# allocscope: time=2026-12-04T10:00:00Z',
  '           0        0 init/main.c:1311 func:do_initcalls ',
  '     1261568      308 mm/slub.c:2437 func:alloc_slab_page',
  '        4.0K        1 kernel/fork.c:310 func:alloc_thread_stack_node',
  '[    0.000000] Linux version 6.12.0 (gcc 12.2.0) #1 SMP',
  '[    0.123456] Memory: 1024K/2048K available',
  'user@host:~$ cat /proc/allocinfo',
  '',
  '   ',
]

const texts = fc.array(fc.constantFrom(...SHAPES), {maxLength: 4 * SHAPE_LINES + 40}).chain((lines) =>
  fc.record({lines: fc.constant(lines), eol: fc.constantFrom('\n', '\r\n'), end: fc.boolean()}),
)

describe('isAllocinfoShape', () => {
  it('says what the rule says, text or lines, past SHAPE_LINES and 4 × SHAPE_LINES', () => {
    fc.assert(
      fc.property(texts, ({lines, eol, end}) => {
        const text = lines.join(eol) + (end ? eol : '')
        expect(isAllocinfoShape(text)).toBe(reference(text))
        expect(isAllocinfoShape(lines)).toBe(reference(lines))
      }),
      {numRuns: 1500},
    )
  })
  it('keeps the cases the early stop must not change', () => {
    const hashes = Array.from({length: SHAPE_LINES / 2 + 5}, () => SHAPES[2]!)
    // The header after more than half of SHAPE_LINES comment lines is still the first line that is not one.
    expect(isAllocinfoShape([...hashes, SHAPES[0]!].join('\n'))).toBe(true)
    const log = Array.from({length: SHAPE_LINES / 2 + 1}, () => SHAPES[6]!)
    const sites = Array.from({length: SHAPE_LINES}, () => SHAPES[4]!)
    expect(isAllocinfoShape([...log, ...sites].join('\n'))).toBe(false)
    expect(isAllocinfoShape([...log.slice(1), ...sites].join('\n'))).toBe(true)
  })
})
