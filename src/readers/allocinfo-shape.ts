// Whether text is a /proc/allocinfo dump, told by its first non-blank lines: the one rule for which
// kind an input is (`diff` and `batch`: diff/inputs.ts sniffText) and for the boot-log reader's "a
// /proc/allocinfo dump, not a kernel log" (readers/bootlog/detect.ts). Imports lines.ts alone,
// which both start-up paths load already.
import {trimLineEndCR} from './lines.js'

/** print_allocinfo_header()'s first line (domain.md §4). */
export const ALLOCINFO_HEADER = /^allocinfo - version:/
/**
 * A site line (alloc_tag_to_text(): "%12lli %8llu file:line [module] func:name"), or one whose size
 * numfmt --to=iec human-formatted (`12K`, `3.0M`): a dump all the same, which the reader refuses
 * with its own reason, not "no kernel log".
 */
const SITE = /^[ \t]*-?\d+(?:\.\d+)?(?:[KMGTPEZY]i?)?[ \t]+\d+[ \t]+\S+:\d+(?:[ \t]|$)/
/** Non-blank lines looked at (the boot-log detector's SNIFF_LINES). */
export const SHAPE_LINES = 200

/**
 * A dump: its header is the first line (after `#` lines: trend's `# allocscope: time=…`), or at
 * least half of the first SHAPE_LINES non-blank lines are sites — so one damaged line, a shell
 * prompt or a headerless dump (`grep -v '^#'`) is still a dump, and a boot log with a dump pasted
 * after it (a mailing-list report) is a boot log, as analyse reads it.
 */
export function isAllocinfoShape(text: string | readonly string[]): boolean {
  const all = typeof text === 'string' ? text.split('\n', 4 * SHAPE_LINES) : text
  const lines: string[] = []
  for (const l of all) {
    if (l.trim() !== '') lines.push(trimLineEndCR(l))
    if (lines.length >= SHAPE_LINES) break
  }
  const first = lines.find((l) => !l.startsWith('#'))
  if (first !== undefined && ALLOCINFO_HEADER.test(first)) return true
  const sites = lines.filter((l) => SITE.test(l)).length
  return sites > 0 && sites >= lines.length / 2
}
