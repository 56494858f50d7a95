// Sizes of the kernel's early-PFN recorders (lib/alloc_tag.c), defined once: the analysis reads
// them to say how full a lab kernel's recorder was, the model runs the recorders with them.

/** EARLY_ALLOC_PFN_MAX of the fixed-array recorder (7.0.4 stable, March 2026). */
export const EARLY_ALLOC_PFN_MAX = 8192

/** PFN_POOL_SIZE = (PAGE_SIZE − offsetof(struct pfn_pool, pfns)) / sizeof(unsigned long). */
export function pfnPoolSize(pageSize: number, wordBytes: number): number {
  // struct pfn_pool { struct pfn_pool *next; atomic_t count; unsigned long pfns[]; }: a pointer and
  // an int padded to the alignment of unsigned long → 16 bytes on 64-bit, 8 on 32-bit.
  const header = wordBytes + Math.max(4, wordBytes)
  return Math.floor((pageSize - header) / wordBytes)
}
