// Which early-PFN recorder a kernel runs: the one rule for `analyse`'s verdict (profiling.ts) and
// every prediction's (model/predict.ts, run.ts's sweep). lib/alloc_tag.c builds both recorders only
// under CONFIG_MEM_ALLOC_PROFILING_DEBUG, so without DEBUG none runs, whatever code the release
// carries. A review found one boot (page_ext after SMP, DEBUG not stated) called `pool` by analyse
// and `none` by predict, the latter stated as fact though DEBUG was only inferred off. A capture's
// dump listing the pool recorder's tracking site states DEBUG (withDumpDebug): every command that
// reads a log with its dump takes it, or one said "most likely none" where another ran the pool.
import type {AllocInfo, BootAnalysis, ProfilingState, HostFacts, RecorderCode} from '../types.js'
import {EARLY_ALLOC_PFN_MAX} from '../kernel.js'

/**
 * DEBUG as a verdict takes it: stated (a DEBUG-only message, a flag, an inventory cell) unless
 * `debugInferred` says why it was guessed. A model Host's two fields by the same names, so that a
 * host is one (model/host.ts).
 */
export interface DebugKnown {
  debug: boolean
  /** Set when DEBUG is only inferred: why (the verdict says "most likely"). */
  debugInferred?: string
  /**
   * mem_profiling=…,compressed (a boot's banner or command line, a Host's flag): tags live in page
   * flags, there is no page_ext, and the early-PFN recorder is skipped (domain.md §1-§2).
   */
  compressed?: boolean
}

/**
 * DEBUG of a boot: the log's word when it has one; page_ext after SMP without it says most likely
 * off (DEBUG sets early_page_ext, domain.md §3), an inference; otherwise the default, on. The one
 * home of that inference: analyse's debugReason (profiling.ts inferDebug) words this result.
 */
export function debugOfBoot(p: Pick<ProfilingState, 'debug'> & Partial<Pick<ProfilingState, 'debugSource'>>, h: Pick<HostFacts, 'pageExtWindow'>): DebugKnown {
  // Off is only ever inferred from the window (analyse's debugSource `inferred`): still "most likely".
  if (p.debug === true || (p.debug === false && p.debugSource?.from !== 'inferred')) return {debug: p.debug}
  const w = h.pageExtWindow
  if (w?.value !== 'after-smp') return {debug: true}
  return {debug: false, debugInferred: `page_ext came up after SMP (line ${w.line}), so DEBUG is most likely off`}
}

/**
 * The recorder the kernel runs: none in compressed mode (no page_ext: the recorder is skipped); its
 * code's with DEBUG, none without (its reason naming the code the kernel has); an inferred DEBUG off
 * gives "most likely none", never a fact. The one home of the rule: analyse's verdict
 * (profiling.ts), a capture's dump (withDumpDebug) and every prediction (model/predict.ts, a model
 * Host being a DebugKnown).
 */
export function builtRecorder(debug: DebugKnown, code: RecorderCode): RecorderCode {
  const has = code.recorder === 'unknown' || code.recorder === 'none' ? '' : `, though the kernel has the ${code.recorder} recorder's code (${code.recorderReason})`
  if (debug.compressed) return {recorder: 'none', recorderReason: `${COMPRESSED_NO_RECORDER}${has}`}
  if (debug.debug || code.recorder === 'none') return code
  const rule = `without MEM_ALLOC_PROFILING_DEBUG no early-PFN recorder is built${has}`
  return {recorder: 'none', recorderReason: debug.debugInferred ? `most likely none: ${debug.debugInferred}, and ${rule}` : rule}
}

/** Why a compressed-mode kernel runs no recorder (its one wording: analyse's verdict and predict's). */
export const COMPRESSED_NO_RECORDER = 'compressed mode keeps tags in page flags: no page_ext, so the early-PFN recorder is skipped'

/**
 * The pfn_pool recorder's tracking function (lib/alloc_tag.c): the pages it allocates for its pools
 * are charged to its own allocation site. The one home of the name: the recorder evidence of a
 * dump (model/from-boot.ts), diff's tracking-site rule and the DEBUG evidence below.
 */
