// The terms a profile is made of: each is a host quantity with a kernel meaning, the CPU that does
// the allocating, and the phase of the early window it happens in. A profile gives each term a
// coefficient (calls and pages per unit), fitted from instrumented boots.
import {type Host, type Window, hasNormalZone, sections} from './host.js'
import {objectsPerSlab} from './slab.js'

export type TermId = 'base' | 'possibleCpus' | 'log2PossibleCpus' | 'perCpuSlabs' | 'onlineCpus' | 'log2OnlineCpus' | 'sections' | 'normalZone' | 'nodes' | 'noGbPages' | 'log2Memory' | 'onlineCpusLog2Memory' | 'pow2PossibleCpus' | 'kasan' | 'kasanPossibleCpus' | 'bootNodeNormalZone'

/** Who runs the allocations of a term: the boot CPU, or every online CPU during bring-up. */
export type Attribution = 'boot' | 'online'
/** boot: start_kernel()/mm_core_init() work; setup: while page_ext_init() allocates, section by section. */
export type Phase = 'boot' | 'setup'

/** Discrete kernel parameters a term depends on, stored in the profile (chosen by calibrate). */
export interface TermParams {
  /** Object size (a kmalloc size class) of the per-CPU objects behind the perCpuSlabs term. */
  slabObjectBytes?: number
  /**
   * Pool recorder race model: tracking-page allocation latency in workload time units (event gaps),
   * fitted from race frees of multi-pool boots (race-latency.ts); absent: the uncalibrated default.
   */
  allocLatency?: number
}

export interface TermDef {
  id: TermId
  meaning: string
  value: (h: Host, p: TermParams) => number
  attribution: Attribution
  phase: Phase
  /**
   * The host facts the term's count depends on: its value's inputs (for base, the build every
   * coefficient was fitted on). A profile's fitted range spans them and predict checks a host
   * against them (rangeFacts, interval.ts extrapolation): derived from here, no other list.
   */
  facts: readonly RangeFact[]
}

/**
 * A host fact a fitted range spans. `possiblePerOnline` is joint: boots fitted with possible =
 * online say nothing of a host with hotplug CPUs, though each count alone is inside.
 */
export type RangeFact = 'possibleCpus' | 'onlineCpus' | 'possiblePerOnline' | 'memoryBytes' | 'nodes' | 'normalZone' | 'gbPages' | 'kasan' | 'kasanPossibleCpus' | 'pageSize' | 'wordBits'

export interface RangeFactDef {
  label: string
  /** The host's value; undefined where the fact does not apply (a host without KASAN has no KASAN CPU count). */
  of: (h: Host) => number | undefined
  /** Yes (1) or no (0): outside is a value no fitted boot had, not a ratio. */
  flag?: boolean
  /** A ratio of two facts, checked whenever both are. */
  joint?: readonly [RangeFact, RangeFact]
  /**
   * Facts that move together widen once, by the furthest outside: a host of 1024 CPUs is one
   * extrapolation, not one of its possible and another of its online CPUs; nor is 16 GiB and the
   * ZONE_NORMAL it brings two. Its ratio (possiblePerOnline) is a fact of its own.
   */
  group?: 'cpus' | 'memory'
  unit?: 'bytes'
}

export const RANGE_FACTS: Readonly<Record<RangeFact, RangeFactDef>> = {
  possibleCpus: {label: 'possible CPUs', of: (h) => h.possibleCpus, group: 'cpus'},
  onlineCpus: {label: 'online CPUs', of: (h) => h.onlineCpus, group: 'cpus'},
  possiblePerOnline: {label: 'possible CPUs per online CPU', of: (h) => h.possibleCpus / h.onlineCpus, joint: ['possibleCpus', 'onlineCpus']},
  memoryBytes: {label: 'memory', of: (h) => h.memoryBytes, group: 'memory', unit: 'bytes'},
  nodes: {label: 'NUMA nodes', of: (h) => h.nodes},
  normalZone: {label: 'a ZONE_NORMAL (memory above 4 GiB)', of: (h) => Number(hasNormalZone(h)), flag: true, group: 'memory'},
  gbPages: {label: 'GB pages', of: (h) => Number(h.gbPages !== false), flag: true},
  kasan: {label: 'KASAN', of: (h) => Number(h.kasan), flag: true},
  kasanPossibleCpus: {label: 'possible CPUs with KASAN', of: (h) => (h.kasan ? h.possibleCpus : undefined), group: 'cpus'},
  pageSize: {label: 'page size', of: (h) => h.pageSize, unit: 'bytes'},
  wordBits: {label: 'word bits', of: (h) => h.wordBytes * 8},
}

