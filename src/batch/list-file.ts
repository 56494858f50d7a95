// A --files-from list: one path per line, as `batch --list` writes it and `--files-from FILE|-`
// reads it. A list is plain text a user or `find` writes too, so reading it forgives what editors
// and other systems do to text: a UTF-8 BOM before the first line, CRLF line ends, blank lines;
// and `#` starts a comment. A path those rules would change cannot be written plainly; --list
// writes it quoted (listLine), and the reader unquotes it (readList): the one encoding, so that
// every path listed reads back as itself and `--list | --files-from -` is one batch run split up.
//
// The encoding: a line starting with `"` is a path written as a JSON string (`"nl\nx.log"`,
// `"#x.log"`, `"  "`); any other line is the path as it is. A path is quoted when it holds a line
// break or another control character (\n, \r, and the separators other tools split lines at:
// U+0085, U+2028, U+2029), starts with `#`, `"` or a BOM, or starts or ends with white space (a
// blank line, an editor's trimmed line end). Quoted lines hold only printable characters.
import {closeSync, openSync, readSync} from 'node:fs'
import {StringDecoder} from 'node:string_decoder'
import {ioReason, UsageError} from '../errors.js'

/** A path a plain line would not carry as it is (see the header); \s covers the BOM, U+FEFF. */
const NOT_PLAIN = /^[\s#"]|\s$|[\x00-\x1f\x7f-\x9f\u2028\u2029]/

/** What JSON.stringify leaves as it is and a quoted line still writes as \uXXXX (line separators, C1, the BOM). */
const UNPRINTED = /[\x7f-\x9f\u2028\u2029\ufeff]/g

const u4 = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`

/** A path as a --list line that --files-from reads back as the same path (the header's encoding). */
export const listLine = (path: string): string => (NOT_PLAIN.test(path) ? JSON.stringify(path).replace(UNPRINTED, u4) : path)

/** The longest path Linux takes (PATH_MAX): a longer one in a list is no path (a device, a binary file). */
const PATH_MAX = 4096

/** The longest line a path can take: quoted, every character escaped (\uXXXX). */
const MAX_LIST_LINE = 6 * PATH_MAX + 2

const TOO_LONG = `longer than ${PATH_MAX} characters, longer than any path`

/**
 * Why a line (a comment too: listLines hands a long line over before its end) or the path it
 * quotes is no path, or undefined: a NUL, or longer than `max`.
 */
const noPath = (text: string, max: number): string | undefined => (text.includes('\0') ? 'a NUL byte' : text.length > max ? TOO_LONG : undefined)

/** A quoted --files-from line → its path: listLine undone; why not, when it is no path. */
function unquoted(line: string): {path: string} | {error: string} {
  let path: string
  try {
    path = JSON.parse(line) as string
  } catch {
    return {error: 'a line starting with " is a quoted path, a JSON string (as --list writes "#x.log"), and this one is not'}
  }
  const error = path === '' ? 'an empty quoted path ("")' : noPath(path, PATH_MAX)
  return error === undefined ? {path} : {error}
}

const listError = (file: string, what: string): UsageError => new UsageError(`--files-from ${file}: ${what}; expected a file with one path per line`)

/**
 * The paths of a --files-from list ('-' = stdin); blank lines and `#` comments skipped, a BOM
 * before the first line and each line's CR (CRLF) taken off. Read a chunk at a time: memory is
 * the paths listed, and a line no path can be (a NUL, longer than PATH_MAX: /dev/zero, a binary
 * file) stops the read with its line number.
 */
export function readList(file: string): string[] {
  let fd: number
  try {
    fd = file === '-' ? 0 : openSync(file, 'r')
  } catch (e) {
    throw listError(file, ioReason(e))
  }
  const out: string[] = []
  let line = 0
  const take = (l: string): void => {
    line++
    if (line === 1 && l.startsWith('\ufeff')) l = l.slice(1)
    if (l.endsWith('\r')) l = l.slice(0, -1)
    // A quoted line may be longer than the path it holds (escapes).
    const refused = noPath(l, l.startsWith('"') ? MAX_LIST_LINE : PATH_MAX)
    if (refused !== undefined) throw listError(`${file}:${line}`, refused)
    if (l.trim() === '' || l.startsWith('#')) return
    const p = l.startsWith('"') ? unquoted(l) : {path: l}
    if ('error' in p) throw listError(`${file}:${line}`, p.error)
    out.push(p.path)
  }
  try {
    listLines(file, fd, take)
  } finally {
    if (fd !== 0) closeSync(fd)
  }
  return out
}

/** Hands each line of fd to `take`; a line still growing past MAX_LIST_LINE (or holding a NUL) is handed over as it is (refused there). */
function listLines(file: string, fd: number, take: (l: string) => void): void {
  const buf = Buffer.allocUnsafe(1 << 16)
  const dec = new StringDecoder('utf8')
  let rest = ''
  for (;;) {
    let n: number
    try {
      n = readSync(fd, buf, 0, buf.length, null)
    } catch (e) {
      throw listError(file, ioReason(e))
    }
    if (n === 0) break
    const parts = (rest + dec.write(buf.subarray(0, n))).split('\n')
    rest = parts.pop()!
    for (const p of parts) take(p)
    if (rest.length > MAX_LIST_LINE || rest.includes('\0')) return take(rest)
  }
  rest += dec.end()
  if (rest !== '') take(rest)
}
