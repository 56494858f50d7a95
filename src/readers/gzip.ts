// The gzip magic number (RFC 1952: ID1 = 0x1f, ID2 = 0x8b), the one test every reader that sniffs
// compressed input uses. No import: the allocinfo command's start-up is measured.

/** Whether the bytes start a gzip member. */
export const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b

/** An input read as gzip: named `.gz` (a damaged one is then said to be damaged gzip), or starting with the magic. */
export const isGzipInput = (name: string, head: Uint8Array): boolean => name.endsWith('.gz') || isGzip(head)
