// The host of a boot log, for `predict --from`: the analysis stage's host facts mapped onto the
// model's Host. What the log does not say keeps the default, and the caller is told.
import type {BootAnalysis, RecorderCode} from '../types.js'
import {describeBoot} from '../analysis/boots.js'
import {POOL_TRACKING_FUNC, type TrackingSite, debugOfBoot, dumpIsOf} from '../analysis/built-recorder.js'
import {unsupportedRelease} from '../analysis/releases.js'
import {UsageError} from '../errors.js'
import {num} from '../readers/count.js'
import {defaultHost, type Host, type HostOrigins} from './host.js'
import type {HostFact} from './host-override.js'

/** The early count an instrumented (lab) kernel printed: its klab: line and kind. */
export interface MeasuredEarly {
  calls: number
  pages?: number
  /** The pools a pfn_pool kernel published (its klab early_pfn line's pools=). */
  pools?: number
  line: number
  kind: string
}

/** The early count an instrumented (lab) kernel printed, when the log has a klab: line. */
export function measuredEarlyCalls(a: BootAnalysis): MeasuredEarly | undefined {
  const k = a.klab.find((x) => x.kind !== 'early_pfn_walk')
  if (!k) return undefined
  // The model is in doubles; calibrate refuses a count beyond 2^53 with the kernel's own digits.
  const v = Object.fromEntries(Object.entries(k.values).map(([m, c]) => [m, num(c)]))
  // The pool pages carry the no-codetag flag: untagged, but not PFNs to record.
  const pool = k.kind === 'early_pfn' ? (v.nocodetag_calls ?? 0) : 0
  const calls = k.kind === 'early_page_allocs' ? v.calls : v.untagged_calls - pool
  const pages = k.kind === 'early_page_allocs' ? v.pages : v.untagged_pages - pool
  const pools = k.kind === 'early_pfn' && Number.isFinite(v.pools) ? {pools: v.pools} : {}
  return Number.isFinite(calls) ? {calls, ...(Number.isFinite(pages) ? {pages} : {}), ...pools, line: k.line, kind: k.kind} : undefined
}

/**
 * The KASAN runtime's frames in the log's stacks (`__kasan_slab_alloc`, `kasan_quarantine_reduce`)
 * when no "KernelAddressSanitizer initialized" line says KASAN is on (an excerpt starts after it):
 * its absence then states nothing, and the default is said. Empty: KASAN is stated, or nothing hints.
 */
export function kasanFrames(a: Pick<BootAnalysis, 'host'> & Partial<Pick<BootAnalysis, 'findings'>>): string[] {
  if (a.host.kasan !== undefined || !a.findings) return []
  const frames = a.findings.flatMap((f) => f.splat?.frames ?? []).filter((fr) => /kasan/.test(fr.fn))
  return [...new Set(frames.map((fr) => `${fr.fn}${fr.line === undefined ? '' : `, line ${fr.line}`}`))]
}

/** The CPU a report of the log ran on (`CPU#5`): the host has at least one more. */
function reportCpu(a: Partial<Pick<BootAnalysis, 'findings'>>): string {
  const f = a.findings?.find((x) => x.splat?.cpu !== undefined)
  return f ? `, though the report at line ${f.line} ran on CPU#${f.splat!.cpu}: at least ${f.splat!.cpu! + 1} CPUs` : ''
}

/** Each fact's line, so that a host outside physical sense is refused naming file:line. */
function originsOf(a: Pick<BootAnalysis, 'source' | 'host'>): HostOrigins {
  const h = a.host
  const o: HostOrigins = {}
  if (h.possibleCpus) o.possibleCpus = `${a.source}:${h.possibleCpus.line}`
  if (h.onlineCpus) o.onlineCpus = `${a.source}:${h.onlineCpus.line}`
  if (h.memoryTotalKiB) o.memoryBytes = `${a.source}:${h.memoryTotalKiB.line}`
  if (h.numaNodes) o.nodes = `${a.source}:${h.numaNodes.line}`
  return o
}

/**
 * The host of a boot log, with a note for each fact the log does not give (a default, or an
 * inference), keyed by that fact: a flag that supplies the fact drops its note (host-input.ts).
 */
