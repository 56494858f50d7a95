// The gzip magic number (RFC 1952: ID1 = 0x1f, ID2 = 0x8b), the one test every reader that sniffs
// compressed input uses. No import: the allocinfo command's start-up is measured.

/** Whether the bytes start a gzip member. */
export const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b


/** Magic bytes of inputs no reader reads, and what to do with each (checked on an input's first bytes). */
const FOREIGN: {magic: number[]; what: string}[] = [
  {magic: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd-compressed: decompress it first (zstd -d)'},
  {magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'xz-compressed: decompress it first (xz -d)'},
  {magic: [0x04, 0x22, 0x4d, 0x18], what: 'lz4-compressed: decompress it first (lz4 -d)'},
  {magic: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive: unpack it first (unzip)'},
  {magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7z archive: unpack it first (7z x)'},
]

/** UTF-16 text with a byte order mark (PowerShell's `>`, Notepad): its encoding, else undefined. */
function utf16Of(head: Uint8Array): 'utf-16le' | 'utf-16be' | undefined {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le'
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be'
  return undefined
}

/** UTF-16 chunks as UTF-8 ones (the byte order mark dropped; a character split between chunks kept whole). */
async function* utf16ToUtf8(chunks: AsyncIterable<Uint8Array>, encoding: 'utf-16le' | 'utf-16be'): AsyncGenerator<Buffer> {
  const d = new TextDecoder(encoding)
  for await (const c of chunks) {
    const t = d.decode(c, {stream: true})
    if (t.length > 0) yield Buffer.from(t, 'utf8')
  }
  const last = d.decode()
  if (last.length > 0) yield Buffer.from(last, 'utf8')
}

/**
 * Uncompressed chunks (a file's, or a gzip stream's once inflated: PowerShell's `>` piped to gzip)
 * as UTF-8: UTF-16 with a byte order mark converted, anything else as it is. The one step every
 * streamed reader takes on its bytes after gunzip or without one (decoded.ts, bootlog/source.ts).
 * Stopping early closes `chunks`.
 */
export async function* asUtf8(chunks: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = chunks[Symbol.asyncIterator]()
  try {
    // The byte order mark's two bytes, even when the first chunk holds one.
    let head: Buffer = Buffer.alloc(0)
    let r = await it.next()
    for (; !r.done; r = await it.next()) {
      head = head.length === 0 ? r.value : Buffer.concat([head, r.value])
      if (head.length >= 2) break
    }
    async function* all(): AsyncGenerator<Buffer> {
      if (head.length > 0) yield head
      if (!r.done) for (r = await it.next(); !r.done; r = await it.next()) yield r.value
    }
    const enc = utf16Of(head)
    yield* enc === undefined ? all() : utf16ToUtf8(all(), enc)
  } finally {
    await it.return?.()
  }
}

/** Uncompressed bytes as text, as asUtf8 decodes them (UTF-16 with a byte order mark, else UTF-8). */
export function textOf(b: Buffer): string {
  const enc = utf16Of(b)
  return enc === undefined ? b.toString('utf8') : new TextDecoder(enc).decode(b)
}

// bzip2: "BZh", the block size '1'-'9', then a block's magic (pi) or the end-of-stream one (sqrt(pi)).
const BZIP2 = /^BZh[1-9](?:1AY&SY|\x17rE8P\x90)/

/** What an input starting with these bytes is when it is compressed or encoded in a way no reader reads, else undefined. */
function foreignInput(head: Uint8Array): string | undefined {
  for (const f of FOREIGN) if (head.length >= f.magic.length && f.magic.every((b, i) => head[i] === b)) return f.what
  if (BZIP2.test(String.fromCharCode(...head.subarray(0, 10)))) return 'bzip2-compressed: decompress it first (bzip2 -d)'
  return undefined
}

/** How to read an input, by its first bytes: `{foreign}` says why no reader can and what to do. */
export type HeadEncoding = {foreign: string} | 'gzip' | 'utf-16le' | 'utf-16be' | 'text'

/**
 * The one decision every reader takes on an input's first bytes (allocinfo, boot logs, batch's
 * small files), in one order: another compression is refused before anything else, gzip by its
 * magic whatever the name, UTF-16 by its byte order mark, the rest is text.
 */
export function headEncoding(head: Uint8Array): HeadEncoding {
  const foreign = foreignInput(head)
  if (foreign !== undefined) return {foreign}
  return isGzip(head) ? 'gzip' : (utf16Of(head) ?? 'text')
}
