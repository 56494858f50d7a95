// Shapes of a real boot log an adversarial review found misread (issue list of hostile14): each
// input is DERIVED in a temp dir from a real dmesg.txt (a WARN "alloc_tag was not set" at lines
// 270-316), or named synthetic when it is built by hand.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {gzipSync} from 'node:zlib'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {analyseBootLog} from '../../src/analysis/read.js'
import {runAnalyse, type AnalyseFlags} from '../../src/analysis/run.js'
import {readAllocInfo} from '../../src/readers/allocinfo.js'
import type {BootAnalysis} from '../../src/types.js'
import {BIN, cliEnv} from '../helpers/cli.js'
import {captureDir} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-review14-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
export const B = join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'dmesg.txt')
const LINES = readFileSync(B, 'utf8').trimEnd().split('\n')
const FLAGS: AnalyseFlags = {traces: false, bytes: false, 'accept-truncated': false}

/** Each line of the real log as [seconds, text]. */
const parsed = LINES.map((l) => {
  const m = /^\[\s*(\d+\.\d+)\] ?(.*)$/.exec(l)!
  return {t: Number(m[1]), text: m[2]!}
})

function derived(name: string, lines: string[]): string {
  const p = join(tmp, name)
  writeFileSync(p, lines.join('\n') + '\n')
  return p
}

const clock = (t: number) => `09:${String(Math.floor(t / 60)).padStart(2, '0')}:${String(Math.floor(t) % 60).padStart(2, '0')}`

/** What the real log itself gives: every record, the facts, the one finding with its frames (on the log's own lines unless `json`). */
async function expectWholeLog(path: string, json = false): Promise<BootAnalysis> {
  const r = await runAnalyse(path, FLAGS)
  const a = r.result as BootAnalysis
  expect(a.records).toBe(331)
  expect(a.host.release?.value).toBe('7.2.13')
  expect(a.host.cmdline?.value).toMatch(/^console=ttyS0 sysctl.vm.mem_profiling=1/)
  expect(a.host.memoryTotalKiB?.value).toBeDefined()
  expect(a.findings.map((f) => [f.id, f.splat?.frames.length])).toEqual([['alloc-tag-not-set', 19]])
  expect(r.warnings).toEqual([])
  if (json) return a
  expect(a.skipped).toEqual([])
  expect([a.host.release?.line, a.host.possibleCpus?.line, a.host.memoryTotalKiB?.line, a.findings[0]!.line]).toEqual([1, 85, 151, 270])
  return a
}

describe('journalctl -k --no-hostname (DERIVED): no host field between the stamp and kernel:', () => {
  it('short (default): every record, the finding at line 270', async () => {
    const a = await expectWholeLog(derived('nohost-short.txt', parsed.map((p) => `Dec 05 ${clock(p.t)} kernel: ${p.text}`)))
    expect(a.format).toBe('journal')
  })

  it('short-iso and short-precise likewise', async () => {
    await expectWholeLog(derived('nohost-iso.txt', parsed.map((p) => `2026-12-05T${clock(p.t)}+0000 kernel: ${p.text}`)))
    await expectWholeLog(derived('nohost-precise.txt', parsed.map((p) => `Dec 05 ${clock(p.t)}.${String(Math.round((p.t % 1) * 1e6)).padStart(6, '0')} kernel: ${p.text}`)))
  })

  it('short-monotonic --no-hostname: the prefix is stripped, the kernel time kept', async () => {
    const a = await expectWholeLog(derived('nohost-mono.txt', LINES.map((l) => l.replace(/^(\[[ 0-9.]+\]) ?/, '$1 kernel: '))))
    expect(a.format).toBe('journal')
    expect(a.findings[0]!.time).toBe(parsed[269]!.t)
  })

  it('a host is still read as one (short-monotonic with a host)', async () => {
    await expectWholeLog(derived('host-mono.txt', LINES.map((l) => l.replace(/^(\[[ 0-9.]+\]) ?/, '$1 vm kernel: '))))
  })
})

