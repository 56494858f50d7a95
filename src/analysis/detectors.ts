// The detectors, as a table: one row per kernel message allocscope knows. Adding a detector is
// adding a row (and a test row). Message texts are the kernel's own (see docs/domain.md §1, §2).
import type {Severity, Splat} from '../types.js'
import {baseName} from './frames.js'

export interface Detector {
  id: string
  severity: Severity
  /** `line`: any log record; `splat`: only the message of a WARNING/BUG block; `both`. */
  scope: 'line' | 'splat' | 'both'
  match: RegExp
  /** Normalised title: nothing that changes from boot to boot (addresses, sizes, CPUs). */
  title: (m: RegExpExecArray) => string
  fields?: (m: RegExpExecArray) => Record<string, string | number>
  /** One line for --help and the docs: what it means. */
  means: string
}

/** `as const`: the ids below are the DetectorId union, so a misspelt id is a compile error. */
export const DETECTORS = [
  {
    id: 'alloc-tag-not-set',
    severity: 'warning',
    scope: 'both',
    match: /alloc_tag was not set/,
    title: () => 'alloc_tag was not set',
    means: 'DEBUG: a page/object freed with an empty tag reference (e.g. allocated before page_ext, not recorded)',
  },
  {
    id: 'alloc-tag-not-cleared',
    severity: 'warning',
    scope: 'both',
    match: /alloc_tag was not cleared \(got tag for ([^\s:]+):(\d+)\)/,
    title: (m) => `alloc_tag was not cleared (got tag for ${stripDot(m[1])}:${m[2]})`,
    fields: (m) => ({file: stripDot(m[1]), fileLine: +m[2]}),
    means: 'DEBUG: a tag reference was overwritten while still set',
  },
  {
    id: 'current-tag-not-set',
    severity: 'warning',
    scope: 'both',
    match: /current->alloc_tag not set/,
    title: () => 'current->alloc_tag not set',
    means: 'DEBUG: an allocation hook ran without a current tag',
  },
  {
    id: 'early-pfn-overflow',
    severity: 'warning',
    scope: 'line',
    match: /Early page allocations before page_ext init exceeded EARLY_ALLOC_PFN_MAX \((\d+)\)/,
    title: (m) => `early PFN array full (EARLY_ALLOC_PFN_MAX ${m[1]}): later early pages dropped`,
    fields: (m) => ({max: +m[1]}),
    means: 'legacy recorder: the fixed array overflowed; further early PFNs are silently dropped',
  },
  {
    id: 'pool-alloc-failed',
    severity: 'warning',
    scope: 'line',
    match: /early PFN tracking page allocation failed/,
    title: () => 'early PFN tracking page allocation failed',
    means: 'pfn_pool recorder: a tracking page could not be allocated; that PFN was not recorded',
  },
  {
    id: 'module-unload-leak',
    severity: 'notice',
    scope: 'both',
    match: /(\S+):(\d+) module (\S+) func:(\S+) has (\d+) allocated at module unload/,
    title: (m) => `${stripDot(m[1])}:${m[2]} module ${m[3]} func:${m[4]} has memory allocated at module unload`,
    fields: (m) => ({file: stripDot(m[1]), fileLine: +m[2], module: m[3], func: m[4], bytes: +m[5]}),
    means: 'a module was unloaded while its allocation tags still had bytes charged',
  },
  {
    id: 'tags-too-many-bits',
    severity: 'error',
    scope: 'line',
    match: /(\d+) allocation tags cannot be references using (\d+) available page flag bits/,
    title: (m) => `allocation tags cannot be referenced using ${m[2]} available page flag bits: profiling disabled`,
    fields: (m) => ({tags: +m[1], bits: +m[2]}),
    means: 'compressed mode: too many tags for the spare page-flag bits; profiling turned itself off',
  },
  {
    id: 'module-too-many-tags',
    severity: 'error',
    scope: 'line',
    match: /With module (\S+) there are too many tags to fit in (\d+) page flag bits/,
    title: (m) => `module ${m[1]} has too many tags to fit in ${m[2]} page flag bits: profiling disabled`,
    fields: (m) => ({module: m[1], bits: +m[2]}),
    means: 'compressed mode: a loaded module overflowed the page-flag tag index; profiling turned itself off',
  },
  {
    id: 'profiling-disabled',
    severity: 'notice',
    scope: 'line',
    match: /^Memory allocation profiling is disabled!$/,
    title: () => 'Memory allocation profiling is disabled!',
    means: 'sysctl.vm.mem_profiling=never: profiling is off for this boot and cannot be turned on',
  },
  {
    id: 'profiling-not-supported',
    severity: 'notice',
    scope: 'line',
    match: /^Memory allocation profiling is not supported!$/,
    title: () => 'Memory allocation profiling is not supported!',
    means: 'the kernel could not set profiling up (e.g. no page_ext/page-flag space)',
  },
  {
    id: 'page-ext-alloc-failure',
    severity: 'critical',
    scope: 'line',
    match: /page ext allocation failure/,
    title: () => 'page ext allocation failure',
    means: 'page_ext could not be allocated: the kernel panics (no tag references at all)',
  },
  {
    id: 'kernel-panic',
    severity: 'critical',
    scope: 'line',
    match: /^Kernel panic - not syncing: (.*)$/,
    title: (m) => `Kernel panic - not syncing: ${normaliseText(m[1])}`,
    means: 'the kernel panicked (panic_on_warn, oops=panic, or a fatal condition)',
  },
] as const satisfies readonly Detector[]

