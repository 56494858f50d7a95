// NUL bytes inside a UTF-8 character (a damaged log): the streamed reader drops NUL runs from the
// bytes (padding.ts) before decoding, the text read whole decodes first and takes NULs out after.
// Both must give the same characters: a dropped run must not join the byte before it with the
// byte after it into one character (fuzz bootlog, seed 61206 case 3222: stream '4|||\uFFFD'
// against text '4|||\uFFFD\uFFFD' for e2 00 00 82).
import fc from 'fast-check'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {openBootLog, parseBootLogText} from '../../src/readers/bootlog/index.js'
import {NulCounter} from '../../src/readers/bootlog/padding.js'
import {captureDir} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-nul-utf8-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

/** What the text read whole gives: decoded, then its NULs taken out. */
const whole = (b: Buffer) => b.toString('utf8').replaceAll('\0', '')

describe('NUL runs inside UTF-8 characters', () => {
  it('the NUL filter then the decoder give what decoding then taking NULs out gives, for any split into reads', () => {
    const BYTES = [0x00, 0x00, 0xe2, 0x82, 0xac, 0xc3, 0xa9, 0xf0, 0x9f, 0x98, 0x80, 0x61, 0x0a]
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...BYTES), {maxLength: 24}), fc.array(fc.nat(24), {maxLength: 4}), (bytes, cuts) => {
        const b = Buffer.from(bytes)
        const at = [...new Set([0, ...cuts.map((c) => Math.min(c, b.length)), b.length])].sort((x, y) => x - y)
        const nul = new NulCounter()
        const kept = Buffer.concat(at.slice(1).map((end, i) => nul.drop(b.subarray(at[i], end))))
        expect(kept.toString('utf8').replaceAll('\0', '')).toBe(whole(b))
        expect(nul.bytes).toBe(bytes.filter((x) => x === 0).length)
      }),
      {numRuns: 5000},
    )
  })

  it('a real log with a DERIVED damaged line: the streamed records are the text read whole', async () => {
    const head = readFileSync(join(captureDir('linux-7.2-pool-c64-m1024'), 'dmesg.txt')).subarray(0, 2000)
    const cut = head.lastIndexOf(0x0a) + 1
    const damaged = Buffer.concat([head.subarray(0, cut), Buffer.from('[    1.000000] x: '), Buffer.from([0xe2, 0, 0, 0x82, 0x20, 0xc3, 0xa9, 0, 0x61, 0x20, 0xc3, 0, 0xa9, 0x0a])])
    const f = join(tmp, 'damaged.log')
    writeFileSync(f, damaged)
    const s = await openBootLog(f)
    const got: string[] = []
    for await (const r of s.records) got.push(r.text)
    const want = parseBootLogText(whole(damaged), {}).records.map((r) => r.text)
    expect(got).toEqual(want)
    expect(got.at(-1)).toBe('x: \uFFFD\uFFFD \u00e9a \uFFFD\uFFFD')
  })

  it('a NUL after a whole character keeps nothing: a line of 600 000 (ff 00) pairs is as long streamed as read whole (a kept NUL counted against the line limit)', async () => {
    const pairs = Buffer.alloc(1_200_000)
    for (let i = 0; i < pairs.length; i += 2) pairs[i] = 0xff
    const head = readFileSync(join(captureDir('linux-7.2-pool-c64-m1024'), 'dmesg.txt')).subarray(0, 2000)
    const b = Buffer.concat([head.subarray(0, head.lastIndexOf(0x0a) + 1), Buffer.from('[    1.000000] x: '), pairs, Buffer.from('\n[    2.000000] end\n')])
    const f = join(tmp, 'pairs.log')
    writeFileSync(f, b)
    const s = await openBootLog(f)
    const got: number[] = []
    for await (const r of s.records) got.push(r.text.length)
    const w = parseBootLogText(whole(b), {})
    expect(got).toEqual(w.records.map((r) => r.text.length))
    expect(s.stats().truncatedLines).toBe(0)
    expect(got).toContain(600_003)
  })
})