describe('dmesg -x --time-format iso (DERIVED, util-linux 2.38 layout)', () => {
  it('the ISO stamp after the facility:level is stripped: every fact, one finding at line 270', async () => {
    const level = (t: string) => (/WARNING|cut here|alloc_tag/.test(t) ? 'warn  ' : 'info  ')
    const iso = (t: number) => `2026-12-04T17:${String(48 + Math.floor(t / 60)).padStart(2, '0')}:${String(Math.floor(t) % 60).padStart(2, '0')},${String(Math.round((t % 1) * 1e6)).padStart(6, '0')}+00:00`
    const a = await expectWholeLog(derived('x-iso.txt', parsed.map((p) => `kern  :${level(p.text)}: ${iso(p.t)} ${p.text}`)))
    expect(a.format).toBe('dmesg-decode')
  })
})

describe('a log whose every non-blank line is skipped is an input error, not an empty green report', () => {
  it('syslog lines of other programs only (synthetic): exit-2 error naming the first line', async () => {
    const p = derived('synthetic-no-kernel.txt', ['Dec 05 09:00:00 vm systemd[1]: Started foo.', '', 'Dec 05 09:00:01 vm sshd[22]: Accepted key'])
    await expect(runAnalyse(p, FLAGS)).rejects.toThrow(`${p}:1: none of its 2 non-blank lines reads as a kernel record of the format detected, syslog (line 1: not a kernel message)`)
  })

  it('journalctl\'s "-- No entries --" alone (synthetic) stays an empty log with a warning', async () => {
    const p = derived('synthetic-no-entries.txt', ['-- No entries --'])
    const r = await runAnalyse(p, FLAGS)
    expect(r.warnings).toEqual([`${p}: no kernel log records found`])
  })
})

describe('dmesg --json cut short or broken (DERIVED: the real log as util-linux 2.38 pretty-prints it)', () => {
  const doc = (open: string) =>
    `{\n   "dmesg": [\n      ${open}` + parsed.map((p) => `\n         "pri": 6,\n         "time": ${p.t.toFixed(6).padStart(12)},\n         "msg": ${JSON.stringify(p.text)}\n      `).join(`},${open}`) + '}\n   ]\n}\n'

  it('whole: every record', async () => {
    await expectWholeLog(derived('whole.json', [doc('{')]), true)
  })

  it('cut inside an entry: what was read, marked truncated in the result and warned (not a whole log)', async () => {
    const lines = doc('{').split('\n').slice(0, 599)
    const p = derived('cut.json', [...lines, '         "msg": "Memory: 82706'])
    const r = await runAnalyse(p, FLAGS)
    const a = r.result as BootAnalysis
    expect(a.records).toBe(149)
    expect(a.input?.truncated).toBe('the dmesg --json document ends at line 600 inside the entry from line 599 (cut short)')
    expect(r.warnings).toContain(`${p}: ${a.input!.truncated}: the result covers only what was read (TRUNCATED)`)
  })

  it('an extra "{" opening each entry: an input error naming the line, not one record and exit 0', async () => {
    const p = derived('broken.json', [doc('{{')])
    await expect(runAnalyse(p, FLAGS)).rejects.toThrow(`${p}:3: the entry from line 3 holds a nested object or array (dmesg --json entries are flat): not a dmesg --json document`)
  })
})

describe('damage to the input is in the report itself, not only on stderr (DERIVED)', () => {
  const hostRows = (r: Awaited<ReturnType<typeof runAnalyse>>) => (r.report.blocks.find((b) => b.title === 'Host') as {rows: {key: string; value: unknown}[]}).rows
  const text = (v: unknown) => (typeof v === 'object' && v !== null ? (v as {text: string}).text : String(v))

  it('a gzip cut short read with --accept-truncated: a "truncated" row in the Host block, input.truncated in the result', async () => {
    const p = join(tmp, 'cut.gz')
    writeFileSync(p, gzipSync(readFileSync(B)).subarray(0, 3000))
    const r = await runAnalyse(p, {...FLAGS, 'accept-truncated': true})
    expect((r.result as BootAnalysis).input?.truncated).toBe('the gzip stream ends early (truncated)')
    const row = hostRows(r).find((x) => x.key === 'truncated')
    expect(text(row?.value)).toBe('the gzip stream ends early (truncated): the result covers only what was read (TRUNCATED)')
  })

  it('a line over 1 MiB and a NUL run: a row each', async () => {
    const lines = [...LINES]
    lines.splice(10, 0, `[    0.000001] ${'x'.repeat(2 ** 20 + 10)}`)
    const p = join(tmp, 'long-nul.txt')
    writeFileSync(p, Buffer.concat([Buffer.from(lines.slice(0, 100).join('\n') + '\n'), Buffer.alloc(64), Buffer.from(lines.slice(100).join('\n') + '\n')]))
    const r = await runAnalyse(p, FLAGS)
    const rows = hostRows(r)
    expect(text(rows.find((x) => x.key === 'long lines')?.value)).toBe('1 line longer than 1 MiB was cut at that length, the first at line 11')
    expect(text(rows.find((x) => x.key === 'NUL bytes')?.value)).toMatch(/^skipped 64 NUL bytes in 1 run /)
  })
})

