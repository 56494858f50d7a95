// What an input is, from its first bytes (kind, as `diff` decides it; gzip inflated as far as it
// goes), and the record of an input that failed.
import {HEAD_BYTES, sniffBytes, sniffText} from '../diff/inputs.js'
import {InputError} from '../errors.js'
import {reasonOf} from './record.js'
import {BATCH_SCHEMA, type BatchRecord, type InputKind, type InputRef} from './schema.js'

export {HEAD_BYTES}

/** Bytes → text to sniff (diff/inputs.ts sniffBytes, as `diff` decodes them); input no reader reads is no text (its reader says why). */
export function headText(b: Buffer): string {
  const h = sniffBytes(b)
  return 'text' in h ? h.text : ''
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

