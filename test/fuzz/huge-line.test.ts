// A 10 MB line (a runaway printk, a binary blob cat'ed into the log) inside real captures: the
// readers stay correct around it. DERIVED inputs (test/helpers/mutate.ts longLine).
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parseBootLogText} from '../../src/readers/bootlog/index.js'
import {scanAllocInfoText} from '../../src/readers/allocinfo.js'
import {longLine, mulberry32, splitLines} from '../helpers/mutate.js'
import {captureDir} from '../helpers/paths.js'

const TEN_MB = 10 * 1024 * 1024

describe('a 10 MB line', () => {
  it('in a real dmesg: every line accounted for, every other record unchanged', () => {
    const orig = readFileSync(join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'dmesg.txt'))
    const m = longLine(TEN_MB)(orig, mulberry32(7))
    const a = parseBootLogText(orig.toString('utf8'))
    const b = parseBootLogText(m.bytes.toString('utf8'))
    expect(b.lines).toBe(a.lines + 1)
    expect(b.recordLines + b.skippedTotal).toBe(b.lines)
    // The other records: the same text and time, the ones after the long line one line further down.
    const others = b.records.filter((r) => r.text.length < 1000)
    expect(others.map((r) => `${r.time}|${r.text}`)).toEqual(a.records.map((r) => `${r.time}|${r.text}`))
    expect(others.map((r) => (r.line > m.untouched + 1 ? r.line - 1 : r.line))).toEqual(a.records.map((r) => r.line))
  })

  it('in a real allocinfo: skipped with a reason, every site unchanged', () => {
    const orig = readFileSync(join(captureDir('linux-7.2-pool-c64-m1024'), 'allocinfo.txt'))
    const m = longLine(TEN_MB)(orig, mulberry32(3))
    const a = scanAllocInfoText(orig.toString('utf8'))
    const b = scanAllocInfoText(m.bytes.toString('utf8'))
    expect(b.lines).toBe(a.lines + 1)
    expect(b.skipped.map((s) => s.line)).toContain(m.untouched + 1)
    expect(b.sites.map((s) => `${s.key} ${s.bytes} ${s.calls}`)).toEqual(a.sites.map((s) => `${s.key} ${s.bytes} ${s.calls}`))
    expect(b.totalBytes).toBe(a.totalBytes)
    expect(splitLines(m.bytes).lines[m.untouched].length).toBe(TEN_MB)
  })
})
