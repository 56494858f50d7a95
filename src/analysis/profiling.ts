// Profiling state: the mode (from the boot banner, else the command line), whether the kernel is a
// MEM_ALLOC_PROFILING_DEBUG one, and which early-PFN recorder it carries. Every answer carries
// the reason it was given; guesses say they are guesses. Each decision is a table of rules tried
// in order (first hit wins).
import type {DebugSource, Finding, HostFacts, KlabCounts, LogRecord, ProfilingMode, ProfilingState, Recorder} from '../types.js'
import type {FindingKind} from './detectors.js'
import {builtRecorder, debugOfBoot} from './built-recorder.js'
import {recorderOfRelease} from './releases.js'

interface Banner {
  mode: ProfilingMode
  line: number
  text: string
}

// mem_alloc_profiling banners printed by alloc_tag_init()/setup_early_mem_profiling().
const BANNERS: readonly {re: RegExp; mode: (m: RegExpExecArray) => ProfilingMode}[] = [
  {
    re: /Memory allocation profiling is enabled (with|without) compression and is turned (on|off)!/,
    mode: (m) => (m[2] === 'off' ? 'disabled' : m[1] === 'with' ? 'compressed' : 'enabled'),
  },
  {re: /page flag bits\. Memory allocation profiling is disabled!/, mode: () => 'disabled'},
  {re: /^Memory allocation profiling is disabled!$/, mode: () => 'never'},
  {re: /^Memory allocation profiling is not supported!$/, mode: () => 'not-supported'},
]

/** Collects the banner lines while the log streams by. */
export class ProfilingEvidence {
  banners: Banner[] = []

  push(r: LogRecord): void {
    if (!r.text.includes('Memory allocation profiling')) return
    for (const b of BANNERS) {
      const m = b.re.exec(r.text)
      if (m) {
        // A page-flag-bits failure after the "enabled" banner overrides it: keep all, last wins.
        if (this.banners.length < 8) this.banners.push({mode: b.mode(m), line: r.line, text: r.text})
        return
      }
    }
  }
}

export interface ProfilingInput {
  host: HostFacts
  evidence: ProfilingEvidence
  findings: readonly Finding[]
  klab: readonly KlabCounts[]
  /** --recorder: what the user knows the kernel carries. */
  recorder?: Recorder
}

export function inferProfiling(inp: ProfilingInput): ProfilingState {
  const mode = inferMode(inp)
  const debug = inferDebug(inp)
  const rec = inferRecorder(inp, mode.mode)
  // Nothing is tagged when off; with compression the recorder is skipped (builtRecorder says so).
  const idle = RECORDER_IDLE[mode.mode]
  const code = {recorder: rec.value, recorderReason: idle ? `${rec.reason}; ${idle}` : rec.reason}
  // One rule with predict's: without DEBUG (here only ever inferred off) no recorder is built.
  const built = builtRecorder(Object.assign(debugOfBoot({debug: debug.value, debugSource: debug.source}, inp.host), {compressed: mode.mode === 'compressed'}), code)
  return {
    mode: mode.mode,
    modeReason: mode.reason,
    ...(mode.line !== undefined ? {modeLine: mode.line} : {}),
    debug: debug.value,
    debugReason: debug.reason,
    debugSource: debug.source,
    recorder: built.recorder,
    recorderReason: built.recorderReason,
    ...(built === code ? {} : {recorderCode: code}),
  }
}

function inferMode({host, evidence, findings}: ProfilingInput): {mode: ProfilingMode; reason: string; line?: number} {
  const last = evidence.banners.at(-1)
  if (last) return {mode: last.mode, reason: `banner at line ${last.line}: "${last.text}"`, line: last.line}
  const p = host.memProfilingParam
  if (p) {
    // sysctl.vm.mem_profiling={0|1|never}[,compressed] (setup_early_mem_profiling())
    const [v, opt] = p.value.split(',')
    const mode: ProfilingMode =
      v === 'never' ? 'never' : v === '0' || v === 'off' || v === 'false' ? 'disabled' : opt === 'compressed' ? 'compressed' : v === '1' || v === 'on' || v === 'true' ? 'enabled' : 'unknown'
    return {mode, reason: `no profiling banner in the log (older kernels print none); from the command line (line ${p.line}): sysctl.vm.mem_profiling=${p.value}`, line: p.line}
  }
  // alloc_tag_sub_check() and friends only run behind mem_alloc_profiling_enabled().
  const warn = findings.find((x) => DEBUG_ONLY.has(x.id))
  if (warn) {
    return {
      mode: 'enabled',
      reason: `inferred: no banner or command line, but "${warn.title}" at line ${messageLine(warn)} fires only while profiling is on (whether compressed is not known)`,
      line: messageLine(warn),
    }
  }
  return {mode: 'unknown', reason: 'no profiling banner and no sysctl.vm.mem_profiling= on the command line (the default depends on CONFIG_MEM_ALLOC_PROFILING_ENABLED_BY_DEFAULT)'}
}

const RECORDER_IDLE: Partial<Record<ProfilingMode, string>> = {
  never: 'profiling is off for this boot, so the recorder records nothing',
  disabled: 'profiling is off, so the recorder records nothing',
}

/** Where a finding's message was printed: a WARN's report starts at its cut-here line, a line before the message (grep -n's line, which a reason quoting the message cites). */
export const messageLine = (f: Pick<Finding, 'line' | 'splat'>): number => f.splat?.messageLine ?? f.line

