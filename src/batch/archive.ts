// Members of a .tar / .tar.gz / .tgz archive as inputs, read as streams (tar-stream): nothing is
// extracted to disk and a member is never held whole (boot logs and allocinfo dumps, gzipped or
// not, are read as `analyse` and `allocinfo` read files: a chunk at a time). A damaged archive ends
// with an error record after the members read so far; a member it ends inside has its own.
import {createReadStream} from 'node:fs'
import {basename} from 'node:path'
import {pipeline} from 'node:stream'
import {createGunzip} from 'node:zlib'
import * as tar from 'tar-stream'
import {analyseBootLogBytesBoots} from '../analysis/read.js'
import {readAllocInfoBytes} from '../readers/allocinfo.js'
import {InputError, ioReason} from '../errors.js'
import {hostnameOf} from './hostname.js'
import {memberPath} from './inputs.js'
import {allocInfoOf, bootRecords} from './record.js'
import {errorRecord, HEAD_BYTES, headText, kindOf} from './sniff.js'
import {BATCH_SCHEMA, type BatchRecord, type InputKind, type InputRef} from './schema.js'

/**
 * A member's bytes: the first ones held for sniffing, then the rest, through ONE iterator of the
 * entry (so that what analysis leaves unread can be drained and the archive read on).
 */
class Member {
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

const isHidden = (member: string): boolean => basename(member).startsWith('.')

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

function openExtract(path: string): tar.Extract {
  const extract = tar.extract()
  const file = createReadStream(path)
  const done = (e: Error | null): void => {
    if (e) extract.destroy(e)
  }
  if (/(\.tgz|\.gz)$/i.test(path)) pipeline(file, createGunzip(), extract, done)
  else pipeline(file, extract, done)
  return extract
}

const archiveError = (path: string, what: string): BatchRecord => errorRecord({path, archive: path}, new InputError(`${path}: ${what}`, path))

export async function* archiveRecords(path: string, skip: ReadonlySet<string>, boot?: number): AsyncGenerator<BatchRecord> {
  let members = 0
  try {
    for await (const entry of openExtract(path)) {
      const h = entry.header
      const m = new Member(entry, memberPath(path, h.name))
      if (h.type !== 'file' && h.type !== 'contiguous-file') {
        await m.drain()
        continue
      }
      members++
      const input: InputRef = {path: memberPath(path, h.name), archive: path, member: h.name, ...(h.mtime ? {mtime: h.mtime.toISOString()} : {})}
      if (!isHidden(h.name) && !skip.has(input.path)) yield* await memberRecords(m, input, boot)
      await m.drain()
    }
  } catch (e) {
    const msg = ioReason(e)
    yield archiveError(path, `damaged archive after ${members} member(s) (${msg}): expected a tar archive (.tar, .tar.gz, .tgz)`)
    return
  }
  if (members === 0) yield archiveError(path, 'no file members: expected a tar archive of boot logs or allocinfo dumps')
}
