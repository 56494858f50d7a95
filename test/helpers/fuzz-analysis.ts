// Fuzz target: the analysis of boot logs (src/analysis: BootAnalyser over the reader's records).
// Properties: never throws; findings lie inside the input and are sorted; the findings of the
// untouched parts are unchanged (before the damage: same id, signature, line, corrupted flag; after
// it: the same, shifted by the lines it added or removed); a WARNING block that a mutation cut in the
// middle, or whose call trace got records of another log, is reported and marked corrupted;
// line-end conversions change no finding.
import {analyseRecords, finishMeta, MAX_PER_SIGNATURE} from '../../src/analysis/analyser.js'
import type {ParsedBootLog} from '../../src/readers/bootlog/index.js'
import type {BootAnalysis, Finding} from '../../src/types.js'
import {fail, type FuzzCase, type FuzzTarget} from './fuzz.js'
import {BARE_CR, baselineOf, bootlogCorpus, countLines, parseOrRefuse} from './fuzz-bootlog.js'

const family = (f: string) => (f === 'dmesg' || f === 'console' ? 'plain' : f)
const fKey = (f: Finding) => `${f.line}|${f.id}|${f.signature}|${f.corrupted}`
const endOf = (f: Finding) => f.splat?.endLine ?? f.line

function analyse(c: FuzzCase, p: ParsedBootLog): BootAnalysis {
  try {
    return analyseRecords('fuzz', p.records, finishMeta(p))
  } catch (e) {
    fail(c, `analysis threw: ${(e as Error).stack}`)
  }
}

const baseline = new Map<string, BootAnalysis | undefined>()

/**
 * Bugs found by this fuzzer and reported (not our files): counted, not failed, so the fuzzer goes on
 * (`npm run fuzz` prints the counts). Remove a row when its bug is fixed.
 */
export const knownHits = new Map<string, number>()
const known = (bug: string) => knownHits.set(bug, (knownHits.get(bug) ?? 0) + 1)

