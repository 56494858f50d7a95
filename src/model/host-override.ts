// `predict --from CAPTURE` with host flags: one rule for every host flag (README, predict). A flag
// given on the command line is applied over the capture's host. Where it changes a fact the capture
// states, a warning names the fact, the capture's value and where it stands, and the flag's value,
// and the boot's measured counts are then another host's: shown, not judged (run.ts). A fact the
// capture does not state (a log without nr_cpu_ids, the page size no log line gives) is filled in
// by the flag without a word: that is what the flag is for.
import {debugStatedIn} from '../analysis/built-recorder.js'
import type {BootAnalysis} from '../types.js'
import {iec} from '../render/units.js'
import type {Host} from './host.js'
import {kasanFrames} from './from-boot.js'
import {type FlagRecord, type FlagValue, type HostFact, hostFlagFacts, setFact} from './host-flags.js'
import {withinMemoryRange} from './interval.js'
import {inSeries} from './profile.js'

export type {HostFact}

/** How each fact is named in a warning. */
const LABELS: Record<HostFact, string> = {
  possibleCpus: 'possible CPUs',
  onlineCpus: 'online CPUs',
  memoryBytes: 'memory',
  nodes: 'NUMA nodes',
  pageSize: 'page size',
  wordBytes: 'word size',
  debug: 'MEM_ALLOC_PROFILING_DEBUG',
  earlyPageExt: 'early_page_ext',
  deferredInit: 'deferred struct-page init',
  compressed: 'compressed mode',
  gbPages: 'GB pages',
  kasan: 'KASAN',
  kmemleak: 'kmemleak',
  kernel: 'kernel',
}

const yesNo = (v: unknown): string => (v ? 'yes' : 'no')

function show(fact: HostFact, v: unknown): string {
  if (fact === 'memoryBytes' || fact === 'pageSize') return iec(v as number)
  if (fact === 'wordBytes') return `${(v as number) * 8} bits`
  return typeof v === 'boolean' ? yesNo(v) : String(v)
}

/** Whether a flag's value changes the capture's fact: --kernel 7.2 over a 7.2.13 boot names the boot's own series, --memory 1G its 1023 MiB. */
function changes(host: Host, fact: HostFact, v: FlagValue['value']): boolean {
  if (v === host[fact]) return false
  if (fact === 'kernel') return host.kernel === undefined || !inSeries(host.kernel, String(v))
  return !(fact === 'memoryBytes' && sameMemory(v as number, host))
}

/**
 * Applies the host flags typed over a capture's host (hostFlagFacts: the same parser as without
 * --from). A flag changing what the window was read from (DEBUG, early_page_ext, deferred init,
 * compression) drops the window the log showed, and one changing memory or nodes the log's
 * ZONE_NORMAL: both then follow the host the flags describe.
 */
export function applyHostFlags(host: Host, f: FlagRecord): Map<HostFact, string> {
  const set = new Map<HostFact, string>()
  const typed = hostFlagFacts(f, true)
  for (const [fact, x] of typed) {
    // A typed DEBUG is stated, its value the log's inference or not: the verdict is no longer "most likely".
    if (fact === 'debug') delete host.debugInferred
    if (!changes(host, fact, x.value)) continue
    setFact(host, fact, x)
    set.set(fact, x.flag)
    if (['debug', 'earlyPageExt', 'deferredInit', 'compressed'].includes(fact)) delete host.observedWindow
    if (fact === 'memoryBytes' || fact === 'nodes') delete host.normalZone
  }
  const possible = typed.get('possibleCpus')
  if (possible && !typed.has('onlineCpus')) onlineFollows(host, possible, set)
  return set
}

/**
 * --possible alone: the online CPUs the capture states stay (at most the possible ones: a maxcpus=
 * boot keeps its count); a log that does not state them took them equal to possible, and they
 * still follow it.
 */
