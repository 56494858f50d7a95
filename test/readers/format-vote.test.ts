// Format detection's vote counts the last row (dmesg: the stamp each line has) first and stops
// counting a row once it cannot reach that; the winner and its votes must be the rule's: the row
// with most matching lines, ties to the earlier row. REFERENCE counts every row over every line.
// Lines are mixed from every row's example (formats.ts, what --help shows) and console noise.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {vote} from '../../src/readers/bootlog/detect.js'
import {BOOT_LOG_FORMATS, type FormatEntry} from '../../src/readers/bootlog/formats.js'
import {stampAt} from '../../src/readers/bootlog/sniff.js'

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