describe('skipped lines are counted past the 1000 listed (DERIVED: 3000 noise lines inside the real log)', () => {
  it('skippedTotal 3000, the report says 3000, the first 1000 listed', async () => {
    const p = derived('noise.txt', [...LINES.slice(0, 150), ...Array.from({length: 3000}, (_, i) => `noise ${i + 1}`), ...LINES.slice(150)])
    const r = await runAnalyse(p, FLAGS)
    const a = r.result as BootAnalysis
    expect([a.records, a.skippedTotal, a.skipped.length]).toEqual([331, 3000, 1000])
    const rows = (r.report.blocks.find((b) => b.title === 'Host') as {rows: {key: string; note?: string}[]}).rows
    expect(rows.find((x) => x.key === 'records')?.note).toBe('3000 lines skipped')
  })
})

describe('what an input is, from its first bytes, not its name', () => {
  const ALLOC = join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'allocinfo.txt')
  // Synthetic: each format's magic bytes in front of the real log (no reader gets past them).
  const MAGIC: [string, number[], string][] = [
    ['zst', [0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x00], 'zstd-compressed: decompress it first (zstd -d)'],
    ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04], 'xz-compressed: decompress it first (xz -d)'],
    ['bz2', [...Buffer.from('BZh91AY&SY'), 0x12, 0x34], 'bzip2-compressed: decompress it first (bzip2 -d)'],
  ]

  it.each(MAGIC)('synthetic .%s: says which compression and how to undo it (analyse and allocinfo)', async (ext, magic, what) => {
    const log = join(tmp, `synthetic-log.${ext}`)
    writeFileSync(log, Buffer.concat([Buffer.from(magic), readFileSync(B)]))
    await expect(runAnalyse(log, FLAGS)).rejects.toThrow(`${log}: ${what}: expected a kernel log`)
    const dump = join(tmp, `synthetic-allocinfo.${ext}`)
    writeFileSync(dump, Buffer.concat([Buffer.from(magic), readFileSync(ALLOC)]))
    await expect(readAllocInfo(dump)).rejects.toThrow(`${dump}: ${what}: expected /proc/allocinfo text`)
  })

  it('UTF-16 with a byte order mark (DERIVED: as PowerShell ">" writes it, LE and BE): read as the UTF-8 original, not as "NUL runs" or "binary"', async () => {
    for (const swap of [false, true]) {
      const le = Buffer.from('\ufeff' + readFileSync(B, 'utf8'), 'utf16le')
      const log = join(tmp, `utf16-${swap ? 'be' : 'le'}.txt`)
      writeFileSync(log, swap ? le.swap16() : le)
      const a = await expectWholeLog(log)
      expect(a.input).toBeUndefined()
      // Asked to read in pieces (cut at byte offsets, as worker threads read a large log): UTF-16 has
      // no "\n[" byte pair to cut at, so it is read whole; a non-ASCII character late in the log would
      // show a cut (its UTF-16 bytes are not UTF-8).
      const accented = join(tmp, `utf16-accent-${swap ? 'be' : 'le'}.txt`)
      const ale = Buffer.from('\ufeff' + LINES.map((l, i) => (i === 150 ? `${l} é` : l)).join('\n') + '\n', 'utf16le')
      writeFileSync(accented, swap ? ale.swap16() : ale)
      const split = await analyseBootLog(accented, {split: {points: [4096], jobs: 0}})
      expect([split.records, split.findings.map((f) => f.line), split.host.memoryTotalKiB?.text?.endsWith(' é')]).toEqual([331, [270], true])
      const dump = join(tmp, `utf16-allocinfo-${swap ? 'be' : 'le'}.txt`)
      const dle = Buffer.from('\ufeff' + readFileSync(ALLOC, 'utf8'), 'utf16le')
      writeFileSync(dump, swap ? dle.swap16() : dle)
      const [got, want] = [await readAllocInfo(dump), await readAllocInfo(ALLOC)]
      expect([got.sites, got.totalBytes, got.notes]).toEqual([want.sites, want.totalBytes, want.notes])
    }
  })

  it('a plain-text log named .gz (DERIVED copy) is read as text, not called corrupt gzip', async () => {
    const p = join(tmp, 'plain.gz')
    writeFileSync(p, readFileSync(B))
    await expectWholeLog(p)
    const dump = join(tmp, 'plain-allocinfo.gz')
    writeFileSync(dump, readFileSync(ALLOC))
    expect((await readAllocInfo(dump)).sites.length).toBe((await readAllocInfo(ALLOC)).sites.length)
  })
})

