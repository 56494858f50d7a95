// Workload profiles: the early allocations of one kernel build in one page_ext window, as term
// coefficients fitted from real boots, stored as JSON data with their provenance in profiles/.
import {existsSync, readFileSync, readdirSync, statSync} from 'node:fs'
import {basename, dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {parseRelease} from '../analysis/releases.js'
import {InputError, UsageError} from '../errors.js'
import {plural} from '../render/units.js'
import {type Host, type Window, pageExtWindow} from './host.js'
import {TERM_IDS, type TermId, type TermParams} from './terms.js'
import {KMALLOC_SIZES} from './slab.js'
import type {FittedRange, ProfileInterval} from './interval.js'

export const PROFILE_SCHEMA = 'allocscope-profile/v1'

export interface ProfileTerm {
  id: TermId
  /** Early page-allocation calls (PFNs a recorder records) per unit of the term. */
  calls: number
  /** Pages (sum of 2^order) per unit of the term: gives the order mix. */
  pages: number
}

export interface ProvenancePoint {
  capture: string
  values: Partial<Record<TermId, number>>
  measured: number
  fitted: number
  /** Leave-one-out prediction (fit without this capture), when the rest determine every term. */
  loo?: number
  looReason?: string
  /** Leave-one-host-shape-out: every capture of the same host shape (CPUs, memory, nodes) left out together. */
  loco?: number
  /** Nested leave-one-out: terms chosen again without this capture, then fitted and predicted. */
  nestedLoo?: number
  nestedTerms?: TermId[]
  /** The early pages (klab's pages, else the calls), the page model's fit and leave-one-out prediction (calibrate's fitPages). */
  measuredPages?: number
  fittedPages?: number
  looPages?: number
  /** The pages predicted with the capture's host shape left out (the page interval's errors). */
  locoPages?: number
  /** 'exact' instrumented count, or 'lower-bound' (e.g. the overflow message). */
  kind: 'exact' | 'lower-bound'
}

export interface Profile {
  schema: typeof PROFILE_SCHEMA
  name: string
  description: string
  /** Kernel release prefix this profile describes, e.g. "7.2". */
  kernel: string
  window: Exclude<Window, 'none'>
  /**
   * Fitted on KASAN builds only (calibrate sets it when every capture is one): after SMP KASAN
   * changes the early window's per-CPU shape, not just adds to it (lab/README.md), so a KASAN host
   * gets such a profile when one matches its kernel, and a host without KASAN never does.
   */
  kasan?: boolean
  terms: ProfileTerm[]
  /** Discrete kernel parameters of the terms (e.g. the kmalloc size class behind perCpuSlabs). */
  params?: TermParams
  /** Highest order seen among the early allocations (page_ext section chunks are order 6 on 4 KiB/x86-64). */
  maxOrder: number
  /** Share of recorded PFNs freed and reallocated after page_ext came up (the clear pass keeps them). */
  keptTaggedRate: number
  /** The host facts the captures spanned: outside them predict() says it extrapolates. */
  range?: FittedRange
  provenance: {
    tool: string
    created: string
    captures: ProvenancePoint[]
    r2: number
    rmse: number
    looRmse?: number
    looMaxRelError?: number
    /** Leave-one-out with the term selection (and the size-class grid) redone inside every fold. */
    nestedLooWithinBound?: string
    /** Leave-one-configuration-out over the same captures (repeated host shapes left out together). */
    locoRmse?: number
    locoWithinBound?: string
    /** The 90 % interval's half-width from the captures' leave-one-shape-out and nested errors (interval.ts). */
    interval?: ProfileInterval
    /** Captures inside their own interval with their host shape left out (the interval remade from the other shapes). */
    coverage?: string
    /**
     * The page count's model (calibrate's fitPages: the calls' fit + the extra pages on pageTerms)
     * and its measures, as the calls' above: the interval from that model's own leave-one-shape-out errors.
     */
    pageTerms?: TermId[]
    pageR2?: number
    pageRmse?: number
    pageLooRmse?: number
    pageLooMaxRelError?: number
    pageInterval?: ProfileInterval
    pageCoverage?: string
    notes: string[]
  }
}

/**
 * Why a profile has no 90 % interval, from what calibrate recorded. The interval is made of the
 * captures' leave-one-out errors (interval.ts), so a fit in which no capture could be predicted
 * without itself (each point's looReason says why: too few captures for its terms) has none; one
 * whose captures have leave-one-out predictions but no interval predates intervals.
 */
export function noIntervalReason(p: Profile): string {
  const pts = (p.provenance?.captures ?? []).filter((c) => c.kind === 'exact')
  if (pts.length === 0) return 'its provenance lists no instrumented capture, so nothing was predicted leave-one-out to measure the errors by'
  if (pts.some((c) => c.loo !== undefined)) return 'fitted before intervals were added (calibrate it again for one)'
  const terms = Object.keys(pts[0].values)
  const why = [...new Set(pts.map((c) => c.looReason).filter((r): r is string => !!r))]
  return (
    `too few captures to cross-validate: none of its ${plural(pts.length, 'capture')} could be predicted leave-one-out` +
    (why.length ? ` (${why.join('; ')})` : '') +
    `; the interval is made of those errors, and ${terms.join(' + ')} need at least ${terms.length + 1} captures`
  )
}

export const PROFILES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'profiles')

