// The host flags of `predict` (--cpus, --memory, ..., --kernel), read in one place. The host the
// flags describe (no --from: host-input.ts hostFromFlags) and the flags typed over a capture's host
// (host-override.ts applyHostFlags) take every value from hostFlagFacts, so a bad value is refused
// the same way with and without --from: the flag, the value, what was expected (exit 2). A value
// that parses but lies outside physical sense is validateHost's (host.ts), which names the flag
// from the origin recorded here.
import {unsupportedRelease} from '../analysis/releases.js'
import {UsageError} from '../errors.js'
import {parseSize} from '../render/units.js'
import type {Host, HostOrigins} from './host.js'

/** The host facts a flag can set. */
export type HostFact = 'possibleCpus' | 'onlineCpus' | 'memoryBytes' | 'nodes' | 'pageSize' | 'wordBytes' | 'debug' | 'earlyPageExt' | 'deferredInit' | 'compressed' | 'gbPages' | 'kasan' | 'kmemleak' | 'kernel'

/** The flags as oclif (or an in-process caller) gives them, with the flags typed (HostFlags.given). */
export type FlagRecord = Record<string, unknown> & {given?: readonly string[]}

type Value = Host[HostFact]

interface HostFlag {
  flag: string
  /** The facts it sets: --cpus both CPU counts. */
  facts: readonly HostFact[]
  /** oclif gives it a default: over a capture only a typed one counts (HostFlags.given). */
  hasDefault: boolean
  /** The value, or a UsageError naming the flag, the value and what was expected. */
  parse: (raw: unknown, flag: string) => Value
}

const expected = (flag: string, raw: unknown, what: string): UsageError => new UsageError(`--${flag} ${String(raw)}: expected ${what}`)

function count(raw: unknown, flag: string): number {
  const n = typeof raw === 'number' ? raw : /^\s*\d+\s*$/.test(String(raw)) ? Number(raw) : NaN
  if (!Number.isInteger(n) || n < 1) throw expected(flag, raw, 'a whole number of at least 1')
  return n
}

function memory(raw: unknown, flag: string): number {
  const b = parseSize(String(raw))
  if (b === undefined) throw expected(flag, raw, 'a size such as 64G or 512M')
  return b
}

/** The page sizes the kernels modelled have (x86-64 4K; arm64 16K and 64K): PFN_POOL_SIZE follows. */
function pageSize(raw: unknown, flag: string): number {
  const b = parseSize(String(raw))
  if (b !== 4096 && b !== 16384 && b !== 65536) throw expected(flag, raw, '4K, 16K or 64K')
  return b
}

function wordBytes(raw: unknown, flag: string): number {
  if (String(raw) !== '64' && String(raw) !== '32') throw expected(flag, raw, '64 or 32')
  return Number(raw) / 8
}

function yesNo(raw: unknown, flag: string): boolean {
  if (typeof raw !== 'boolean') throw expected(flag, raw, `--${flag} or --no-${flag}`)
  return raw
}

/** A release predict takes (releases.ts unsupportedRelease: as uname -r prints it, 6.10 or later); else refused naming --kernel. */
export function checkRelease(kernel: string): string {
  const why = unsupportedRelease(kernel, true)
  if (why) throw new UsageError(`--kernel ${kernel}: ${why}`)
  return kernel
}

/** Later rows win for a fact they share: --possible and --online over --cpus. */
const HOST_FLAGS: readonly HostFlag[] = [
  {flag: 'memory', facts: ['memoryBytes'], hasDefault: true, parse: memory},
  {flag: 'nodes', facts: ['nodes'], hasDefault: true, parse: count},
  {flag: 'page-size', facts: ['pageSize'], hasDefault: true, parse: pageSize},
  {flag: 'word-bits', facts: ['wordBytes'], hasDefault: true, parse: wordBytes},
  {flag: 'debug', facts: ['debug'], hasDefault: true, parse: yesNo},
  {flag: 'early-page-ext', facts: ['earlyPageExt'], hasDefault: true, parse: yesNo},
  {flag: 'deferred-init', facts: ['deferredInit'], hasDefault: true, parse: yesNo},
  {flag: 'compressed', facts: ['compressed'], hasDefault: true, parse: yesNo},
  {flag: 'gb-pages', facts: ['gbPages'], hasDefault: true, parse: yesNo},
  {flag: 'kasan', facts: ['kasan'], hasDefault: true, parse: yesNo},
  {flag: 'kmemleak', facts: ['kmemleak'], hasDefault: true, parse: yesNo},
  {flag: 'kernel', facts: ['kernel'], hasDefault: false, parse: (raw) => checkRelease(String(raw))},
  {flag: 'cpus', facts: ['possibleCpus', 'onlineCpus'], hasDefault: false, parse: count},
  {flag: 'possible', facts: ['possibleCpus'], hasDefault: false, parse: count},
  {flag: 'online', facts: ['onlineCpus'], hasDefault: false, parse: count},
]

/** A flag as typed: `--memory 64G`, `--no-debug`, `--kasan`. */
export function flagText(flag: string, raw: unknown): string {
  if (raw === true) return `--${flag}`
  if (raw === false) return `--no-${flag}`
  return `--${flag} ${String(raw)}`
}

/** Flags without a default are given when set; the others only when the command says so (HostFlags.given). */
function isGiven(f: FlagRecord, x: HostFlag): boolean {
  if (f.given) return f.given.includes(x.flag)
  return !x.hasDefault && f[x.flag] !== undefined
}

/** A fact's value as a flag set it, and the flag as typed (what a warning or a refusal names). */
export interface FlagValue {
  value: Value
  flag: string
}

/**
 * The facts the flags set, each value parsed (a bad one refused naming its flag). `typed`: only the
 * flags typed on the command line (over a capture: a default is not applied); else every flag that
 * has a value, defaults included (no capture: the defaults are the host).
 */
export function hostFlagFacts(f: FlagRecord, typed: boolean): Map<HostFact, FlagValue> {
  const out = new Map<HostFact, FlagValue>()
  for (const x of HOST_FLAGS) {
    const raw = f[x.flag]
    if (raw === undefined || (typed && !isGiven(f, x))) continue
    const value = x.parse(raw, x.flag)
    for (const fact of x.facts) out.set(fact, {value, flag: flagText(x.flag, raw)})
  }
  return out
}

/** Facts a refusal of validateHost names the origin of: the ones whose range it checks. */
const ORIGIN_FACTS: ReadonlySet<HostFact> = new Set<keyof HostOrigins>(['possibleCpus', 'onlineCpus', 'memoryBytes', 'nodes'])

/** Sets a fact to a flag's value, and names the flag as its origin where validateHost may refuse it. */
export function setFact(host: Host, fact: HostFact, x: FlagValue): void {
  ;(host as unknown as Record<string, unknown>)[fact] = x.value
  if (ORIGIN_FACTS.has(fact)) host.origins = {...host.origins, [fact]: x.flag}
}
