// The facts calibration needs from one capture: the host shape and the lab kernel's `klab:` counts
// (../shared/captures/README.md). Read straight from the boot log text so that a truncated
// console.log (the pool-c255 boot) still gives its counts.
import {readFileSync} from 'node:fs'
import {gunzipSync} from 'node:zlib'
import {basename} from 'node:path'
import {resolveCapture} from '../capture/dir.js'
import {InputError} from '../errors.js'
import {DEFAULT_HOST, type Host} from './host.js'
import {EARLY_ALLOC_PFN_MAX} from './recorders/legacy.js'

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
}

const KLAB = /klab: (early_page_allocs|early_pfn_legacy|early_pfn_walk|early_pfn) (.*)$/

function kv(s: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const m of s.matchAll(/(\w+)=(\d+)/g)) out[m[1]] = Number(m[2])
  return out
}

export function readCaptureFacts(path: string): CaptureFacts {
  const cap = resolveCapture(path)
  const log = cap.bootLog && cap.bootLog !== '-' ? cap.bootLog : undefined
  if (!log) throw new InputError(`${path}: no boot log (dmesg.txt or console.log) to read the host and klab counts from`, path)
  let text: string
  try {
    const raw = readFileSync(log)
    // dmesg.txt.gz / console.log.gz: gzip magic 1f 8b.
    text = (raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw) : raw).toString('utf8')
  } catch (e) {
    throw new InputError(`${log}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); expected a boot log (plain or gzip)`, log)
  }
  if (text.trim() === '') throw new InputError(`${log}: empty file; expected a boot log (dmesg or console) with klab: lines`, log)
  if (text.slice(0, 4096).includes('\0')) throw new InputError(`${log}: binary data, not a boot log; expected dmesg or console text`, log)
  const lines = text.replace(/\r/g, '').split('\n')
  const f: CaptureFacts = {name: basename(cap.isDir ? path.replace(/\/+$/, '') : log), path, bootLog: log, host: {...DEFAULT_HOST}}
  let pageExtAt = -1
  // GB pages evidence (analysis/facts.ts reads the same): the line, nogbpages, or a boot that
  // reached `Memory:` from the banner through the x86 e820 map without the line.
  let gbLine = false
  let bootAt = -1
  let e820At = -1
  let memAt = -1
  let nogbpages = false
  let smpAt = -1
  let memKiB: number | undefined
  let rangesBytes = 0
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]
    let m: RegExpExecArray | null
    if ((m = /Linux version (\S+)/.exec(l)) && !f.release) {
      f.release = m[1]
      bootAt = i
    }
    if (l.includes('Using GB pages for direct mapping')) gbLine = true
    if (e820At < 0 && l.includes('BIOS-provided physical RAM map')) e820At = i
    if (/[Cc]ommand line: .*(?:^|\s)nogbpages(?:\s|$)/.test(l)) nogbpages = true
    if ((m = /nr_cpu_ids:(\d+) nr_node_ids:(\d+)/.exec(l))) {
      f.host.possibleCpus = Number(m[1])
      f.host.nodes = Number(m[2])
    }
    if ((m = /smp: Brought up (\d+) nodes?, (\d+) CPUs?/.exec(l))) {
      f.host.onlineCpus = Number(m[2])
      if (smpAt < 0) smpAt = i
    }
    if ((m = /Memory: \d+K\/(\d+)K available/.exec(l))) {
      memKiB = Number(m[1])
      if (memAt < 0) memAt = i
    }
    if ((m = /^\S*\s*\[?[\s\d.]*\]?\s*node\s+\d+: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]/.exec(l))) {
      rangesBytes += Number(BigInt(m[2]) - BigInt(m[1]) + 1n)
    }
    if ((m = /\bNormal\s+(empty|\[mem)/.exec(l))) f.host.normalZone = m[1] !== 'empty'
    if (/allocated \d+ bytes of page_ext/.test(l) && pageExtAt < 0) pageExtAt = i
    if (l.includes('KernelAddressSanitizer initialized')) f.host.kasan = true
    if (l.includes('kmemleak: Kernel memory leak detector initialized')) f.host.kmemleak = true
    if (l.includes('exceeded EARLY_ALLOC_PFN_MAX')) {
      const mm = /EARLY_ALLOC_PFN_MAX \((\d+)\)/.exec(l)
      f.overflowLowerBound = Number(mm?.[1] ?? EARLY_ALLOC_PFN_MAX) + 1
    }
    if ((m = KLAB.exec(l))) {
      if (m[1] === 'early_pfn_walk') f.walk ??= kv(m[2])
      else if (!f.klab) {
        f.klabKind = m[1] as KlabKind
        f.klab = kv(m[2])
        f.klabLine = i + 1
      }
    }
  }
  if (memKiB !== undefined) f.host.memoryBytes = memKiB * 1024
  else if (rangesBytes > 0) f.host.memoryBytes = rangesBytes
  else if (typeof cap.meta?.memory_mib === 'number') f.host.memoryBytes = (cap.meta.memory_mib as number) * 2 ** 20
  if (smpAt < 0) f.host.onlineCpus = Math.min(f.host.onlineCpus, f.host.possibleCpus)
  if (f.host.onlineCpus > f.host.possibleCpus) f.host.possibleCpus = f.host.onlineCpus
  if (pageExtAt >= 0) f.window = smpAt >= 0 && smpAt < pageExtAt ? 'after-smp' : 'before-smp'
  // init_mem_mapping() prints the GB pages line long before mm_core_init() prints `Memory:`.
  const reachedMemory = bootAt >= 0 && bootAt < e820At && e820At < memAt
  f.host.gbPages = gbLine || !(nogbpages || reachedMemory)
  f.host.kernel = f.release
  f.host.name = f.name
  // The lab kernels: DEBUG puts page_ext before SMP; nodebug/legacylate defer it after SMP.
  f.host.debug = f.window !== 'after-smp'
  f.host.deferredInit = true
  const k = f.klab
  if (k && f.klabKind === 'early_page_allocs') {
    f.calls = k.calls
    f.pages = k.pages
  } else if (k && f.klabKind === 'early_pfn') {
    // Untagged calls include the pool pages themselves (no-codetag): not PFNs to record.
    f.calls = k.untagged_calls - (k.nocodetag_calls ?? 0)
    f.pages = k.untagged_pages - (k.nocodetag_calls ?? 0)
  } else if (k && f.klabKind === 'early_pfn_legacy') {
    f.calls = k.untagged_calls
    f.pages = k.untagged_pages
  }
  return f
}
