// What the rules read from a capture: its findings, its klab counts, and how each becomes a line
// of evidence; the causes of `alloc_tag was not set`, tried in order. Shared by the rows in rules.ts.
import type {FindingKind} from '../analysis/detectors.js'
import {recorderOfRelease} from '../analysis/releases.js'
import {messageLine} from '../analysis/profiling.js'
import type {AllocInfo, BootAnalysis, Finding, KlabCounts} from '../types.js'
import type {Expectation} from './expectation.js'

/** What a rule is evaluated on: the observed capture and, when the model ran, its Expectation. */
export interface RuleContext {
  analysis?: BootAnalysis
  /** The dump, within the site filters when given (`scope`). */
  allocinfo?: AllocInfo
  expected?: Expectation
  /** The site filters (--module/--file/--function) in words: the allocinfo-side rules judge the sites they keep. */
  scope?: string
}

export interface Evidence {
  from: 'log' | 'allocinfo' | 'model' | 'klab'
  line?: number
  text: string
}

export const findings = (ctx: RuleContext, id: FindingKind): Finding[] => ctx.analysis?.findings.filter((f) => f.id === id) ?? []
/** A finding as evidence: its message with the message's own line (a WARN's report starts at cut-here, a line before). */
export const fromFinding = (f: Finding): Evidence => ({from: 'log', line: messageLine(f), text: f.text})
export const klab = (ctx: RuleContext, kind: KlabCounts['kind']): KlabCounts | undefined => ctx.analysis?.klab.find((k) => k.kind === kind)
export const klabEvidence = (k: KlabCounts): Evidence => ({
  from: 'klab',
  line: k.line,
  text: `klab: ${k.kind} ${Object.entries(k.values)
    .map(([a, b]) => `${a}=${b}`)
    .join(' ')}`,
})

/** Causes of `alloc_tag was not set`, tried in order; the first that the capture supports wins. */
export const UNSET_TAG_CAUSES = [
  {
    id: 'overflow',
    cause: 'PFNs dropped after the legacy array filled (EARLY_ALLOC_PFN_MAX): their pages were freed untagged',
    applies: (ctx: RuleContext): Evidence | undefined => {
      const f = findings(ctx, 'early-pfn-overflow')[0]
      if (f) return fromFinding(f)
      const k = klab(ctx, 'early_pfn_legacy')
      return k && (k.values.dropped ?? 0) > 0 ? klabEvidence(k) : undefined
    },
  },
  {
    id: 'recorder-failure',
    cause: 'a PFN was dropped when the pfn_pool tracking page allocation failed',
    applies: (ctx: RuleContext): Evidence | undefined => {
      const f = findings(ctx, 'pool-alloc-failed')[0]
      if (f) return fromFinding(f)
      const k = klab(ctx, 'early_pfn')
      return k && (k.values.alloc_fail ?? 0) > 0 ? klabEvidence(k) : undefined
    },
  },
  {
    id: 'no-early-tracking',
    cause: 'kernel without early PFN tracking: pages allocated before page_ext were never recorded',
    applies: (ctx: RuleContext): Evidence | undefined => {
      // The lab's klab line is the measurement: a recorder that recorded nothing while early
      // allocations happened is a kernel whose tracking is absent or disabled.
      for (const kind of ['early_pfn', 'early_pfn_legacy'] as const) {
        const k = klab(ctx, kind)
        if (k && k.values.recorded === 0 && (k.values.untagged_calls ?? 0) > 0) return klabEvidence(k)
      }
      // Said by the user (--recorder none) or by the model; the analyser's own guess is not used
      // here because it is itself inferred from the `alloc_tag was not set` warning.
      const p = ctx.analysis?.profiling
      if (p?.recorder === 'none' && p.recorderReason.startsWith('given with --recorder')) return {from: 'log', text: `recorder: none (${p.recorderReason})`}
      if (ctx.expected?.recorder === 'none') return {from: 'model', text: `recorder none (${ctx.expected.source})`}
      // Only a release that certainly predates every recorder explains it (not a likely guess).
      const rel = ctx.analysis?.host.release
      const pre = rel && recorderOfRelease(rel.value)
      if (rel && pre?.certain && pre.recorder === 'none') return {from: 'log', line: rel.line, text: `Linux version ${rel.value}: ${pre.why}`}
      return undefined
    },
  },
] as const