export const POOL_TRACKING_FUNC = '__alloc_tag_add_early_pfn'

/** EARLY_ALLOC_PFN_MAX as the kernel printed it in its overflow warning (v1 of the fix used 256), if it did. */
export function legacyMaxFromLog(a: Pick<BootAnalysis, 'findings'>): number | undefined {
  const max = a.findings.find((f) => f.id === 'early-pfn-overflow')?.data?.max
  return typeof max === 'number' && max > 0 ? max : undefined
}

/**
 * The legacy array's size for a boot: the one its overflow warning printed, else the default
 * EARLY_ALLOC_PFN_MAX (8192). The one home of that choice: analyse's `array recorded` row, diff's
 * model (unless --legacy-max) and batch's prediction.
 */
export const legacyArraySize = (a: Pick<BootAnalysis, 'findings'>): number => legacyMaxFromLog(a) ?? EARLY_ALLOC_PFN_MAX

/** Where a dump lists the tracking site: the dump's name and the line. */
export interface TrackingSite {
  source: string
  line: number
}

/**
 * The tracking site, when the dump lists it. Any line counts, `0 0` too: allocinfo prints one line
 * per codetag, and every allocation call site compiled in has one, charged or not (domain.md §1,
 * §4); the real pool captures list it as `0 0`, their pool pages freed at page_ext init. So the
 * line proves the function was compiled in, not that it ran; what it charged says nothing more.
 */
export function trackingSiteOf(info: Pick<AllocInfo, 'sites' | 'source'>): TrackingSite | undefined {
  const site = info.sites.find((s) => s.func === POOL_TRACKING_FUNC)
  return site && {source: info.source, line: site.lines[0]!}
}

/**
 * Whether a capture's dump is evidence for this boot: the log's last, or its only one (the dump is
 * read after the log's last boot: an earlier boot was another kernel run, maybe another kernel).
 */
export const dumpIsOf = (a: Pick<BootAnalysis, 'boot'>): boolean => !a.boot || a.boot.offset === 0

/** Where a boot's DEBUG is stated: the dump's file:line when withDumpDebug took it from there, else the log's line (`log:line`; the log alone for a default). */
export function debugStatedIn(p: Pick<ProfilingState, 'debugSource'>, log: string): string {
  const s = p.debugSource
  if (s.from === 'dump') return `${s.file}:${s.line}`
  return s.from === 'default' ? log : `${log}:${s.line}`
}

/**
 * A boot's profiling with its capture's dump taken as evidence (analyse LOG --allocinfo DUMP or a
 * capture directory, predict --from, batch's capture directories: one rule). lib/alloc_tag.c builds
 * __alloc_tag_add_early_pfn only with CONFIG_MEM_ALLOC_PROFILING_DEBUG, so a dump listing its site
 * states DEBUG on, as a DEBUG-only message would: a page_ext after SMP no longer makes it "most
 * likely off", and the verdict is the recorder code the kernel has. Another boot's dump: unchanged.
 */
export function withDumpDebug<A extends Pick<BootAnalysis, 'boot' | 'profiling'>>(a: A, site: TrackingSite | undefined): A {
  const p = a.profiling
  if (!site || !dumpIsOf(a) || (p.debug === true && p.debugSource.from !== 'inferred')) return a
  const {recorderCode, ...rest} = p
  const debugReason = `${site.source}:${site.line}: allocinfo lists ${POOL_TRACKING_FUNC}, the pfn_pool recorder's tracking site, a function built only with CONFIG_MEM_ALLOC_PROFILING_DEBUG`
  const debugSource = {from: 'dump', file: site.source, line: site.line} as const
  const built = builtRecorder({debug: true, compressed: p.mode === 'compressed'}, recorderCode ?? p)
  return {...a, profiling: {...rest, debug: true, debugReason, debugSource, recorder: built.recorder, recorderReason: built.recorderReason}}
}
