// DERIVED inputs, each made in a temp dir from the real 7.2 pool c64 dump the way a user's copy
// goes wrong: CR CR LF line ends (a serial capture), two dumps appended (`cat /proc/allocinfo >>
// log` twice, or the second without its header), counters no kernel can print, a header alone, an unknown version, NUL padding at
// the end (a crashed machine's file), `sort -g | numfmt --to=iec` output. Read through the
// streamed reader (readAllocInfo: files) and the text one (parseAllocInfoText), which must agree.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {InputError} from '../../src/errors.js'
import {parseAllocInfoText, readAllocInfo} from '../../src/readers/allocinfo.js'
import {RESTART_RUN} from '../../src/readers/allocinfo-scan.js'
import {skippedLinesNote} from '../../src/trend/recording.js'
import type {AllocInfo} from '../../src/types.js'
import {realText, REAL_72} from '../helpers/allocinfo-derived.js'
import {runCli} from '../helpers/cli.js'

const dir = mkdtempSync(join(tmpdir(), 'allocinfo-damaged-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const real = realText()
const base = parseAllocInfoText(real, 'real')
const lines = real.split('\n')
if (lines.at(-1) === '') lines.pop()

/** Both readers on one DERIVED input: the file's result (the streamed reader), checked equal to the text reader's but for the source. */
async function both(name: string, data: string | Buffer): Promise<AllocInfo> {
  const path = join(dir, name)
  writeFileSync(path, data)
  const file = await readAllocInfo(path, name)
  const text = parseAllocInfoText(Buffer.isBuffer(data) ? data.toString('utf8') : data, name)
  expect({...text, notes: text.notes?.map((n) => n.replace(/byte \d+/, 'byte N'))}).toEqual({...file, notes: file.notes?.map((n) => n.replace(/byte \d+/, 'byte N'))})
  return file
}

async function refused(name: string, data: string | Buffer): Promise<InputError> {
  const path = join(dir, name)
  writeFileSync(path, data)
  const e = await readAllocInfo(path, name).then(() => undefined, (x: unknown) => x)
  expect(e).toBeInstanceOf(InputError)
  expect(() => parseAllocInfoText(Buffer.isBuffer(data) ? data.toString('utf8') : data, name)).toThrow((e as Error).message)
  return e as InputError
}

describe('damaged allocinfo dumps (DERIVED from a real one)', () => {
  it('CR CR LF line ends read as the dump itself', async () => {
    const info = await both('crcr.txt', real.replaceAll('\n', '\r\r\n'))
    expect(info.sites).toEqual(base.sites)
    expect([info.version, info.lines, info.skippedTotal, info.totalBytes]).toEqual([base.version, base.lines, base.skippedTotal, base.totalBytes])
  })

  it('two dumps appended: the last snapshot, a warning naming where it starts, every line accounted for', async () => {
    const info = await both('twice.txt', real + real)
    expect(info.sites).toEqual(base.sites.map((s) => ({...s, lines: s.lines.map((l) => l + base.lines)})))
    expect([info.totalBytes, info.totalCalls, info.anomalyCounts]).toEqual([base.totalBytes, base.totalCalls, base.anomalyCounts])
    const siteLines = base.sites.reduce((n, s) => n + s.count, 0)
    expect(info.earlier).toEqual({snapshots: 1, siteLines, skippedLines: 0, from: base.lines + 1})
    expect(info.notes).toEqual([`twice.txt:${base.lines + 1}: 2 allocinfo snapshots in one file (a header after sites begins another: dumps appended one after another); using the last, lines ${base.lines + 1}-${2 * base.lines}`])
    const thrice = await both('thrice.txt', real + real + real)
    expect(thrice.earlier).toEqual({snapshots: 2, siteLines: 2 * siteLines, skippedLines: 0, from: 2 * base.lines + 1})
  })

  // A damaged first dump says nothing of the last one read: a site of the last cannot be on its lines.
  it('two dumps appended, a junk line in the first: the last snapshot skips nothing (a warning of it would say a site may be missing)', async () => {
    const info = await both('junk-then-whole.txt', real + 'garbage line\n' + real)
    expect(info.skippedTotal).toBe(base.skippedTotal + 1)
    expect(info.earlier?.skippedLines).toBe(1)
    expect(skippedLinesNote(info)).toBeUndefined()
    const later = await both('whole-then-junk.txt', real + real + 'garbage line\n')
    expect(skippedLinesNote(later)).toBe(`whole-then-junk.txt:${2 * base.lines + 1}: not an allocinfo line; expected '<bytes> <calls> file:line [module] func:name': line skipped`)
  })

  // `grep -v '^#' /proc/allocinfo >> log`, or a kernel whose dump has no header: the second dump's
  // sites were summed into the first's as 930 duplicate keys (twice the bytes of every site).
  it('a dump appended without its header (its first sites listed again, in order): the last snapshot, not summed', async () => {
    const headers = lines.filter((l) => /^(allocinfo - version|#)/.test(l)).length
    expect(headers).toBe(2)
    const bare = lines.filter((l) => !/^(allocinfo - version|#)/.test(l)).join('\n') + '\n'
    const siteLines = base.sites.reduce((n, s) => n + s.count, 0)
    const info = await both('headerless-second.txt', real + bare)
    expect(info.sites).toEqual(base.sites.map((s) => ({...s, lines: s.lines.map((l) => l + base.lines - headers)})))
    expect([info.version, info.totalBytes, info.totalCalls, info.anomalyCounts]).toEqual([base.version, base.totalBytes, base.totalCalls, base.anomalyCounts])
    expect(info.earlier).toEqual({snapshots: 1, siteLines, skippedLines: 0, from: base.lines + 1})
    expect(info.notes).toEqual([`headerless-second.txt:${base.lines + 1}: 2 allocinfo snapshots in one file (a header after sites, or the first sites listed again without one, begins another: dumps appended one after another); using the last, lines ${base.lines + 1}-${2 * base.lines - headers}`])
    // Neither dump with a header (version none), three of them: the last.
    const none = await both('headerless-thrice.txt', bare + bare + bare)
    expect([none.version, none.totalBytes, none.sites.length]).toEqual(['none', base.totalBytes, base.sites.length])
    expect(none.earlier).toEqual({snapshots: 2, siteLines: 2 * siteLines, skippedLines: 0, from: 2 * (base.lines - headers) + 1})
  })

  it('a key listed twice is still a summed duplicate: the first sites again out of order, or fewer than three, or at the end', async () => {
    const [a, b, c, d] = lines.filter((l) => !/^(allocinfo - version|#)/.test(l))
    expect(RESTART_RUN).toBe(3)
    for (const [name, extra] of [['two-again.txt', [a, b, d]], ['out-of-order.txt', [a, c, b]], ['end.txt', [a, b]], ['three-of-a-kind.txt', [a, a, a]]] as const) {
      const info = await both(name, real + extra.join('\n') + '\n')
      expect(info.earlier, name).toBeUndefined()
      expect(info.anomalyCounts['duplicate-key'], name).toBe((base.anomalyCounts['duplicate-key'] ?? 0) + extra.length)
      expect(info.sites.length, name).toBe(base.sites.length)
    }
  })

  // `grep include/ /proc/allocinfo`: a header's inline allocator has one tag per unit, all with one
  // key, so a filtered dump lists its first header sites again, in order, once per unit. SYNTHETIC
  // sites (the real dump's version header): one snapshot, the repeats summed, nothing dropped.
  it('header sites listed again in order are duplicates, not another snapshot (a filtered dump)', async () => {
    const site = (bytes: number, key: string) => `${String(bytes).padStart(12)} ${'1'.padStart(8)} ${key} `
    const inl = ['include/linux/skbuff.h:1300 func:__alloc_skb', 'include/linux/skbuff.h:1310 func:alloc_skb_fclone', 'include/linux/slab.h:700 func:kmalloc_node']
    const body = [...inl.map((k) => site(4096, k)), site(1 << 20, 'net/core/dev.c:500 func:netdev_alloc'), ...inl.map((k) => site(4096, k)), site(1 << 19, 'net/ipv4/tcp.c:900 func:tcp_alloc')]
    const info = await both('filtered-include.txt', [...lines.slice(0, 2), ...body].join('\n') + '\n')
    expect(info.earlier).toBeUndefined()
    expect(info.sites.map((s) => [s.key, s.count])).toEqual([...inl.map((k) => [k.replace(' func:', ' '), 2]), ['net/core/dev.c:500 netdev_alloc', 1], ['net/ipv4/tcp.c:900 tcp_alloc', 1]])
    expect(info.totalBytes).toBe(BigInt(6 * 4096 + (1 << 20) + (1 << 19)))
    expect(info.anomalyCounts['duplicate-key']).toBe(3)
    // With a site of a .c file among the first three, the same repeat is the list starting over.
    const withC = [site(1 << 20, 'net/core/dev.c:500 func:netdev_alloc'), ...inl.slice(0, 2).map((k) => site(4096, k))]
    const again = await both('appended-bare.txt', [...lines.slice(0, 2), ...withC, ...withC].join('\n') + '\n')
    expect(again.earlier?.snapshots).toBe(1)
  })

  it('counters no kernel prints: flagged invalid-counter, left out of sites and totals', async () => {
    const bad = [`${'9223372036854775808'.padStart(12)} ${'1'.padStart(8)} x.c:2 func:bytesbig `, `${'4096'.padStart(12)} 18446744073709551616 x.c:1 func:over64 `, `${'-9223372036854775809'.padStart(12)} ${'1'.padStart(8)} x.c:3 func:bytessmall `]
    const info = await both('big.txt', [...lines.slice(0, 2), ...bad, ...lines.slice(2)].join('\n') + '\n')
    expect(info.sites.map((s) => s.func)).not.toContain('bytesbig')
    expect(info.sites.length).toBe(base.sites.length)
    expect([info.totalBytes, info.totalCalls]).toEqual([base.totalBytes, base.totalCalls])
    const invalid = info.anomalies.filter((a) => a.kind === 'invalid-counter')
    expect(invalid.map((a) => [a.line, a.key])).toEqual([[3, 'x.c:2 bytesbig'], [4, 'x.c:1 over64'], [5, 'x.c:3 bytessmall']])
    expect(info.anomalies.filter((a) => a.kind === 'wrapped-calls')).toEqual([])
    // The largest values the kernel prints are read as ever: 2^63-1 bytes, 2^64-1 calls (wrapped).
    const edge = [`${'9223372036854775807'.padStart(12)} 18446744073709551615 x.c:4 func:edge `]
    const e = await both('edge.txt', [...lines.slice(0, 2), ...edge, ...lines.slice(2)].join('\n') + '\n')
    expect(e.anomalies.map((a) => a.kind).filter((k) => k !== 'duplicate-key')).toEqual(['wrapped-calls'])
    expect(e.sites.find((s) => s.func === 'edge')!.bytes).toBe(2n ** 63n - 1n)
  })

  it('a header alone: read, with a warning that the dump holds no site', async () => {
    const info = await both('header.txt', lines.slice(0, 2).join('\n') + '\n')
    expect(info.sites).toEqual([])
    expect(info.notes).toEqual(['header.txt: the dump holds no site line, only its header: /proc/allocinfo of a kernel with memory allocation profiling lists every call site, at 0 bytes too'])
  })

  it('an unknown version: read as 2.0, with a warning saying which versions are known', async () => {
    const info = await both('v3.txt', real.replace('version: 2.0', 'version: 3.0'))
    expect(info.version).toBe('3.0')
    expect(info.sites).toEqual(base.sites)
    expect(info.notes).toEqual(['v3.txt:1: allocinfo version 3.0 is not one allocscope knows (1.0, 2.0): read as 2.0, unknown key:value tokens kept'])
    expect((await both('v2.txt', real)).notes).toBeUndefined()
  })

  it('NUL padding at the end: skipped and counted; a NUL with text after it: refused, naming its line', async () => {
    const padded = Buffer.concat([Buffer.from(real), Buffer.alloc(3 << 20)])
    const info = await both('padded.txt', padded)
    expect(info.sites).toEqual(base.sites)
    expect(info.lines).toBe(base.lines)
    expect(info.notes).toEqual([`padded.txt:${base.lines + 1}: skipped ${3 << 20} NUL bytes of padding at the end (from byte ${Buffer.byteLength(real)}; a file a crash or a sparse copy left with zeros)`])
    // Cut mid-line, then zeros: the last line is judged as cut short (the dump marked truncated).
    const cut = await both('cut-padded.txt', Buffer.concat([Buffer.from(real.slice(0, real.lastIndexOf('func:'))), Buffer.alloc(100)]))
    expect(cut.truncated).toMatch(/^line \d+: truncated last line/)
    const at = Buffer.byteLength(lines.slice(0, 10).join('\n')) + 1
    const mid = Buffer.concat([Buffer.from(real.slice(0, at)), Buffer.alloc(2), Buffer.from(real.slice(at))])
    const e = await refused('mid.txt', mid)
    expect(e.message).toBe(`mid.txt:11: binary data (a NUL byte at byte ${at}, with text after it; NULs are read only as padding at the end of a dump): expected /proc/allocinfo text`)
    expect(e.line).toBe(11)
  })

  it('sort -g | numfmt --to=iec output: refused, saying the sizes are human-formatted', async () => {
    // What numfmt --to=iec --invalid=ignore prints for the real dump's biggest sites (sizes >= 1024 become 1.0K..20M).
    const iec = (n: bigint): string => {
      const units = ['', 'K', 'M', 'G']
      let v = Number(n)
      let u = 0
      while (Math.abs(v) >= 1024 && u < 3) {
        v /= 1024
        u++
      }
      return u === 0 ? String(n) : (v < 10 ? (Math.ceil(v * 10) / 10).toFixed(1) : String(Math.ceil(v))) + units[u]
    }
    const body = lines.slice(2).map((l) => {
      const m = /^(\s*)(-?\d+)(\s.*)$/.exec(l)!
      const h = iec(BigInt(m[2]!))
      return `${' '.repeat(Math.max(0, m[1]!.length + m[2]!.length - h.length))}${h}${m[3]}`
    })
    const e = await refused('iec.txt', [...lines.slice(0, 2), ...body].join('\n') + '\n')
    const first = body.findIndex((l) => /^\s*[\d.]+[KMG]\s/.test(l))
    expect(e.message).toMatch(new RegExp(`^iec\\.txt:${first + 3}: the sizes look human-formatted \\('[\\d.]+[KMG]' and \\d+ more, as numfmt --to=iec prints them\\): allocscope needs the raw /proc/allocinfo numbers`))
    expect(e.line).toBe(first + 3)
  })

  it('two dumps appended: allocinfo, diff, batch and trend read the last snapshot and warn alike', async () => {
    const path = join(dir, 'appended.txt')
    writeFileSync(path, real + real)
    const note = `${path}:${base.lines + 1}: 2 allocinfo snapshots in one file (a header after sites begins another: dumps appended one after another); using the last, lines ${base.lines + 1}-${2 * base.lines}`
    const a = await runCli(['allocinfo', '--top', '1', '--json', path])
    expect(JSON.parse(a.stdout).warnings).toEqual([note])
    expect(JSON.parse(a.stdout).result.totals.bytes).toBe(Number(base.totalBytes))
    const d = await runCli(['diff', REAL_72, path, '--json'])
    expect(JSON.parse(d.stdout).warnings).toEqual([`b: ${note}`])
    const b = await runCli(['batch', path])
    const rec = JSON.parse(b.stdout.trim()) as {allocinfo: {bytes: string; notes?: string[]}}
    expect(rec.allocinfo).toMatchObject({bytes: String(base.totalBytes), notes: [note]})
    const t = await runCli(['trend', REAL_72, path, '--time-from', 'mtime', '--json'])
    expect(JSON.parse(t.stdout).warnings).toContain(note)
  })
})
