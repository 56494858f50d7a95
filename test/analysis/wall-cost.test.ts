// The wall clock's cost (found by a review: 22d8b55 made dmesg -T and journalctl short-precise
// 2-3 times slower to analyse): a run of records on one stamp (a wall clock to the second holds
// thousands) is not searched one by one, the split reader carries the wall clock in a column, not
// an object per record, and the prefix grammar's match gives the stamp's time without parsing it again.
import {describe, expect, it} from 'vitest'
import {MAX_EQUAL_RUN, StampSet} from '../../src/analysis/boots.js'
import {packRecords, unpackRecords} from '../../src/analysis/split-chunk.js'
import {readPrefix} from '../../src/readers/bootlog/prefix.js'
import {wallSeconds} from '../../src/readers/bootlog/wall.js'
import type {LogRecord} from '../../src/types.js'

describe('StampSet: many records on one stamp', () => {
  it('5000 texts on one stamp (SEEN_MAX of a dmesg -T boot in one second): it moves to its Map form, each look-up a few comparisons', () => {
    const s = new StampSet()
    const t = 1796540400
    for (let i = 0; i < 5000; i++) s.add(t, `record ${i}`)
    s.add(t, 'record 17')
    expect(s.size).toBe(5000)
    expect(s.mapped).toBe(true)
    for (let i = 0; i < 5000; i++) expect(s.has(t, `record ${i}`)).toBe(true)
    expect(s.has(t, 'record 5000')).toBe(false)
    expect(s.has(t + 1, 'record 1')).toBe(false)
    // Was: a linear scan of the run for each add and has: ~5000²/2 + 5000²/2 comparisons.
    expect(s.compared).toBeLessThan(10_002 * MAX_EQUAL_RUN)
  })

  it('runs shorter than MAX_EQUAL_RUN stay in the sorted arrays', () => {
    const s = new StampSet()
    for (let t = 1; t <= 100; t++) for (let i = 0; i < MAX_EQUAL_RUN - 1; i++) s.add(t, `r${i}`)
    expect(s.mapped).toBe(false)
    expect(s.size).toBe(100 * (MAX_EQUAL_RUN - 1))
    expect(s.has(50, `r${MAX_EQUAL_RUN - 2}`)).toBe(true)
  })
})

describe('the split reader carries the wall clock in a column', () => {
  it('records of dmesg -T: no per-record object, the same records back', () => {
    const recs: LogRecord[] = Array.from({length: 300}, (_, i) => ({line: i + 1, text: `line ${i}`, level: 6, facility: 0, ...(i === 7 ? {caller: 'T1'} : {}), ...(i % 100 === 99 ? {} : {wall: 1796540400 + Math.floor(i / 40)})}))
    const p = packRecords(recs)
    expect(p.rare.map((x) => x.i)).toEqual([7])
    expect(p.walls?.length).toBe(300)
    expect(Array.from(unpackRecords(p, 0))).toEqual(recs)
    expect(packRecords([{line: 1, text: 'x', time: 1}]).walls).toBeUndefined()
  })
})

describe('the prefix grammar gives the wall clock of its match (dmesg -T, --time-format iso)', () => {
  it('the same seconds as wallSeconds of the stamp, a day or month overflow as Date.UTC has it', () => {
    for (const stamp of ['Sun Dec  6 07:00:00 2026', 'Mon Feb 29 23:59:59 2027', 'Thu Jan 01 00:00:00 1970', 'Sat Apr 31 24:00:61 2026']) {
      expect(readPrefix(`[${stamp}] text`)?.wall, stamp).toBe(wallSeconds(stamp))
    }
    for (const stamp of ['2026-12-04T17:48:28,397154+00:00', '2026-13-32T00:00:00,000001+01:00']) {
      expect(readPrefix(`${stamp} text`)?.wall, stamp).toBe(wallSeconds(stamp))
    }
    expect(readPrefix('[Sun Xyz  6 07:00:00 2026] text')?.wall).toBeUndefined()
    expect(wallSeconds('Dec  6 07:00:01.5')! - wallSeconds('Dec  6 07:00:00')!).toBe(1.5)
  })
})
