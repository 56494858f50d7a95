// The gzip magic number (RFC 1952: ID1 = 0x1f, ID2 = 0x8b), the one test every reader that sniffs
// compressed input uses. No import: the allocinfo command's start-up is measured.

/** Whether the bytes start a gzip member. */
export const isGzip = (b: Uint8Array): boolean => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b


/** Magic bytes of inputs no reader reads, and what to do with each (checked on an input's first bytes). */
const FOREIGN: {magic: number[]; what: string}[] = [
  {magic: [0x28, 0xb5, 0x2f, 0xfd], what: 'zstd-compressed: decompress it first (zstd -d)'},
  {magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'xz-compressed: decompress it first (xz -d)'},
  {magic: [0x04, 0x22, 0x4d, 0x18], what: 'lz4-compressed: decompress it first (lz4 -d)'},
  {magic: [0x50, 0x4b, 0x03, 0x04], what: 'a zip archive: unpack it first (unzip)'},
  {magic: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7z archive: unpack it first (7z x)'},
  // A byte order mark: PowerShell's `>` and Notepad write UTF-16.
  {magic: [0xff, 0xfe], what: 'UTF-16 text: convert it to UTF-8 first (iconv -f UTF-16 -t UTF-8)'},
  {magic: [0xfe, 0xff], what: 'UTF-16 text: convert it to UTF-8 first (iconv -f UTF-16 -t UTF-8)'},
]

// bzip2: "BZh", the block size '1'-'9', then a block's magic (pi) or the end-of-stream one (sqrt(pi)).
const BZIP2 = /^BZh[1-9](?:1AY&SY|\x17rE8P\x90)/

/** What an input starting with these bytes is when it is compressed or encoded in a way no reader reads, else undefined. */
export function foreignInput(head: Uint8Array): string | undefined {
  for (const f of FOREIGN) if (head.length >= f.magic.length && f.magic.every((b, i) => head[i] === b)) return f.what
  if (BZIP2.test(String.fromCharCode(...head.subarray(0, 10)))) return 'bzip2-compressed: decompress it first (bzip2 -d)'
  return undefined
}