export const analysisTarget: FuzzTarget = {
  name: 'analysis',
  known: () => knownHits,
  corpus: bootlogCorpus,
  maxBytes: 4096,
  check(c: FuzzCase) {
    const p = parseOrRefuse(c, c.bytes.toString('utf8'))
    if (!p) return
    const a = analyse(c, p)
    let prev = 0
    for (const f of a.findings) {
      if (f.line < prev) fail(c, `findings not sorted: line ${f.line} after ${prev}`)
      prev = f.line
      if (f.line < 1 || endOf(f) > Math.max(p.lines, 1) || endOf(f) < f.line) fail(c, `finding ${f.id} spans ${f.line}..${endOf(f)} outside 1..${p.lines}`)
      if (!f.signature || !f.id || !f.severity) fail(c, `finding at line ${f.line} without id/signature/severity`)
      if (f.splat && f.splat.corrupted !== f.corrupted) fail(c, `finding at line ${f.line}: corrupted ${f.corrupted} but its splat says ${f.splat.corrupted}`)
      if (f.corrupted && f.splat && !f.splat.corruptedReason) fail(c, `corrupted finding at line ${f.line} without a reason`)
    }
    JSON.stringify(a, (_k, v) => (typeof v === 'bigint' ? String(v) : v)) // the --json path must not throw either

    if (c.kind !== 'mutation') return
    const m = c.mutated!
    const bp = baselineOf(c)
    if (!bp || family(bp.format) !== family(p.format)) return
    const o = c.original!
    if (!baseline.has(o.name)) baseline.set(o.name, analyse(c, bp))
    const base = baseline.get(o.name)!
    const got = new Set(a.findings.map(fKey))
    if (m.sameContent) {
      // Bare CRs (lone-CR or mixed line ends) end pieces, not lines: the numbers change (grep -n's), the findings must not.
      const key = BARE_CR.test(c.bytes.toString('latin1')) ? (f: Finding) => fKey(f).replace(/^\d+\|/, '') : fKey
      const want = base.findings.map(key)
      if (want.join('\n') !== a.findings.map(key).join('\n')) fail(c, `line ends changed the findings:\n    ${a.findings.map(fKey).join('\n    ')}\n  want\n    ${want.join('\n    ')}`)
      return
    }
    // JSON records span several lines and carry no end line: the line-based checks below do not apply.
    if (p.format === 'dmesg-json' || p.format === 'journal-json') return
    // Findings that end before the damage (with the line after them intact too) are unchanged.
    for (const f of base.findings) {
      if (endOf(f) + 1 > m.untouched - 1) continue
      if (!got.has(fKey(f))) fail(c, `finding of the untouched part lost or changed: ${fKey(f)}; now at that line: ${a.findings.filter((g) => g.line === f.line).map(fKey).join(', ') || 'nothing'}`)
    }
    // Findings after the damage are unchanged too, one line shift further: when the damage is not inside
    // a block and the signature is stored in full (at most MAX_PER_SIGNATURE of a kind are kept).
    if (m.tailStart !== undefined && m.tailAt !== undefined) {
      const before = countLines(o.bytes.subarray(0, m.tailStart).toString('utf8'))
      const shift = countLines(c.bytes.subarray(0, m.tailAt).toString('utf8')) - before
      const damagedSplat = base.findings.some((g) => g.splat && g.line <= before + 1 && endOf(g) >= m.untouched)
      const counts = new Map(a.findings.map((g) => [g.signature, (g as Finding & {count?: number}).count ?? 1]))
      const got2 = new Set(a.findings.map((g) => fKey({...g, line: g.line - shift})))
      if (!damagedSplat) {
        for (const f of base.findings) {
          if (f.line <= before + 1 || (counts.get(f.signature) ?? 0) > MAX_PER_SIGNATURE) continue
          if (!got2.has(fKey(f))) fail(c, `finding after the damage lost or changed: ${fKey(f)} (expected at line ${f.line + shift}); there now: ${a.findings.filter((g) => g.line === f.line + shift).map(fKey).join(', ') || 'nothing'}`)
        }
      }
    }
    // A block whose call trace got records of another log is marked corrupted. Lines the reader skips do
    // not count, nor records whose text also occurs inside the original's blocks (the other log may be
    // another copy of the same boot: a copy of a frame line cannot be told from the frame itself).
    const ownSplatTexts = new Set(
      base.findings.flatMap((f) => (f.splat ? bp.records.filter((r) => r.line >= f.splat!.startLine && r.line <= f.splat!.endLine).map((r) => r.text) : [])),
    )
    const byLine = new Map(p.records.map((r) => [r.line, r.text]))
    for (const {cutHere, endTrace, foreign} of m.interleavedSplats ?? []) {
      const f = a.findings.find((g) => g.line === cutHere)
      if (!f || !f.splat) continue
      // A report that ended early, at a line with the same text as the block's own end marker, is the
      // other copy's end marker (a log interleaved with a copy of itself: the numa2 sample with a copy
      // 6-14 lines ahead, derivedSelfInterleaved; the copy's lines inside the report are byte-identical
      // to its own, ignored above, and the copy's `<TASK>` was closed): such a report reads as a whole
      // one, and the copy's lines after that end marker are no part of it. Only lines up to it can tell.
      const closedByCopy = f.splat.endLine < endTrace && byLine.get(f.splat.endLine) === byLine.get(endTrace)
      const inReport = (l: number) => !closedByCopy || l <= f.splat!.endLine
      const telling = foreign.filter((l) => byLine.has(l) && !ownSplatTexts.has(byLine.get(l)!) && inReport(l))
      if (telling.length === 0) continue
      if (!f.corrupted) fail(c, `the WARNING block at line ${cutHere} has records of another log in its call trace (lines ${telling.join(', ')}) but is not marked corrupted`)
    }
    // A WARNING block cut in the middle is still reported, marked corrupted: unless the lines the cut
    // resumes at start with copies of the block's own last lines, which end it again. Seed 7011 case
    // 2192, dup(313,3)+splat-cut(270,311,resume) of the notrack sample: the dup copied the block's R13,
    // `</TASK>` and end marker, so the block read as the real WARNING without three user-space register
    // lines, time in order: nothing tells it from a whole one.
    if (m.cutSplatLine !== undefined && base.findings.some((f) => f.line === m.cutSplatLine && f.splat)) {
      const cut = a.findings.find((f) => f.line === m.cutSplatLine)
      if (!cut) fail(c, `the cut WARNING block at line ${m.cutSplatLine} is no longer reported`)
      if (!cut.corrupted && !m.cutResumesWithBlockEnd) fail(c, `the WARNING block cut at line ${m.cutSplatLine} (${m.name}) is not marked corrupted`)
    }
  },
}
