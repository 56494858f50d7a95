// The terms a profile is made of: each is a host quantity with a kernel meaning, the CPU that does
// the allocating, and the phase of the early window it happens in. A profile gives each term a
// coefficient (calls and pages per unit), fitted from instrumented boots.
import {type Host, hasNormalZone, sections} from './host.js'
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
}

export const TERMS: readonly TermDef[] = [
  {id: 'base', meaning: "boot CPU's fixed early work: kmalloc caches, early page tables, vmalloc_init()", value: () => 1, attribution: 'boot', phase: 'boot'},
  {id: 'possibleCpus', meaning: 'per possible CPU objects set up by the boot CPU (slab per-CPU data, percpu areas)', value: (h) => h.possibleCpus, attribution: 'boot', phase: 'boot'},
  {id: 'log2PossibleCpus', meaning: 'arrays of nr_cpu_ids entries whose kmalloc size class doubles as nr_cpu_ids doubles', value: (h) => Math.log2(h.possibleCpus), attribution: 'boot', phase: 'boot'},
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
  },
  {id: 'onlineCpus', meaning: 'CPU bring-up in smp_init(): hotplug callbacks, idle/kthread stacks, per-CPU buffers', value: (h) => h.onlineCpus, attribution: 'online', phase: 'boot'},
  {id: 'log2OnlineCpus', meaning: 'bring-up structures sized by the number of online CPUs (size class doubling)', value: (h) => Math.log2(h.onlineCpus), attribution: 'boot', phase: 'boot'},
  {id: 'sections', meaning: 'page_ext allocated section by section (128 MiB sections) while it is being set up', value: (h) => sections(h), attribution: 'boot', phase: 'setup'},
  {id: 'normalZone', meaning: 'a populated ZONE_NORMAL (memory above 4 GiB): its zone and per-CPU pageset set-up', value: (h) => (hasNormalZone(h) ? 1 : 0), attribution: 'boot', phase: 'boot'},
  {
    id: 'bootNodeNormalZone',
    // 7.2 pool lab boots at 16 CPUs: 1 node 86 -> 102 calls from 1 to 4 or 16 GiB, but 2 nodes
    // with 4 GiB 90 as with 1 GiB, and 106 with 16 GiB: the host's ZONE_NORMAL only counts when it
    // is on node 0, where the boot CPU allocates (memory split evenly: more than 3 GiB per node).
    meaning: "a populated ZONE_NORMAL on node 0, the boot CPU's node (memory per node above the 32-bit hole, memory split evenly between nodes)",
    value: (h) => (hasNormalZone({...h, normalZone: undefined, memoryBytes: h.memoryBytes / Math.max(1, h.nodes)}) ? 1 : 0),
    attribution: 'boot',
    phase: 'boot',
  },
  {id: 'nodes', meaning: 'per NUMA node structures (pgdat, per-node slab and vmalloc data)', value: (h) => h.nodes, attribution: 'boot', phase: 'boot'},
  {
    id: 'pow2PossibleCpus',
    // 6.12 DEBUG lab boots at 1 GiB: 132, 141, 168, 264, 403 and 403 pages at 1, 4, 16, 64, 128 and
    // 192 CPUs, i.e. ~130 + 2.1 x 2^(fls(nr_cpu_ids) - 1): the same at 128 and 192 CPUs, where a
    // linear per-CPU term predicts ~600 at 192 (a step with fls(), as SLUB's min_objects has).
    meaning: 'work that doubles with each power of two of nr_cpu_ids (2^(fls(nr_cpu_ids) - 1): sizes derived from fls(nr_cpus), as SLUB\'s min_objects)',
    value: (h) => 2 ** Math.floor(Math.log2(h.possibleCpus)),
    attribution: 'boot',
    phase: 'boot',
  },
  {
    id: 'kasan',
    meaning: "KASAN's fixed early work (shadow set-up; with kmemleak, its early object pool)",
    value: (h) => (h.kasan ? 1 : 0),
    attribution: 'boot',
    phase: 'boot',
  },
  {
    id: 'kasanPossibleCpus',
    meaning: 'KASAN per possible CPU (per-CPU quarantine and the shadow of per-CPU areas)',
    value: (h) => (h.kasan ? h.possibleCpus : 0),
    attribution: 'boot',
    phase: 'boot',
  },
  {
    id: 'log2Memory',
    meaning: 'early work that grows with the logarithm of memory (tables sized by memory, the struct-page init that page_ext waits for after SMP)',
    value: (h) => Math.log2(sections(h)),
    attribution: 'boot',
    phase: 'boot',
  },
  {
    id: 'onlineCpusLog2Memory',
    // Seen on the NUMA/memory lab boots of 7.2-legacylate (lab/README.md): at 64 CPUs 1 -> 16 GiB
    // adds ~190 calls, at 16 CPUs ~110, at 4 CPUs ~60; a per-CPU or a memory term alone misses.
    meaning: 'per online CPU work that grows with the logarithm of memory (after SMP the CPUs run while deferred struct-page init, split over each node\'s CPUs, holds page_ext back)',
    value: (h) => h.onlineCpus * Math.log2(sections(h)),
    attribution: 'online',
    phase: 'boot',
  },
  {
    id: 'noGbPages',
    meaning: 'the direct map built with 2 MiB pages (CPU without pdpe1gb, or nogbpages): extra early page-table pages',
    // Only an explicit false counts: a Host built without the field is the default (GB pages).
    value: (h) => (h.gbPages === false ? 1 : 0),
    attribution: 'boot',
    phase: 'boot',
  },
]

export const TERM_IDS = TERMS.map((t) => t.id)

export function term(id: string): TermDef {
  const t = TERMS.find((x) => x.id === id)
  if (!t) throw new Error(`unknown term ${id}`)
  return t
}
