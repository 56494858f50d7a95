// Members of a .tar / .tar.gz / .tgz archive as inputs, read as streams (tar-stream): nothing is
// extracted to disk and a member is never held whole, except an allocinfo dump (parsed from text,
// as `allocinfo` does; a few hundred KiB). A damaged archive ends with an error record after the
// members read so far.
import {createReadStream} from 'node:fs'
import {basename} from 'node:path'
import {pipeline} from 'node:stream'
import {createGunzip, gunzipSync} from 'node:zlib'
import * as tar from 'tar-stream'
import {analyseBootLogBytesBoots} from '../analysis/read.js'
import {parseAllocInfoText} from '../readers/allocinfo.js'
import {InputError} from '../errors.js'
import {hostnameOf} from './hostname.js'
import {memberPath} from './inputs.js'
import {allocInfoOf, bootRecords} from './record.js'
import {errorRecord, HEAD_BYTES, headText, kindOf} from './sniff.js'
import {BATCH_SCHEMA, type BatchRecord, type InputKind, type InputRef} from './schema.js'

/** An allocinfo member larger than this is refused rather than held in memory. */
const MAX_ALLOCINFO_BYTES = 256 * 1024 * 1024

/**
 * A member's bytes: the first ones held for sniffing, then the rest, through ONE iterator of the
 * entry (so that what analysis leaves unread can be drained and the archive read on).
 */
class Member {
  private readonly it: AsyncIterator<Buffer>
  private held: Buffer[] = []
  private ended = false
  constructor(entry: AsyncIterable<unknown>) {
    // streamx types its chunks as unknown; tar-stream hands out Buffers.
    this.it = entry[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  }

  async head(): Promise<Buffer> {
    let n = 0
    while (n < HEAD_BYTES && !this.ended) {
      const r = await this.it.next()
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
          const r = await self.it.next()
          if (r.done) self.ended = true
          return r
        },
      }),
    }
  }

  async all(name: string): Promise<Buffer> {
    const parts: Buffer[] = []
    let n = 0
    for await (const c of this.chunks()) {
      n += c.length
      if (n > MAX_ALLOCINFO_BYTES) throw new InputError(`${name}: more than ${MAX_ALLOCINFO_BYTES} bytes: expected an allocinfo dump`, name)
      parts.push(c)
    }
    return Buffer.concat(parts)
  }

  async drain(): Promise<void> {
    this.held = []
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
    let buf = await m.all(name)
    if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
      try {
        buf = gunzipSync(buf)
      } catch (e) {
        throw new InputError(`${name}: not valid gzip (${(e as Error).message}); expected gzip-compressed /proc/allocinfo text`, name)
      }
    }
    return [{...rec, allocinfo: allocInfoOf(parseAllocInfoText(buf.toString('utf8'), name))}]
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
      const m = new Member(entry)
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
    const msg = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message
    yield archiveError(path, `damaged archive after ${members} member(s) (${msg}): expected a tar archive (.tar, .tar.gz, .tgz)`)
    return
  }
  if (members === 0) yield archiveError(path, 'no file members: expected a tar archive of boot logs or allocinfo dumps')
}
