// A damaged recording keeps every snapshot before the damage (docs/recording.md "Durability"):
// zlib's stream drops all the members it inflated in the call that met the damage, so the reader
// reads such a file again member by member (src/readers/gzip-members.ts). Recordings here are
// DERIVED: the real sample dump, one site's bytes raised per snapshot, written by the real writer.
import {appendFileSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gunzipSync, gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {parseAllocInfoText} from '../../src/readers/allocinfo.js'
import {eachMember, gzipHeaderLength, inflateMember} from '../../src/readers/gzip-members.js'
import {isRecordingHead, openRecording, snapshotsOf, streamRecording} from '../../src/readers/recording.js'
import {DeltaEncoder, RecordingWriter} from '../../src/trend/recording.js'
import {SAMPLES} from '../helpers/paths.js'

const REAL = readFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt'), 'utf8')
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-recdmg-'))

/** DERIVED: `n` snapshots of the real dump, the first site's bytes raised by 4096 each time. */
function recording(name: string, n: number): {path: string; ends: number[]} {
  const path = join(tmp, name)
  const base = parseAllocInfoText(REAL)
  const w = new RecordingWriter(path, {created: '2026-01-01T00:00:00Z', source: 'derived', tool: 'test'})
  const enc = new DeltaEncoder()
  // Where each member ends: the header's, then each snapshot's.
  const ends = [w.bytesWritten]
  for (let i = 0; i < n; i++) {
    const sites = base.sites.map((s, k) => (k === 0 ? {...s, bytes: s.bytes + BigInt(4096 * i)} : s))
    w.write(enc.encode({...base, sites}, {time: new Date(Date.UTC(2026, 0, 1) + i * 60_000)}))
    ends.push(w.bytesWritten)
  }
  w.close()
  return {path, ends}
}

/** Whether trend takes the file for a recording: its head, read once (readers/recording.ts). */
async function isRecording(path: string): Promise<boolean> {
  const src = (await openRecording(path))!
  await src.close()
  return isRecordingHead(src.head)
}

/** Flips one byte of the file at `at`. */
function flip(path: string, at: number): void {
  const b = readFileSync(path)
  b[at] ^= 0xff
  writeFileSync(path, b)
}

async function count(path: string): Promise<{snapshots: number; warnings: string[]}> {
  let n = 0
  const r = await streamRecording(path, () => n++)
  expect(r.snapshots).toBe(n)
  return r
}

describe('a damaged recording', () => {
  // 1 200 members are ~100 KB: more than one 64 KiB read, so the stream meets the damage in a call that also inflates hundreds of whole members.
  it('a bad CRC in the last member costs that snapshot only', async () => {
    const {path, ends} = recording('crc.arec.gz', 1200)
    expect(ends.at(-1)).toBeGreaterThan(70_000)
    flip(path, ends.at(-1)! - 6)
    const r = await count(path)
    expect(r.snapshots).toBe(1199)
    expect(r.warnings).toEqual([`${path}: the gzip stream is damaged at byte ${ends.at(-2)} (incorrect data check): read the 1199 complete snapshots before it`])
  })

  it('damage inside a member in the middle: every snapshot before that member is kept', async () => {
    const {path, ends} = recording('mid.arec.gz', 1200)
    // Member 701 (snapshot 700): a byte of its deflate data.
    flip(path, ends[700]! + 12)
    const r = await count(path)
    expect(r.snapshots).toBe(700)
    expect(r.warnings.join('\n')).toContain(`damaged at byte ${ends[700]}`)
  })

  it('a member cut short at the end, and bytes appended after the last member', async () => {
    // Cut inside the last member's deflate data: its record is not whole (cut in its trailer only,
    // the line is whole but unchecked, and is not read either: test/fuzz/recording 'gzip trailer').
    const cut = recording('cut.arec.gz', 5)
    writeFileSync(cut.path, readFileSync(cut.path).subarray(0, cut.ends.at(-2)! + 20))
    const r0 = await count(cut.path)
    expect(r0.snapshots).toBe(4)
    expect(r0.warnings.at(-1)).toBe(`${cut.path}: the gzip stream is cut short at byte ${cut.ends.at(-2)}: read the 4 complete snapshots before it`)
    // One snapshot read: said in the singular.
    const one = recording('cut-one.arec.gz', 2)
    writeFileSync(one.path, readFileSync(one.path).subarray(0, one.ends.at(-2)! + 20))
    expect((await count(one.path)).warnings.at(-1)).toBe(`${one.path}: the gzip stream is cut short at byte ${one.ends.at(-2)}: read the 1 complete snapshot before it`)
    const junk = recording('junk.arec.gz', 5)
    appendFileSync(junk.path, 'appended text\n')
    expect(await isRecording(junk.path)).toBe(true)
    const r = await count(junk.path)
    expect(r.snapshots).toBe(5)
    expect(r.warnings.join('\n')).toContain(`damaged at byte ${junk.ends.at(-1)} (no gzip member starts there)`)
  })

  it('what gzip and tools make of a recording reads whole, with no warning: one member for it all, zero padding, an empty first member', async () => {
    const {path} = recording('tools.arec.gz', 4)
    const text = gunzipSync(readFileSync(path))
    const variants = {
      'one member (zcat | gzip)': gzipSync(text),
      'zero padding after': Buffer.concat([readFileSync(path), Buffer.alloc(512)]),
      'an empty member first': Buffer.concat([gzipSync(''), readFileSync(path)]),
    }
    for (const [name, bytes] of Object.entries(variants)) {
      const p = join(tmp, `tools-${name.replace(/\W+/g, '-')}.arec.gz`)
      writeFileSync(p, bytes)
      expect(await isRecording(p), name).toBe(true)
      expect(await count(p), name).toEqual({snapshots: 4, warnings: [], header: expect.anything()})
    }
  })

  it('a small recording with bytes appended is still a recording (only its first member is sniffed)', async () => {
    const path = join(tmp, 'small.arec.gz')
    writeFileSync(path, Buffer.concat([gzipSync('{"format":"allocscope-recording","version":1}\n'), Buffer.from('trailing bytes')]))
    expect(await isRecording(path)).toBe(true)
  })

  it('snapshots counted from the end stop at the first: -(n+1) is no snapshot (it was taken for the last)', async () => {
    const {path} = recording('picks.arec.gz', 3)
    await expect(snapshotsOf(path, [0, -4])).rejects.toThrow(/no snapshot -4: the recording holds 3 \(0 to 2, or -1 to -3 from the end\)/)
    expect((await snapshotsOf(path, [0, -3])).snapshots.map((s) => s.snap)).toEqual([0, 0])
  })

  it('a recording as plain text (its members inflated, as zcat writes it) reads the same', async () => {
    const {path} = recording('plain.arec.gz', 3)
    const text = join(tmp, 'plain.arec.txt')
    writeFileSync(text, gunzipSync(readFileSync(path)))
    expect(await isRecording(text)).toBe(true)
    const a: unknown[] = []
    const b: unknown[] = []
    await streamRecording(path, (r) => a.push(r))
    expect((await streamRecording(text, (r) => b.push(r))).warnings).toEqual([])
    expect(b).toEqual(a)
    expect(b).toHaveLength(3)
  })

  it('no snapshot at all: the error says so, with what the reader found', async () => {
    const {path, ends} = recording('none.arec.gz', 2)
    writeFileSync(path, readFileSync(path).subarray(0, ends[1]! - 200))
    await expect(snapshotsOf(path, [0])).rejects.toThrow(/no snapshot 0: the recording holds no complete snapshot \(.*cut short at byte \d+: read the 0 complete snapshots/)
  })
})

describe('gzip members', () => {
  it('header length with the optional fields (RFC 1952 FEXTRA, FNAME, FCOMMENT, FHCRC)', () => {
    const plain = gzipSync('x')
    expect(gzipHeaderLength(plain, 0)).toBe(10)
    // FEXTRA (2-byte length + 3 bytes), FNAME "ab\0", FCOMMENT "c\0", FHCRC (2 bytes).
    const head = Buffer.from([0x1f, 0x8b, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3, 3, 0, 1, 2, 3, 0x61, 0x62, 0, 0x63, 0, 0, 0])
    expect(gzipHeaderLength(head, 0)).toBe(head.length)
    expect(gzipHeaderLength(head.subarray(0, 16), 0)).toBe('short')
    expect(gzipHeaderLength(Buffer.from('plain text here'), 0)).toBe('bad')
    // The same member with that header inflates to the same text.
    const withHead = Buffer.concat([head, plain.subarray(10)])
    const m = inflateMember(withHead, 0, 1 << 20)
    // Every other outcome ('short', 'too-large', {bad}) fails here, naming itself ('bad' in 'too-large' threw a TypeError).
    if (typeof m === 'string' || 'bad' in m) throw new Error(`inflateMember: ${typeof m === 'string' ? m : m.bad}, not the member`)
    expect(m.out.toString()).toBe('x')
  })

  it('eachMember gives each checked member and stops at one whose size is wrong', () => {
    const path = join(tmp, 'three.gz')
    const members = ['one\n', 'two\n', 'three\n'].map((t) => gzipSync(t))
    members[2]!.writeUInt32LE(99, members[2]!.length - 4)
    writeFileSync(path, Buffer.concat(members))
    const got: string[] = []
    const stop = eachMember(path, 1 << 20, (b) => got.push(b.toString()))
    expect(got).toEqual(['one\n', 'two\n'])
    expect(stop).toBe(`damaged at byte ${members[0]!.length + members[1]!.length} (incorrect data check)`)
  })
})
