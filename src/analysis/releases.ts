// Kernel release → early-PFN recorder: the one table of which recorder a release carries
// (docs/domain.md §2). profiling.ts guesses from it when the log says nothing better; the diff
// rules use its certain rows to explain `alloc_tag was not set`; the model may ask it too.
import type {Recorder} from '../types.js'

export interface Release {
  major: number
  minor: number
  patch: number
  rc: boolean
}

export function parseRelease(s: string): Release | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?(-rc\d+)?/.exec(s)
  if (!m) return undefined
  return {major: +m[1], minor: +m[2], patch: m[3] ? +m[3] : 0, rc: Boolean(m[4])}
}

export interface ReleaseRecorder {
  recorder: Exclude<Recorder, 'unknown'>
  why: string
  /** true: a fact of mainline/stable history; false: the most likely case (distributions backport). */
  certain: boolean
}

/** Tried in order, first hit wins. */
const RELEASE_RECORDERS: readonly ({when: (r: Release) => boolean} & ReleaseRecorder)[] = [
  {when: (r) => r.major < 7, recorder: 'none', certain: true, why: 'before 7.0: no early-PFN recorder existed'},
  {when: (r) => r.major === 7 && r.minor === 0 && (r.rc || r.patch < 4), recorder: 'none', certain: true, why: '7.0 before 7.0.4: the fixed-array fix is not there'},
  {when: (r) => r.major === 7 && r.minor === 0, recorder: 'legacy', certain: true, why: '7.0.4 or later 7.0 stable: the fixed 8192-entry array (March 2026 fix)'},
  {when: (r) => r.major === 7 && r.minor === 1 && r.rc, recorder: 'none', certain: false, why: '7.1 release candidate: mainline before the fix, most likely'},
  {when: (r) => r.major === 7 && r.minor === 1, recorder: 'legacy', certain: false, why: '7.1: the fixed array, most likely'},
  {when: (r) => r.major > 7 || (r.major === 7 && r.minor >= 2), recorder: 'pool', certain: false, why: '7.2 or later: the pfn_pool list replacement (merged mid-2026), most likely'},
]

/** The recorder a kernel release carries, from the release string alone (undefined: not a release). */
export function recorderOfRelease(release: string): ReleaseRecorder | undefined {
  const r = parseRelease(release)
  const row = r && RELEASE_RECORDERS.find((x) => x.when(r))
  return row && {recorder: row.recorder, why: row.why, certain: row.certain}
}

/** A kernel release as uname -r prints it (7.2, 6.12.117, 6.13.0-rc4-debug): what --kernel and an inventory's kernel column take. */
const RELEASE_FORM = /^\d{1,3}\.\d{1,3}(?:\.\d{1,6})?(?:[-+~_.][0-9A-Za-z_.+~-]*)?$/

/** The release CONFIG_MEM_ALLOC_PROFILING arrived in (docs/domain.md §1: "the first 6.10 code"). */
export const PROFILING_SINCE: Readonly<Pick<Release, 'major' | 'minor'>> = {major: 6, minor: 10}

/**
 * Which releases `predict` takes, and why not the others: the one home of the rule for --kernel,
 * the kernel of a --from boot and a --hosts row's kernel column (each names its own value before
 * the reason). Before 6.10 there is no page tag, no recorder and no `alloc_tag was not set` to
 * predict. A typed value must also be a release as uname -r prints it; a boot's own release (its
 * Linux version line) is what the kernel printed, and only its version counts. undefined: taken.
 */
export function unsupportedRelease(release: string, typed: boolean): string | undefined {
  if (typed && !RELEASE_FORM.test(release)) return 'not a kernel release; expected one such as 7.2 or 6.12.117 (as uname -r prints it)'
  const r = parseRelease(release)
  if (!r || r.major > PROFILING_SINCE.major || (r.major === PROFILING_SINCE.major && r.minor >= PROFILING_SINCE.minor)) return undefined
  return `CONFIG_MEM_ALLOC_PROFILING does not exist before ${PROFILING_SINCE.major}.${PROFILING_SINCE.minor}: nothing to predict`
}
