// A capture directory inside a tar archive, read as one input: the record the extracted directory
// gets (run-task.ts captureRecords: the boot log resolveCapture picks, the allocinfo dump with the
// last boot, meta.json's hostname first). Its members are read as they come; what a record needs
// of each (a boot's record parts and what its prediction is made from, the dump's totals and
// recorder evidence, the host name) is kept until its last member, never the member's bytes. Members of one directory usually come together; when they are
// scattered among other directories', several captures are open at once, up to MAX_OPEN.
import {analyseBootLogBytesBoots} from '../analysis/read.js'
import {readAllocInfoBytes} from '../readers/allocinfo.js'
import {MAX_META_BYTES} from '../readers/dir.js'
import {InputError} from '../errors.js'
import type {Member} from './archive.js'
import type {CapturePlan} from './archive-plan.js'
import {hostnameOf} from './hostname.js'
import {type BootPart, bootPart, captureRecordsOf, type DumpParts, dumpParts} from './record.js'
import {errorRecord, headText} from './sniff.js'
import type {BatchRecord, InputRef} from './schema.js'

/**
 * Capture directories held open at once (read in part, their last member not yet come). Each is
 * its record parts, about a record's size (median 2.1 KB, at most 4.5 KB over the repository's
 * captures and peer logs) per boot; past this many, a capture that opens is not read: its record is an
 * error saying so (its files are too scattered in the archive), never a wrong record.
 */
export const MAX_OPEN = 1024

interface Open {
  parts?: BootPart[]
  headHost?: string
  metaHost?: string
  dump?: DumpParts
  mtime?: string
  error?: unknown
}

export class CaptureReader {
  private readonly open = new Map<CapturePlan, Open>()
  /** Captures refused because MAX_OPEN were open (their members are passed over). */
  private readonly refused = new Set<CapturePlan>()

  constructor(
    private readonly archive: string,
    private readonly boot: number | undefined,
  ) {}

  /** Reads one member of `c` (entry `index` of the archive); at its last member, its records. */
  async take(c: CapturePlan, role: 'bootLog' | 'allocinfo' | 'meta', m: Member, member: InputRef, index: number): Promise<BatchRecord[]> {
    let st = this.open.get(c)
    if (!st && !this.refused.has(c)) {
      // A capture whose first member read is its last is never held open: no cap applies to it.
      if (this.open.size >= MAX_OPEN && index !== c.last) this.refused.add(c)
      else this.open.set(c, (st = {}))
    }
    if (st && !st.error) {
      try {
        await this.read(st, role, m, member)
      } catch (e) {
        st.error = e
      }
    }
    return index === c.last ? this.finish(c) : []
  }

  /** The archive ended early (damaged): the captures still open get their records now, from what was read. */
  cut(): BatchRecord[] {
    return [...this.open.keys(), ...this.refused].flatMap((c) => this.finish(c))
  }

  private async read(st: Open, role: 'bootLog' | 'allocinfo' | 'meta', m: Member, member: InputRef): Promise<void> {
    const name = member.path
    if (role === 'bootLog') {
      st.headHost = hostnameOf(headText(await m.head()))
      st.mtime = member.mtime
      const boots = (await analyseBootLogBytesBoots(name, m.chunks(), {}, this.boot ?? 'all')).boots
      st.parts = boots.map((a, i) => bootPart(a, i === 0))
    } else if (role === 'allocinfo') {
      st.mtime ??= member.mtime
      st.dump = dumpParts(await readAllocInfoBytes(m.chunks(), name))
    } else st.metaHost = await metaHostname(m, name)
  }

  private finish(c: CapturePlan): BatchRecord[] {
    const st = this.open.get(c)
    this.open.delete(c)
    const wasRefused = this.refused.delete(c)
    const input: InputRef = {path: c.path, archive: this.archive, member: c.dir, ...(st?.mtime ? {mtime: st.mtime} : {})}
    if (wasRefused || !st) return [errorRecord(input, scattered(c.path), 'capture-dir')]
    if (st.error) return [errorRecord(input, st.error, 'capture-dir')]
    return captureRecordsOf(input, {metaHost: st.metaHost, headHost: st.headHost, boots: st.parts, ...st.dump})
  }
}

const scattered = (path: string): InputError =>
  new InputError(
    `${path}: not read: its files are scattered in the archive among those of more than ${MAX_OPEN} other capture directories (batch holds at most ${MAX_OPEN} open at once); expected each capture directory's files together, as tar writes a directory (or extract the archive)`,
    path,
  )

/** meta.json's `hostname`, read whole (at most MAX_META_BYTES, as on disk). */
async function metaHostname(m: Member, name: string): Promise<string | undefined> {
  const parts: Buffer[] = []
  let n = 0
  for await (const c of m.chunks()) {
    n += c.length
    if (n > MAX_META_BYTES) throw new InputError(`${name}: more than ${MAX_META_BYTES} bytes; expected the meta.json of a capture directory`, name)
    parts.push(c)
  }
  let meta: unknown
  try {
    meta = JSON.parse(Buffer.concat(parts).toString('utf8'))
  } catch (e) {
    throw new InputError(`${name}: not valid JSON (${(e as Error).message}); expected the meta.json of a capture directory`, name)
  }
  const h = (meta as {hostname?: unknown} | null)?.hostname
  return typeof h === 'string' ? h : undefined
}
