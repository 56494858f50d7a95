// The streaming boot-log analyser: records in, BootAnalysis out. Memory stays bounded on huge
// logs: it keeps facts, a few findings per signature (the rest are counted) and the one splat
// being parsed.
import {detach, detachDeep} from '../readers/lines.js'
import type {BootLogStats} from '../readers/bootlog/index.js'
import type {BootAnalysis, BootLogFormat, Finding, LogRecord, Recorder, Skipped, Splat} from '../types.js'
import {anyOf, detectLine, detectSplat, isWarnMessage, lineSignature, LINE_NEEDLES, splatSignature, startsWithAny} from './detectors.js'
import {FACT_NEEDLES, FACT_STARTS, FactCollector} from './facts.js'
import {ProfilingEvidence, inferProfiling} from './profiling.js'
import {SplatParser, takeReport} from './splat.js'

/** Findings stored per signature; later ones only bump the count. */
export const MAX_PER_SIGNATURE = 5
/** Distinct signatures stored; beyond that findings are only counted (findingsNotStored). */
export const MAX_SIGNATURES = 1000

/**
 * The per-line passes other than splats (host facts, profiling banners, line detectors) each need
 * a line start or a literal first; one test for all of them lets ~95 % of a boot log skip the
 * three. Line starts are cheap to test, so anchored rules are gated by them, not by their hints.
 * 'Memory allocation profiling': ProfilingEvidence's own pre-check (profiling.ts).
 */
const GATE_START = startsWithAny(FACT_STARTS)
const GATE_ANYWHERE = anyOf([...FACT_NEEDLES, ...LINE_NEEDLES, 'Memory allocation profiling'])

/**
 * What a record's text alone answers to the analysis's per-record gate, worked out on a reader
 * thread for a large log (split.ts) so that the main thread, which runs the analysis, skips it:
 * HINT_GATE, the gate above passes. NO_HINTS: not worked out. The splat parser's pre-check
 * (mayStart) stays on the main thread: since it became one anchored test (764 of the bench log's
 * 1.41 M records pass it), the reader thread is the slower side, and the pre-check there made the
 * 100 MiB bench log ~3 % slower (1.31-1.39 s against 1.37-1.43 s, 5 runs each, interleaved).
 */
export const HINT_GATE = 1
export const NO_HINTS = -1

export function recordHints(text: string): number {
  return GATE_START.test(text) || GATE_ANYWHERE.test(text) ? HINT_GATE : 0
}

export interface AnalyserOptions {
  /** --recorder: overrides the recorder inference. */
  recorder?: Recorder
  /**
   * The records' strings are slices of one text the caller holds for as long as it holds the
   * analysis (a log read whole): findings keep them as they are. Otherwise (a streamed log) each
   * stored finding is a deep copy, so that it keeps no read chunk alive. The copy was ~8 % of
   * batch's CPU per input (a warm pass over the corpus's 451 boot logs: 0.93 against 1.02 ms).
   */
  wholeText?: boolean
}

export interface FinishMeta {
  format: BootLogFormat
  formatReason: string
  lines: number
  skipped: Skipped[]
  /** All skipped lines (skipped keeps the first MAX_SKIPPED); undefined when not known. */
  skippedTotal: number | undefined
  droppedMessages: number
}

/** The FinishMeta of a whole log as its reader counted it (the streamed read, the read in memory, tests). */
export function finishMeta(p: {format: BootLogFormat; formatReason: string} & Pick<BootLogStats, 'lines' | 'skipped' | 'skippedTotal' | 'droppedMessages'>): FinishMeta {
  return {format: p.format, formatReason: p.formatReason, lines: p.lines, skipped: p.skipped, skippedTotal: p.skippedTotal, droppedMessages: p.droppedMessages}
}

interface Group {
  stored: Finding[]
  count: number
}

export class BootAnalyser {
  private facts = new FactCollector()
  private splats = new SplatParser()
  private evidence = new ProfilingEvidence()
  private groups = new Map<string, Group>()
  private notStored = 0
  private records = 0
  private lastLine = 0
  private lastTime?: number
  private backwards = 0
  /**
   * A WARN message's finding, held for one record: when the next is a WARNING banner whose
   * cut-here line is missing, the message is that report's (SplatPush.adopted), not a finding of its own.
   */
  private held?: Finding

  constructor(
    readonly source: string,
    private readonly opts: AnalyserOptions = {},
  ) {}