/** Fallbacks for splats no row recognises. A generic WARNING ranks below the profiling ones. */
export const GENERIC_WARNING = {id: 'warning', severity: 'notice' as Severity} as const
export const GENERIC_BUG = {id: 'bug', severity: 'error' as Severity} as const

/** A detector row's id. */
export type DetectorId = (typeof DETECTORS)[number]['id']
/** What a finding can be: a detector's id, or a WARNING/BUG splat no row recognises. */
export type FindingKind = DetectorId | (typeof GENERIC_WARNING)['id'] | (typeof GENERIC_BUG)['id']
type DetectorRow = (typeof DETECTORS)[number]

export interface Detection {
  id: FindingKind
  severity: Severity
  title: string
  data?: Record<string, string | number>
}

const byScope = (scope: 'line' | 'splat'): DetectorRow[] => DETECTORS.filter((d) => d.scope === scope || d.scope === 'both')
const LINE_DETECTORS = byScope('line')
const LINE_ONLY_DETECTORS = DETECTORS.filter((d) => d.scope === 'line')
const SPLAT_DETECTORS = byScope('splat')
/** Cheap pre-filter: every line detector needs one of these substrings (the analyser's gate uses them too). */
export const LINE_NEEDLES: readonly string[] = ['alloc_tag', 'EARLY_ALLOC', 'early PFN', 'module unload', 'page flag bits', 'profiling is', 'page ext', 'Kernel panic']
const LINE_HINT = anyOf(LINE_NEEDLES)

/** A RegExp that matches text containing any of the literals. */
export function anyOf(needles: readonly string[]): RegExp {
  return new RegExp([...new Set(needles)].map(escape).join('|'))
}

function escape(n: string): string {
  return n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** A RegExp that matches text starting with any of the literals. */
export function startsWithAny(prefixes: readonly string[]): RegExp {
  return new RegExp(`^(?:${[...new Set(prefixes)].map(escape).join('|')})`)
}

/** `line-only`: a WARN message line, whose `both`-scope match is the splat's own finding. */
export function detectLine(text: string, rows: 'all' | 'line-only' = 'all'): Detection | undefined {
  if (!LINE_HINT.test(text)) return undefined
  return run(rows === 'all' ? LINE_DETECTORS : LINE_ONLY_DETECTORS, text)
}

/** A splat's finding: a row matching its message, else the generic WARNING / BUG finding. */
export function detectSplat(s: Splat): Detection {
  const hit = s.message ? run(SPLAT_DETECTORS, s.message) : undefined
  if (hit) return hit
  const where = s.fn ? baseName(s.fn) : s.guilty ? baseName(s.guilty.fn) : s.file ?? 'unknown location'
  if (s.banner === 'bug') return {...GENERIC_BUG, title: normaliseText(firstLine(s.message) ?? `BUG in ${where}`)}
  if (s.banner === 'unknown' && s.message) return {...GENERIC_WARNING, title: normaliseText(firstLine(s.message)!)}
  return {...GENERIC_WARNING, title: `WARNING in ${where}`}
}

function run(rows: readonly DetectorRow[], text: string): Detection | undefined {
  for (const d of rows) {
    const m = d.match.exec(text)
    if (m) {
      const det: Detection = {id: d.id, severity: d.severity, title: d.title(m)}
      if ('fields' in d) det.data = d.fields(m)
      return det
    }
  }
  return undefined
}

function firstLine(s: string | undefined): string | undefined {
  return s?.split('\n')[0]
}

function stripDot(file: string): string {
  return file.startsWith('./') ? file.slice(2) : file
}

/** Title text without what changes per boot: `+0x1f/0x40` offsets, addresses, pids, CPU numbers. */
export function normaliseText(s: string): string {
  return s
    .replace(/\+0x[0-9a-f]+\/0x[0-9a-f]+/g, '')
    .replace(/\b(0x)?[0-9a-f]{8,}\b/g, 'ADDR')
    .replace(/0x[0-9a-f]+/g, 'ADDR')
    .replace(/([\w.-]+)\/\d+\b/g, '$1/PID')
    .replace(/(\bCPU#?|\bcpu#?|\bnode:?|#)\s?\d+/g, '$1N')
    .replace(/ at addr ADDR/, '')
    .replace(/\s+/g, ' ')
    .trim()
}

/**
 * Stable across boots: detector id, normalised title (the kind of BUG, the tag of a not-cleared
 * WARN), file, function names without clone suffixes; no offsets, addresses, CPUs or pids.
 */
export function splatSignature(d: Pick<Detection, 'id' | 'title'>, s: Splat): string {
  const parts = [d.id, d.title, s.file ?? '-', s.fn ? baseName(s.fn) : '-', s.guilty ? baseName(s.guilty.fn) : '-']
  return parts.join('|')
}

export function lineSignature(d: Detection): string {
  return `${d.id}|${d.title}`
}
