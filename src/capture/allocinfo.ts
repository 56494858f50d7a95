// /proc/allocinfo reader and printer (domain.md §4). One line per codetag, printed by the kernel's
// alloc_tag_to_text(): "%12lli %8llu " bytes calls, codetag_to_text() "file:line [module] func:name",
// " accurate:no" when alloc_tag_is_inaccurate() (format 2.0), then a trailing space.
// Kept light on imports: the `allocinfo` command is benchmarked against `sort -g | tail`.
import {readFile, stat} from 'node:fs/promises'
import {gunzipSync} from 'node:zlib'
import {InputError} from '../errors.js'
import type {AllocAnomaly, AllocInfo, AllocSite, Skipped} from '../types.js'

/** bytes (signed), calls, file:line, optional [module], func:name, then any trailing tokens. */
const LINE_RE = /^[ \t]*(-?\d+)[ \t]+(\d+)[ \t]+(\S+):(\d+)(?:[ \t]+\[([^\]\s]+)\])?[ \t]+func:(\S+)((?:[ \t]+\S+)*)[ \t]*$/
/** print_allocinfo_header(): "allocinfo - version: 1.0" (May 2024) / "2.0" (Sept 2025). */
const VERSION_RE = /^allocinfo - version:[ \t]*(\S+)[ \t]*$/
/** The column line that follows the version line. */
const COLUMNS_RE = /^#[ \t]*<size>/
const KV_RE = /^([^:\s]+):(\S*)$/

/** calls is a u64 in the kernel: a value at or above 2^63 is a counter that went below zero. */
export const WRAP_THRESHOLD = 1n << 63n

export const EXPECTED_LINE = "expected '<bytes> <calls> file:line [module] func:name'"

/** The summing key: `file:line func` plus ` [module]` when the tag belongs to a module. */
export function siteKey(file: string, lineNo: number, func: string, module?: string): string {
  return module === undefined ? `${file}:${lineNo} ${func}` : `${file}:${lineNo} ${func} [${module}]`
}

// Fast path, for the lines the kernel prints (printable ASCII, values of at most 15 digits, which a
// Number holds exactly): a hand scan that fills these fields, or says "not sure" and leaves the
// line to LINE_RE and BigInt. It accepts only lines LINE_RE matches, with the same groups.
const MAX_EXACT_DIGITS = 15
let fBytes = 0
let fCalls = 0
let fFile = ''
let fLineNo = 0
let fModule: string | undefined
let fFunc = ''
/** m[7] of LINE_RE: from the end of func:name to the end of the last token ('' if none). */
let fRest = ''

const isBlank = (c: number): boolean => c === 32 || c === 9
/** \S, restricted to printable ASCII (anything else goes to the exact path). */
const isWord = (c: number): boolean => c > 32 && c < 127

/** Digits at [i, end): the index after them, with the value in fNum; -1 if none or too many. */
let fNum = 0
function digits(t: string, i: number, end: number): number {
  const d0 = i
  let v = 0
  for (let c = t.charCodeAt(i); i < end && c >= 48 && c <= 57; c = t.charCodeAt(++i)) v = v * 10 + (c - 48)
  if (i === d0 || i - d0 > MAX_EXACT_DIGITS) return -1
  fNum = v
  return i
}

function fastLine(t: string, i: number, end: number): boolean {
  while (i < end && isBlank(t.charCodeAt(i))) i++
  const neg = t.charCodeAt(i) === 45
  if (neg) i++
  i = digits(t, i, end)
  if (i === -1 || !isBlank(t.charCodeAt(i))) return false
  fBytes = neg ? -fNum : fNum
  while (i < end && isBlank(t.charCodeAt(i))) i++
  i = digits(t, i, end)
  if (i === -1 || !isBlank(t.charCodeAt(i))) return false
  fCalls = fNum
  while (i < end && isBlank(t.charCodeAt(i))) i++
  // file:line: LINE_RE's greedy (\S+):(\d+) splits the token at its last colon.
  const t0 = i
  let colon = -1
  for (let c = t.charCodeAt(i); i < end && isWord(c); c = t.charCodeAt(++i)) if (c === 58) colon = i
  if (i === end || !isBlank(t.charCodeAt(i)) || colon <= t0 || digits(t, colon + 1, i) !== i) return false
  fLineNo = fNum
  fFile = t.slice(t0, colon)
  while (i < end && isBlank(t.charCodeAt(i))) i++
  fModule = undefined
  if (t.charCodeAt(i) === 91) {
    // [module]: no ']' inside, at least one character.
    const m0 = i
    for (let c = t.charCodeAt(i); i < end && isWord(c); c = t.charCodeAt(++i)) if (c === 93 && i !== m0) break
    if (i === end || t.charCodeAt(i) !== 93 || i - m0 < 2 || !isBlank(t.charCodeAt(i + 1))) return false
    fModule = t.slice(m0 + 1, i)
    i++
    while (i < end && isBlank(t.charCodeAt(i))) i++
  }
  if (!t.startsWith('func:', i)) return false
  const f0 = i + 5
  for (i = f0; i < end && isWord(t.charCodeAt(i)); i++);
  if (i === f0 || (i < end && !isBlank(t.charCodeAt(i)))) return false
  fFunc = t.slice(f0, i)
  const r0 = i
  let r1 = i
  while (i < end) {
    const c = t.charCodeAt(i++)
    if (isWord(c)) r1 = i
    else if (!isBlank(c)) return false
  }
  fRest = r1 === r0 ? '' : t.slice(r0, r1)
  return true
}

