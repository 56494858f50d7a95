// The /proc/allocinfo line scanner (domain.md §4): text pushed in pieces → sites, header, skipped
// lines, in memory bounded by the number of distinct sites (skipped lines and anomalies are kept
// up to a cap and counted). One pass over the characters of each line, no per-line RegExp: this
// is the whole of `allocinfo`'s own work on 20 000 lines (bench/RESULTS.md).
// Kept free of imports beyond types, lines.ts and own.ts (builtins only): the `allocinfo`
// command's start-up is benchmarked.
import {put} from '../own.js'
import {stripBom, trimLineEndCR} from './lines.js'
import type {AllocAnomaly, AllocInfo, AllocSite, AnomalyCounts, Skipped} from '../types.js'

/** print_allocinfo_header(): "allocinfo - version: 1.0" (May 2024) / "2.0" (Sept 2025). */
const VERSION_RE = /^allocinfo - version:[ \t]*(\S+)[ \t]*$/
/** The column line that follows the version line. */
const COLUMNS_RE = /^#[ \t]*<size>/

/** calls is a u64 in the kernel: a value at or above 2^63 is a counter that went below zero. */
export const WRAP_THRESHOLD = 1n << 63n
/** The header versions this reader knows (domain.md §4); another is read as 2.0 and warned about. */
const KNOWN_VERSIONS: readonly string[] = ['1.0', '2.0']
/** The kernel prints bytes with %lli (s64) and calls with %llu (u64): nothing outside can be its output. */
const BYTES_MIN = -(1n << 63n)
const BYTES_MAX = (1n << 63n) - 1n
const CALLS_MAX = (1n << 64n) - 1n
/** A line of numfmt --to=iec output: the size human-formatted (`12K`, `3.0M`), then calls and file:line. */
const HUMAN_SIZE_RE = /^[ \t]*-?\d+(?:\.\d+)?[KMGTPEZY]i?[ \t]+\d+[ \t]+\S+:\d+[ \t]/
/** How the skip reasons of a last line cut short begin. */
const CUT_LAST_LINE = 'truncated last line'
export const EXPECTED_LINE = "expected '<bytes> <calls> file:line [module] func:name'"
/** Skipped lines kept with their reason (all are counted, by reason). */
export const MAX_SKIPPED = 1000
/** Anomalies kept per kind (all are counted): a 2 GiB dump of one capture repeated is all duplicates. */
export const MAX_ANOMALIES = 1000
/** Line numbers kept per site (`count` counts them all). */
export const MAX_SITE_LINES = 100
/** Longest line kept, in characters: the kernel's lines are < 300; the rest of a longer one is dropped. */
export const MAX_LINE = 1 << 20
/** Characters of non-blank lines with neither a site nor a header, after which the input is not allocinfo. */
export const JUNK_LIMIT = 1 << 20
/**
 * Site lines that, listed again in the order a snapshot began with, begin another snapshot without
 * a header: one key listed twice is an inlined helper's (summed); its first three again, in order,
 * is the kernel's list starting over — when one of the three cannot be listed twice (listedOnce).
 */
export const RESTART_RUN = 3

/**
 * Whether a tag at this file can be listed only once in one dump. A key is listed twice when its
 * tag is compiled into several units: an inline function or a macro in a header (every real
 * duplicate in the corpus is a `.h` site: kernel/sched/sched.h alloc_user_cpus_ptr). A run of
 * header sites alone repeats in order once per unit in a filtered dump (`grep include/`), so it
 * never begins a snapshot (a review's SYNTHETIC dump lost its first unit's sites that way).
 */
const listedOnce = (file: string): boolean => !file.endsWith('.h')

/**
 * A first line that is no allocinfo but the writer's own (trend's `# allocscope: time=…` header):
 * when `re` matches line 1, it is counted as a line and handed to `onPreamble`, neither a skipped
 * line nor junk.
 */
export interface Preamble {
  re: RegExp
  onPreamble: (line: string) => void
}

/**
 * The summing key: `file:line func` plus ` [module]` when the tag belongs to a module. Joined, not
 * a template: V8 makes a template's result a rope that the Map flattens into a second string on the
 * first lookup, and the site kept both; join makes the flat string at once. With the shared 0n and
 * NO_TRAILING below: as much allocated, but ~30 % less for the collector to copy per parse, which is
 * what a parse's time goes to once its sites survive (bench/NOTES.md).
 */