/** The facts a set of terms depends on, in RANGE_FACTS' order, with each joint fact whose two parts are among them. */
function rangeFacts(terms: readonly TermId[]): RangeFact[] {
  const own = new Set(terms.flatMap((id) => term(id).facts))
  return (Object.keys(RANGE_FACTS) as RangeFact[]).filter((f) => {
    const j = RANGE_FACTS[f].joint
    return own.has(f) || (j !== undefined && own.has(j[0]) && own.has(j[1]))
  })
}

export const TERMS: readonly TermDef[] = [
  {id: 'base', meaning: "boot CPU's fixed early work: kmalloc caches, early page tables, vmalloc_init()", value: () => 1, attribution: 'boot', phase: 'boot', facts: ['pageSize', 'wordBits']},
  {id: 'possibleCpus', meaning: 'per possible CPU objects set up by the boot CPU (slab per-CPU data, percpu areas)', value: (h) => h.possibleCpus, attribution: 'boot', phase: 'boot', facts: ['possibleCpus']},
  {id: 'log2PossibleCpus', meaning: 'arrays of nr_cpu_ids entries whose kmalloc size class doubles as nr_cpu_ids doubles', value: (h) => Math.log2(h.possibleCpus), attribution: 'boot', phase: 'boot', facts: ['possibleCpus']},
  {
    id: 'perCpuSlabs',
    meaning:
      'slabs holding one object per possible CPU (per-CPU sheaves): nr_cpu_ids / objects per slab, the slab order from calculate_order (min_objects = 4*(fls(nr_cpus)+1), order <= 3)',
    value: (h, p) => {
      if (!p.slabObjectBytes) throw new Error('term perCpuSlabs needs params.slabObjectBytes (a kmalloc size class)')
      return h.possibleCpus / objectsPerSlab(p.slabObjectBytes, h.possibleCpus, h.pageSize)
    },
    attribution: 'boot',
    phase: 'boot',
    facts: ['possibleCpus', 'pageSize'],
  },
  {id: 'onlineCpus', meaning: 'CPU bring-up in smp_init(): hotplug callbacks, idle/kthread stacks, per-CPU buffers', value: (h) => h.onlineCpus, attribution: 'online', phase: 'boot', facts: ['onlineCpus']},
  {id: 'log2OnlineCpus', meaning: 'bring-up structures sized by the number of online CPUs (size class doubling)', value: (h) => Math.log2(h.onlineCpus), attribution: 'boot', phase: 'boot', facts: ['onlineCpus']},
  {id: 'sections', meaning: 'page_ext allocated section by section (128 MiB sections) while it is being set up', value: (h) => sections(h), attribution: 'boot', phase: 'setup', facts: ['memoryBytes']},
  {id: 'normalZone', meaning: 'a populated ZONE_NORMAL (memory above 4 GiB): its zone and per-CPU pageset set-up', value: (h) => (hasNormalZone(h) ? 1 : 0), attribution: 'boot', phase: 'boot', facts: ['normalZone']},
  {
    id: 'bootNodeNormalZone',
    // 7.2 pool lab boots at 16 CPUs: 1 node 86 -> 102 calls from 1 to 4 or 16 GiB, but 2 nodes
    // with 4 GiB 90 as with 1 GiB, and 106 with 16 GiB: the host's ZONE_NORMAL only counts when it
    // is on node 0, where the boot CPU allocates (memory split evenly: more than 3 GiB per node).
    meaning: "a populated ZONE_NORMAL on node 0, the boot CPU's node (memory per node above the 32-bit hole, memory split evenly between nodes)",
    // Only the two facts the rule reads, not a spread copy of the whole host (V8's slow clone, once per
    // CPU count of a sweep: predict --sweep 1..8192 took 0.59-0.62 against 0.40-0.44 s; bench/NOTES.md).
    value: (h) => (hasNormalZone({normalZone: undefined, memoryBytes: h.memoryBytes / Math.max(1, h.nodes)}) ? 1 : 0),
    attribution: 'boot',
    phase: 'boot',
    facts: ['memoryBytes', 'nodes'],
  },
  {id: 'nodes', meaning: 'per NUMA node structures (pgdat, per-node slab and vmalloc data)', value: (h) => h.nodes, attribution: 'boot', phase: 'boot', facts: ['nodes']},
  {
    id: 'pow2PossibleCpus',
    // 6.12 DEBUG lab boots at 1 GiB: 132, 141, 168, 264, 403 and 403 pages at 1, 4, 16, 64, 128 and
    // 192 CPUs, i.e. ~130 + 2.1 x 2^(fls(nr_cpu_ids) - 1): the same at 128 and 192 CPUs, where a
    // linear per-CPU term predicts ~600 at 192 (a step with fls(), as SLUB's min_objects has).
    meaning: 'work that doubles with each power of two of nr_cpu_ids (2^(fls(nr_cpu_ids) - 1): sizes derived from fls(nr_cpus), as SLUB\'s min_objects)',
    value: (h) => 2 ** Math.floor(Math.log2(h.possibleCpus)),
    attribution: 'boot',
    phase: 'boot',
    facts: ['possibleCpus'],
  },
  {
    id: 'kasan',
    meaning: "KASAN's fixed early work (shadow set-up; with kmemleak, its early object pool)",
    value: (h) => (h.kasan ? 1 : 0),
    attribution: 'boot',
    phase: 'boot',
    facts: ['kasan'],
  },
  {
    id: 'kasanPossibleCpus',
    meaning: 'KASAN per possible CPU (per-CPU quarantine and the shadow of per-CPU areas)',
    value: (h) => (h.kasan ? h.possibleCpus : 0),
    attribution: 'boot',
    phase: 'boot',
    facts: ['kasan', 'kasanPossibleCpus'],
  },
  {
    id: 'log2Memory',
    meaning: 'early work that grows with the logarithm of memory (tables sized by memory, the struct-page init that page_ext waits for after SMP)',
    value: (h) => Math.log2(sections(h)),
    attribution: 'boot',
    phase: 'boot',
    facts: ['memoryBytes'],
  },
  {
    id: 'onlineCpusLog2Memory',
    // Seen on the NUMA/memory lab boots of 7.2-legacylate (lab/README.md): at 64 CPUs 1 -> 16 GiB
    // adds ~190 calls, at 16 CPUs ~110, at 4 CPUs ~60; a per-CPU or a memory term alone misses.
    meaning: 'per online CPU work that grows with the logarithm of memory (after SMP the CPUs run while deferred struct-page init, split over each node\'s CPUs, holds page_ext back)',
    value: (h) => h.onlineCpus * Math.log2(sections(h)),
    attribution: 'online',
    phase: 'boot',
    facts: ['onlineCpus', 'memoryBytes'],
  },
  {
    id: 'noGbPages',
    meaning: 'the direct map built with 2 MiB pages (CPU without pdpe1gb, or nogbpages): extra early page-table pages',
    // Only an explicit false counts: a Host built without the field is the default (GB pages).
    value: (h) => (h.gbPages === false ? 1 : 0),
    attribution: 'boot',
    phase: 'boot',
    facts: ['gbPages'],
  },
]

