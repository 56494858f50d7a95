// A gzip file read one member at a time (RFC 1952), each checked against its own CRC-32 and size
// before any of its text is given out. A recording is one member per record (docs/recording.md):
// when zlib's stream fails on a damaged member it drops every member it had inflated in the same
// call, so the recording reader reads the file again this way, from where the stream stopped, and
// keeps every member before the damaged one (reading stops there: the records are deltas). Node
// has no member-at-a-time API, so the header is parsed here and the deflate data inflated raw;
// one zlib handle per member makes this 3-4x slower than the stream on many small members, hence
// a fallback, not the reader.
import {closeSync, openSync, readSync} from 'node:fs'
import {constants, crc32, inflateRawSync, type ZlibOptions} from 'node:zlib'
import {isGzip} from './gzip.js'

const FHCRC = 2
const FEXTRA = 4
const FNAME = 8
const FCOMMENT = 16

/** The length of the member header at `at`; 'short' when `b` ends inside it; 'bad' when none starts there. */
export function gzipHeaderLength(b: Buffer, at: number): number | 'short' | 'bad' {
  if (b.length - at < 10) return b.length - at >= 2 && !isGzip(b.subarray(at)) ? 'bad' : 'short'
  if (!isGzip(b.subarray(at)) || b[at + 2] !== 8) return 'bad'
  const flags = b[at + 3]!
  let p = at + 10
  if (flags & FEXTRA) {
    if (b.length < p + 2) return 'short'
    p += 2 + b.readUInt16LE(p)
  }
  for (const f of [FNAME, FCOMMENT]) {
    if (!(flags & f)) continue
    const nul = b.indexOf(0, p)
    if (nul === -1) return 'short'
    p = nul + 1
  }
  if (flags & FHCRC) p += 2
  return p > b.length ? 'short' : p - at
}

/** One inflated member and the offset just past its trailer. */
export interface Member {
  out: Buffer
  end: number
}

/** Node returns the engine (how much input the deflate data took) with `info`; its types omit the overload. */
type WithInfo = (b: Buffer, o: ZlibOptions & {info: true}) => {buffer: Buffer; engine: {bytesWritten: number}}

/**
 * The member at `at`: its text, checked; 'short' when `b` holds only part of it; {bad} when it is
 * damaged (or is no gzip member); 'too-large' past `maxOut` inflated bytes (memory stays bounded).
 */
export function inflateMember(b: Buffer, at: number, maxOut: number): Member | 'short' | 'too-large' | {bad: string} {
  const hl = gzipHeaderLength(b, at)
  if (hl === 'bad') return {bad: 'no gzip member starts there'}
  if (hl === 'short') return 'short'
  let r: ReturnType<WithInfo>
  try {
    r = (inflateRawSync as unknown as WithInfo)(b.subarray(at + hl), {info: true, maxOutputLength: maxOut})
  } catch (e) {
    // Z_BUF_ERROR: the deflate data goes on past what `b` holds.
    const code = (e as NodeJS.ErrnoException).code
    return code === 'Z_BUF_ERROR' ? 'short' : code === 'ERR_BUFFER_TOO_LARGE' ? 'too-large' : {bad: (e as Error).message}
  }
  const t = at + hl + r.engine.bytesWritten
  if (b.length < t + 8) return 'short'
  if (crc32(r.buffer) !== b.readUInt32LE(t) || r.buffer.length % 2 ** 32 !== b.readUInt32LE(t + 4)) return {bad: 'incorrect data check'}
  return {out: r.buffer, end: t + 8}
}

/** The first member's text, up to what `b` holds of it (a head read for sniffing); empty when there is none. */
export function firstMemberText(b: Buffer): Buffer {
  const hl = gzipHeaderLength(b, 0)
  if (typeof hl !== 'number') return Buffer.alloc(0)
  try {
    return inflateRawSync(b.subarray(hl), {finishFlush: constants.Z_SYNC_FLUSH})
  } catch {
    return Buffer.alloc(0)
  }
}

const PIECE = 1 << 20

/**
 * Reads `path` member by member and gives `onOut` each whole, checked member's text, until the end
 * or the first member cut short, damaged, or past `maxMember` bytes (inflated or not); returns why
 * it stopped early (undefined: it ended whole). Read in order (a pipe too); memory: one member and
 * one 1 MiB piece.
 */
export function eachMember(path: string, maxMember: number, onOut: (b: Buffer) => void): string | undefined {
  const fd = openSync(path, 'r')
  try {
    let buf = Buffer.alloc(0)
    let base = 0 // file offset of buf[0]
    let eof = false
    for (;;) {
      if (buf.length === 0 && eof) return undefined
      const m = inflateMember(buf, 0, maxMember)
      if (m === 'too-large' || (m === 'short' && buf.length > maxMember)) return `damaged at byte ${base} (a member past ${maxMember} bytes)`
      if (m === 'short') {
        if (eof) return `cut short at byte ${base}`
        const piece = Buffer.allocUnsafe(PIECE)
        const n = readSync(fd, piece, 0, PIECE, null)
        eof = n === 0
        buf = Buffer.concat([buf, piece.subarray(0, n)])
        continue
      }
      if ('bad' in m) return `damaged at byte ${base} (${m.bad})`
      onOut(m.out)
      base += m.end
      buf = buf.subarray(m.end)
    }
  } finally {
    closeSync(fd)
  }
}
