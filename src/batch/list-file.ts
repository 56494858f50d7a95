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
// blank line, an editor's trimmed line end). Quoted lines hold only printable characters. A name
// that is not UTF-8 is written as its bytes (listBytes) and read back as such (readList), so that
// its record says what is wrong with it rather than that no file has its decoded name.
import {isUtf8} from 'node:buffer'
import {closeSync, openSync, readSync} from 'node:fs'
import {ioReason, UsageError} from '../errors.js'
import {undecodablePath, type UndecodablePath} from '../readers/names.js'

/** A path a plain line would not carry as it is (see the header); \s covers the BOM, U+FEFF. */
const NOT_PLAIN = /^[\s#"]|\s$|[\x00-\x1f\x7f-\x9f\u2028\u2029]/

/** What JSON.stringify leaves as it is and a quoted line still writes as \uXXXX (line separators, C1, the BOM). */
const UNPRINTED = /[\x7f-\x9f\u2028\u2029\ufeff]/g

const u4 = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`

/** A path as a --list line that --files-from reads back as the same path (the header's encoding). */
export const listLine = (path: string): string => (NOT_PLAIN.test(path) ? JSON.stringify(path).replace(UNPRINTED, u4) : path)

/**
 * A path that is not UTF-8 (`bytes`: one character each, as names.ts UndecodablePath) as a --list
 * line, byte for byte: quoted as listLine quotes, but its bytes past ASCII left as they are (a
 * \u0080 escape could make the rest decode), so that the line is still not UTF-8 and readList says so.
 */
export const listBytes = (bytes: string): Buffer => Buffer.from(`${NOT_PLAIN.test(bytes) ? JSON.stringify(bytes) : bytes}\n`, 'latin1')

/** A --files-from path: as read, or, when its bytes are not UTF-8, their error (a file of that name cannot be opened by name). */
export type ListedPath = string | UndecodablePath

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

/** A --files-from list that held no path, and no input besides it: the list named (stdin for `-`), not "no inputs". */
export const emptyListError = (file: string): UsageError =>
  new UsageError(`--files-from ${file}: the list ${file === '-' ? 'read from stdin ' : ''}held no path (it was empty, or only blank lines and # comments): nothing to read; expected one path per line`)

/**
 * The paths of a --files-from list ('-' = stdin); blank lines and `#` comments skipped, a BOM
 * before the first line and each line's CR (CRLF) taken off. Read a chunk at a time: memory is
 * the paths listed, and a line no path can be (a NUL, longer than PATH_MAX: /dev/zero, a binary
 * file) stops the read with its line number. A line that is not UTF-8 (`find` prints names as
 * their bytes, and --list such a name: listBytes) is read byte for byte, as latin1, and its path
 * is an UndecodablePath: decoded, it would name no file ("no such file").
 */
export function readList(file: string): ListedPath[] {
  let fd: number
  try {
    fd = file === '-' ? 0 : openSync(file, 'r')
  } catch (e) {
    throw listError(file, ioReason(e))
  }
  const out: ListedPath[] = []
  let line = 0
  const take = (b: Buffer): void => {
    line++
    if (line === 1 && b.subarray(0, 3).equals(BOM)) b = b.subarray(3)
    const utf8 = isUtf8(b)
    let l = b.toString(utf8 ? 'utf8' : 'latin1')
    if (l.endsWith('\r')) l = l.slice(0, -1)
    // A quoted line may be longer than the path it holds (escapes).
    const refused = noPath(l, l.startsWith('"') ? MAX_LIST_LINE : PATH_MAX)
    if (refused !== undefined) throw listError(`${file}:${line}`, refused)
    if (l.trim() === '' || l.startsWith('#')) return
    const p = l.startsWith('"') ? unquoted(l) : {path: l}
    if ('error' in p) throw listError(`${file}:${line}`, p.error)
    out.push(utf8 ? p.path : undecodablePath(Buffer.from(p.path, 'latin1')))
  }
  try {
    listLines(file, fd, take)
  } finally {
    if (fd !== 0) closeSync(fd)
  }
  return out
}

const BOM = Buffer.from('\ufeff')

/**
 * Hands each line of fd to `take`, as bytes (each line is decoded on its own: one that is not
 * UTF-8 is read as its bytes); a line still growing past MAX_LIST_LINE bytes (or holding a NUL) is
 * handed over as it is (refused there).
 */
function listLines(file: string, fd: number, take: (l: Buffer) => void): void {
  const buf = Buffer.allocUnsafe(1 << 16)
  let rest = Buffer.alloc(0)
  for (;;) {
    let n: number
    try {
      n = readSync(fd, buf, 0, buf.length, null)
    } catch (e) {
      throw listError(file, ioReason(e))
    }
    if (n === 0) break
    const data = rest.length > 0 ? Buffer.concat([rest, buf.subarray(0, n)]) : buf.subarray(0, n)
    let start = 0
    for (let nl = data.indexOf(0x0a); nl !== -1; nl = data.indexOf(0x0a, start)) {
      take(data.subarray(start, nl))
      start = nl + 1
    }
    // A copy: buf is read into again.
    rest = Buffer.from(data.subarray(start))
    if (rest.length > MAX_LIST_LINE || rest.includes(0)) return take(rest)
  }
  if (rest.length > 0) take(rest)
}
