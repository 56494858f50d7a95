// A host as the model sees it: the facts that decide how many pages are allocated before page_ext
// exists (domain.md §3) and which recorder runs.
import {UsageError} from '../errors.js'

export type Window = 'before-smp' | 'after-smp' | 'none'

export interface Host {
  name?: string
  /** Kernel release, e.g. "7.2.13"; used to pick a profile. */
  kernel?: string
  possibleCpus: number
  onlineCpus: number
  memoryBytes: number
  nodes: number
  pageSize: number
  /** sizeof(unsigned long): 8 on 64-bit, 4 on 32-bit. */
  wordBytes: number
  /** CONFIG_MEM_ALLOC_PROFILING_DEBUG: sets early_page_ext by default. */
  debug: boolean
  /** Why `debug` was inferred, when a log did not state it (analysis/built-recorder.ts debugOfBoot): the recorder verdict then says "most likely". */
  debugInferred?: string
  /** `early_page_ext` on the command line. */
  earlyPageExt: boolean
  /** CONFIG_DEFERRED_STRUCT_PAGE_INIT. */
  deferredInit: boolean
  /**
   * The window a boot log showed (`allocated … bytes of page_ext` before or after `smp: Brought
   * up`): wins over the inference from DEBUG / early_page_ext / deferred init, since a modified
   * kernel (the lab's legacylate) can have DEBUG with early_page_ext off.
   */
  observedWindow?: Exclude<Window, 'none'>
  /** Memory above the 4 GiB boundary (a populated ZONE_NORMAL on x86-64); derived from memory when absent. */
  normalZone?: boolean
  kasan: boolean
  kmemleak: boolean
  /**
   * x86 direct map in 1 GiB pages (CPU flag pdpe1gb, no `nogbpages`). Without them the direct map
   * uses 2 MiB pages and init_mem_mapping() allocates more early page-table pages.
   */
  gbPages: boolean
  /** mem_profiling=...,compressed: tags live in page flags, no page_ext, no early recorder at all. */
  compressed: boolean
  /** Extra columns (inventory pass-through). */
  extra?: Record<string, string>
  /** Where the facts came from, so a refusal names the flag or the log line. */
  origins?: HostOrigins
}

/** x86-64 SPARSEMEM section: 128 MiB (SECTION_SIZE_BITS 27). */
export const SECTION_BYTES = 128 * 2 ** 20

/**
 * A new host of the defaults, to be filled in. A fresh literal each time, not a spread of a shared
 * constant: V8 (Node 20) clones a spread object by a slow path once properties are added or set
 * after it — `{...DEFAULT_HOST, name}` took 4.1-5.7 us a host against 0.04-0.07 us for the
 * literal, which batch paid per input and predict --hosts per row (bench/NOTES.md).
 */
export function defaultHost(): Host {
  return {
    possibleCpus: 1,
    onlineCpus: 1,
    memoryBytes: 2 ** 30,
    nodes: 1,
    pageSize: 4096,
    wordBytes: 8,
    debug: true,
    earlyPageExt: false,
    deferredInit: true,
    kasan: false,
    kmemleak: false,
    compressed: false,
    // Every x86-64 server CPU of the last decade has pdpe1gb (Intel since Westmere, AMD since K10);
    // the exception is an emulated CPU model such as QEMU's -cpu qemu64.
    gbPages: true,
  }
}

export function sections(h: Host): number {
  return Math.max(1, Math.ceil(h.memoryBytes / SECTION_BYTES))
}

/**
 * On a PC the RAM beyond the 32-bit PCI hole (~3 GiB, 2 GiB on q35 above 2.75 GiB) is mapped above
 * 4 GiB and forms ZONE_NORMAL; below that only ZONE_DMA32 is populated (`Normal empty` in dmesg).
 */
export function hasNormalZone(h: Pick<Host, 'normalZone' | 'memoryBytes'>): boolean {
  return h.normalZone ?? h.memoryBytes > 3 * 2 ** 30
}

/**
 * When page_ext comes up (domain.md §3): at the end of mm_core_init(), before smp_init(), unless
 * struct-page init is deferred and a node spans more than one section; DEBUG kernels force
 * early_page_ext. With compression there is no page_ext and no recorder.
 */
