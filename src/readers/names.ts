// Directory entries whose names are not UTF-8 (a Latin-1 name from an old system or an archive):
// Node decodes them with U+FFFD, and the decoded name no longer opens the file ("no such file or
// directory"). Such a name is told apart here, so that a walk can say so, naming its bytes, rather
// than report a file it listed as missing. (Reading it would take Buffer paths through every
// reader; renaming it is the user's fix.)
import {isUtf8} from 'node:buffer'
import {type Dirent, readdirSync} from 'node:fs'

export interface DirName {
  /** As Node decodes it (what messages and records show). */
  name: string
  /** Set when the bytes are not UTF-8: the name with each byte outside printable ASCII as \xNN (`a\xff`). */
  undecodable?: string
  /** The entry as the directory types it (no stat: a symlink is a symlink). */
  dirent: Dirent<Buffer>
}

/**
 * A directory's entries in name order (a refusal or a record names the same file whatever the file
 * system's order), the undecodable ones marked, dot files and dot directories left out: no
 * command reads them (batch's walk, a capture directory, trend's snapshot directory). The one
 * directory lister.
 */
export function dirNames(dir: string): DirName[] {
  return readdirSync(dir, {encoding: 'buffer', withFileTypes: true})
    .map((dirent): DirName => {
      const b = dirent.name
      const name = b.toString('utf8')
      return Buffer.from(name).equals(b) ? {name, dirent} : {name, undecodable: escapedBytes(b), dirent}
    })
    .filter((n) => !n.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

const escapedBytes = (b: Buffer): string => Array.from(b, (c) => (c >= 0x20 && c < 0x7f && c !== 0x5c ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`)).join('')

/** Why an undecodable name is not read: for an error record or message after the path. */
export const undecodableReason = (n: Pick<DirName, 'undecodable'>): string => `the file name is not UTF-8 (bytes: ${n.undecodable}), so it cannot be opened by name; rename it to UTF-8 to read it`

/**
 * A path that is not UTF-8, as batch carries it: `path` as Node decodes it (what its record shows),
 * `bytes` its bytes one character each (latin1), which --list writes back byte for byte, and why it
 * is not read.
 */
export interface UndecodablePath {
  path: string
  bytes: string
  reason: string
}

/**
 * The path of these bytes, which are not UTF-8. The reason names the bytes of its last component
 * when only that is not UTF-8, as a walk names the entry, so that a listed path read back gives
 * the walk's record; else the whole path's (a hand-made list's).
 */
export function undecodablePath(raw: Buffer): UndecodablePath {
  const slash = raw.lastIndexOf(0x2f)
  const shown = isUtf8(raw.subarray(0, slash + 1)) ? raw.subarray(slash + 1) : raw
  return {path: raw.toString('utf8'), bytes: raw.toString('latin1'), reason: undecodableReason({undecodable: escapedBytes(shown)})}
}
