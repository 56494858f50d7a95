// SLUB's choice of slab order (mm/slub.c calculate_order / calc_slab_order), used by the per-CPU
// slab term: objects allocated once per possible CPU (7.x per-CPU sheaves) come from a kmalloc
// cache whose slabs grow with the CPU count, so the page-allocation calls per CPU step with
// fls(nr_cpus) instead of being a constant.

/** slub_max_order default: PAGE_ALLOC_COSTLY_ORDER. */
export const SLUB_MAX_ORDER = 3

/** The kmalloc size classes (x86-64, KMALLOC_MIN_SIZE 8, slab caches up to 2 pages). */
export const KMALLOC_SIZES = [8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192] as const

function fls(x: number): number {
  return x <= 0 ? 0 : 32 - Math.clz32(x)
}

/** get_order(): the smallest order whose block holds `bytes`. */
function getOrder(bytes: number, pageSize: number): number {
  let o = 0
  while (pageSize * 2 ** o < bytes) o++
  return o
}

/**
 * calculate_order(size): min_objects = 4 * (fls(nr_cpus) + 1) where nr_cpus is num_present_cpus()
 * (nr_cpu_ids when that is ≤ 1; present = possible on the hosts modelled), capped by what an
 * order-slub_max_order slab holds; then the lowest order from get_order(min_objects * size) whose
 * leftover is at most 1/16 of the slab (1/8, 1/4, 1/2 on later passes).
 */
export function slabOrder(size: number, cpus: number, pageSize = 4096): number {
  const minObjects = Math.min(4 * (fls(cpus) + 1), Math.max(1, Math.floor((pageSize * 2 ** SLUB_MAX_ORDER) / size)))
  const minOrder = getOrder(minObjects * size, pageSize)
  for (let fraction = 16; fraction > 1; fraction /= 2) {
    for (let order = minOrder; order <= SLUB_MAX_ORDER; order++) {
      const slab = pageSize * 2 ** order
      if (slab % size <= slab / fraction) return order
    }
  }
  return getOrder(size, pageSize)
}

/** Objects in one slab of a cache of `size`-byte objects on a host with `cpus` present CPUs. */
export function objectsPerSlab(size: number, cpus: number, pageSize = 4096): number {
  return Math.max(1, Math.floor((pageSize * 2 ** slabOrder(size, cpus, pageSize)) / size))
}