export const TERM_IDS = TERMS.map((t) => t.id)

/** The terms calibrate chooses among for a window (leave-one-out): what a count in that window may depend on. */
export const CANDIDATES: Record<Exclude<Window, 'none'>, TermId[]> = {
  'before-smp': ['possibleCpus', 'log2PossibleCpus', 'perCpuSlabs', 'pow2PossibleCpus', 'bootNodeNormalZone', 'noGbPages', 'sections', 'nodes', 'kasan', 'kasanPossibleCpus'],
  'after-smp': ['onlineCpus', 'log2OnlineCpus', 'perCpuSlabs', 'normalZone', 'noGbPages', 'sections', 'nodes', 'log2Memory', 'onlineCpusLog2Memory'],
}

/**
 * The facts a prediction in a window is range-checked on: those of every term the window's fit
 * could have chosen (a term left out still says the count may move with its facts: 6.12 after SMP
 * was fitted on 1 GiB alone) and of the profile's own (given with --terms), the build's with base.
 */
export function checkedFacts(window: Exclude<Window, 'none'>, terms: readonly TermId[]): RangeFact[] {
  return rangeFacts(['base', ...CANDIDATES[window], ...terms])
}

/**
 * Whether a term's value moves with the host's CPU counts: one of its facts (its value's inputs) is
 * a CPU count. A sweep evaluates the others once for its whole range (workload.ts callsByCpus).
 */
export function movesWithCpus(t: TermDef): boolean {
  return t.facts.some((f) => RANGE_FACTS[f].group === 'cpus')
}

export function term(id: string): TermDef {
  const t = TERMS.find((x) => x.id === id)
  if (!t) throw new Error(`unknown term ${id}`)
  return t
}