export function hostFromAnalysis(a: Pick<BootAnalysis, 'source' | 'host' | 'profiling'> & Partial<Pick<BootAnalysis, 'findings'>>): {host: Host; notes: Map<HostFact, string>} {
  const h = a.host
  const notes = new Map<HostFact, string>()
  const host = defaultHost()
  host.name = a.source
  host.origins = originsOf(a)
  host.kernel = h.release?.value
  const take = <T>(v: T | undefined, fact: HostFact, what: string, set: (v: T) => void, more = '') => {
    if (v === undefined) notes.set(fact, `${what} not in the log: default used${more}`)
    else set(v)
  }
  take(h.possibleCpus?.value, 'possibleCpus', 'possible CPUs (nr_cpu_ids)', (v) => (host.possibleCpus = num(v)), reportCpu(a))
  host.onlineCpus = h.onlineCpus ? num(h.onlineCpus.value) : host.possibleCpus
  if (!h.onlineCpus) notes.set('onlineCpus', 'online CPUs not in the log (boot cut short?): taken equal to possible CPUs')
  host.onlineCpus = Math.min(host.onlineCpus, host.possibleCpus)
  take(h.numaNodes?.value, 'nodes', 'NUMA nodes', (v) => (host.nodes = num(v)))
  take(h.memoryTotalKiB?.value, 'memoryBytes', 'memory (Memory: line)', (v) => (host.memoryBytes = num(v) * 1024))
  if (h.normalZone) host.normalZone = h.normalZone.value
  const debug = a.profiling.debug
  // Unknown or inferred off: after SMP says most likely off (DEBUG sets early_page_ext); without a window, the default.
  const known = debugOfBoot(a.profiling, h)
  host.debug = known.debug
  if (known.debugInferred) host.debugInferred = known.debugInferred
  if (debug === 'unknown' || known.debugInferred) notes.set('debug', `DEBUG ${debug === 'unknown' ? 'unknown' : 'inferred off'} (${a.profiling.debugReason}): ${h.pageExtWindow ? 'taken from the page_ext window' : 'default yes used'}`)
  host.earlyPageExt = /\bearly_page_ext\b/.test(h.cmdline?.value ?? '')
  host.deferredInit = h.deferredInit?.value ?? h.pageExtWindow?.value === 'after-smp'
  host.compressed = a.profiling.mode === 'compressed'
  // Absent lines mean off: both print once their init ran, long before the init runs.
  host.kasan = h.kasan !== undefined
  const kasan = kasanFrames(a)
  if (kasan.length) notes.set('kasan', `KASAN not in the log (no "KernelAddressSanitizer initialized" line): default no used, though its stacks show KASAN frames (${kasan.join('; ')}): --kasan if it is on`)
  host.kmemleak = h.kmemleak?.value ?? false
  if (h.gbPages) host.gbPages = h.gbPages.value
  else notes.set('gbPages', 'GB pages unknown (no "Using GB pages for direct mapping", and the log does not run from Linux version to Memory:): default yes used')
  // The window the log shows wins over the inference from config facts (DEBUG, when known from a
  // DEBUG-only message, stays: a modified kernel can have DEBUG with early_page_ext off).
  if (h.pageExtWindow) host.observedWindow = h.pageExtWindow.value
  if (h.pageExtWindow?.value === 'after-smp') {
    host.earlyPageExt = false
    host.deferredInit = true
  }
  return {host, notes}
}

/**
 * Why a boot's kernel has nothing to predict (before memory allocation profiling existed), naming
 * the log and the release; undefined: it has. The one rule (releases.ts unsupportedRelease) for
 * every prediction made from a boot, as for --kernel and a --hosts row's kernel.
 */
export function bootKernelRefusal(host: Pick<Host, 'kernel' | 'name'>, name: string): string | undefined {
  const refusal = kernelRefusal(host.kernel)
  return refusal && `${host.name ?? name}: ${refusal}`
}

/** bootKernelRefusal without the log's name (batch's record names its input already). */
export function kernelRefusal(kernel: string | undefined): string | undefined {
  const why = kernel === undefined ? undefined : unsupportedRelease(kernel, false)
  return why && `the boot's kernel ${kernel}: ${why}`
}

/** predict --from, diff --predicted and batch's prediction refuse such a boot (exit 2; batch: the prediction's error). */
export function refuseBootKernel(host: Pick<Host, 'kernel' | 'name'>, name: string): void {
  const refusal = bootKernelRefusal(host, name)
  if (refusal) throw new UsageError(refusal)
}

/**
 * The recorder evidence of a capture's dump (its tracking site, built-recorder.ts trackingSiteOf):
 * allocinfo lists every compiled-in allocation site, charged or not, so the pool recorder's
 * tracking site means the kernel carries the pool code (the legacy array is static __initdata: no
 * site). Absence proves nothing (a cut or filtered file).
 */
export function poolCodeAt(site: TrackingSite | undefined): RecorderCode | undefined {
  return site && {recorder: 'pool', recorderReason: `${site.source}:${site.line}: allocinfo lists the pfn_pool recorder's tracking site ${POOL_TRACKING_FUNC}`}
}

/** A capture's allocinfo dump, and whether its evidence was taken for the boot predicted. */
export interface DumpUse {
  path: string
  used: boolean
  reason: string
}

/**
 * The dump is read once, after the log's last boot (capture and record read /proc/allocinfo of the
 * running kernel): it is evidence for that boot only. A log of one boot: that boot. An earlier
 * boot of a log holding several (--boot -1, ...) was another kernel run, possibly another kernel.
 * `instead`: what is done without it (predict: the recorder from the log; diff: the log-side rules).
 */
export function dumpUse(a: Pick<BootAnalysis, 'boot'>, path: string, instead = "the recorder comes from this boot's log alone"): DumpUse {
  if (dumpIsOf(a) || !a.boot) return {path, used: true, reason: 'read after the log\'s last boot, the one predicted'}
  return {
    path,
    used: false,
    reason: `the dump was read after the log's last boot (boot 0, ${a.boot.count} of ${a.boot.count}) and this is ${describeBoot(a.boot)}: its allocation sites are another boot's, so ${instead}`,
  }
}

/**
 * The recorder of a boot read from `logName`, with the evidence of the capture's allocinfo dump
 * when it has one (poolCodeAt): one rule for `predict --from` and `batch`. The log's own
 * evidence (messages, klab lines) wins; over a guess from the release, or no recorder message at
 * all, the allocinfo's tracking site is evidence of the pool code (analysis/profiling.ts orders the rest).
 */
export function captureRecorder(a: Pick<BootAnalysis, 'profiling'>, logName: string, dump: RecorderCode | undefined): RecorderCode {
  // The code the kernel has: the prediction applies DEBUG (its host's, a flag's) to it as analyse did.
  const code = a.profiling.recorderCode ?? a.profiling
  const own = {recorder: code.recorder, recorderReason: `${logName}: ${code.recorderReason}`}
  const weak = /^a guess from the release|^no recorder message/.test(code.recorderReason)
  return (weak ? dump : undefined) ?? own
}