export function pageExtWindow(h: Host): {window: Window; reason: string} {
  if (h.compressed) return {window: 'none', reason: 'compressed mode keeps tags in page flags: no page_ext, the early recorder is skipped'}
  if (h.observedWindow) return {window: h.observedWindow, reason: `the boot log shows page_ext coming up ${h.observedWindow === 'after-smp' ? 'after' : 'before'} SMP bring-up`}
  if (h.debug) return {window: 'before-smp', reason: 'MEM_ALLOC_PROFILING_DEBUG sets early_page_ext: page_ext_init() at the end of mm_core_init()'}
  if (h.earlyPageExt) return {window: 'before-smp', reason: 'early_page_ext on the command line'}
  if (!h.deferredInit) return {window: 'before-smp', reason: 'no deferred struct-page init: page_ext_init() at the end of mm_core_init()'}
  if (h.memoryBytes / h.nodes <= SECTION_BYTES) return {window: 'before-smp', reason: 'no node larger than one section: struct-page init is not deferred'}
  return {window: 'after-smp', reason: 'deferred struct-page init: page_ext_init() in page_alloc_init_late(), after smp_init() brought every CPU up'}
}

/** The pool's capacity per page (its one home is src/kernel.ts). */
export {pfnPoolSize} from '../kernel.js'

/** Where a host fact came from (a flag, or file:line of a boot log), for the one-line refusal. */
export type HostOrigins = Partial<Record<'possibleCpus' | 'onlineCpus' | 'memoryBytes' | 'nodes' | 'pageSize' | 'wordBytes', string>>

/**
 * Physical sense: x86-64 with 5-level paging addresses 52 bits (4 PiB); the kernel's CPU masks
 * stop at NR_CPUS (8192 with MAXSMP; 65536 leaves room for other architectures); NODES_SHIFT is at
 * most 10. A host beyond these is a typo or a hostile input, and modelling it would only cost time.
 */
export const HOST_LIMITS = {cpus: 65536, memoryBytes: 2 ** 52, minMemoryBytes: 16 * 2 ** 20, nodes: 1024} as const

/** A parsed value as digits: an integer beyond 2^53 exactly (JavaScript would print it rounded: 1.1e20 as ...370000). */
const digits = (n: number): string => (Number.isInteger(n) && !Number.isSafeInteger(n) ? BigInt(n).toString() : String(n))

export function validateHost(h: Host, origins: HostOrigins = h.origins ?? {}): void {
  const bad = (field: keyof HostOrigins, what: string) => {
    const o = origins[field]
    throw new UsageError(o ? `${o}: ${what}` : what)
  }
  const L = HOST_LIMITS
  if (!Number.isInteger(h.possibleCpus) || h.possibleCpus < 1 || h.possibleCpus > L.cpus) bad('possibleCpus', `possible CPUs must be an integer 1..${L.cpus}, got ${digits(h.possibleCpus)}`)
  if (!Number.isInteger(h.onlineCpus) || h.onlineCpus < 1) bad('onlineCpus', `online CPUs must be a positive integer, got ${digits(h.onlineCpus)}`)
  if (h.onlineCpus > h.possibleCpus) bad('onlineCpus', `online CPUs (${digits(h.onlineCpus)}) cannot exceed possible CPUs (${digits(h.possibleCpus)})`)
  if (!(h.memoryBytes >= L.minMemoryBytes)) bad('memoryBytes', `memory must be at least 16M, got ${digits(h.memoryBytes)} bytes`)
  if (!(h.memoryBytes <= L.memoryBytes)) bad('memoryBytes', `memory must be at most 4P (52-bit physical addresses), got ${digits(h.memoryBytes)} bytes`)
  if (!Number.isInteger(h.nodes) || h.nodes < 1 || h.nodes > L.nodes) bad('nodes', `NUMA nodes must be an integer 1..${L.nodes}, got ${digits(h.nodes)}`)
  if (![4096, 16384, 65536].includes(h.pageSize)) bad('pageSize', `page size must be 4K, 16K or 64K, got ${h.pageSize}`)
  if (h.wordBytes !== 4 && h.wordBytes !== 8) bad('wordBytes', `word size must be 4 or 8 bytes, got ${h.wordBytes}`)
}
