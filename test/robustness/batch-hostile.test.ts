// `batch` on a .tar.gz whose members are bombs (issue 14: every reader stays under 200 MiB), on the
// BUILT CLI spawned as a user would, peak RSS read from inside the child (test/helpers/cli-rss.ts).
// The archive is SYNTHETIC, built on the fly (under 1 MiB on disk, ~770 MiB inflated: see
// helpers/gzip-members.ts) around two REAL members from samples/: 256 MiB of NULs, one 256 MiB
// line with no newline, an allocinfo dump gzipped inside the archive with 256 MiB of NULs after
// it, and last a member whose header claims 8 GiB while the archive ends 4 KiB later. Each bomb is an error record (or a record flagged by
// what it skipped); the real members around them are read as from the files themselves, and a
// capture directory of bombs (a NUL log, the dump with NULs after it) is one capture-dir error record.
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {BatchRecord} from '../../src/batch/schema.js'
import {gzipMembers, repeat, writeGzipMembers} from '../helpers/gzip-members.js'
import {RSS_LIMIT_MIB, runWithRss} from '../helpers/cli-rss.js'
import {SAMPLES} from '../helpers/paths.js'

const MiB = 1 << 20
const BOMB_MIB = 256
const CAPTURE = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
let T: string
let archive: string

/** A ustar header for a regular file; `size` may claim more than follows (octal, up to 8 GiB - 1). */
function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512)
  h.write(name, 0, 100)
  h.write('0000644\0', 100)
  h.write('0000000\0', 108)
  h.write('0000000\0', 116)
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124)
  h.write('15000000000\0', 136)
  h.write(' '.repeat(8), 148)
  h.write('0', 156)
  h.write('ustar\u000000', 257)
  let sum = 0
  for (const b of h) sum += b
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148)
  return h
}

/** One member: its header, its bytes (`size` of them, from `parts`), the padding to a 512-byte block. */
function* member(name: string, size: number, parts: Iterable<Buffer>): Generator<Buffer> {
  yield tarHeader(name, size)
  for (const p of parts) yield p
  if (size % 512) yield Buffer.alloc(512 - (size % 512))
}


beforeAll(async () => {
  T = mkdtempSync(join(tmpdir(), 'allocscope-batch-hostile-'))
  archive = join(T, 'synthetic-bombs.tar.gz')
  const log = readFileSync(join(CAPTURE, 'console.log'))
  const dump = readFileSync(join(CAPTURE, 'allocinfo.txt'))
  const innerGz = Buffer.concat([...gzipMembers([dump, ...repeat(Buffer.alloc(MiB), BOMB_MIB)])])
  // No capture-directory names (console.log, allocinfo.txt…): a directory holding one is read as one capture.
  const members = [
    member('good/boot.log', log.length, [log]),
    member('bomb/nuls.log', BOMB_MIB * MiB, repeat(Buffer.alloc(MiB), BOMB_MIB)),
    member('bomb/one-line.log', BOMB_MIB * MiB, repeat(Buffer.alloc(MiB, 'x'), BOMB_MIB)),
    member('bomb/dump.txt.gz', innerGz.length, [innerGz]),
    member('good/dump.txt', dump.length, [dump]),
    // A capture directory of bombs (by its names: one input): a log of NULs, the dump with NULs after it.
    member('capbomb/dmesg.txt', BOMB_MIB * MiB, repeat(Buffer.alloc(MiB), BOMB_MIB)),
    member('capbomb/allocinfo.txt.gz', innerGz.length, [innerGz]),
    // Claims 8 GiB; 4 KiB follow and the archive ends (no end-of-archive blocks).
    member('bomb/claims-8GiB.log', 8 * 1024 * MiB - 1, [log.subarray(0, 4096)]),
  ]
  writeGzipMembers(archive, (function* () {
    for (const m of members) yield* m
  })())
}, 180_000)
afterAll(() => rmSync(T, {recursive: true, force: true}))

/** A record without where it came from: what the same bytes read from a file must give too. */
const content = ({input: _input, ...rest}: BatchRecord) => rest

describe('batch on a .tar.gz of bombs', () => {
  it(`every member has its record, the real ones as from their files, the bombs errors; RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    const r = await runWithRss(['batch', archive, '--jobs', '1'], {home: T})
    // The bombs' error records are counted on stderr, one line (whatever the terminal), nothing else.
    expect(r.stderr).toMatch(/^allocscope: \d+ inputs?, \d+ records?, [1-9]\d* errors?[^\n]*\n$/)
    const recs = r.stdout.split('\n').filter((l) => l).map((l) => JSON.parse(l) as BatchRecord)
    const of = (m: string) => recs.filter((x) => x.input.member === m)
    const files = await runWithRss(['batch', join(CAPTURE, 'console.log'), join(CAPTURE, 'allocinfo.txt'), '--jobs', '1'], {home: T})
    const [log, dump] = files.stdout.split('\n').filter((l) => l).map((l) => JSON.parse(l) as BatchRecord)
    expect(of('good/boot.log').map(content)).toEqual([content(log!)])
    expect(of('good/dump.txt').map(content)).toEqual([content(dump!)])
    expect(of('bomb/nuls.log').map((x) => x.error?.reason)).toEqual([`empty: ${BOMB_MIB * MiB} NUL bytes skipped, no text: expected a kernel log`])
    expect(of('bomb/one-line.log')[0]!.error?.reason).toMatch(/^not a kernel log: no line looks like a kernel record/)
    // Streamed like any allocinfo file: NULs after the dump are padding up to 64 MiB, then it ends.
    const dumpText = readFileSync(join(CAPTURE, 'allocinfo.txt'))
    expect(of('bomb/dump.txt.gz').map((x) => [x.kind, x.error?.reason])).toEqual([['allocinfo', `binary data (more than 64 MiB of NUL bytes from byte ${dumpText.length} on; NULs are read only as padding at the end of a dump, up to that): expected /proc/allocinfo text`]])
    expect(of('capbomb').map((x) => [x.kind, x.error?.reason])).toEqual([['capture-dir', `dmesg.txt: empty: ${BOMB_MIB * MiB} NUL bytes skipped, no text: expected a kernel log`]])
    expect(of('bomb/claims-8GiB.log')[0]!.error?.reason).toMatch(/^the archive is damaged inside this member \(Unexpected end of data\)/)
    expect(recs.at(-1)).toMatchObject({input: {path: archive}, error: {reason: 'damaged archive after 8 members (Unexpected end of data): expected a tar archive (.tar, .tar.gz, .tgz)'}})
    expect(recs).toHaveLength(8)
    expect(r.rssMiB).toBeGreaterThan(0)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  }, 300_000)

  // The boot-log reader held every read while looking for its first lines: one endless line was held whole (315 MiB for 256 MiB).
  it(`analyse on one ${BOMB_MIB} MiB line with no newline (gzip): not a kernel log, RSS < ${RSS_LIMIT_MIB} MiB`, async () => {
    const line = join(T, 'one-line.log.gz')
    writeGzipMembers(line, repeat(Buffer.alloc(MiB, 'x'), BOMB_MIB))
    const r = await runWithRss(['analyse', line], {home: T})
    expect(r.stderr).toMatch(new RegExp(`^allocscope: ${line}: not a kernel log: no line looks like a kernel record`))
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  }, 120_000)
})
