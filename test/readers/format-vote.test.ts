// Format detection's vote counts the last row (dmesg: the stamp each line has) first and stops
// counting a row once it cannot reach that; the winner and its votes must be the rule's: the row
// with most matching lines, ties to the earlier row. REFERENCE counts every row over every line.
// Lines are mixed from every row's example (formats.ts, what --help shows) and console noise.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {vote} from '../../src/readers/bootlog/detect.js'
import {BOOT_LOG_FORMATS, type FormatEntry} from '../../src/readers/bootlog/formats.js'
import {stampAt} from '../../src/readers/bootlog/sniff.js'
import {findTime, readPrefix} from '../../src/readers/bootlog/prefix.js'
import {DROPPED} from '../../src/readers/bootlog/text-formats.js'

const ROWS = BOOT_LOG_FORMATS as readonly FormatEntry[]

function reference(lines: string[]): {id: string; votes: number} | undefined {
  const stamps = lines.map(stampAt)
  let best: {id: string; votes: number} | undefined
  for (const e of ROWS) {
    if (!e.line) continue
    const v = lines.filter((l, i) => e.line!(l, stamps[i])).length
    if (v > 0 && (best === undefined || v > best.votes)) best = {id: e.id, votes: v}
  }
  return best
}

const LINES = [
  ...ROWS.flatMap((e) => e.example.split(/\r?\n/).filter((l) => l.trim() !== '')),
  'SeaBIOS (version 1.16.2)',
  'Booting from ROM...',
  '[    1.234567] Memory: 1024K/2048K available',
  'login: ',
]

describe('format vote', () => {
  it('gives the rule winner and its votes on lines mixed from every format', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...LINES), {minLength: 1, maxLength: 60}), (lines) => {
        const got = vote(lines, lines.map(stampAt))
        expect(got && {id: got.entry.id, votes: got.votes}).toEqual(reference(lines))
      }),
      {numRuns: 3000},
    )
  })
  it('a tie with the last row goes to the earlier row, which is counted to the end', () => {
    // One syslog line without the kernel's [time] and one dmesg line: one vote each.
    const lines = ['Nov 26 00:52:36 vm kernel: Linux version 7.2.13', '[    0.000000] Linux version 7.2.13']
    expect(reference(lines)).toEqual({id: 'syslog', votes: 1})
    const got = vote(lines, lines.map(stampAt))
    expect({id: got!.entry.id, votes: got!.votes}).toEqual({id: 'syslog', votes: 1})
  })
})

describe('stampAt', () => {
  // The rule written the direct way: the prefix read whole (readPrefix) gives a time or a wall clock
  // ('start'), else a stamp glued after console noise; stampAt answers a leading stamp without it.
  const direct = (l: string): string | undefined => {
    const m = l.charCodeAt(0) === 42 ? DROPPED.exec(l) : null
    const s = m ? l.slice(m[0].length) : l
    const p = readPrefix(s)
    if (p !== undefined && (p.time !== undefined || p.wallClock === true)) return 'start'
    return findTime(s, 1) > 0 ? 'glued' : undefined
  }
  const PIECES = ['[', ']', ' ', '   ', '0', '12', '.', '345678', '<6>', '[  T1]', '[C0]', '** 3 printk messages dropped ** ', 'text', '\x1b[0m', 'x']
  it('is the rule read from the whole prefix, on lines made of stamp pieces and on every row example', () => {
    for (const l of LINES) expect(stampAt(l)).toBe(direct(l))
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), {maxLength: 12}), (parts) => {
        const l = parts.join('')
        expect(stampAt(l)).toBe(direct(l))
      }),
      {numRuns: 5000},
    )
  })
})