export function siteKey(file: string, lineNo: number, func: string, module?: string): string {
  return module === undefined ? [file, ':', lineNo, ' ', func].join('') : [file, ':', lineNo, ' ', func, ' [', module, ']'].join('')
}

/** siteKey read back (an anomaly names its site by key alone): file, line, function and module; undefined for no key. */
export function siteOfKey(key: string): {file: string; lineNo: number; func: string; module?: string} | undefined {
  const m = /^(.*):(\d+) (\S+)(?: \[([^\]]*)\])?$/.exec(key)
  if (m === null) return undefined
  return {file: m[1]!, lineNo: Number(m[2]), func: m[3]!, ...(m[4] !== undefined ? {module: m[4]} : {})}
}

/** A site line held while it may be the start of a dump appended without its header (AllocInfoScanner.hold). */
interface HeldLine {
  s: SiteLine
  key: string
  lineNo: number
  accurate: boolean
  extra?: Record<string, string>
}

/** What one site line holds (numbers become BigInt once the line is accepted). */
interface SiteLine {
  bytes: bigint
  calls: bigint
  file: string
  fileLine: number
  module: string | undefined
  func: string
  /** The text after func:name, when there is any (format 2.0 tokens). */
  rest: string
}

/** Whitespace other than space and tab, as RegExp `\s` has it: inside a token it makes no site line. */
function otherSpace(c: number): boolean {
  if (c < 0x80) return c >= 10 && c <= 13
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
}

const isBlank = (c: number) => c === 32 || c === 9
/** A character other than printable ASCII and space: a line with none has only spaces between its tokens. */
const NOT_PLAIN = /[^\x20-\x7e]/

/**
 * A cursor over one line: tokens are runs of characters other than space and tab. Positions, not
 * slices: only the strings a site keeps are ever made (the scan allocates little, which is what
 * decides its speed once the garbage collector is busy).
 */
class Cursor {
  line = ''
  at = 0
  /** End of the token that starts at `at` (set by token()). */
  end = 0

  /** The line is printable ASCII and spaces only (no tab, no other whitespace): tokens end at the next space. */
  private plain = false

  reset(line: string): void {
    this.line = line
    this.at = 0
    this.plain = !NOT_PLAIN.test(line)
  }

  /** Skips blanks; with `need`, false unless at least one was there. Then finds the token's end; false when there is none or it holds other whitespace. */
  token(need: boolean): boolean {
    const l = this.line
    const start = this.at
    while (this.at < l.length && isBlank(l.charCodeAt(this.at))) this.at++
    if ((need && this.at === start) || this.at === l.length) return false
    if (this.plain) {
      const sp = l.indexOf(' ', this.at)
      this.end = sp === -1 ? l.length : sp
      return true
    }
    let i = this.at
    for (let c = l.charCodeAt(i); i < l.length && !isBlank(c); c = l.charCodeAt(++i)) if ((c < 33 || c > 126) && otherSpace(c)) return false
    this.end = i
    return true
  }

  /** The current token as a decimal integer (`-` allowed when signed); undefined when it is not one. */
  integer(signed: boolean): bigint | undefined {
    const l = this.line
    let i = this.at
    const neg = signed && l.charCodeAt(i) === 45
    if (neg) i++
    if (i === this.end) return undefined
    let v = 0
    for (; i < this.end; i++) {
      const d = l.charCodeAt(i) - 48
      if (d < 0 || d > 9) return undefined
      v = v * 10 + d
    }
    // Exact below 2^53 (16 digits may not be): the longer ones are read from the text.
    // 0n is one constant; BigInt(0) would be a new object, and most sites of a dump are 0 0.
    const n = this.end - this.at - (neg ? 1 : 0) <= 15 ? (v === 0 ? 0n : BigInt(neg ? -v : v)) : BigInt(l.slice(this.at, this.end))
    this.at = this.end
    return n
  }
}

const cur = new Cursor()