const DEBUG_ONLY = new Set<FindingKind>(['alloc-tag-not-set', 'alloc-tag-not-cleared', 'current-tag-not-set'])
const RECORDER_ONLY = new Set<FindingKind>(['early-pfn-overflow', 'pool-alloc-failed'])

function inferDebug({host, findings, klab}: ProfilingInput): {value: boolean | 'unknown'; reason: string; source: DebugSource} {
  const f = findings.find((x) => DEBUG_ONLY.has(x.id))
  if (f) return {value: true, reason: `"${f.title}" at line ${messageLine(f)}: that WARN exists only with CONFIG_MEM_ALLOC_PROFILING_DEBUG`, source: {from: 'log', line: messageLine(f)}}
  // lib/alloc_tag.c: both early-PFN recorders are built only under CONFIG_MEM_ALLOC_PROFILING_DEBUG.
  const r = findings.find((x) => RECORDER_ONLY.has(x.id))
  if (r) return {value: true, reason: `"${r.title}" at line ${messageLine(r)}: the early-PFN recorder that prints it exists only with CONFIG_MEM_ALLOC_PROFILING_DEBUG`, source: {from: 'log', line: messageLine(r)}}
  // Lab kernels: their recorder counters (and the walk that prints them) are inside the DEBUG-only recorder code.
  const k = klab.find((x) => x.kind === 'early_pfn' || x.kind === 'early_pfn_legacy' || x.kind === 'early_pfn_walk')
  if (k) return {value: true, reason: `"klab: ${k.kind}" at line ${k.line}: the lab's counters of the early-PFN recorder, which exists only with CONFIG_MEM_ALLOC_PROFILING_DEBUG`, source: {from: 'log', line: k.line}}
  const w = host.pageExtWindow
  const earlyParam = host.cmdline && /(?:^|\s)early_page_ext\b/.test(host.cmdline.value)
  if (w?.value === 'before-smp') {
    if (earlyParam) return {value: 'unknown', reason: `page_ext came up before SMP (line ${w.line}) but early_page_ext is on the command line, so that says nothing about DEBUG`, source: {from: 'default'}}
    return {
      value: true,
      reason: `inferred: page_ext came up before SMP bring-up (line ${w.line}) with no early_page_ext parameter, which is the DEBUG default (early_page_ext); a kernel without DEFERRED_STRUCT_PAGE_INIT would look the same`,
      source: {from: 'inferred', line: w.line},
    }
  }
  // Not stated: whether it is most likely off is debugOfBoot's to say (the one rule for every
  // verdict and prediction); an inference (debugSource), and the reason words it.
  const off = debugOfBoot({debug: 'unknown'}, host).debugInferred
  if (off && w) {
    const deferred = host.deferredInit ? ' and struct-page init deferred' : ''
    return {value: false, reason: `inferred: ${off}: early_page_ext was off${deferred}, which DEBUG turns on (only a modified kernel turns it off again)`, source: {from: 'inferred', line: w.line}}
  }
  return {value: 'unknown', reason: 'no DEBUG-only WARN and no page_ext line in the log', source: {from: 'default'}}
}

function inferRecorder({host, findings, klab, recorder}: ProfilingInput, mode: ProfilingMode): {value: Recorder; reason: string} {
  if (recorder) return {value: recorder, reason: 'given with --recorder'}
  const find = (id: FindingKind) => findings.find((f) => f.id === id)
  const overflow = find('early-pfn-overflow')
  if (overflow) return {value: 'legacy', reason: `EARLY_ALLOC_PFN_MAX overflow message at line ${messageLine(overflow)}: only the fixed-array recorder prints it`}
  const poolFail = find('pool-alloc-failed')
  if (poolFail) return {value: 'pool', reason: `"early PFN tracking page allocation failed" at line ${messageLine(poolFail)}: only the pfn_pool recorder prints it`}
  const legacy = klab.find((k) => k.kind === 'early_pfn_legacy')
  if (legacy) return {value: 'legacy', reason: `lab instrumentation: "klab: early_pfn_legacy" at line ${legacy.line} (fixed-array recorder)`}
  const pool = klab.find((k) => k.kind === 'early_pfn')
  if (pool) {
    const v = pool.values
    if (v.recorded === 0 && (v.pools ?? 0) === 0 && (v.untagged_calls ?? 0) > 0) {
      return {value: 'none', reason: `lab instrumentation: "klab: early_pfn" at line ${pool.line} shows ${v.untagged_calls} untagged calls and nothing recorded: the recorder is disabled`}
    }
    // Counters no kernel prints (negative, beyond 64 bits) are not repeated as facts here (counterWarnings flags them).
    const counts = pool.bad ? `its counters hold ${pool.bad.map((x) => `${x.metric}=${x.digits}`).join(', ')}, which no kernel prints` : `${v.recorded} PFNs in ${v.pools} pools`
    return {value: 'pool', reason: `lab instrumentation: "klab: early_pfn" at line ${pool.line} (pfn_pool recorder: ${counts})`}
  }
  const notSet = find('alloc-tag-not-set')
  if (notSet && mode !== 'compressed') {
    return {value: 'none', reason: `"alloc_tag was not set" at line ${messageLine(notSet)} with no overflow or pool-failure message: probably no recorder (a recorder would have cleared that early page)`}
  }
  const g = host.release && recorderOfRelease(host.release.value)
  if (g) return {value: g.recorder, reason: `a guess from the release ${host.release!.value} alone (${g.why}); distribution kernels backport; use --recorder if you know`}
  return {value: 'unknown', reason: 'no recorder message and no kernel release in the log'}
}
