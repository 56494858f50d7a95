// `predict --from CAPTURE` with host flags: one rule for every host flag (README, predict). A flag
// given on the command line is applied over the capture's host. Where it changes a fact the capture
// states, a warning names the fact, the capture's value and where it stands, and the flag's value,
// and the boot's measured counts are then another host's: shown, not judged (run.ts). A fact the
// capture does not state (a log without nr_cpu_ids, the page size no log line gives) is filled in
// by the flag without a word: that is what the flag is for.
import type {BootAnalysis} from '../types.js'
import {iec, parseSize} from '../render/units.js'
import type {Host} from './host.js'
import {withinMemoryRange} from './interval.js'
import {inSeries} from './profile.js'

/** The host facts a flag can set. */
export type HostFact = 'possibleCpus' | 'onlineCpus' | 'memoryBytes' | 'nodes' | 'pageSize' | 'wordBytes' | 'debug' | 'earlyPageExt' | 'deferredInit' | 'compressed' | 'gbPages' | 'kasan' | 'kmemleak' | 'kernel'

/** A non-CPU host flag (the CPU flags: host-input.ts applyCpuFlags): the fact it sets, its value, how the fact is shown. */
interface FlagFact {
  flag: string
  fact: HostFact
  label: string
  value: (raw: unknown) => Host[HostFact]
}

const yesNo = (v: unknown): string => (v ? 'yes' : 'no')
const bool = (raw: unknown) => Boolean(raw)

const FLAG_FACTS: readonly FlagFact[] = [
  {flag: 'memory', fact: 'memoryBytes', label: 'memory', value: (raw) => parseSize(String(raw))},
  {flag: 'nodes', fact: 'nodes', label: 'NUMA nodes', value: (raw) => Number(raw)},
  {flag: 'page-size', fact: 'pageSize', label: 'page size', value: (raw) => parseSize(String(raw))},
  {flag: 'word-bits', fact: 'wordBytes', label: 'word size', value: (raw) => Number(raw) / 8},
  {flag: 'debug', fact: 'debug', label: 'MEM_ALLOC_PROFILING_DEBUG', value: bool},
  {flag: 'early-page-ext', fact: 'earlyPageExt', label: 'early_page_ext', value: bool},
  {flag: 'deferred-init', fact: 'deferredInit', label: 'deferred struct-page init', value: bool},
  {flag: 'compressed', fact: 'compressed', label: 'compressed mode', value: bool},
  {flag: 'gb-pages', fact: 'gbPages', label: 'GB pages', value: bool},
  {flag: 'kasan', fact: 'kasan', label: 'KASAN', value: bool},
  {flag: 'kmemleak', fact: 'kmemleak', label: 'kmemleak', value: bool},
  {flag: 'kernel', fact: 'kernel', label: 'kernel', value: (raw) => String(raw)},
]

const LABELS: Record<HostFact, string> = {possibleCpus: 'possible CPUs', onlineCpus: 'online CPUs', ...Object.fromEntries(FLAG_FACTS.map((x) => [x.fact, x.label]))} as Record<HostFact, string>

function show(fact: HostFact, v: unknown): string {
  if (fact === 'memoryBytes' || fact === 'pageSize') return iec(v as number)
  if (fact === 'wordBytes') return `${(v as number) * 8} bits`
  return typeof v === 'boolean' ? yesNo(v) : String(v)
}

/** A flag as typed: `--memory 64G`, `--no-debug`, `--kasan`. */
function flagText(flag: string, raw: unknown): string {
  if (raw === true) return `--${flag}`
  if (raw === false) return `--no-${flag}`
  return `--${flag} ${String(raw)}`
}

/** Flags without a default are given when set; the others only when the command says so (HostFlags.given). */
function isGiven(f: Record<string, unknown> & {given?: readonly string[]}, flag: string, hasDefault: boolean): boolean {
  if (f.given) return f.given.includes(flag)
  return !hasDefault && f[flag] !== undefined
}

/**
 * Applies the non-CPU host flags given over a capture's host. A flag changing what the window was
 * read from (DEBUG, early_page_ext, deferred init, compression) drops the window the log showed, and
 * one changing memory or nodes the log's ZONE_NORMAL: both then follow the host the flags describe.
 */
export function applyHostFlags(host: Host, f: Record<string, unknown> & {given?: readonly string[]}): Map<HostFact, string> {
  const set = new Map<HostFact, string>()
  for (const x of FLAG_FACTS) {
    if (!isGiven(f, x.flag, x.flag !== 'kernel')) continue
    const v = x.value(f[x.flag])
    // --kernel 7.2 over a 7.2.13 boot names the boot's own series: nothing changes.
    if (v === undefined || v === host[x.fact] || (x.fact === 'kernel' && host.kernel !== undefined && inSeries(host.kernel, String(v)))) continue
    if (x.fact === 'memoryBytes' && sameMemory(v as number, host)) continue
    ;(host as unknown as Record<string, unknown>)[x.fact] = v
    set.set(x.fact, flagText(x.flag, f[x.flag]))
    // A refusal of the value (validateHost) names the flag, no longer the log's line.
    if (x.fact === 'memoryBytes' || x.fact === 'nodes' || x.fact === 'pageSize' || x.fact === 'wordBytes') host.origins = {...host.origins, [x.fact]: flagText(x.flag, f[x.flag])}
    if (['debug', 'earlyPageExt', 'deferredInit', 'compressed'].includes(x.fact)) delete host.observedWindow
    if (x.fact === 'memoryBytes' || x.fact === 'nodes') delete host.normalZone
  }
  return set
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
export function suppliedFacts(f: Record<string, unknown> & {given?: readonly string[]}): Set<HostFact> {
  const out = new Set<HostFact>(FLAG_FACTS.filter((x) => isGiven(f, x.flag, x.flag !== 'kernel')).map((x) => x.fact))
  if (f.possible !== undefined || f.cpus !== undefined) out.add('possibleCpus')
  if (f.online !== undefined || f.cpus !== undefined) out.add('onlineCpus')
  return out
}

/** The facts a capture states, each with where (file:line, else the log): absent lines mean off for the build facts. */
export function statedFacts(a: Pick<BootAnalysis, 'host' | 'source'>, host: Host): Map<HostFact, string> {
  const stated = new Map<HostFact, string>()
  for (const fact of ['possibleCpus', 'onlineCpus', 'memoryBytes', 'nodes'] as const) {
    const at = host.origins?.[fact]
    if (at !== undefined) stated.set(fact, at)
  }
  if (a.host.release) stated.set('kernel', `${a.source}:${a.host.release.line}`)
  if (a.host.gbPages) stated.set('gbPages', `${a.source}:${a.host.gbPages.line}`)
  // Read from the log's messages, their absence included (from-boot.ts hostFromAnalysis).
  for (const fact of ['debug', 'earlyPageExt', 'deferredInit', 'compressed', 'kasan', 'kmemleak'] as const) stated.set(fact, a.source)
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