/** "file:line": the last colon (a file name may hold one), digits after it. */
function fileAndLine(c: Cursor, out: SiteLine): boolean {
  const l = c.line
  const colon = l.lastIndexOf(':', c.end - 1)
  if (colon <= c.at || colon === c.end - 1) return false
  let v = 0
  for (let i = colon + 1; i < c.end; i++) {
    const d = l.charCodeAt(i) - 48
    if (d < 0 || d > 9) return false
    v = v * 10 + d
  }
  out.file = l.slice(c.at, colon)
  out.fileLine = c.end - colon - 1 <= 15 ? v : Number(l.slice(colon + 1, c.end))
  c.at = c.end
  return true
}

/** " [module]" (optional, no ']' or whitespace inside) then " func:name". */
function moduleAndFunc(c: Cursor, out: SiteLine): boolean {
  const l = c.line
  out.module = undefined
  if (!c.token(true)) return false
  if (l.charCodeAt(c.at) === 91 && c.end - c.at > 2 && l.indexOf(']', c.at) === c.end - 1) {
    out.module = l.slice(c.at + 1, c.end - 1)
    c.at = c.end
    if (!c.token(true)) return false
  }
  if (c.end - c.at <= 5 || !l.startsWith('func:', c.at)) return false
  out.func = l.slice(c.at + 5, c.end)
  c.at = c.end
  return true
}

/** alloc_tag_to_text(): "%12lli %8llu file:line [module] func:name [tokens]"; undefined when the line is not one. */
export function parseSiteLine(line: string): Readonly<SiteLine> | undefined {
  const out: SiteLine = {bytes: 0n, calls: 0n, file: '', fileLine: 0, module: undefined, func: '', rest: ''}
  return readSite(line, out) ? out : undefined
}

function readSite(line: string, out: SiteLine): boolean {
  const c = cur
  c.reset(line)
  if (!c.token(false)) return false
  const bytes = c.integer(true)
  if (bytes === undefined || !c.token(true)) return false
  const calls = c.integer(false)
  if (calls === undefined || !c.token(true) || !fileAndLine(c, out) || !moduleAndFunc(c, out)) return false
  out.bytes = bytes
  out.calls = calls
  out.rest = ''
  const restAt = c.at
  let more = false
  while (c.token(true)) {
    more = true
    c.at = c.end
  }
  // Stopped before the end: a token holds whitespace other than space and tab.
  if (c.at < line.length) return false
  if (more) out.rest = line.slice(restAt)
  return true
}

/** trailing() of no tokens: one object for the whole scan, not one per line. */
const NO_TRAILING: Readonly<Trailing> = {accurate: true}

interface Trailing {
  accurate: boolean
  extra?: Record<string, string>
  bad?: string
}

/** The tokens after func:name: `accurate:no` and unknown `key:value` pairs, or the first bad token. */
function trailing(rest: string): Trailing {
  let accurate = true
  let extra: Record<string, string> | undefined
  for (const tok of rest.split(/[ \t]+/)) {
    if (tok === '') continue
    if (tok === 'accurate:no') {
      accurate = false
      continue
    }
    const colon = tok.indexOf(':')
    if (colon < 1) return {accurate, bad: tok}
    put((extra ??= {}), tok.slice(0, colon), tok.slice(colon + 1))
  }
  return extra === undefined ? {accurate} : {accurate, extra}
}

/**
 * Accounting bugs (a free subtracted from a tag that never saw the allocation) show up as negative
 * bytes and as calls wrapped around 2^64: flag them (the values are kept). A value the kernel
 * cannot print (bytes beyond s64, calls beyond u64) is no counter but a damaged line: flagged
 * `invalid-counter`, and false is returned: the caller leaves the line out of its sites and totals
 * (an 8 EiB site would top every table and make every total wrong). One home for these rules: the
 * allocinfo scanner and a recording's replayed snapshots (readers/recording.ts).
 */
