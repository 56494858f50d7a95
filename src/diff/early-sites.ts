// Functions that allocate pages before page_ext exists on the lab's 7.2 x86-64 builds, by page_ext
// window, used by the inaccurate-counters rule when the model gives no list of its own. These are
// the functions tagged ` accurate:no` in the real captures (format 2.0 marks a tag inaccurate when
// __pgalloc_tag_add() finds no page_ext): the evidence is data, not a guess.
export interface EarlySiteTable {
  window: 'before-smp' | 'after-smp'
  funcs: readonly string[]
  provenance: string
}

const BEFORE_SMP = ['__p4d_alloc', 'alloc_page_ext', 'alloc_slab_page', 'vmap_init_nodes', '__alloc_tag_add_early_pfn']

export const EARLY_SITES: readonly EarlySiteTable[] = [
  {
    // early_page_ext (DEBUG default): page_ext comes up at the end of mm_core_init(), before SMP.
    window: 'before-smp',
    funcs: BEFORE_SMP,
    provenance:
      'accurate:no functions of linux-7.2-pool-c{1,4,16,64,128}-*, -legacy-c{1,64}-m1024 (the pool recorder also marks its own page, __alloc_tag_add_early_pfn)',
  },
  {
    // Deferred struct-page init: page_ext_init() in page_alloc_init_late(), after smp_init(), so
    // CPU bring-up (page tables, thread stacks, per-CPU pods) allocates untagged too.
    window: 'after-smp',
    funcs: [
      ...BEFORE_SMP,
      '_pgd_alloc',
      '__pud_alloc',
      '__pmd_alloc',
      '__pte_alloc_kernel',
      'pte_alloc_one',
      'split_large_page',
      'alloc_thread_stack_node',
      'alloc_large_system_hash',
      'kernfs_lock_init',
      'vdso_setup_data_pages',
      'init_pod_type',
      'padata_init',
      'pidfs_init',
    ],
    provenance: 'accurate:no functions of linux-7.2-legacylate-c{8,255}-m1024 (early_page_ext off)',
  },
]

export function earlySitesFor(window: 'before-smp' | 'after-smp' | undefined): EarlySiteTable {
  return EARLY_SITES.find((t) => t.window === (window ?? 'before-smp'))!
}
