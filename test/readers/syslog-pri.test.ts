// A syslog log whose lines keep the `<PRI>` of the wire form (RFC 3164 with its priority, as some
// collectors store it: `<4>Dec  6 07:00:01 vm kernel: …`; RFC 5424's `<4>1 2026-12-06T… vm kernel
// - - - …`) was read as `dmesg -r` (its line test claimed every `<N>` line): no kernel, command
// line, memory, KASAN or kmemleak facts, other line numbers, the WARN marked corrupted. It is
// syslog, read as the same log without the priority is; the priority is the record's level.
// DERIVED from a real capture (samples/) by test/helpers/convert.ts toSyslog.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {analyseBootLog} from '../../src/analysis/read.js'
import {hostnameOf} from '../../src/batch/hostname.js'
import {detectFormat} from '../../src/readers/bootlog/detect.js'
import {parseBootLogText} from '../../src/readers/bootlog/index.js'
import type {BootAnalysis} from '../../src/types.js'
import {dmesgLines, toSyslog} from '../helpers/convert.js'
import {captureDir} from '../helpers/paths.js'
import {comparable} from '../helpers/same-analysis.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-syslog-pri-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
/** "SH": 331 stamped lines, one `alloc_tag was not set` WARN. */
const SH = readFileSync(join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'dmesg.txt'), 'utf8')
const SYSLOG = toSyslog(SH)
const lines = SYSLOG.split('\n').slice(0, -1)
/** toSyslog's lines with a priority first: `<4>` (kern.warning) on the kernel's, `<13>` (user.notice) on the other programs'. */
const PRI = lines.map((l) => `${/^\S+(?: +\S+){0,3} vm kernel: /.test(l) ? '<4>' : '<13>'}${l}\n`).join('')
const STAMP = /^(\S+ +\S+ \S+|\S+) vm (\S+?)(?:\[\d+\])?: /
/** The same lines as RFC 5424: `<PRI>1 <RFC 3339 stamp> vm <app> - - - <text>`. */
const RFC5424 = lines
  .map((l) => {
    const m = STAMP.exec(l)!
    return `${m[2] === 'kernel' ? '<4>' : '<13>'}1 2026-12-06T07:00:01.123456+00:00 vm ${m[2]} - - - ${l.slice(m[0].length)}\n`
  })
  .join('')

function file(name: string, text: string): string {
  const p = join(tmp, name)
  writeFileSync(p, text)
  return p
}

/** Every host fact's value and line, the findings' lines and whether they are corrupted. */
const lined = (a: BootAnalysis) => ({
  host: Object.fromEntries(Object.entries(a.host).map(([k, f]) => [k, [f.value, f.line]])),
  findings: a.findings.map((f) => [f.id, f.line, f.count, f.corrupted]),
})

/** `text` analysed as syslog, as toSyslog's log without the priority is: the same facts, findings and lines. */
async function expectAsPlain(name: string, text: string): Promise<[BootAnalysis, BootAnalysis]> {
  const plain = await analyseBootLog(file(`plain-${name}`, SYSLOG))
  const a = await analyseBootLog(file(name, text))
  expect(a.format).toBe('syslog')
  expect(comparable(a)).toEqual(comparable(plain))
  expect(lined(a)).toEqual(lined(plain))
  return [a, plain]
}

describe('syslog with its <PRI> before the stamp (DERIVED from samples/linux-7.2-notrack-c8-m1024-shrink)', () => {
  it('is detected as syslog, not dmesg -r', () => {
    const d = detectFormat(PRI.split('\n').slice(0, 200))
    // Was: dmesg-raw, '200 of the first 200 non-empty lines look like dmesg -r output'.
    expect([d.format, d.reason]).toEqual(['syslog', '200 of the first 200 non-empty lines have a syslog date and host, a <priority> before it, kernel lines carry [time]'])
    expect(detectFormat(RFC5424.split('\n').slice(0, 200)).format).toBe('syslog')
    // dmesg -r itself is still dmesg -r.
    expect(detectFormat(dmesgLines(SH).map((l) => `<4>[${l.stamp}] ${l.text}`)).format).toBe('dmesg-raw')
  })

  it('gives the facts, findings and line numbers of the same log without the priority (toSyslog)', async () => {
    const [pri, plain] = await expectAsPlain('pri.log', PRI)
    // Was (as dmesg -r): no kernel, command line, memory, KASAN or kmemleak; possible CPUs at line 70; the WARN corrupted.
    expect(pri.host.release?.value).toBe('7.2.13')
    expect(['cmdline', 'memoryTotalKiB', 'kasan', 'kmemleak'].filter((k) => !(k in pri.host))).toEqual([])
    expect(pri.host.possibleCpus?.line).toBe(plain.host.possibleCpus?.line)
    expect(pri.findings.map((f) => [f.id, f.count, f.corrupted])).toEqual([['alloc-tag-not-set', 1, false]])
  })

  it('reads RFC 5424 (`<4>1 <stamp> vm kernel - - - text`) as the same log', async () => {
    await expectAsPlain('rfc5424.log', RFC5424)
  })

  it("the priority is the kernel record's level and facility; the <13> lines of other programs are skipped as before", () => {
    const p = parseBootLogText(PRI)
    expect(p.format).toBe('syslog')
    expect(p.records.length).toBe(dmesgLines(SH).length)
    expect(new Set(p.records.map((r) => `${r.level}/${r.facility}`))).toEqual(new Set(['4/0']))
    const plain = parseBootLogText(SYSLOG)
    expect(p.records.map((r) => [r.line, r.text, r.time])).toEqual(plain.records.map((r) => [r.line, r.text, r.time]))
    expect(p.skipped.map((s) => [s.line, s.reason])).toEqual(plain.skipped.map((s) => [s.line, s.reason]))
    // A level the kernel printed after the tag wins over the collector's.
    expect(parseBootLogText('<13>Dec  6 07:00:01 vm kernel: <2>[    0.000000] Linux version 7.2.13\n', {format: 'syslog'}).records[0]).toMatchObject({level: 2, facility: 0})
  })

  it("batch's host name comes from the same prefix", () => {
    expect(hostnameOf(PRI.slice(0, 4000))).toBe('vm')
    expect(hostnameOf(RFC5424.slice(0, 4000))).toBe('vm')
    // dmesg -r holding the word `kernel ` names no host.
    expect(hostnameOf('<6>[    0.000000] Booting paravirtualized kernel on KVM\n<6>Booting paravirtualized kernel on KVM\n')).toBeUndefined()
  })
})
