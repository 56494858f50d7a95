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

  const raw = text.split('\n')
  // A final "\n" leaves one empty string behind: that is not a line.
  const endsWithNewline = raw.length > 0 && raw[raw.length - 1] === ''
  if (endsWithNewline) raw.pop()
  const nLines = raw.length
  // Whether the kernel's trailing space survived: only then can a cut last line be told from a whole one.
  let trailingSpaceSeen = false

  for (let i = 0; i < nLines; i++) {
    let line = raw[i]
    if (line.endsWith('\r')) line = line.slice(0, -1)
    const lineNo = i + 1
    const last = i === nLines - 1 && !endsWithNewline
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
    const endsWithSpace = line.endsWith(' ') || line.endsWith('\t')
    if (last && !endsWithSpace && trailingSpaceSeen) {
      // The kernel ends every line with " \n": without it the name may be cut mid-word.
      skipped.push({line: lineNo, reason: 'truncated last line (no trailing space or newline)'})
      continue
    }
    if (endsWithSpace) trailingSpaceSeen = true

    let accurate = true
    let extra: Record<string, string> | undefined
    const rest = m[7]
    if (rest !== '') {
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

    const bytes = BigInt(m[1])
    const calls = BigInt(m[2])
    const file = m[3]
    const fileLine = Number(m[4])
    const module = m[5]
    const func = m[6]
    const key = siteKey(file, fileLine, func, module)
    totalBytes += bytes
    totalCalls += calls
    // Accounting bugs (a free subtracted from a tag that never saw the allocation) show up as
    // negative bytes and as calls wrapped around 2^64: flag them, keep the values.
    if (bytes < 0n) anomalies.push({line: lineNo, key, kind: 'negative-bytes', detail: `bytes ${bytes} < 0`})
    if (calls >= WRAP_THRESHOLD) {
      anomalies.push({line: lineNo, key, kind: 'wrapped-calls', detail: `calls ${calls} >= 2^63 (as s64: ${calls - (1n << 64n)})`})
    }

    const prev = sites.get(key)
    if (prev === undefined) {
      const site: AllocSite = {key, file, lineNo: fileLine, func, bytes, calls, accurate, count: 1, lines: [lineNo]}
      if (module !== undefined) site.module = module
      if (extra !== undefined) site.extra = extra
      sites.set(key, site)
    } else {
      // One codetag per call site, but an inlined helper gets one per caller with the same file:line func.
      anomalies.push({line: lineNo, key, kind: 'duplicate-key', detail: `same key as line ${prev.lines[0]}; summed`})
      prev.bytes += bytes
      prev.calls += calls
      prev.accurate &&= accurate
      if (extra !== undefined) prev.extra = {...prev.extra, ...extra}
      prev.count++
      prev.lines.push(lineNo)
    }
  }
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
