// Allocator sites whose bytes are the backing store of objects charged to other sites. With
// CONFIG_MEM_ALLOC_PROFILING a kmalloc'd object is charged to its caller (the slab object's
// codetag ref), while the slab page it lives on is charged to the page allocation inside SLUB
// (`alloc_slab_page`): a kmalloc leak grows both, the caller's site and the slab page site, at
// the same rate (the lab's leak series shows it: lab/module/klab_leak.c:40 and mm/slub.c
// alloc_slab_page both at 17.6 MiB/h). Such a site is still growing memory, so it stays a suspect,
// but it is ranked after the sites that allocate objects: the caller is what to fix.
export interface BackingSite {
  file: string
  func: string
  /** What its bytes are, said beside the suspect. */
  what: string
}

export const BACKING_SITES: readonly BackingSite[] = [
  {file: 'mm/slub.c', func: 'alloc_slab_page', what: 'slab pages: the objects on them are charged to their callers, ranked above'},
  {file: 'mm/slab.c', func: 'kmem_getpages', what: 'slab pages (SLAB): the objects on them are charged to their callers, ranked above'},
]

/** What a site's bytes back, when it is an allocator's backing store; undefined for any other site. */
export function backingOf(file: string, func: string): string | undefined {
  return BACKING_SITES.find((b) => b.file === file && b.func === func)?.what
}
