// Members of a .tar / .tar.gz / .tgz archive as inputs, read as streams (tar-stream): nothing is
// extracted to disk and a member is never held whole (boot logs and allocinfo dumps, gzipped or
// not, are read as `analyse` and `allocinfo` read files: a chunk at a time). The archive's inputs
// are planned first (archive-plan.ts: a capture directory is one input); then each is read. A
// damaged archive ends with an error record after the members read so far; a member it ends
// inside has its own.
import {analyseBootLogBytesBoots} from '../analysis/read.js'
import {readAllocInfoBytes} from '../readers/allocinfo.js'
import {InputError, ioReason} from '../errors.js'
import {plural} from '../render/units.js'
import {CaptureReader} from './archive-capture.js'
import {type ArchivePlan, inShard, isFileEntry, missingReason, namedInputs, noInputs, notFileReason, notRegular, openExtract, ownRecord, planArchive, type PlanOptions, roleOf} from './archive-plan.js'
import {hostnameOf} from './hostname.js'
import {allocInfoOf, bootRecords} from './record.js'
import {errorRecord, HEAD_BYTES, headText, kindOf} from './sniff.js'
import {BATCH_SCHEMA, type BatchRecord, type InputKind, type InputRef} from './schema.js'

/**
 * A member's bytes: the first ones held for sniffing, then the rest, through ONE iterator of the
 * entry (so that what analysis leaves unread can be drained and the archive read on).
 */
export class Member {
  private readonly it: AsyncIterator<Buffer>
  private held: Buffer[] = []
  private ended = false
  constructor(
    entry: AsyncIterable<unknown>,
    private readonly name: string,
  ) {
    // streamx types its chunks as unknown; tar-stream hands out Buffers.
    this.it = entry[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  }

  /** The entry's next bytes; an archive damaged inside the member (cut short of what its header claims, bad gzip) is the member's input error. */
  private async next(): Promise<IteratorResult<Buffer>> {
    try {
      return await this.it.next()
    } catch (e) {
      throw new InputError(`${this.name}: the archive is damaged inside this member (${(e as Error).message}); expected a tar archive (.tar, .tar.gz, .tgz)`, this.name)
    }
  }

  async head(): Promise<Buffer> {
    let n = 0
    while (n < HEAD_BYTES && !this.ended) {
      const r = await this.next()
      if (r.done) this.ended = true
      else {
        this.held.push(r.value)
        n += r.value.length
      }
    }
    return Buffer.concat(this.held)
  }

  /** Every byte, the held ones first; no return(): stopping early must not destroy the entry. */
  chunks(): AsyncIterable<Buffer> {
    const self = this
    return {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<Buffer>> => {
          const h = self.held.shift()
          if (h) return {value: h, done: false}
          if (self.ended) return {value: undefined, done: true}
          const r = await self.next()
          if (r.done) self.ended = true
          return r
        },
      }),
    }
  }

  async drain(): Promise<void> {
    this.held = []
    // The entry's own error: the archive's record says it (damaged archive after N members).
    while (!this.ended) if ((await this.it.next()).done) this.ended = true
  }
}

async function memberRecords(m: Member, input: InputRef, boot: number | undefined): Promise<BatchRecord[]> {
  const name = input.path
  let kind: InputKind | undefined
  try {
    const head = headText(await m.head())
    kind = kindOf(head, name)
    const hostname = hostnameOf(head)
    const rec: BatchRecord = {schema: BATCH_SCHEMA, input, kind, ...(hostname ? {hostname} : {})}
    if (kind === 'bootlog') return bootRecords(rec, (await analyseBootLogBytesBoots(name, m.chunks(), {}, boot ?? 'all')).boots)
    return [{...rec, allocinfo: allocInfoOf(await readAllocInfoBytes(m.chunks(), name))}]
  } catch (e) {
    return [errorRecord(input, e, kind)]
  }
}