export function parseProfile(text: string, source: string): Profile {
  let p: Profile
  try {
    p = JSON.parse(text) as Profile
  } catch (e) {
    throw new InputError(`${source}: not valid JSON (${(e as Error).message}); expected an allocscope profile`, source)
  }
  if (p?.schema !== PROFILE_SCHEMA) throw new InputError(`${source}: schema is ${JSON.stringify(p?.schema)}, expected "${PROFILE_SCHEMA}"`, source)
  if (!Array.isArray(p.terms) || p.terms.length === 0) throw new InputError(`${source}: "terms" must be a non-empty array`, source)
  for (const t of p.terms) {
    if (!TERM_IDS.includes(t.id)) throw new InputError(`${source}: unknown term "${t.id}"; expected one of ${TERM_IDS.join(', ')}`, source)
    if (!Number.isFinite(t.calls) || !Number.isFinite(t.pages)) throw new InputError(`${source}: term ${t.id} needs numeric "calls" and "pages"`, source)
  }
  if (p.terms.some((t) => t.id === 'perCpuSlabs') && !(KMALLOC_SIZES as readonly number[]).includes(p.params?.slabObjectBytes ?? 0)) {
    throw new InputError(`${source}: term perCpuSlabs needs "params": {"slabObjectBytes": N} with N a kmalloc size class (${KMALLOC_SIZES.join(', ')})`, source)
  }
  if (p.window !== 'before-smp' && p.window !== 'after-smp') throw new InputError(`${source}: "window" must be before-smp or after-smp`, source)
  return p
}

/**
 * Parsed profiles by path, while the file's size and mtime stay the same: `batch` asks for the
 * profile of every new host shape, and parsing the four shipped files each time was ~5 % of its
 * CPU on the corpus. Frozen, since every caller shares them.
 */
const parsed = new Map<string, {stamp: string; profile: Profile}>()

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o)
    for (const v of Object.values(o)) deepFreeze(v)
  }
  return o
}

function readProfileFile(path: string): Profile {
  const st = statSync(path)
  const stamp = `${st.size} ${st.mtimeMs}`
  const hit = parsed.get(path)
  if (hit?.stamp === stamp) return hit.profile
  const profile = deepFreeze(parseProfile(readFileSync(path, 'utf8'), path))
  parsed.set(path, {stamp, profile})
  return profile
}

export function listProfiles(dir = PROFILES_DIR): Profile[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => readProfileFile(join(dir, f)))
}

/** true when the path is a shipped profile (a file in profiles/). */
export function isShippedProfilePath(path: string, dir = PROFILES_DIR): boolean {
  return dirname(resolve(path)) === resolve(dir)
}

