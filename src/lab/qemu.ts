// The QEMU command line of a lab boot: a pure function of the options, so what `capture` runs
// is exactly what meta.json records and what the unit tests check.

export type Accel = 'kvm' | 'tcg'

export interface QemuOptions {
  /** Default qemu-system-x86_64 (Debian package qemu-system-x86). */
  binary?: string
  accel: Accel
  /** CPUs the kernel brings up. */
  cpus: number
  /** Possible CPUs: QEMU gets `-smp <possible>` and the kernel `maxcpus=<cpus>` (kernelCmdline),
   *  so per-CPU data is sized for all of them but only `cpus` are brought up: the layout of the
   *  corpus boot linux-7.2-pool-c64-m1024-maxcpus4. (QEMU's own `-smp maxcpus=` would list the
   *  rest as disabled MADT entries, which a kernel counts as hot-pluggable only when it detects
   *  a hypervisor (acpi_is_processor_usable): not under TCG, so it is not used.) */
  possible?: number
  memoryMiB: number
  /** NUMA nodes; memory and CPUs are split evenly (the remainder goes to the last node). */
  nodes?: number
  /** `-cpu` model; `max` (every feature TCG can emulate) unless told. */
  cpuModel?: string
  kernel: string
  initrd: string
  /** Full kernel command line. */
  append: string
  /** File the serial console (ttyS0) is written to. */
  serial: string
}

export const QEMU_BINARY = 'qemu-system-x86_64'

export function qemuArgs(o: QemuOptions): string[] {
  const possible = o.possible ?? o.cpus
  if (!Number.isInteger(o.cpus) || o.cpus < 1) throw new RangeError(`cpus must be a positive integer, got ${o.cpus}`)
  if (!Number.isInteger(possible) || possible < o.cpus) throw new RangeError(`possible CPUs (${possible}) must be an integer >= cpus (${o.cpus})`)
  if (!Number.isInteger(o.memoryMiB) || o.memoryMiB < 64) throw new RangeError(`memory must be at least 64 MiB, got ${o.memoryMiB}`)
  const args = [
    '-accel', o.accel,
    '-machine', 'q35',
    '-cpu', o.cpuModel ?? 'max',
    '-m', String(o.memoryMiB),
    '-smp', String(possible),
    '-display', 'none',
    '-monitor', 'none',
    '-serial', `file:${o.serial}`,
    // panic=-1 asks for a reboot on panic; -no-reboot turns that into QEMU exiting.
    '-no-reboot',
    '-kernel', o.kernel,
    '-initrd', o.initrd,
    '-append', o.append,
  ]
  const nodes = o.nodes ?? 1
  if (nodes > 1) args.push(...numaArgs(nodes, o.memoryMiB, possible))
  return args
}

/** `-object memory-backend-ram` + `-numa node` per node: contiguous CPU ranges, even memory. */
export function numaArgs(nodes: number, memoryMiB: number, cpus: number): string[] {
  if (!Number.isInteger(nodes) || nodes < 1) throw new RangeError(`nodes must be a positive integer, got ${nodes}`)
  if (nodes > cpus) throw new RangeError(`${nodes} NUMA nodes need at least ${nodes} CPUs, got ${cpus}`)
  const memEach = Math.floor(memoryMiB / nodes)
  const cpuEach = Math.floor(cpus / nodes)
  const mem: string[] = []
  const numa: string[] = []
  for (let n = 0; n < nodes; n++) {
    const last = n === nodes - 1
    const size = last ? memoryMiB - memEach * (nodes - 1) : memEach
    const first = n * cpuEach
    const lastCpu = last ? cpus - 1 : first + cpuEach - 1
    mem.push('-object', `memory-backend-ram,id=m${n},size=${size}M`)
    numa.push('-numa', `node,nodeid=${n},cpus=${first === lastCpu ? first : `${first}-${lastCpu}`},memdev=m${n}`)
  }
  return [...mem, ...numa]
}

/** The kernel command line: serial console, reboot (= QEMU exit) on panic, the user's extras,
 *  and `maxcpus=<cpus>` when fewer CPUs than possible are to be brought up. */
export function kernelCmdline(extra?: string, cpus?: number, possible?: number): string {
  const maxcpus = cpus !== undefined && possible !== undefined && possible > cpus ? `maxcpus=${cpus}` : undefined
  return ['console=ttyS0', 'panic=-1', extra?.trim(), maxcpus].filter(Boolean).join(' ')
}

/** `1024`, `1024M`, `1G`, `2GiB` → MiB. */
export function parseMemory(s: string): number {
  const m = /^(\d+)\s*(M|MB|MiB|G|GB|GiB)?$/i.exec(s.trim())
  if (!m) throw new RangeError(`memory "${s}": expected a size like 1024, 1024M or 2G`)
  const n = Number(m[1])
  return m[2] && /^g/i.test(m[2]) ? n * 1024 : n
}

/** Shell-quoted command line for meta.json and messages. */
export function shellJoin(argv: string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ')
}
