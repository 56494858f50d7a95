// What the reader cut, dropped or could not read whole, in words: one entry per kind, shown as a
// row of the report's Host block (so a report never passes for one of a whole log) and printed as
// a warning naming the source (read.ts inputWarnings). One wording for both.
import {byCount, plural} from '../render/units.js'
import type {InputNotes} from '../types.js'

export interface InputDamage {
  /** The report row's key. */
  key: string
  text: string
}

export function inputDamage(n: InputNotes | undefined): InputDamage[] {
  if (!n) return []
  const out: InputDamage[] = []
  if (n.truncated) out.push({key: 'truncated', text: `${n.truncated}: the result covers only what was read (TRUNCATED)`})
  if (n.longLines) {
    const at = n.longLines.firstLine !== undefined ? `, the first at line ${n.longLines.firstLine}` : ''
    out.push({key: 'long lines', text: `${plural(n.longLines.count, 'line')} longer than ${n.longLines.limit / 2 ** 20} MiB ${byCount(n.longLines.count, 'was', 'were')} cut at that length${at}`})
  }
  const nul = n.padding?.nul
  if (nul) {
    const first = nul.first[0]
    out.push({key: 'NUL bytes', text: `skipped ${plural(nul.bytes, 'NUL byte')} in ${plural(nul.ranges, 'run')}${first ? ` (the first at byte ${first.offset}, ${plural(first.bytes, 'byte')})` : ''}`})
  }
  const lead = n.padding?.leading
  if (lead) out.push({key: 'leading padding', text: `skipped ${plural(lead.bytes, 'byte')} of NULs and blank lines (${plural(lead.lines, 'line')}) before the first text`})
  return out
}