/**
 * A profile by file path or by name (file name without .json in profiles/). A file outside
 * profiles/ is a user's profile (calibrate --out): its name says so and where it came from, so
 * every output that names the profile (predict, diff, the fleet table, notes) tells it apart.
 */
/**
 * The largest profile file read: a fit's JSON is some kilobytes (its provenance lists its captures),
 * so a file past this is no profile, and is not read whole into memory (issue 14).
 */
export const MAX_PROFILE_BYTES = 4 * 2 ** 20

/** A user's profile file: a regular file of sane size (not a device, FIFO or bomb), then parsed. */
function readUserProfile(path: string): Profile {
  const st = statSync(path)
  if (!st.isFile()) throw new InputError(`${path}: not a regular file; expected a profile JSON file (calibrate --out)`, path)
  if (st.size > MAX_PROFILE_BYTES) throw new InputError(`${path}: ${st.size} bytes, more than any profile (at most ${MAX_PROFILE_BYTES / 2 ** 20} MiB); expected a profile JSON file (calibrate --out)`, path)
  return parseProfile(readFileSync(path, 'utf8'), path)
}

export function loadProfile(nameOrPath: string, dir = PROFILES_DIR): Profile {
  // A path (it ends in .json or names a directory) is read as a profile file, whatever it holds:
  // /bin/ls is a file that is no profile, not a profile name nobody shipped.
  if (existsSync(nameOrPath) && (nameOrPath.endsWith('.json') || nameOrPath.includes('/'))) return userProfile(nameOrPath, dir)
  const all = listProfiles(dir)
  const hit = all.find((p) => p.name === nameOrPath || p.name === basename(nameOrPath, '.json'))
  if (hit) return hit
  // A bare name no profile ships under is a file in the working directory when there is one
  // (`calibrate --out bin2.dat`, then `--profile bin2.dat`); a shipped name wins over a file.
  if (existsSync(nameOrPath)) return userProfile(nameOrPath, dir)
  throw new InputError(`${nameOrPath}: no such profile; shipped profiles: ${all.map((p) => p.name).join(', ') || '(none)'}`, nameOrPath)
}

/** A profile file named by the user, named after it unless it is one of the shipped files. */
function userProfile(path: string, dir: string): Profile {
  const p = readUserProfile(path)
  return isShippedProfilePath(path, dir) ? p : {...p, name: `${p.name} (user profile ${path})`}
}

/**
 * The shipped profile for a kernel release and window: one fitted on the release's series (the
 * newest such), else the nearest release (nearestProfile). A KASAN host takes a KASAN-only profile
 * of its kernel when there is one; otherwise, as every host without KASAN, one fitted on other
 * builds (whose notes say what KASAN it counts).
 */
export function profileFor(kernel: string | undefined, window: Exclude<Window, 'none'>, dir = PROFILES_DIR, kasan = false): Profile | undefined {
  return profileAmong(listProfiles(dir), kernel, window, kasan)
}

/** profileFor's choice among profiles already listed (otherSeries chooses once per series from one listing). */
function profileAmong(all: Profile[], kernel: string | undefined, window: Exclude<Window, 'none'>, kasan: boolean): Profile | undefined {
  const cands = all.filter((p) => p.window === window)
  const ofKernel = (ps: Profile[]) => (kernel ? ps.filter((p) => inSeries(kernel, p.kernel)) : [])
  const kasanOwn = kasan ? ofKernel(cands.filter((p) => p.kasan)) : []
  const general = cands.filter((p) => !p.kasan)
  if (general.length === 0 && kasanOwn.length === 0) return undefined
  const matching = kasanOwn.length ? kasanOwn : ofKernel(general)
  return matching.length ? newest(matching) : nearestProfile(general, kernel)
}

/** A release of a profile's series: "7.2" holds 7.2, 7.2.13 and 7.2-rc1, not 7.20. */
export function inSeries(kernel: string, series: string): boolean {
  return kernel === series || (kernel.startsWith(series) && /^[.\-+~_]/.test(kernel.slice(series.length)))
}

