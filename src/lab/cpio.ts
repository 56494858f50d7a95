// The cpio "newc" (SVR4, no CRC) format the kernel unpacks as initramfs
// (init/initramfs.c; Documentation/driver-api/early-userspace/buffer-format.rst).
// Written here so the lab needs no cpio binary and the archive is byte-reproducible (mtime 0).

export interface CpioEntry {
  /** Path without a leading slash, e.g. `bin/busybox`. */
  name: string
  /** Full st_mode: type bits | permissions. */
  mode: number
  data?: Buffer
  /** Device number for character / block nodes. */
  rdevMajor?: number
  rdevMinor?: number
}

export const S_IFDIR = 0o040000
export const S_IFREG = 0o100000
export const S_IFLNK = 0o120000
export const S_IFCHR = 0o020000

const MAGIC = '070701'
const TRAILER = 'TRAILER!!!'

const pad4 = (n: number): number => (4 - (n % 4)) % 4
const hex8 = (n: number): string => n.toString(16).padStart(8, '0')

export function dir(name: string, perm = 0o755): CpioEntry {
  return {name, mode: S_IFDIR | perm}
}
export function file(name: string, data: Buffer, perm = 0o644): CpioEntry {
  return {name, mode: S_IFREG | perm, data}
}
export function symlink(name: string, target: string): CpioEntry {
  return {name, mode: S_IFLNK | 0o777, data: Buffer.from(target)}
}
export function chardev(name: string, major: number, minor: number, perm = 0o600): CpioEntry {
  return {name, mode: S_IFCHR | perm, rdevMajor: major, rdevMinor: minor}
}

function header(e: CpioEntry, ino: number, size: number): Buffer {
  const nameSize = Buffer.byteLength(e.name) + 1
  const fields = [ino, e.mode, 0, 0, (e.mode & 0o170000) === S_IFDIR ? 2 : 1, 0, size, 0, 0, e.rdevMajor ?? 0, e.rdevMinor ?? 0, nameSize, 0]
  return Buffer.from(MAGIC + fields.map(hex8).join(''), 'ascii')
}

export function writeCpio(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = []
  let off = 0
  const push = (b: Buffer): void => {
    parts.push(b)
    off += b.length
  }
  const all: CpioEntry[] = [...entries, {name: TRAILER, mode: 0}]
  all.forEach((e, i) => {
    const data = e.data ?? Buffer.alloc(0)
    push(header(e, e.name === TRAILER ? 0 : i + 1, data.length))
    push(Buffer.from(e.name + '\0'))
    push(Buffer.alloc(pad4(off)))
    push(data)
    push(Buffer.alloc(pad4(off)))
  })
  return Buffer.concat(parts)
}

/** Parse a newc archive back (used by the tests, and to describe an initramfs). */
export function readCpio(buf: Buffer): CpioEntry[] {
  const out: CpioEntry[] = []
  let off = 0
  for (;;) {
    if (off + 110 > buf.length) throw new Error(`cpio: truncated header at byte ${off}`)
    const magic = buf.toString('ascii', off, off + 6)
    if (magic !== MAGIC) throw new Error(`cpio: bad magic "${magic}" at byte ${off}, expected ${MAGIC} (newc)`)
    const f = (i: number): number => parseInt(buf.toString('ascii', off + 6 + i * 8, off + 14 + i * 8), 16)
    const mode = f(1)
    const size = f(6)
    const rdevMajor = f(9)
    const rdevMinor = f(10)
    const nameSize = f(11)
    off += 110
    const name = buf.toString('utf8', off, off + nameSize - 1)
    off += nameSize
    off += pad4(off)
    const data = buf.subarray(off, off + size)
    off += size
    off += pad4(off)
    if (name === TRAILER) return out
    out.push({name, mode, data: Buffer.from(data), ...(rdevMajor || rdevMinor ? {rdevMajor, rdevMinor} : {})})
  }
}