/** The record of an `archive//member` path that cannot be read (PlanOptions.only). */
const memberError = (archive: string, path: string, why: string): BatchRecord => errorRecord({path, archive, member: path.slice(archive.length + 2)}, new InputError(`${path}: ${why}`, path))

const archiveError = (path: string, what: string): BatchRecord => errorRecord({path, archive: path}, new InputError(`${path}: ${what}`, path))

const damaged = (path: string, members: number, e: unknown): BatchRecord =>
  archiveError(path, `damaged archive after ${plural(members, 'member')} (${ioReason(e)}): expected a tar archive (.tar, .tar.gz, .tgz)`)

/** Why an archive read whole gave no input: no file member, or only hidden ones (skipped as on disk). */
const noMembers = (hidden: number): string =>
  hidden === 0
    ? 'no file members: expected a tar archive of boot logs or allocinfo dumps'
    : `no file members but ${plural(hidden, 'hidden one')} (dot files or under a dot directory), which batch skips as it does on disk: expected a tar archive of boot logs or allocinfo dumps`

export interface ArchiveOptions extends PlanOptions {
  /** --boot N. */
  boot?: number
  /** Called once the archive's inputs are counted (before any record). */
  onTotal?(total: number): void
}

/**
 * The records of an archive's inputs, in archive order (a capture directory's where its last
 * member is). Records of the archive itself (damaged, empty, unreadable) belong to the shard of
 * the archive's own path, so the N shards together still hold each exactly once; with inputs
 * named one by one (a sharded --list read back), only when its selfPath is named (ownRecord).
 */
export async function* archiveRecords(path: string, o: ArchiveOptions): AsyncGenerator<BatchRecord> {
  const own = ownRecord(path, o)
  const named = namedInputs(path, o)
  const why = notRegular(path)
  // An archive with no input to read is itself the one input (its error record), in its own shard.
  if (why !== undefined) {
    const mine = (named ?? []).filter((p) => inShard(p, o.shard))
    o.onTotal?.((own ? 1 : 0) + mine.length)
    if (own) yield archiveError(path, why)
    for (const p of mine) yield memberError(path, p, why)
    return
  }
  const plan = await planArchive(path, o)
  if (noInputs(plan) && !named?.length) {
    o.onTotal?.(own ? 1 : 0)
    if (own) yield plan.error ? damaged(path, 0, plan.error) : archiveError(path, noMembers(plan.hidden))
    return
  }
  o.onTotal?.(plan.total)
  yield* readInputs(plan, o, own)
}

/** The archive's inputs in archive order, then the listed paths that name none (PlanOptions.only), then its own error when damaged. */
async function* readInputs(plan: ArchivePlan, o: ArchiveOptions, own: boolean): AsyncGenerator<BatchRecord> {
  const path = plan.archive
  const captures = new CaptureReader(path, o.boot)
  let members = 0
  let index = 0
  let error: {e: unknown} | undefined
  try {
    for await (const entry of openExtract(path)) {
      const h = entry.header
      const i = index++
      if (isFileEntry(h)) members++
      const r = roleOf(plan, h, i, o)
      if (r.type === 'skip') {
        // Not read (a directory, another shard's, hidden, a capture's file it does not use): passed over unparsed.
        entry.resume()
        continue
      }
      const input: InputRef = {path: r.path, archive: path, member: r.member, ...(h.mtime ? {mtime: h.mtime.toISOString()} : {})}
      const m = new Member(entry, r.path)
      if (r.type === 'not-file') yield errorRecord(input, new InputError(`${r.path}: ${notFileReason(h)}`, r.path))
      else if (r.type === 'file') yield* await memberRecords(m, input, o.boot)
      else yield* await captures.take(r.capture, r.role, m, input, i)
      await m.drain()
    }
  } catch (e) {
    yield* captures.cut()
    error = {e}
  }
  for (const p of plan.missing) yield memberError(path, p, missingReason(plan, p))
  if (error && own) yield damaged(path, members, error.e)
}
