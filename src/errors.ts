// Errors a user can act on. The CLI prints `allocscope: <message>` on one line and exits 2;
// anything else is an internal error (exit 70, "please report", stack only with DEBUG set).

/** Exit statuses, documented in the README ("Exit status"). */
export const EXIT = {
  /** Ran; nothing at or above --fail-on. */
  ok: 0,
  /** A finding or rule at or above --fail-on. */
  finding: 1,
  /** Bad usage or unreadable/invalid input. */
  usage: 2,
  /** A bug in allocscope (sysexits EX_SOFTWARE). */
  internal: 70,
  /** The output could not be written: full disk, I/O error (sysexits EX_IOERR). */
  output: 74,
  /** record: its source became unreadable mid-recording, or every sample was left out (sysexits EX_NOINPUT); the summary is still written. */
  sourceLost: 66,
} as const

export class InputError extends Error {
  /** @param message says which file (and line) and what was expected. */
  constructor(message: string, readonly file?: string, readonly line?: number) {
    super(message)
    this.name = 'InputError'
  }
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'UsageError'
  }
}

/**
 * A file the user named for output that was opened but cannot take the bytes (a full disk, a file
 * size limit, an I/O error): one line naming it, exit 74 (EXIT.output). One that cannot be opened
 * as given is an InputError (exit 2).
 */
export class OutputError extends Error {
  constructor(message: string, readonly file?: string) {
    super(message)
    this.name = 'OutputError'
  }
}

/** A feature the tool knows it does not do (yet): said plainly, never faked. */
export class NotImplementedError extends Error {
  constructor(what: string) {
    super(`${what} is not implemented in this version of allocscope`)
    this.name = 'NotImplementedError'
  }
}

/** The first `shown` of the names a message gives, the rest counted (`a, b, c and 4 more`): a directory may hold thousands. */
export const someOf = (names: readonly string[], shown = 3): string => (names.length <= shown ? names.join(', ') : `${names.slice(0, shown).join(', ')} and ${names.length - shown} more`)

/** What an fs error's code says, in the words the messages use. */
const IO_REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a path component is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  EIO: 'I/O error',
  ENOSPC: 'no space left on device',
  EFBIG: 'file too large',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
}

/**
 * Why a file could not be opened or read, for a message that already names it: one phrase per
 * errno code (one home for all the readers), else Node's message without its "CODE: " prefix and
 * its trailing ", open '<path>'" (the message names the path once, itself).
 */
export function ioReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException
  const known = err.code === undefined ? undefined : IO_REASONS[err.code]
  if (known !== undefined) return known
  return String(err.message ?? e).replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '')
}
