// UTF-16 with a byte order mark under gzip (a PowerShell capture, `>` then gzip) is converted as the
// uncompressed file is: the byte order mark was looked for on the compressed bytes only, so after
// gunzip the UTF-16 was read as UTF-8 with its NUL bytes skipped ('skipped 23341 NUL bytes in 23341
// runs') and `höst` read as `h\ufffdst` (found by a review). One step after gunzip or without it,
// gzip.ts asUtf8, for every reader: boot logs, allocinfo dumps, batch's files and archive members,
// the head diff and batch sniff, and calibrate's whole-file read (gzip.ts textOf). Inputs are DERIVED in a temp dir from
// samples/linux-7.2-notrack-c8-m1024-shrink: its dmesg.txt plus a line naming a host with a
// non-ASCII letter, CRLF line ends, encoded UTF-16LE/BE with a BOM (and UTF-8 with a BOM), gzipped
// here with node:zlib; its allocinfo.txt likewise.
import {copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {gzipSync} from 'node:zlib'
import * as tar from 'tar-stream'
import {afterAll, describe, expect, it} from 'vitest'
import {analyseBootLog} from '../../src/analysis/read.js'
import type {BatchRecord} from '../../src/batch/schema.js'
import {HEAD_BYTES, sniffBytes} from '../../src/diff/inputs.js'
import {readCaptureFacts} from '../../src/model/capture-facts.js'
import {readAllocInfo} from '../../src/readers/allocinfo.js'
import {asUtf8} from '../../src/readers/gzip.js'
import type {BootAnalysis} from '../../src/types.js'
import {runCli} from '../helpers/cli.js'
import {SAMPLES} from '../helpers/paths.js'

const CAPTURE = join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink')
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-gz-utf16-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

/** The review's log: the sample's dmesg.txt and a host line, CRLF (as PowerShell writes it). */
const TEXT = (readFileSync(join(CAPTURE, 'dmesg.txt'), 'utf8') + '[    9.100000] systemd[1]: Hostname set to <höst>.\n').replaceAll('\n', '\r\n')
const HOST_LINE = TEXT.split('\r\n').length - 1

type Encoding = 'utf-16le' | 'utf-16be' | 'utf-8'
/** `text` with its byte order mark, in `enc`. */
function encoded(text: string, enc: Encoding): Buffer {
  if (enc === 'utf-8') return Buffer.from('\ufeff' + text, 'utf8')
  const le = Buffer.from('\ufeff' + text, 'utf16le')
  return enc === 'utf-16le' ? le : le.swap16()
}
function write(name: string, b: Buffer): string {
  const p = join(tmp, name)
  writeFileSync(p, b)
  return p
}

/** What a log's analysis says, without where it was read from. */
const facts = (a: BootAnalysis) => ({format: a.format, records: a.records, lines: a.lines, host: a.host, profiling: a.profiling, findings: a.findings.map((f) => [f.id, f.line]), klab: a.klab})

describe('a gzip of UTF-16 (or UTF-8) with a byte order mark is read as the file itself', () => {
  it.each(['utf-16le', 'utf-16be', 'utf-8'] as const)('DERIVED %s boot log, gzipped: the same facts, hostname and lines as uncompressed, no NUL padding', async (enc) => {
    const bytes = encoded(TEXT, enc)
    const plain = await analyseBootLog(write(`log-${enc}.txt`, bytes))
    const gz = await analyseBootLog(write(`log-${enc}.txt.gz`, gzipSync(bytes)))
    expect(plain.host.hostname).toMatchObject({value: 'höst', line: HOST_LINE})
    expect(gz.host.hostname).toMatchObject({value: 'höst', line: HOST_LINE})
    expect(gz.input).toBeUndefined()
    expect(facts(gz)).toEqual(facts(plain))
  })

  it('analyse --json on the gzip of the UTF-16LE log: hostname höst, no NUL warning', async () => {
    const r = await runCli(['analyse', write('cli-utf16.log.gz', gzipSync(encoded(TEXT, 'utf-16le'))), '--json'])
    expect(r.status, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout) as {result: BootAnalysis; warnings: string[]}
    expect(doc.result.host.hostname?.value).toBe('höst')
    expect(doc.warnings.filter((w) => /NUL/.test(w))).toEqual([])
  })

  it.each(['utf-16le', 'utf-16be'] as const)('DERIVED %s allocinfo dump, gzipped: the sample\'s sites and totals', async (enc) => {
    const text = readFileSync(join(CAPTURE, 'allocinfo.txt'), 'utf8')
    const [want, got] = [await readAllocInfo(join(CAPTURE, 'allocinfo.txt')), await readAllocInfo(write(`allocinfo-${enc}.txt.gz`, gzipSync(encoded(text, enc))))]
    expect([got.sites, got.totalBytes, got.notes]).toEqual([want.sites, want.totalBytes, want.notes])
  })

  it('the head batch and diff sniff: UTF-16 decoded after gunzip, no NUL in it', () => {
    for (const enc of ['utf-16le', 'utf-16be'] as const) {
      const b = encoded(TEXT, enc)
      const h = sniffBytes(gzipSync(b))
      expect(h).toEqual(sniffBytes(b.subarray(0, HEAD_BYTES)))
      expect('text' in h && h.text.startsWith('[    0.000000] Linux version') && !h.text.includes('\ufffd')).toBe(true)
    }
  })
})

describe('calibrate reads a capture whose boot log is UTF-16, gzipped or not, as analyse does', () => {
  it('DERIVED capture directories (the sample\'s meta.json and a UTF-16LE dmesg.txt, or its .gz): the facts of the sample', () => {
    // Where it was read from (the name, the paths, the line origins' file) aside.
    const facts = (dir: string, log: string): unknown => JSON.parse(JSON.stringify(readCaptureFacts(dir)).replaceAll(log, 'LOG').replaceAll(dir, 'DIR').replaceAll(basename(dir), 'NAME'))
    const want = facts(CAPTURE, join(CAPTURE, 'dmesg.txt'))
    const utf16 = encoded(readFileSync(join(CAPTURE, 'dmesg.txt'), 'utf8'), 'utf-16le')
    for (const [dir, file, bytes] of [['cap-utf16', 'dmesg.txt', utf16], ['cap-utf16-gz', 'dmesg.txt.gz', gzipSync(utf16)]] as const) {
      mkdirSync(join(tmp, dir))
      copyFileSync(join(CAPTURE, 'meta.json'), join(tmp, dir, 'meta.json'))
      writeFileSync(join(tmp, dir, file), bytes)
      expect(facts(join(tmp, dir), join(tmp, dir, file))).toEqual(want)
    }
  })
})

describe('asUtf8 (synthetic chunks)', () => {
  const collect = async (chunks: Buffer[]): Promise<string> => {
    async function* from(): AsyncGenerator<Buffer> {
      yield* chunks
    }
    const out: Buffer[] = []
    for await (const b of asUtf8(from())) out.push(b)
    return Buffer.concat(out).toString('utf8')
  }
  it('a byte order mark split over one-byte chunks, a character split between chunks; UTF-8 and nothing as they are', async () => {
    const b = encoded('höst\r\n', 'utf-16le')
    expect(await collect([...b].map((x) => Buffer.from([x])))).toBe('höst\r\n')
    expect(await collect([b.subarray(0, 1), b.subarray(1, 5), b.subarray(5)])).toBe('höst\r\n')
    expect(await collect([Buffer.from('hö'), Buffer.from('st')])).toBe('höst')
    expect(await collect([Buffer.from([0xff])])).toBe('\ufffd')
    expect(await collect([])).toBe('')
  })
})

describe('batch on the gzip of the UTF-16 log', () => {
  const content = (r: BatchRecord) => ({kind: r.kind, hostname: r.hostname, error: r.error, host: r.host, profiling: r.profiling, findings: r.findings, klab: r.klab})
  const batch = async (paths: string[]): Promise<BatchRecord[]> => {
    const r = await runCli(['batch', '--jobs', '1', ...paths])
    expect(r.status, r.stderr).toBe(0)
    return r.stdout.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as BatchRecord)
  }

  it('a .gz file (LE and BE) and the members of a tar.gz (the log, its gzip, a gzip UTF-16 dump): the records of the uncompressed log, hostname höst', async () => {
    const le = encoded(TEXT, 'utf-16le')
    const [plain] = await batch([write('batch-utf16.log', le)])
    expect(plain!.hostname).toBe('höst')
    const files = await batch([write('batch-utf16le.log.gz', gzipSync(le)), write('batch-utf16be.log.gz', gzipSync(encoded(TEXT, 'utf-16be')))])
    expect(files.map(content)).toEqual([content(plain!), content(plain!)])

    const dump = encoded(readFileSync(join(CAPTURE, 'allocinfo.txt'), 'utf8'), 'utf-16le')
    const pack = tar.pack()
    for (const [name, data] of [['a.log', le], ['b.log.gz', gzipSync(le)], ['c.txt.gz', gzipSync(dump)]] as const) pack.entry({name, mtime: new Date('2026-01-02T03:04:05Z')}, data)
    pack.finalize()
    const parts: Buffer[] = []
    for await (const c of pack) parts.push(c as Buffer)
    const [want] = await batch([join(CAPTURE, 'allocinfo.txt')])
    const members = await batch([write('batch-utf16.tar.gz', gzipSync(Buffer.concat(parts)))])
    expect(members.slice(0, 2).map(content)).toEqual([content(plain!), content(plain!)])
    expect([members[2]!.kind, members[2]!.allocinfo]).toEqual(['allocinfo', want!.allocinfo])
  })
})
