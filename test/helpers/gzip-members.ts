// Gzip bombs for the hostile-input tests, built in milliseconds. Each distinct Buffer is compressed
// once into a gzip member of its own, and a Buffer repeated is that member repeated: a file of
// several members is one gzip stream to gunzip and to Node's zlib (RFC 1952, section 2.2), so the
// readers inflate the same bytes as from one member. One level-9 stream took 0.97 s over 256 MiB
// of spaces and 1.3 s over 560 lines of 1 MiB; one member of 1 MiB takes 3 ms and 1052 bytes.
import {closeSync, openSync, writeSync} from 'node:fs'
import {gzipSync} from 'node:zlib'

/** The gzip members of `parts`, in order; the same Buffer object is compressed once. */
export function* gzipMembers(parts: Iterable<Buffer>): Generator<Buffer> {
  const done = new Map<Buffer, Buffer>()
  for (const p of parts) {
    let m = done.get(p)
    if (m === undefined) done.set(p, (m = gzipSync(p, {level: 9})))
    yield m
  }
}

/** `parts` gzipped into `path` (see gzipMembers); returns `path`. */
export function writeGzipMembers(path: string, parts: Iterable<Buffer>): string {
  const fd = openSync(path, 'w')
  try {
    for (const m of gzipMembers(parts)) writeSync(fd, m)
  } finally {
    closeSync(fd)
  }
  return path
}

/** `b` repeated `n` times: one Buffer object, so one gzip member. */
export function* repeat(b: Buffer, n: number): Generator<Buffer> {
  for (let i = 0; i < n; i++) yield b
}