describe('other journalctl shapes (DERIVED from the real log)', () => {
  it('short-full and short-unix, with a host and without: read', async () => {
    const full = (p: {t: number}) => `Sat 2026-12-05 ${clock(p.t)} UTC`
    const unix = (p: {t: number}) => (1764925200 + p.t).toFixed(6)
    for (const [name, stamp] of [['full', full], ['unix', unix]] as const) {
      await expectWholeLog(derived(`short-${name}.txt`, parsed.map((p) => `${stamp(p)} vm kernel: ${p.text}`)))
      await expectWholeLog(derived(`short-${name}-nohost.txt`, parsed.map((p) => `${stamp(p)} kernel: ${p.text}`)))
    }
  })

  it('-o json-seq (a record separator before each entry): read as -o json is', async () => {
    const entry = (p: {t: number; text: string}) => JSON.stringify({_TRANSPORT: 'kernel', PRIORITY: '6', _SOURCE_MONOTONIC_TIMESTAMP: String(Math.round(p.t * 1e6)), MESSAGE: p.text})
    const a = await expectWholeLog(derived('seq.json', parsed.map((p) => `\x1e${entry(p)}`)))
    expect(a.format).toBe('journal-json')
  })

  it('-o json-pretty: named and said to be unsupported; an allocinfo dump: pointed at allocscope allocinfo', async () => {
    const entry = (p: {t: number; text: string}) => JSON.stringify({__CURSOR: 's=1', _TRANSPORT: 'kernel', MESSAGE: p.text}, null, '\t')
    const p = derived('pretty.json', parsed.map(entry))
    await expect(runAnalyse(p, FLAGS)).rejects.toThrow(`${p}: journalctl -o json-pretty output, which is not supported: use journalctl -k -o json (one entry per line)`)
    const dump = join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'allocinfo.txt')
    await expect(runAnalyse(dump, FLAGS)).rejects.toThrow(`${dump}: a /proc/allocinfo dump, not a kernel log: read it with allocscope allocinfo`)
  })
})

describe('stdin has one name in messages (built CLI, real processes: npm run build first)', () => {
  const onStdin = (args: string[], input: Buffer) => spawnSync(process.execPath, [BIN, ...args, '-'], {input, encoding: 'utf8', env: cliEnv()})

  it('a truncated gzip, a zstd stream and a truncated gzip dump on stdin: each named <stdin>', () => {
    const cut = gzipSync(readFileSync(B)).subarray(0, 3000)
    expect(onStdin(['analyse'], cut).stderr).toMatch(/^allocscope: <stdin>: the gzip stream ends early/)
    expect(JSON.parse(onStdin(['analyse', '--accept-truncated', '--json'], cut).stdout).warnings).toEqual(['<stdin>: the gzip stream ends early (truncated): the result covers only what was read (TRUNCATED)'])
    expect(onStdin(['analyse'], Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), readFileSync(B)])).stderr).toMatch(/^allocscope: <stdin>: zstd-compressed/)
    const dump = gzipSync(readFileSync(join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'allocinfo.txt'))).subarray(0, 3000)
    expect(onStdin(['allocinfo'], dump).stderr).toMatch(/<stdin>: the gzip stream ends early/)
  })
})