  /** @param late a record of the boot's past printed again (a replay's, boots.ts): not a step back of the clock. */
  push(r: LogRecord, hints = NO_HINTS, late = false): void {
    // An orphan line is no kernel record: only a report open at that point may take it as its own.
    if (r.orphan) {
      for (const s of this.splats.push(r).closed) this.addSplat(s)
      return
    }
    this.records++
    this.lastLine = r.line
    if (r.time !== undefined && !late) {
      if (this.lastTime !== undefined && r.time < this.lastTime) this.backwards++
      this.lastTime = r.time
    }
    const res = this.splats.push(r)
    const held = this.held
    this.held = undefined
    if (held && res.adopted !== held.line) this.add(held)
    for (const s of res.closed) this.addSplat(s)
    if (((hints === NO_HINTS ? recordHints(r.text) : hints) & HINT_GATE) === 0) return
    this.facts.push(r, this.records - 1)
    this.evidence.push(r)
    // A message line is judged with its splat; only pr_warn-style rows can match it on its own.
    // A report's banner (a panic, a BUG) is the report's own finding.
    const d = res.banner ? undefined : detectLine(r.text, res.message ? 'line-only' : 'all')
    if (!d) return
    const f: Finding = {id: d.id, severity: d.severity, title: d.title, signature: lineSignature(d), text: r.text, line: r.line, corrupted: false}
    if (r.time !== undefined) f.time = r.time
    if (d.data) f.data = d.data
    if (isWarnMessage(r.text.trim())) this.held = f
    else this.add(f)
  }

  finish(meta: FinishMeta): BootAnalysis {
    if (this.held) this.add(this.held)
    this.held = undefined
    for (const s of this.splats.finish(Math.max(this.lastLine, meta.lines))) this.addSplat(s)
    const host = this.facts.finish()
    // Object.assign, not {...f, count}: V8 (Node 20) clones a spread with a property after it by a slow path (bench/NOTES.md).
    const findings = [...this.groups.values()]
      .flatMap((g) => g.stored.map((f) => Object.assign({}, f, {count: g.count})))
      .sort((a, b) => a.line - b.line)
    const profiling = inferProfiling({host, evidence: this.evidence, findings, klab: this.facts.klab, recorder: this.opts.recorder})
    const out: BootAnalysis = {
      source: this.source,
      format: meta.format,
      formatReason: meta.formatReason,
      records: this.records,
      lines: meta.lines,
      skipped: meta.skipped,
      host,
      profiling,
      findings,
      klab: this.facts.klab,
      droppedMessages: meta.droppedMessages,
    }
    if (meta.skippedTotal !== undefined) out.skippedTotal = meta.skippedTotal
    if (this.notStored) out.findingsNotStored = this.notStored
    if (this.facts.klabNotStored) out.klabNotStored = this.facts.klabNotStored
    if (this.backwards) out.timeWentBackwards = this.backwards
    if (this.facts.conflicts.length) out.factConflicts = this.facts.conflicts
    return out
  }

  private addSplat(s: Splat): void {
    const d = detectSplat(s, takeReport(s))
    const f: Finding = {
      id: d.id,
      severity: d.severity,
      title: d.title,
      signature: splatSignature(d, s),
      text: s.message ?? '',
      line: s.startLine,
      splat: s,
      corrupted: s.corrupted,
    }
    if (s.time !== undefined) f.time = s.time
    if (d.data) f.data = d.data
    this.add(f)
  }

  private add(f: Finding): void {
    let g = this.groups.get(f.signature)
    if (!g) {
      if (this.groups.size >= MAX_SIGNATURES) {
        this.notStored++
        return
      }
      g = {stored: [], count: 0}
      this.groups.set(detach(f.signature), g)
    }
    g.count++
    // A deep copy: the record's strings may be slices of a whole read chunk (readers/lines.ts).
    if (g.stored.length < MAX_PER_SIGNATURE) g.stored.push(this.opts.wholeText ? f : detachDeep(f))
    else this.notStored++
  }
}

/** Analyse records already in memory (tests, small inputs). */
export function analyseRecords(source: string, records: Iterable<LogRecord>, meta: FinishMeta, opts?: AnalyserOptions): BootAnalysis {
  const a = new BootAnalyser(source, opts)
  for (const r of records) a.push(r)
  return a.finish(meta)
}
