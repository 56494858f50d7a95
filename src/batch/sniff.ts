// What an input is, from its first bytes (kind, as `diff` decides it; gzip inflated as far as it
// goes), and the record of an input that failed.
import {gunzipSync} from 'node:zlib'
import {sniffText} from '../diff/inputs.js'
import {InputError} from '../errors.js'
import {reasonOf} from './record.js'
import {BATCH_SCHEMA, type BatchRecord, type InputKind, type InputRef} from './schema.js'
import {isGzip} from '../readers/gzip.js'

/** Bytes sniffed for the kind and the host name. */
export const HEAD_BYTES = 16 * 1024

/** Bytes → text to sniff; the start of a gzip stream is inflated as far as it goes. */
export function headText(b: Buffer): string {
  if (isGzip(b)) {
    try {
      return gunzipSync(b, {finishFlush: 2}).subarray(0, HEAD_BYTES).toString('utf8')
    } catch {
      return ''
    }
  }
  return b.toString('utf8')
}

/** What a file holds, decided from its content as `diff` decides it. */
export function kindOf(head: string, name: string): Exclude<InputKind, 'capture-dir'> {
  const k = sniffText(head).kind
  if (k === 'allocscope-json') throw new InputError(`${name}: an allocscope JSON document: expected a boot log or an allocinfo dump`, name)
  if (k === 'recording') throw new InputError(`${name}: an allocscope recording: expected a boot log or an allocinfo dump (a recording is read by \`trend\` and \`diff\`)`, name)
  return k
}

/**
 * A record for an input that failed. The reason is judged against the input's own path (a member's
 * `archive//member`), so a member's reason is the one the same file on disk gets, and `fleet`
 * groups them as one (against the archive, every member's reason began with its own name).
 */
export const errorRecord = (input: InputRef, e: unknown, kind?: InputKind): BatchRecord => ({
  schema: BATCH_SCHEMA,
  input,
  ...(kind ? {kind} : {}),
  error: reasonOf(e, input.path),
})

