// Errors a user can act on. The CLI prints `allocscope: <message>` on one line and exits 2;
// anything else is an internal error (stack only with DEBUG set).

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

/** A feature the tool knows it does not do (yet): said plainly, never faked. */
export class NotImplementedError extends Error {
  constructor(what: string) {
    super(`${what} is not implemented in this version of allocscope`)
    this.name = 'NotImplementedError'
  }
}