/** Numbers added while they stay exact (|sum| < 2^53); flushed into the BigInt total before that. */
const FLUSH_AT = 2 ** 52

/**
 * Parses allocinfo text without judging it: never throws. Every input line ends up parsed (a site),
 * a header, or in `skipped` with its reason. Use parseAllocInfoText() to reject non-allocinfo input.
 */
export function scanAllocInfoText(text: string, source = '-'): AllocInfo {
  const sites = new Map<string, AllocSite>()
  const anomalies: AllocAnomaly[] = []
  const skipped: Skipped[] = []
  let version: AllocInfo['version'] = 'none'
  let totalBytes = 0n
  let totalCalls = 0n
  let sumBytes = 0
  let sumCalls = 0

  // Lines as text.split('\n') gives them, less the empty string a final "\n" leaves behind.
  const len = text.length
  let nLines = 0
  // Whether the kernel's trailing space survived: only then can a cut last line be told from a whole one.
  let trailingSpaceSeen = false

  for (let pos = 0; pos < len; ) {
    const nl = text.indexOf('\n', pos)
    const start = pos
    let end = nl === -1 ? len : nl
    pos = end + 1
    const lineNo = ++nLines
    const last = nl === -1
    if (end > start && text.charCodeAt(end - 1) === 13) end--

    let bytes: bigint | number
    let calls: bigint | number
    let file: string
    let fileLine: number
    let module: string | undefined
    let func: string
    let rest: string
    if (fastLine(text, start, end)) {
      bytes = fBytes
      calls = fCalls
      file = fFile
      fileLine = fLineNo
      module = fModule
      func = fFunc
      rest = fRest
    } else {
      const line = text.slice(start, end)
      const m = LINE_RE.exec(line)
      if (m === null) {
        const v = VERSION_RE.exec(line)
        if (line.trim() === '') skipped.push({line: lineNo, reason: 'blank line'})
        else if (v !== null) version = v[1]
        else if (COLUMNS_RE.test(line)) {
          /* the header's column line */
        } else if (last) skipped.push({line: lineNo, reason: `truncated last line (no newline); ${EXPECTED_LINE}`})
        else skipped.push({line: lineNo, reason: `not an allocinfo line; ${EXPECTED_LINE}`})
        continue
      }
      bytes = BigInt(m[1])
      calls = BigInt(m[2])
      file = m[3]
      fileLine = Number(m[4])
      module = m[5]
      func = m[6]
      rest = m[7]
    }
    const lastChar = text.charCodeAt(end - 1)
    const endsWithSpace = lastChar === 32 || lastChar === 9
    if (last && !endsWithSpace && trailingSpaceSeen) {
      // The kernel ends every line with " \n": without it the name may be cut mid-word.
      skipped.push({line: lineNo, reason: 'truncated last line (no trailing space or newline)'})
      continue
    }
    if (endsWithSpace) trailingSpaceSeen = true

    let accurate = true
    let extra: Record<string, string> | undefined
    if (rest === ' accurate:no') accurate = false
    else if (rest !== '') {
      let bad: string | undefined
      for (const tok of rest.trim().split(/[ \t]+/)) {
        if (tok === 'accurate:no') {
          accurate = false
          continue
        }
        const kv = KV_RE.exec(tok)
        if (kv === null) {
          bad = tok
          break
        }
        ;(extra ??= {})[kv[1]] = kv[2]
      }
      if (bad !== undefined) {
        skipped.push({line: lineNo, reason: `unexpected token '${bad.slice(0, 40)}' after func:name; expected key:value pairs`})
        continue
      }
    }

    const key = siteKey(file, fileLine, func, module)
    if (typeof bytes === 'number') {
      sumBytes += bytes
      if (sumBytes >= FLUSH_AT || sumBytes <= -FLUSH_AT) {
        totalBytes += BigInt(sumBytes)
        sumBytes = 0
      }
    } else totalBytes += bytes
    if (typeof calls === 'number') {
      sumCalls += calls
      if (sumCalls >= FLUSH_AT) {
        totalCalls += BigInt(sumCalls)
        sumCalls = 0
      }
    } else totalCalls += calls
    // Accounting bugs (a free subtracted from a tag that never saw the allocation) show up as
    // negative bytes and as calls wrapped around 2^64: flag them, keep the values.
    if (bytes < 0) anomalies.push({line: lineNo, key, kind: 'negative-bytes', detail: `bytes ${bytes} < 0`})
    // 2^63 has 19 digits: only the exact path can see a wrapped count.
    if (typeof calls === 'bigint' && calls >= WRAP_THRESHOLD) {
      anomalies.push({line: lineNo, key, kind: 'wrapped-calls', detail: `calls ${calls} >= 2^63 (as s64: ${calls - (1n << 64n)})`})
    }
    const b = typeof bytes === 'number' ? BigInt(bytes) : bytes
    const c = typeof calls === 'number' ? BigInt(calls) : calls

    const prev = sites.get(key)
    if (prev === undefined) {
      const site: AllocSite = {key, file, lineNo: fileLine, func, bytes: b, calls: c, accurate, count: 1, lines: [lineNo]}
      if (module !== undefined) site.module = module
      if (extra !== undefined) site.extra = extra
      sites.set(key, site)
    } else {
      // One codetag per call site, but an inlined helper gets one per caller with the same file:line func.
      anomalies.push({line: lineNo, key, kind: 'duplicate-key', detail: `same key as line ${prev.lines[0]}; summed`})
      prev.bytes += b
      prev.calls += c
      prev.accurate &&= accurate
      if (extra !== undefined) prev.extra = {...prev.extra, ...extra}
      prev.count++
      prev.lines.push(lineNo)
    }
  }
  totalBytes += BigInt(sumBytes)
  totalCalls += BigInt(sumCalls)
  return {source, version, sites: [...sites.values()], totalBytes, totalCalls, anomalies, skipped, lines: nLines}
}

