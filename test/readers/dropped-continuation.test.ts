// A `** N printk messages dropped **` notice is carried by the next record (LogRecord.dropped)
// only: a continuation line of that record (util-linux dmesg indents a multi-line record's lines)
// copied it too, and the splat parser read the copy as messages lost inside the report the
// record had just begun (corrupted: 'N printk messages dropped before line ...').
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {analyseBootLogText} from '../../src/analysis/read.js'
import {parseBootLogText} from '../../src/readers/bootlog/index.js'
import {REPO} from '../helpers/paths.js'

// DERIVED: the topology_sane WARNING of a real boot (lines 150-172), a dropped-messages notice
// before its cut-here line, and an indented continuation line under that line (the record the
// notice's count goes with).
const real = readFileSync(join(REPO, 'samples/linux-6.12-instr_smp064_2G_numa2/dmesg.txt'), 'utf8').split('\n').slice(149, 172)
const derived = ['** 3 printk messages dropped **', real[0]!, `${' '.repeat(15)}(a second line of the record)`, ...real.slice(1)].join('\n') + '\n'

describe('a dropped-messages notice and a continuation line', () => {
  it('only the record after the notice carries the count', () => {
    const p = parseBootLogText(derived, {format: 'dmesg'})
    expect(p.format).toBe('dmesg')
    expect(p.droppedMessages).toBe(3)
    const carried = p.records.filter((r) => r.dropped !== undefined)
    expect(carried.map((r) => [r.line, r.dropped])).toEqual([[2, 3]])
    expect(p.records.find((r) => r.line === 3)?.text).toBe('(a second line of the record)')
  })

  it('the report begun after the notice is not marked as having lost lines', () => {
    const a = analyseBootLogText(derived, 'derived', {format: 'dmesg'})
    const w = a.findings.find((f) => /topology_sane/.test(f.title))!
    expect(w.splat?.guilty?.fn ?? w.title).toMatch(/topology_sane|set_cpu_sibling_map/)
    expect(w.splat?.corruptedReason ?? '').not.toMatch(/printk messages dropped/)
  })
})

describe("a continuation line's own marks", () => {
  it('a /dev/kmsg dictionary line is marked, the ordinary continuation after it is not (the mark is not copied on)', () => {
    // SYNTHETIC util-linux dmesg lines: a record, a kmsg dictionary line, an indented second line.
    const text = ['[    1.000000] pci 0000:00:01.0: something', ' SUBSYSTEM=pci', "               the record's second line", '[    2.000000] next'].join('\n') + '\n'
    const p = parseBootLogText(text, {format: 'dmesg'})
    expect(p.records.map((r) => [r.line, r.otherForm])).toEqual([
      [1, undefined],
      [2, 'kmsg'],
      [3, undefined],
      [4, undefined],
    ])
  })
})
