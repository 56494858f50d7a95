// An input's bytes as text bytes, by its first bytes (gzip.ts headEncoding, the one decision on
// them): gunzipped as a stream when gzip whatever the name (a stream cut short is read up to the
// cut and said, never passed for a whole file), then UTF-16 converted (gzip.ts asUtf8: a gzip of
// UTF-16 as a UTF-16 file), another compression refused with
// what to do (`xz-compressed: decompress it first (xz -d)`). For the readers of allocinfo dumps,
// fleet's NDJSON and predict's inventory; `what` is what the input was expected to be, in errors.
import {InputError} from '../errors.js'
import {asUtf8, headEncoding} from './gzip.js'

/** Where a gzip stream that ends early says so: the reader reads up to the damage, then decides. */
export interface Damage {
  what?: string
}

/** Damage.what of a gzip stream that ends early. */
export const GZIP_CUT = 'the gzip stream ends early (truncated): read up to the damage'

/** The error of a reader that takes no gzip cut short: `expected` says what a whole input is. */
export const gzipCutError = (source: string, expected: string): InputError => new InputError(`${source}: the gzip stream ends early (truncated): ${expected}`, source)

/** Decoded chunks of `raw` (see the header); `source` names the input in errors, `what` is what it should be (`/proc/allocinfo text`). */
export async function* decoded(raw: AsyncIterable<Buffer>, source: string, what: string, damage: Damage = {}): AsyncGenerator<Buffer> {
  const it = raw[Symbol.asyncIterator]()
  const first = await it.next()
  if (first.done) return
  const head = first.value
  async function* all(): AsyncGenerator<Buffer> {
    yield head
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value
  }
  try {
    const enc = headEncoding(head)
    if (typeof enc === 'object') throw new InputError(`${source}: ${enc.foreign}: expected ${what}`, source)
    yield* asUtf8(enc === 'gzip' ? gunzipped(all(), source, what, damage) : all())
  } finally {
    // Stopping early (a NUL, junk) closes the source: the caller's file.
    await it.return?.()
  }
}

async function* gunzipped(raw: AsyncGenerator<Buffer>, source: string, what: string, damage: Damage): AsyncGenerator<Buffer> {
  const {createGunzip} = await import('node:zlib')
  // Z_FINISH (the default): a gzip cut short yields what it holds, then "unexpected end of file",
  // which marks the damage instead of passing for a whole stream.
  const gunzip = createGunzip()
  const feed = async (): Promise<void> => {
    for await (const b of raw) {
      if (gunzip.destroyed) return
      if (!gunzip.write(b)) await new Promise((r) => gunzip.once('drain', r))
    }
    gunzip.end()
  }
  feed().catch((e) => gunzip.destroy(e))
  try {
    for await (const b of gunzip) yield b as Buffer
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'Z_BUF_ERROR') {
      damage.what = GZIP_CUT
      return
    }
    throw new InputError(`${source}: not valid gzip (${(e as Error).message}); expected gzip-compressed ${what}`, source)
  } finally {
    gunzip.destroy()
  }
}
