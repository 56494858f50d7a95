// The lab's guest: a busybox initramfs whose /init dumps dmesg and /proc/allocinfo between the
// markers console.ts splits on, then powers the machine off.
import {closeSync, existsSync, openSync, readFileSync, readSync} from 'node:fs'
import {delimiter, join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {InputError} from '../errors.js'
import {MARKERS} from './console.js'
import {chardev, type CpioEntry, dir, file, symlink, writeCpio} from './cpio.js'

/** Applets the init script calls, linked to /bin/busybox. */
export const APPLETS = ['sh', 'mount', 'dmesg', 'cat', 'grep', 'head', 'poweroff', 'sleep', 'echo'] as const

/**
 * Work the init does before the dump, to make the kernel free what it allocated early.
 * `shrink` (the corpus's linux-7.2-notrack-c8-m1024-shrink): shrink every slab cache (slab pages
 * of boot-time caches go back to the buddy allocator: an early page with no tag reference fires
 * `alloc_tag was not set` when freed), take every secondary CPU offline and back (their per-CPU
 * slabs and bring-up allocations are freed and made again), shrink again, drop the page cache.
 * Kernel messages stay on the console meanwhile (loglevel is lowered only for the dump).
 */
/** Printed with the workload's title on the same line before it runs: not a section marker (console.ts). */
export const WORKLOAD_MARKER = '===KLAB-WORKLOAD==='

export const WORKLOADS = {
  shrink: {
    title: 'slab shrink, cpu offline/online, slab shrink, drop_caches',
    script: `shrink() { for f in /sys/kernel/slab/*/shrink; do echo 1 > "$f" 2>/dev/null; done; }
cpus() { i=1; while [ -e /sys/devices/system/cpu/cpu$i/online ]; do echo $1 > /sys/devices/system/cpu/cpu$i/online; i=$((i + 1)); done; }
shrink
cpus 0
cpus 1
shrink
echo 3 > /proc/sys/vm/drop_caches
`,
  },
} as const
export type Workload = keyof typeof WORKLOADS

export function initScript(workload?: Workload): string {
  const work = workload ? `echo ${WORKLOAD_MARKER} ${WORKLOADS[workload].title}\n${WORKLOADS[workload].script}` : ''
  return `#!/bin/sh
# allocscope capture lab: dump the boot log and /proc/allocinfo on the serial console, power off.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
${work}# Console loglevel 1: later kernel messages stay in the log buffer instead of interleaving
# with the dump on ttyS0.
dmesg -n 1
${dumpAndPowerOff()}`
}

/**
 * The end of every lab init: the boot log, /proc/allocinfo and the host facts between the markers
 * the console splitter (console.ts) reads, then power off. One home for that protocol.
 */
export function dumpAndPowerOff(): string {
  return `echo ${MARKERS.dmesgBegin}
dmesg
echo ${MARKERS.dmesgEnd}
echo ${MARKERS.allocinfoBegin}
cat /proc/allocinfo
echo ${MARKERS.allocinfoEnd}
echo ${MARKERS.cpuinfo}
grep -c ^processor /proc/cpuinfo
echo ${MARKERS.meminfo}
head -n 3 /proc/meminfo
echo ${MARKERS.memProfiling}
cat /proc/sys/vm/mem_profiling
echo ${MARKERS.end}
poweroff -f
`
}

/** The archive's entries, busybox given as bytes (pure: the tests build it from any buffer). */
export function initramfsEntries(busybox: Buffer, script = initScript()): CpioEntry[] {
  return [
    dir('bin'),
    file('bin/busybox', busybox, 0o755),
    ...APPLETS.map((a) => symlink(`bin/${a}`, 'busybox')),
    dir('dev'),
    // The kernel opens /dev/console for init's stdio before anything is mounted.
    chardev('dev/console', 5, 1),
    dir('proc'),
    dir('sys'),
    file('init', Buffer.from(script), 0o755),
  ]
}

/** `script` replaces the init (the trend lab's series.ts); `extra` entries are appended. */
export function buildInitramfs(busybox: Buffer, workload?: Workload, custom?: {script: string; extra: CpioEntry[]}): Buffer {
  const entries = custom ? [...initramfsEntries(busybox, custom.script), ...custom.extra] : initramfsEntries(busybox, initScript(workload))
  // gzip: CONFIG_RD_GZIP is in every config the lab builds; Node writes mtime 0 → reproducible.
  return gzipSync(writeCpio(entries), {level: 9})
}

/** Where Debian's busybox-static puts the binary, then PATH. */
export function findBusybox(explicit?: string): string {
  const candidates = explicit ? [explicit] : ['/bin/busybox', '/usr/bin/busybox', ...(process.env.PATH ?? '').split(delimiter).map((d) => join(d, 'busybox'))]
  const found = candidates.find((p) => existsSync(p))
  if (!found) {
    throw new InputError(`${explicit ?? 'busybox'}: not found; the lab needs a static busybox: apt-get install busybox-static (or pass --busybox <path>)`)
  }
  if (!isStaticElf(found)) {
    throw new InputError(`${found}: not a statically linked x86-64 ELF binary; the initramfs has no libc: apt-get install busybox-static (or pass --busybox <path>)`)
  }
  return found
}

/** ELF64 x86-64 with no PT_INTERP program header: runs without a dynamic loader. */
export function isStaticElf(path: string): boolean {
  const fd = openSync(path, 'r')
  try {
    const h = Buffer.alloc(64)
    if (readSync(fd, h, 0, 64, 0) < 64) return false
    if (h.readUInt32BE(0) !== 0x7f454c46 || h[4] !== 2 || h.readUInt16LE(18) !== 62) return false
    const phoff = Number(h.readBigUInt64LE(32))
    const phentsize = h.readUInt16LE(54)
    const phnum = h.readUInt16LE(56)
    const ph = Buffer.alloc(phentsize * phnum)
    readSync(fd, ph, 0, ph.length, phoff)
    for (let i = 0; i < phnum; i++) if (ph.readUInt32LE(i * phentsize) === 3 /* PT_INTERP */) return false
    return true
  } finally {
    closeSync(fd)
  }
}

export function readBusybox(path: string): Buffer {
  return readFileSync(path)
}
