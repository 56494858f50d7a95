// What the lab end-to-end tests need, and why they are skipped when it is missing.
import {spawnSync} from 'node:child_process'
import {existsSync} from 'node:fs'
import {homedir} from 'node:os'
import {join} from 'node:path'

/**
 * The lab kernel: $ALLOCSCOPE_KERNEL, else lab/build-kernel.sh's output in $ALLOCSCOPE_LAB (default
 * $XDG_CACHE_HOME/allocscope/lab, else ~/.cache/allocscope/lab: the same default as lab/lib.sh).
 */
export const LAB_DIR =
  process.env.ALLOCSCOPE_LAB ?? join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'allocscope', 'lab')
export const LAB_KERNEL = process.env.ALLOCSCOPE_KERNEL ?? join(LAB_DIR, 'out', 'bzImage-6.12')
/** The stock 7.2 lab kernel (`lab/build-kernel.sh 7.2`): $ALLOCSCOPE_KERNEL_7_2, else the lab's output. */
export const LAB_KERNEL_7_2 = process.env.ALLOCSCOPE_KERNEL_7_2 ?? join(LAB_DIR, 'out', 'bzImage-7.2')
/** The 7.2 lab kernel with the klab: patch (`VARIANT=pool lab/build-kernel.sh 7.2`). */
export const LAB_KERNEL_7_2_POOL = process.env.ALLOCSCOPE_KERNEL_7_2_POOL ?? join(LAB_DIR, 'out', 'bzImage-7.2-pool')

/** undefined when a real boot of `kernel` can run here, else the reason it cannot. */
export function labSkipReason(kernel: string = LAB_KERNEL, remedy = 'set ALLOCSCOPE_KERNEL or run lab/build-kernel.sh'): string | undefined {
  if (!existsSync(kernel)) return `no kernel image at ${kernel}: ${remedy}`
  if (spawnSync('qemu-system-x86_64', ['--version']).status !== 0) return 'qemu-system-x86_64 not installed (Debian package qemu-system-x86)'
  if (!existsSync('/bin/busybox') && !existsSync('/usr/bin/busybox')) return 'busybox not installed (Debian package busybox-static)'
  return undefined
}

/** The 7.2 lab kernels with the legacy 8192-array recorder (`VARIANT=legacy|legacylate lab/build-kernel.sh 7.2`). */
export const LAB_KERNEL_7_2_LEGACY = process.env.ALLOCSCOPE_KERNEL_7_2_LEGACY ?? join(LAB_DIR, 'out', 'bzImage-7.2-legacy')
export const LAB_KERNEL_7_2_LEGACYLATE = process.env.ALLOCSCOPE_KERNEL_7_2_LEGACYLATE ?? join(LAB_DIR, 'out', 'bzImage-7.2-legacylate')
/** The 7.2 lab kernel with the recorder switched off, KASAN + kmemleak (`VARIANT=notrack lab/build-kernel.sh 7.2`). */
export const LAB_KERNEL_7_2_NOTRACK = process.env.ALLOCSCOPE_KERNEL_7_2_NOTRACK ?? join(LAB_DIR, 'out', 'bzImage-7.2-notrack')