export function counterAnomalies(key: string, bytes: bigint, calls: bigint, line: number, flag: (a: AllocAnomaly) => void): boolean {
  // Three comparisons on a usual line (0 <= bytes <= s64 max, calls < 2^63), the rest only past them: the scanner's hot path.
  const negative = bytes < 0n
  const wrapped = calls >= WRAP_THRESHOLD
  if ((negative ? bytes < BYTES_MIN : bytes > BYTES_MAX) || (wrapped && calls > CALLS_MAX)) {
    const badBytes = bytes < BYTES_MIN || bytes > BYTES_MAX
    const what = badBytes ? `bytes ${bytes} outside the kernel's %lli (s64) range` : `calls ${calls} beyond the kernel's %llu (u64) range`
    flag({line, key, kind: 'invalid-counter', detail: `${what}: a damaged line, left out of the sites and totals`})
    return false
  }
  if (negative) flag({line, key, kind: 'negative-bytes', detail: `bytes ${bytes} < 0`})
  if (wrapped) flag({line, key, kind: 'wrapped-calls', detail: `calls ${calls} >= 2^63 (as s64: ${calls - (1n << 64n)})`})
  return true
}

/**
 * A sum of BigInts, exact, kept in a double while it and every term are safe integers: a BigInt
 * sum allocated two BigInts per line of young garbage, and each scavenge copies the sites read so
 * far (20 000 lines parsed in a loop: median 57-70 ms against 72-79, 3 alternating runs of 40).
 */
export class ExactSum {
  private small = 0
  private big = 0n

  add(v: bigint): void {
    const n = Number(v)
    const sum = this.small + n
    if (Number.isSafeInteger(n) && Number.isSafeInteger(sum)) this.small = sum
    else {
      this.big += BigInt(this.small) + v
      this.small = 0
    }
  }

  value(): bigint {
    return this.big + BigInt(this.small)
  }
}

/**
 * Scans allocinfo text pushed in pieces (any split, even mid-line) without judging it: never
 * throws. Every input line ends up in a site, a header, or skipped with its reason.
 */
export class AllocInfoScanner {
  version: AllocInfo['version'] = 'none'
  lines = 0
  /** Whether any line held more than whitespace. */
  nonBlank = false
  /** Characters of non-blank, non-allocinfo lines before the first site or header (see junk()). */
  private junkChars = 0
  private sawData = false
  private readonly sites = new Map<string, AllocSite>()
  /** Site lines left out for a counter the kernel cannot print, by key (AllocInfo.invalid). */
  private readonly invalid = new Map<string, AllocSite>()
  private anomalies: AllocAnomaly[] = []
  private anomalyCounts: AnomalyCounts = {}
  private readonly skipped: Skipped[] = []
  private skippedTotal = 0
  private readonly skippedByReason: Record<string, number> = {}
  private totalBytes = new ExactSum()
  private totalCalls = new ExactSum()
  /** Snapshots before the last (dumps appended to one file): AllocInfo.earlier. */
  private earlier?: NonNullable<AllocInfo['earlier']>
  /** Whether a site line was read since the last header (a header after one begins a new snapshot). */
  private siteSinceHeader = false
  /** The keys of the snapshot's first RESTART_RUN site lines, and the lines held that repeat them (hold()). */
  private firstKeys: string[] = []
  /** Whether one of firstKeys is listedOnce: only then can they, listed again, begin a snapshot. */
  private firstOnce = false
  private held: HeldLine[] = []
  /** Snapshots begun by their first sites listed again, without a header (hold()). */
  private headerless = 0
  /** The line of the version header read last. */
  private versionLine = 0
  /** Lines that are numfmt --to=iec output (human-formatted sizes), and the first of them. */
  humanSized = 0
  humanFirst?: {line: number; size: string}
  /** Whether the kernel's trailing space survived: only then can a cut last line be told from a whole one. */
  private trailingSpaceSeen = false
  private partial = ''
  private partialCut = false
  /** Why the dump is cut short, when its last line is (AllocInfo.truncated). */
  private cutLast?: string
  /** The line being read (reused: one object per scan, not per line). */
  private readonly cur: SiteLine = {bytes: 0n, calls: 0n, file: '', fileLine: 0, module: undefined, func: '', rest: ''}

  /**
   * @param preamble see Preamble
   * @param fromLine lines before it are another document's (a boot log a dump was pasted after):
   * counted, neither read nor skipped
   */
  constructor(
    readonly source = '-',
    private readonly preamble?: Preamble,
    private readonly fromLine = 1,
  ) {}

