// The facts calibration needs from one capture: the host shape and the lab kernel's `klab:` counts
// (testdata/captures/README.md). The boot log goes through the same analysis as `analyse` and
// `predict --from` (host facts, klab lines, findings) and the same mapping onto the model's Host;
// a truncated console.log (the pool-c255 boot) still gives its counts.
import {basename} from 'node:path'
import {analyseBootLogText} from '../analysis/read.js'
import {readBoundedFile} from '../readers/bounded.js'
import {textOf} from '../readers/gzip.js'
import {resolveCapture} from '../readers/dir.js'
import {InputError} from '../errors.js'
import type {Recorder} from '../types.js'
import {nums} from '../readers/count.js'
import {legacyMaxFromLog} from '../analysis/built-recorder.js'
import {hostFromAnalysis, measuredEarlyCalls} from './from-boot.js'
import {type Host, validateHost} from './host.js'

export type KlabKind = 'early_page_allocs' | 'early_pfn' | 'early_pfn_legacy'

export interface CaptureFacts {
  name: string
  path: string
  bootLog: string
  host: Host
  /** "7.2.13" */
  release?: string
  /** Where `allocated N bytes of page_ext` stands relative to `smp: Brought up`. */
  window?: 'before-smp' | 'after-smp'
  klabKind?: KlabKind
  klab?: Record<string, number>
  klabLine?: number
  walk?: Record<string, number>
  /** Early page-allocation calls a recorder sees (one PFN each), when instrumented. */
  calls?: number
  /** Pages those calls allocated. */
  pages?: number
  /** The legacy overflow message was printed: at least max+1 calls. */
  overflowLowerBound?: number
  /** The recorder the kernel carries, as the analysis read it (klab lines, messages, release), and why. */
  recorder: Recorder
  recorderReason: string
  /** EARLY_ALLOC_PFN_MAX as printed in the overflow warning, when it was. */
  legacyMax?: number
}

/**
 * The largest boot log calibrate reads (raw, and inflated when gzip): the lab's are ~120 KiB, a
 * big machine's dmesg some MiB; past this it is no boot log (a device, a bomb), refused (issue 14).
 */
export const MAX_BOOT_LOG_BYTES = 16 * 2 ** 20

export function readCaptureFacts(path: string): CaptureFacts {
  const cap = resolveCapture(path)
  const log = cap.bootLog && cap.bootLog !== '-' ? cap.bootLog : undefined
  if (!log) throw new InputError(`${path}: no boot log (dmesg.txt or console.log) to read the host and klab counts from`, path)
  // dmesg.txt.gz / console.log.gz: gzip magic 1f 8b; UTF-16 with a byte order mark, inflated or
  // not, converted (gzip.ts textOf, as analyse reads it). Read whole, not streamed: the analysis and
  // checkCount (which rereads a line's digits) take the text, and every test reads facts at once.
  const text = textOf(readBoundedFile(log, MAX_BOOT_LOG_BYTES, 'the boot log of one boot'))
  if (text.trim() === '') throw new InputError(`${log}: empty file; expected a boot log (dmesg or console) with klab: lines`, log)
  if (text.slice(0, 4096).includes('\0')) throw new InputError(`${log}: binary data, not a boot log; expected dmesg or console text`, log)
  const an = analyseBootLogText(text, log)
  const {host} = hostFromAnalysis(an)
  const h = an.host
  const f: CaptureFacts = {
    name: basename(cap.isDir ? path.replace(/\/+$/, '') : log),
    path,
    bootLog: log,
    host,
    release: h.release?.value,
    recorder: an.profiling.recorder,
    recorderReason: an.profiling.recorderReason,
    legacyMax: legacyMaxFromLog(an),
  }
  // A boot cut short before smp: Brought up: its CPUs were never counted; the window says so.
  if (!h.onlineCpus) host.onlineCpus = 1
  if (!h.memoryTotalKiB && typeof cap.meta?.memory_mib === 'number') host.memoryBytes = (cap.meta.memory_mib as number) * 2 ** 20
  host.name = f.name
  host.deferredInit = true
  f.window = h.pageExtWindow?.value
  // The kernel printed the array's size when it overflowed: at least one more PFN was offered.
  if (f.legacyMax !== undefined) f.overflowLowerBound = f.legacyMax + 1
  const first = an.klab.find((k) => k.kind !== 'early_pfn_walk')
  if (first) {
    f.klabKind = first.kind as KlabKind
    f.klab = nums(first.values)
    f.klabLine = first.line
  }
  const walk = an.klab.find((k) => k.kind === 'early_pfn_walk')?.values
  if (walk) f.walk = nums(walk)
  const measured = measuredEarlyCalls(an)
  f.calls = measured?.calls
  f.pages = measured?.pages
  validateHost(host)
  if (measured) checkCount(f, text, measured.line)
  return f
}

/**
 * A count a boot cannot have made: more early allocations than the host has pages, negative, or
 * beyond 2^53 where a JavaScript number cannot even hold it. Refused with the
 * kernel's own digits, read again from the line (the parsed number may already be rounded).
 */
function checkCount(f: CaptureFacts, text: string, line: number): void {
  const pagesOfHost = Math.floor(f.host.memoryBytes / f.host.pageSize)
  for (const [what, v] of [['calls', f.calls], ['pages', f.pages]] as const) {
    if (v === undefined || (Number.isSafeInteger(v) && v >= 0 && v <= pagesOfHost)) continue
    const raw = text.split('\n', line)[line - 1] ?? ''
    const digits = [...raw.matchAll(/(\w+)=(-?\d+)/g)].map((m) => `${m[1]}=${m[2]}`).join(' ')
    throw new InputError(`${f.bootLog}:${line}: klab early ${what} ${v < 0 ? 'negative' : 'outside physical sense'} (${digits}; the host has ${pagesOfHost} pages): refusing to fit from it`, f.bootLog, line)
  }
}