/** Parses allocinfo text; InputError when it is empty, binary, or has neither a header nor one site. */
export function parseAllocInfoText(text: string, source = '-'): AllocInfo {
  if (text.trim() === '') throw new InputError(`${source}: empty: expected /proc/allocinfo text`, source)
  const nul = text.indexOf('\0')
  if (nul >= 0 && nul < 65536) {
    throw new InputError(`${source}: binary data (NUL byte at offset ${nul}): expected /proc/allocinfo text`, source)
  }
  const info = scanAllocInfoText(text, source)
  if (info.sites.length === 0 && info.version === 'none') {
    const first = info.skipped.find((s) => s.reason !== 'blank line')
    throw new InputError(
      `${source}${first ? `:${first.line}` : ''}: not /proc/allocinfo text (no line parses); ${EXPECTED_LINE}`,
      source,
      first?.line,
    )
  }
  return info
}

function ioMessage(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code
  const what =
    code === 'ENOENT'
      ? 'no such file or directory'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied (/proc/allocinfo is mode 0400: read it as root)'
        : code === 'EISDIR'
          ? 'is a directory'
          : (e as Error).message
  return `${path}: ${what}; expected a /proc/allocinfo text file`
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of process.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer))
  return Buffer.concat(chunks)
}

/** Reads a file ('-' = stdin; gzip by .gz extension or magic bytes) and parses it. */
export async function readAllocInfo(path: string): Promise<AllocInfo> {
  let buf: Buffer
  if (path === '-') {
    buf = await readStdin()
  } else {
    try {
      if ((await stat(path)).isDirectory()) {
        throw new InputError(`${path}: is a directory; expected a /proc/allocinfo text file`, path)
      }
      buf = await readFile(path)
    } catch (e) {
      if (e instanceof InputError) throw e
      throw new InputError(ioMessage(path, e), path)
    }
  }
  const source = path === '-' ? '<stdin>' : path
  if (path.endsWith('.gz') || (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b)) {
    try {
      buf = gunzipSync(buf)
    } catch (e) {
      throw new InputError(`${source}: not valid gzip (${(e as Error).message}); expected gzip-compressed /proc/allocinfo text`, source)
    }
  }
  return parseAllocInfoText(buf.toString('utf8'), source)
}

export type AllocInfoVersion = '1.0' | '2.0' | 'none'

const pad = (s: string, w: number) => (s.length >= w ? s : ' '.repeat(w - s.length) + s)

/** One site in the kernel's layout. Version 1.0 had no accurate:no nor extra tokens. */
export function formatAllocSite(s: AllocSite, version: AllocInfoVersion = '2.0'): string {
  let out = `${pad(String(s.bytes), 12)} ${pad(String(s.calls), 8)} ${s.file}:${s.lineNo}`
  if (s.module !== undefined) out += ` [${s.module}]`
  out += ` func:${s.func}`
  if (version !== '1.0') {
    if (!s.accurate) out += ' accurate:no'
    if (s.extra) for (const [k, v] of Object.entries(s.extra)) out += ` ${k}:${v}`
  }
  return out + ' \n'
}

/** Prints sites as /proc/allocinfo would (header per version; default: the version read, else 2.0). */
export function formatAllocInfo(info: AllocInfo, version?: AllocInfoVersion): string {
  const v: AllocInfoVersion =
    version ?? (info.version === '1.0' || info.version === 'none' || info.version === '2.0' ? info.version : '2.0')
  const parts: string[] = []
  if (v !== 'none') parts.push(`allocinfo - version: ${v}\n`, '#     <size>  <calls> <tag info>\n')
  for (const s of info.sites) parts.push(formatAllocSite(s, v))
  return parts.join('')
}