  push(text: string): void {
    if (this.lines === 0 && this.partial.length === 0 && !this.partialCut) text = stripBom(text)
    let pos = 0
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', pos)) {
      this.keep(text, pos, nl)
      this.flush(false)
      pos = nl + 1
    }
    if (pos < text.length) this.keep(text, pos, text.length)
  }

  /** Characters of input that are clearly not allocinfo, while no site or header has been seen (0 after one). */
  junk(): number {
    return this.sawData ? 0 : this.junkChars + (this.partialCut ? MAX_LINE : this.partial.length)
  }

  /**
   * Whether the line being read is already cut: its text up to the next newline is dropped
   * unread, so a reader may skip those bytes without decoding them (a 1 GiB line costs a scan
   * for its newline, not its text).
   */
  inCutLine(): boolean {
    return this.partialCut
  }

  /** The first skipped line that is not blank: what a "not allocinfo" error names. */
  firstBad(): Skipped | undefined {
    return this.skipped.find((s) => s.reason !== 'blank line')
  }

  /** Ends the input (a last line without newline is judged as possibly cut) and returns the result. */
  end(): AllocInfo {
    if (this.partial.length > 0 || this.partialCut) this.flush(true)
    this.release()
    return {
      source: this.source,
      version: this.version,
      sites: [...this.sites.values()],
      totalBytes: this.totalBytes.value(),
      totalCalls: this.totalCalls.value(),
      anomalies: this.anomalies,
      anomalyCounts: this.anomalyCounts,
      ...this.invalidSites(),
      skipped: this.skipped,
      skippedTotal: this.skippedTotal,
      skippedByReason: this.skippedByReason,
      lines: this.lines,
      ...(this.cutLast === undefined ? {} : {truncated: this.cutLast}),
      ...(this.earlier === undefined ? {} : {earlier: this.earlier}),
      ...this.notes(),
    }
  }

  /** AllocInfo.invalid: a key that has a printable line too is a site (those lines summed), as this reader reports it. */
  private invalidSites(): Pick<AllocInfo, 'invalid'> {
    const out = [...this.invalid.values()].filter((s) => !this.sites.has(s.key))
    return out.length > 0 ? {invalid: out} : {}
  }

  /** What the result's reader must be told (AllocInfo.notes): each names the source and, where there is one, the line. */
  private notes(): Pick<AllocInfo, 'notes'> {
    const out: string[] = []
    const e = this.earlier
    if (e !== undefined) {
      const begins = this.headerless > 0 ? 'a header after sites, or the first sites listed again without one, begins another' : 'a header after sites begins another'
      out.push(`${this.source}:${e.from}: ${e.snapshots + 1} allocinfo snapshots in one file (${begins}: dumps appended one after another); using the last, lines ${e.from}-${this.lines}`)
    }
    if (this.version !== 'none' && !KNOWN_VERSIONS.includes(this.version)) {
      out.push(`${this.source}:${this.versionLine}: allocinfo version ${this.version} is not one allocscope knows (${KNOWN_VERSIONS.join(', ')}): read as 2.0, unknown key:value tokens kept`)
    }
    if (this.sites.size === 0 && this.version !== 'none' && this.humanSized === 0) {
      out.push(`${this.source}: the dump holds no site line, only its header: /proc/allocinfo of a kernel with memory allocation profiling lists every call site, at 0 bytes too`)
    }
    return out.length > 0 ? {notes: out} : {}
  }

  /** The last line, cut short: skipped, and the dump marked truncated (its missing sites must not read as gone). */
  private cut(lineNo: number, kind: string, more = ''): void {
    this.skip(lineNo, kind, kind + more)
    this.cutLast = `line ${lineNo}: ${kind}: the dump is cut short`
  }

  private keep(text: string, from: number, to: number): void {
    if (this.partialCut) return
    if (to - from > MAX_LINE - this.partial.length) {
      // A cut line is skipped whole: only its length counts (as junk), never its text.
      this.partial = ''
      this.partialCut = true
      return
    }
    this.partial = this.partial.length === 0 ? text.slice(from, to) : this.partial + text.slice(from, to)
  }

  private flush(last: boolean): void {
    let line = this.partial
    const cut = this.partialCut
    this.partial = ''
    this.partialCut = false
    const lineNo = ++this.lines
    // The CRs of a serial capture's line end (CR LF, CR CR LF). Unlike LineSplitter, a bare CR inside
    // a line does not split it: this scanner's lines are LF-ended only (its own chunked split, above).
    line = trimLineEndCR(line)
    if (lineNo < this.fromLine) return
    if (cut) {
      this.nonBlank = true
      this.junkChars += MAX_LINE
      this.skip(lineNo, 'line longer than 1 MiB (cut)', `line longer than ${MAX_LINE} characters (cut); ${EXPECTED_LINE}`)
      return
    }
    if (lineNo === 1 && this.preamble?.re.test(line)) return this.preamble.onPreamble(line)
    if (readSite(line, this.cur)) this.site(this.cur, line, lineNo, last)
    else this.other(line, lineNo, last)
  }

  /** A line that is no site: blank, a header line, or skipped. */
  private other(line: string, lineNo: number, last: boolean): void {
    if (line.trim() === '') return this.skip(lineNo, 'blank line')
    this.nonBlank = true
    const v = VERSION_RE.exec(line)
    if (v !== null) {
      this.header(lineNo)
      this.version = v[1]!
      this.versionLine = lineNo
    } else if (COLUMNS_RE.test(line)) {
      this.header(lineNo)
    } else {
      this.junkChars += line.length
      if (HUMAN_SIZE_RE.test(line)) this.human(line, lineNo)
      if (last) this.cut(lineNo, `${CUT_LAST_LINE} (no newline)`, `; ${EXPECTED_LINE}`)
      else this.skip(lineNo, 'not an allocinfo line', `not an allocinfo line; ${EXPECTED_LINE}`)
    }
  }

  /** A header line: after sites, the start of another snapshot, which replaces what was read before. */
  private header(lineNo: number): void {
    this.sawData = true
    this.release()
    if (!this.siteSinceHeader) return
    this.siteSinceHeader = false
    this.begin(lineNo)
  }

  /** Another snapshot begins at `lineNo`: what was read so far becomes AllocInfo.earlier. */
  private begin(lineNo: number): void {
    this.firstKeys = []
    this.firstOnce = false
    let siteLines = this.anomalyCounts['invalid-counter'] ?? 0
    for (const s of this.sites.values()) siteLines += s.count
    const e = this.earlier
    const skippedLines = this.skippedTotal - (this.skippedByReason['blank line'] ?? 0)
    this.earlier = {snapshots: (e?.snapshots ?? 0) + 1, siteLines: (e?.siteLines ?? 0) + siteLines, skippedLines, from: lineNo}
    this.sites.clear()
    this.invalid.clear()
    this.anomalies = []
    this.anomalyCounts = {}
    this.totalBytes = new ExactSum()
    this.totalCalls = new ExactSum()
  }

  private human(line: string, lineNo: number): void {
    this.humanSized++
    this.humanFirst ??= {line: lineNo, size: line.trim().split(/[ \t]/, 1)[0]!}
  }

  private site(s: SiteLine, line: string, lineNo: number, last: boolean): void {
    this.nonBlank = true
    const c = line.charCodeAt(line.length - 1)
    const endsWithSpace = c === 32 || c === 9
    if (last && !endsWithSpace && this.trailingSpaceSeen) {
      // The kernel ends every line with " \n": without it the name may be cut mid-word.
      return this.cut(lineNo, `${CUT_LAST_LINE} (no trailing space or newline)`)
    }
    if (endsWithSpace) this.trailingSpaceSeen = true
    const tr = s.rest.length === 0 ? NO_TRAILING : trailing(s.rest)
    if (tr.bad !== undefined) {
      return this.skip(lineNo, 'unexpected token after func:name', `unexpected token '${tr.bad.slice(0, 40)}' after func:name; expected key:value pairs`)
    }
    this.sawData = true
    this.siteSinceHeader = true
    const key = siteKey(s.file, s.fileLine, s.func, s.module)
    if (this.held.length > 0 || (this.firstOnce && this.firstKeys.length === RESTART_RUN && key === this.firstKeys[0])) {
      return this.hold({s: {...s}, key, lineNo, accurate: tr.accurate, extra: tr.extra})
    }
    this.add(s, key, lineNo, tr.accurate, tr.extra)
    this.noteFirst(key, s.file)
  }

  /** One of the snapshot's first RESTART_RUN keys (hold() compares a repeat against them). */
  private noteFirst(key: string, file: string): void {
    if (this.firstKeys.length >= RESTART_RUN) return
    this.firstKeys.push(key)
    if (listedOnce(file)) this.firstOnce = true
  }

  /**
   * The snapshot's first sites listed again, in order: a dump appended without its header (a
   * kernel that prints none, or a copy with it taken off by `grep -v '^#'`), whose sites were summed
   * into the first's as duplicates. Held until RESTART_RUN of them agree, then they begin another
   * snapshot as a header would; a line out of that order releases them as they came.
   */
  private hold(h: HeldLine): void {
    if (h.key !== this.firstKeys[this.held.length]) {
      this.release()
      return this.add(h.s, h.key, h.lineNo, h.accurate, h.extra)
    }
    this.held.push(h)
    if (this.held.length < RESTART_RUN) return
    const run = this.held
    this.held = []
    this.headerless++
    this.begin(run[0].lineNo)
    for (const x of run) {
      this.add(x.s, x.key, x.lineNo, x.accurate, x.extra)
      this.noteFirst(x.key, x.s.file)
    }
  }

  /** Held lines that did not begin another snapshot: sites of this one, as they came. */
  private release(): void {
    const run = this.held
    this.held = []
    for (const x of run) this.add(x.s, x.key, x.lineNo, x.accurate, x.extra)
  }

  private add(s: SiteLine, key: string, lineNo: number, accurate: boolean, extra?: Record<string, string>): void {
    const {bytes, calls} = s
    if (!counterAnomalies(key, bytes, calls, lineNo, this.onAnomaly)) {
      if (!this.invalid.has(key)) this.invalid.set(key, {key, file: s.file, lineNo: s.fileLine, func: s.func, bytes, calls, accurate, count: 1, lines: [lineNo], ...(s.module === undefined ? {} : {module: s.module})})
      return
    }
    this.totalBytes.add(bytes)
    this.totalCalls.add(calls)
    const prev = this.sites.get(key)
    if (prev === undefined) {
      const site: AllocSite = {key, file: s.file, lineNo: s.fileLine, func: s.func, bytes, calls, accurate, count: 1, lines: [lineNo]}
      if (s.module !== undefined) site.module = s.module
      if (extra !== undefined) site.extra = extra
      this.sites.set(key, site)
      return
    }
    // One codetag per call site, but an inlined helper gets one per caller with the same file:line func.
    this.anomaly({line: lineNo, key, kind: 'duplicate-key', detail: `same key as line ${prev.lines[0]}; summed`})
    prev.bytes += bytes
    prev.calls += calls
    prev.accurate &&= accurate
    if (extra !== undefined) prev.extra = {...prev.extra, ...extra}
    prev.count++
    if (prev.lines.length < MAX_SITE_LINES) prev.lines.push(lineNo)
  }

  private readonly onAnomaly = (a: AllocAnomaly): void => this.anomaly(a)

  private anomaly(a: AllocAnomaly): void {
    const n = (this.anomalyCounts[a.kind] ?? 0) + 1
    this.anomalyCounts[a.kind] = n
    if (n <= MAX_ANOMALIES) this.anomalies.push(a)
  }

  /** @param kind a fixed phrase (the per-reason count must stay small); reason: what the kept entry says. */
  private skip(line: number, kind: string, reason = kind): void {
    this.skippedTotal++
    this.skippedByReason[kind] = (this.skippedByReason[kind] ?? 0) + 1
    if (this.skipped.length < MAX_SKIPPED) this.skipped.push({line, reason})
  }
}

/**
 * Parses allocinfo text without judging it: never throws. Every input line ends up parsed (a site),
 * a header, or skipped with its reason. Use parseAllocInfoText() to reject non-allocinfo input.
 */
export function scanAllocInfoText(text: string, source = '-'): AllocInfo {
  const s = new AllocInfoScanner(source)
  s.push(text)
  return s.end()
}
