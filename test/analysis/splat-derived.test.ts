// DERIVED logs, each built here from the real notrack capture (its WARN "alloc_tag was not set",
// lines 270-316): two tasks' WARNs printed into each other with printk caller ids, a WARN whose
// cut-here line is gone, and the log cut in the middle of a frame. Through the whole reader and
// analyser, as `analyse` reads a file.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {analyseBootLogText} from '../../src/analysis/read.js'
import {parseSplats} from '../../src/analysis/splat.js'
import {captureDir} from '../helpers/paths.js'
import {recordsFromText} from './records.js'

const B = readFileSync(join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'dmesg.txt'), 'utf8')
const LINES = B.split('\n')
/** The WARN's lines, 1-based inclusive: cut-here to end trace. */
const CUT = 270
const END = 316

const withCaller = (l: string, id: string): string => l.replace(/^(\[[ 0-9.]+\])/, `$1[${id.padStart(6)}]`)

/** DERIVED: every line stamped by task T1; the WARN's lines alternate with a copy of them by T77 (guilty other_store). */
function twoTasks(): string {
  const t1 = LINES.map((l) => withCaller(l, 'T1'))
  const warn = t1.slice(CUT - 1, END)
  const other = warn.map((l) => l.replace('[    T1]', '[   T77]').replace('shrink_store', 'other_store'))
  return [...t1.slice(0, CUT - 1), ...warn.flatMap((l, i) => [l, other[i]!]), ...t1.slice(END)].join('\n')
}

describe('DERIVED from the notrack WARN', () => {
  it('two tasks\' WARNs interleaved line by line (caller ids T1, T77): two whole reports, each its own trace and lines', () => {
    const a = analyseBootLogText(twoTasks(), 'DERIVED two-tasks')
    const got = a.findings.map((f) => [f.id, f.line, f.splat?.caller, f.splat?.endLine, f.splat?.guilty?.fn, f.splat?.frames.length, f.corrupted])
    // T1's lines are CUT, CUT+2, ...; T77's one after each; the end-trace lines are the last pair.
    const span = 2 * (END - CUT + 1)
    expect(got).toEqual([
      ['alloc-tag-not-set', CUT, 'T1', CUT + span - 2, 'shrink_store', 19, false],
      ['alloc-tag-not-set', CUT + 1, 'T77', CUT + span - 1, 'other_store', 19, false],
    ])
  })

  it('a WARN whose cut-here line is gone: one finding, its message the line before the banner, marked', () => {
    const text = LINES.filter((_, i) => i !== CUT - 1).join('\n')
    const a = analyseBootLogText(text, 'DERIVED no-cut-here')
    expect(a.findings).toHaveLength(1)
    const f = a.findings[0]!
    expect([f.id, f.line, f.splat?.guilty?.fn, f.splat?.frames.length, f.splat?.message]).toEqual(['alloc-tag-not-set', CUT, 'shrink_store', 19, 'alloc_tag was not set'])
    expect([f.corrupted, f.splat?.corruptedReason]).toEqual([true, `no cut-here line before its message at line ${CUT}`])
    // The parser alone says the same (and which line it took).
    const [s] = parseSplats(recordsFromText(text))
    expect([s!.startLine, s!.message]).toEqual([CUT, 'alloc_tag was not set'])
  })

  it('a log cut in the middle of a frame line: cut short by the end of the log', () => {
    const text = [...LINES.slice(0, 289), '[    8.517390]  ? update_cu'].join('\n')
    const [f] = analyseBootLogText(text, 'DERIVED cut-mid-frame').findings
    expect([f!.corrupted, f!.splat?.corruptedReason]).toEqual([true, 'cut short by the end of the log'])
    // The same line with the log going on after it is a stranger inside the trace.
    const [g] = analyseBootLogText([...LINES.slice(0, 289), '[    8.517390]  ? update_cu', ...LINES.slice(289)].join('\n'), 'DERIVED stray').findings
    expect(g!.splat?.corruptedReason).toBe('non-splat line 290 inside the call trace')
  })
})

describe('DERIVED: many callers at once', () => {
  it('33 tasks each begin the notrack WARN (cut-here, message) and go quiet: the oldest is closed at the 33rd, said why', () => {
    const [cut, msg] = [LINES[CUT - 1]!, LINES[CUT]!]
    const lines = Array.from({length: 33}, (_, i) => [withCaller(cut, `T${i + 1}`), withCaller(msg, `T${i + 1}`)]).flat()
    const splats = parseSplats(recordsFromText(lines.join('\n')))
    expect(splats).toHaveLength(33)
    const first = splats.find((s) => s.caller === 'T1')!
    expect(first.corruptedReason).toBe('more than 32 reports open at once (printk caller ids) at line 65')
    expect(splats.filter((s) => s.corruptedReason?.startsWith('more than')).length).toBe(1)
  })
})
