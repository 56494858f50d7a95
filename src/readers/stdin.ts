// The name stdin ('-' on the command line) goes by in messages and reports: one spelling for every
// reader and command (a truncated gzip on stdin was `-:`, everything else `<stdin>:`).

const STDIN_NAME = '<stdin>'

/** The name an input path is shown by: '-' is stdin. */
export const inputName = (path: string): string => (path === '-' ? STDIN_NAME : path)
