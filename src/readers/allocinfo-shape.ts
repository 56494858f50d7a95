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
  const shape = new ShapeCount()
  if (typeof text !== 'string') {
    for (const l of text) if (shape.done(l)) break
    return shape.verdict()
  }
  // Line by line over the text (batch asks this of every input's 16 KiB head): no array of lines.
  for (let at = 0, n = 0; at <= text.length && n < 4 * SHAPE_LINES; n++) {
    const end = text.indexOf('\n', at)
    if (shape.done(text.slice(at, end === -1 ? text.length : end))) break
    if (end === -1) break
    at = end + 1
  }
  return shape.verdict()
}

/** The rule above, told line by line; `done` once the verdict cannot change. */
class ShapeCount {
  private sites = 0
  private others = 0
  private header: boolean | undefined

  done(raw: string): boolean {
    if (raw.trim() === '') return false
    const l = trimLineEndCR(raw)
    if (this.header === undefined && !l.startsWith('#')) this.header = ALLOCINFO_HEADER.test(l)
    if (this.header) return true
    if (SITE.test(l)) this.sites++
    else this.others++
    // Once the first line that is not a comment is known not to be the header, more than half of
    // SHAPE_LINES lines that are not sites decide: the sites can no longer be half.
    return this.sites + this.others >= SHAPE_LINES || (this.header === false && this.others > SHAPE_LINES / 2)
  }

  verdict(): boolean {
    return this.header === true || (this.sites > 0 && this.sites >= this.others)
  }
}
