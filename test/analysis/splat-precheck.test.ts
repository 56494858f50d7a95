// The splat parser skips a record outside a report unless mayStart() passes it, and mayStart is
// built from the banner rules' `starts` (splat.ts). So each rule's `starts` must be what every
// line it matches begins with, and the pre-check must never reject a line the full path would
// take as a report's start: checked on every record of the real corpus (the peer console logs and
// the lab boots), and on synthetic lines built from the rules' own starts.
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {alternation, startsWithAny} from '../../src/analysis/detectors.js'
import {BANNERS, BRACKET_OPEN, BRACKETED, CUT_HERE, CUT_HERE_STARTS, SplatParser} from '../../src/analysis/splat.js'
import {InputError} from '../../src/errors.js'
import type {LogRecord, Splat} from '../../src/types.js'
import {captureDirs} from '../helpers/paths.js'
import {peerFiles, readPeer} from '../helpers/peer.js'
import {recordsFromText} from './records.js'

/** The records of a log; undefined for a peer log that is no kernel log (a few are not: peer-agreement counts them). */
function records(text: string): LogRecord[] | undefined {
  try {
    return recordsFromText(text)
  } catch (e) {
    if (e instanceof InputError) return undefined
    throw e
  }
}

const peers = peerFiles().map((p) => ({name: p, records: records(readPeer(p).log)}))
const logs = [
  ...peers.filter((l): l is {name: string; records: LogRecord[]} => l.records !== undefined),
  ...captureDirs()
    .flatMap((d) => ['dmesg.txt', 'console.log'].map((f) => join(d, f)))
    .filter((f) => existsSync(f))
    .map((f) => ({name: f, records: recordsFromText(readFileSync(f, 'utf8'))})),
]

/** Every splat of the records, with the pre-check (`starts` left to the parser) or without it (always true). */
function splats(records: LogRecord[], precheck: boolean): Splat[] {
  const p = new SplatParser()
  const out: Splat[] = []
  for (const r of records) out.push(...p.push(r, precheck ? undefined : true).closed)
  out.push(...p.finish(records.at(-1)?.line ?? 0))
  return out
}

/** The top-level alternatives of a RegExp source (a `|` inside a group or a class does not split). */
function alternatives(source: string): string[] {
  const out: string[] = []
  let depth = 0
  let inClass = false
  let from = 0
  for (let i = 0; i < source.length; i++) {
    const c = source[i]
    if (c === '\\') i++
    else if (inClass) inClass = c !== ']'
    else if (c === '[') inClass = true
    else if (c === '(') depth++
    else if (c === ')') depth--
    else if (c === '|' && depth === 0) {
      out.push(source.slice(from, i))
      from = i + 1
    }
  }
  return [...out, source.slice(from)]
}

/** Whether every line `re` can match starts with one of `starts`, read from its source. */
function anchoredOn(re: RegExp, starts: readonly string[]): boolean {
  if (re.source === startsWithAny(starts).source) return true
  return alternatives(re.source).every((alt) => starts.some((st) => alt.startsWith(`^${alternation([st])}`)))
}

describe('splat pre-check (mayStart)', () => {
  it("each banner rule's RegExp, CUT_HERE and BRACKETED begin with their `starts` (read from the sources)", () => {
    for (const rule of BANNERS) expect(anchoredOn(rule.re, rule.starts), rule.re.source).toBe(true)
    expect(anchoredOn(CUT_HERE, CUT_HERE_STARTS)).toBe(true)
    expect(anchoredOn(BRACKETED, [BRACKET_OPEN])).toBe(true)
    // and the check can tell: a start the RegExp does not begin with
    expect(anchoredOn(/^Kernel panic - not syncing: /, ['Kernel panik: '])).toBe(false)
    expect(anchoredOn(/^BUG: .+$|^BUG [\w-]+ \(.*\): /, ['BUG: '])).toBe(false)
  })

  it("every real line a banner rule matches starts with one of the rule's `starts`", () => {
    let matched = 0
    for (const {records} of logs) {
      for (const r of records) {
        const t = r.text.trim()
        for (const rule of BANNERS) {
          if (!rule.re.test(t)) continue
          matched++
          expect(rule.starts.some((s) => t.startsWith(s)), t).toBe(true)
        }
      }
    }
    // the peer logs hold hundreds of reports of every kind (and all but a few are kernel logs)
    expect(logs.length).toBeGreaterThan(peers.length)
    expect(matched).toBeGreaterThan(500)
  })

  it('finds the same reports in every real log as the parser without it', () => {
    let reports = 0
    for (const {name, records} of logs) {
      const want = splats(records, false)
      reports += want.length
      expect(splats(records, true), name).toEqual(want)
    }
    expect(reports).toBeGreaterThan(300)
  })

  // The shapes matchBanner undoes before its rules (blanks, a subsystem prefix, lockdep's brackets), on synthetic lines.
  it('passes every synthetic line that starts a report', () => {
    const starts = [...new Set(BANNERS.flatMap((r) => r.starts)), '------------[ cut here ]------------', '8<--- cut here ---']
    const line = fc
      .tuple(
        fc.constantFrom('', ' ', '  ', '\t'),
        fc.constantFrom('', 'watchdog: ', 'rcu: ', 'NMI watchdog: ', 'kmemleak: ', 'hrtimer: ', 'x: ', 'junk'),
        fc.constantFrom('', '[ '),
        fc.constantFrom(...starts),
        fc.constantFrom('', 'CPU: 1 PID: 2 at mm/x.c:3 f+0x1/0x2', 'possible recursive locking detected', 'soft lockup - CPU#0 stuck', '0000 [#1] SMP', ' ]'),
      )
      .map((parts) => parts.join(''))
    fc.assert(
      fc.property(line, (text) => {
        const r: LogRecord = {line: 1, text, time: 1}
        const full = new SplatParser().push(r, true)
        const pre = new SplatParser().push(r)
        expect({inSplat: pre.inSplat, banner: pre.banner}).toEqual({inSplat: full.inSplat, banner: full.banner})
      }),
      {numRuns: 2000},
    )
  })
})