function onlineFollows(host: Host, possible: FlagValue, set: Map<HostFact, string>): void {
  const online = host.origins?.onlineCpus === undefined ? host.possibleCpus : Math.min(host.onlineCpus, host.possibleCpus)
  if (online === host.onlineCpus) return
  setFact(host, 'onlineCpus', {value: online, flag: possible.flag})
  set.set('onlineCpus', possible.flag)
}

/**
 * `--memory 1G` over a capture whose kernel reported 1023 MiB names the same RAM: the kernel
 * reports a few percent less than is configured (interval.ts MEMORY_REPORT_SLACK, the one
 * tolerance), so the capture's own figure stays and its measured count is still this host's.
 * Only a memory the capture states (its Memory: line): a default is the flag's to replace.
 */
function sameMemory(bytes: number, host: Host): boolean {
  return host.origins?.memoryBytes !== undefined && withinMemoryRange(bytes, [host.memoryBytes, host.memoryBytes])
}

/**
 * The facts a typed flag supplies: a note that the log lacks one (a default used, an inference)
 * goes, the flag having said it. --cpus supplies both CPU counts, --possible and --online their own.
 */
export function suppliedFacts(f: FlagRecord): Set<HostFact> {
  return new Set(hostFlagFacts(f, true).keys())
}

/**
 * Where the capture's DEBUG comes from: a DEBUG-only message (the log's line named), or its dump's
 * tracking site (stated, built-recorder.ts withDumpDebug: the dump's line named); its page_ext
 * window, said to be an inference, so that a warning over it does not present it as the log's word
 * (an inferred DEBUG, or one the analysis says is unknown: the window's line); no window either: a
 * default, which a flag fills in without a word.
 */
function debugWhere(a: Pick<BootAnalysis, 'host' | 'source' | 'profiling'>): string | undefined {
  const from = a.profiling.debugSource.from
  if (from === 'log' || from === 'dump') return debugStatedIn(a.profiling, a.source)
  const w = a.host.pageExtWindow
  const at = from === 'inferred' ? debugStatedIn(a.profiling, a.source) : w && `${a.source}:${w.line}`
  return at && `inferred from its page_ext window, ${at}`
}

/** The facts a capture states, each with where (file:line, else the log): absent lines mean off for the build facts. */
export function statedFacts(a: Pick<BootAnalysis, 'host' | 'source' | 'profiling' | 'findings'>, host: Host): Map<HostFact, string> {
  const stated = new Map<HostFact, string>()
  for (const fact of ['possibleCpus', 'onlineCpus', 'memoryBytes', 'nodes'] as const) {
    const at = host.origins?.[fact]
    if (at !== undefined) stated.set(fact, at)
  }
  if (a.host.release) stated.set('kernel', `${a.source}:${a.host.release.line}`)
  if (a.host.gbPages) stated.set('gbPages', `${a.source}:${a.host.gbPages.line}`)
  // Read from the log's messages, their absence included (from-boot.ts hostFromAnalysis).
  for (const fact of ['earlyPageExt', 'deferredInit', 'compressed', 'kasan', 'kmemleak'] as const) stated.set(fact, a.source)
  // KASAN frames without its init line: the log does not state KASAN (from-boot.ts kasanFrames).
  if (kasanFrames(a).length) stated.delete('kasan')
  const debug = debugWhere(a)
  if (debug !== undefined) stated.set('debug', debug)
  return stated
}

/** One warning per fact a flag changed that the capture states: the fact, the capture's value and line, the flag's value. */
export function overrideWarnings(before: Host, after: Host, changed: ReadonlyMap<HostFact, string>, stated: ReadonlyMap<HostFact, string>): string[] {
  const out: string[] = []
  for (const [fact, flag] of changed) {
    const where = stated.get(fact)
    if (where === undefined) continue
    out.push(`${flag} overrides the capture's ${LABELS[fact]} (${show(fact, before[fact])}, ${where}): predicted for ${show(fact, after[fact])}, another host than the one measured`)
  }
  return out
}