const newest = (ps: Profile[]): Profile => [...ps].sort((a, b) => cmpRelease(b.kernel, a.kernel))[0]

/**
 * The profile of the release nearest a kernel no profile was fitted on: one of the same major
 * series first (closest minor, the newer on a tie: 6.15 takes 6.12, 7.0 takes 7.2), else the
 * closest major's release nearest the kernel (8.0 takes 7.2's newest, 5.x 6.x's oldest). No
 * release known: the newest. Minors are not counted across majors: how far 6.19 is from 7.0 in
 * kernel history is not a number this file knows.
 */
function nearestProfile(ps: Profile[], kernel: string | undefined): Profile {
  const r = kernel === undefined ? undefined : parseRelease(kernel)
  if (!r) return newest(ps)
  const distance = (p: Profile): number => {
    const q = parseRelease(p.kernel) ?? {major: 0, minor: 0}
    if (q.major === r.major) return Math.abs(q.minor - r.minor)
    return 1000 * Math.abs(q.major - r.major) + (r.major > q.major ? 100 - q.minor : q.minor)
  }
  return [...ps].sort((a, b) => distance(a) - distance(b) || cmpRelease(b.kernel, a.kernel))[0]
}

/** The profile for a host: explicit (a name or a file), else the shipped one for its kernel and window. */
export function chooseProfile(host: Host, explicit?: string): Profile {
  if (explicit) return loadProfile(explicit)
  const {window} = pageExtWindow(host)
  const p = profileFor(host.kernel, window === 'none' ? 'before-smp' : window, PROFILES_DIR, host.kasan)
  if (!p) throw new UsageError('no shipped profile found (profiles/*.json); give one with --profile')
  return p
}

/**
 * The capture of the profile's fit that a path is (the capture directory, or a file in it), if any:
 * a prediction checked against it is in-sample, not an independent check.
 */
export function fittedCapture(profile: Profile, path: string): string | undefined {
  return path.replace(/\/+$/, '').split('/').slice(-2).find((s) => profile.provenance.captures.some((c) => c.capture === s))
}

/** What predict and diff say when the capture checked is one the profile was fitted on (one wording). */
export function inSampleNote(capture: string, profile: string): string {
  return `${capture} is one of the captures ${profile} was fitted on: an in-sample check, not an independent one`
}

/** When no shipped profile was fitted on the host's kernel (or none is known), which one stands in, and why. */
export function kernelFallbackNote(kernel: string | undefined, profile: {name: string; kernel: string}, others: readonly {kernel: string}[] = []): string | undefined {
  if (kernel === undefined) {
    const also = others.length ? `; the intervals also cover the ${others.map((o) => o.kernel).join(', ')} series' predictions` : ''
    return `kernel not known (give --kernel, or a log with its Linux version line): using ${profile.name} (kernel ${profile.kernel}, the newest with a profile for this page_ext window), widened as for another series${also}`
  }
  if (inSeries(kernel, profile.kernel)) return undefined
  return `no shipped profile for kernel ${kernel}: using ${profile.name} (kernel ${profile.kernel}, the nearest release with a profile for this page_ext window); its counts are an extrapolation to ${kernel}`
}

/**
 * The shipped profiles of every other kernel series a host with no known kernel may run, for the
 * chosen profile's window (KASAN's choice as profileFor makes it): predict covers their predictions.
 */
export function otherSeries(host: Host, profile: Profile, dir = PROFILES_DIR): Profile[] {
  if (host.kernel !== undefined) return []
  const all = listProfiles(dir)
  const series = [...new Set(all.filter((p) => p.window === profile.window).map((p) => p.kernel))].filter((k) => k !== profile.kernel)
  return series.map((k) => profileAmong(all, k, profile.window, host.kasan)).filter((p): p is Profile => p !== undefined && p.name !== profile.name)
}

function cmpRelease(a: string, b: string): number {
  const pa = a.split('.').map(Number)
  const pb = b.split('.').map(Number)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d) return d
  }
  return 0
}
