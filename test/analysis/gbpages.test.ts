// The GB pages host fact: printed (`Using GB pages for direct mapping`), turned off (`nogbpages`),
// or inferred false from an x86 boot log that runs from the banner past `Memory:` without the line.
// Real captures, DERIVED cuts of them (test/helpers/gbpages-derived.ts) and DERIVED formats.
import {existsSync, readFileSync} from 'node:fs'
import {basename, join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {analyseBootLogText} from '../../src/analysis/read.js'
import {buildAnalyseReport} from '../../src/analysis/report.js'
import type {KvBlock, TextBlock} from '../../src/render/report.js'
import {CONVERTERS, toDmesgJsonCompact} from '../helpers/convert.js'
import {derivedCutBefore, derivedDropFirst, derivedWithCmdlineParam, derivedWithout} from '../helpers/gbpages-derived.js'
import {captureDir, captureDirs} from '../helpers/paths.js'

const GB = 'Using GB pages for direct mapping'
const read = (name: string, file = 'dmesg.txt') => readFileSync(join(captureDir(name), file), 'utf8')
const analyse = (text: string, source = 'derived') => analyseBootLogText(text, source)
/** 1-based line of the first line containing `needle` (what grep -n says). */
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1

const Q64 = 'linux-6.12-instr_smp004_1G_qemu64'
const MAX = 'linux-6.12-instr_smp004_1G'

describe('GB pages on the real corpus', () => {
  const dirs = captureDirs().filter((d) => existsSync(join(d, 'dmesg.txt')))

  it.each(dirs.map((d) => basename(d)))('%s: the fact is the presence of the line', (name) => {
    const text = read(name)
    const f = analyse(text, name).host.gbPages
    expect(f, 'every corpus dmesg.txt runs from Linux version past Memory:').toBeDefined()
    expect(f!.value).toBe(text.includes(GB))
    if (f!.value) expect(f!.line).toBe(lineOf(text, GB))
  })

  it('only the qemu64 boot lacks GB pages (QEMU -cpu qemu64 has no pdpe1gb)', () => {
    const without = dirs.map((d) => basename(d)).filter((n) => analyse(read(n), n).host.gbPages?.value === false)
    expect(without).toEqual([Q64])
  })

  it(`${MAX} (-cpu max): yes, line 21`, () => {
    const f = analyse(read(MAX), MAX).host.gbPages!
    expect(f).toEqual({value: true, line: 21, text: GB})
  })

  it(`${Q64}: no, inferred at Memory: (line 121) from a log that starts at the banner (line 1)`, () => {
    const f = analyse(read(Q64), Q64).host.gbPages!
    expect(f.value).toBe(false)
    expect(f.line).toBe(121)
    expect(f.text).toMatch(/^Memory: 1009276K\/1048052K available/)
    expect(f.reason).toMatch(/between Linux version \(line 1\) and Memory: \(line 121\)/)
    expect(f.reason).toMatch(/2 MiB direct map/)
  })

  it('the truncated console.log of the 255-CPU pool boot (never reaches Memory:) still prints the line: yes, line 25', () => {
    const text = read('linux-7.2-pool-c255-m1024', 'console.log')
    expect(text).not.toMatch(/Memory: \d+K/)
    expect(analyse(text).host.gbPages).toMatchObject({value: true, line: 25})
  })

  it('the lkml excerpt (no banner, no Memory:) says nothing', () => {
    expect(analyse(read('lkml-7.0-rc4-alloc-tag-not-set', 'dmesg-excerpt.txt')).host.gbPages).toBeUndefined()
  })
})

describe('GB pages on DERIVED logs: absence is a fact only from the banner to Memory:', () => {
  const q64 = read(Q64)

  it('qemu64 cut before Memory: → unknown', () => {
    expect(analyse(derivedCutBefore(q64, 'Memory: ')).host.gbPages).toBeUndefined()
  })

  it('-cpu max cut before Memory: → still yes (the line is printed long before)', () => {
    expect(analyse(derivedCutBefore(read(MAX), 'Memory: ')).host.gbPages).toMatchObject({value: true, line: 21})
  })

  it('qemu64 without its banner (a wrapped ring buffer) → unknown', () => {
    expect(analyse(derivedDropFirst(q64, 1)).host.gbPages).toBeUndefined()
  })

  it('qemu64 without the x86 e820 map (not an x86 boot: no such message exists) → unknown', () => {
    expect(analyse(derivedWithout(q64, 'BIOS-provided physical RAM map')).host.gbPages).toBeUndefined()
  })

  it('nogbpages on the command line → no, from the command line, even in a log cut before Memory:', () => {
    const text = derivedWithCmdlineParam(derivedCutBefore(q64, 'Memory: '), 'nogbpages')
    const f = analyse(text).host.gbPages!
    expect(f.value).toBe(false)
    expect(f.line).toBe(lineOf(text, 'Command line: '))
    expect(f.text).toMatch(/ nogbpages$/)
    // a parameter that merely contains the word is not it
    expect(analyse(derivedWithCmdlineParam(derivedCutBefore(q64, 'Memory: '), 'xnogbpages=1')).host.gbPages).toBeUndefined()
  })

  it.each([...Object.entries(CONVERTERS), ['dmesg --json compact', toDmesgJsonCompact] as const])('qemu64 as %s: no; -cpu max: yes', (_, convert) => {
    const a = convert(q64)
    const b = convert(read(MAX))
    // gzip-free converters return text; formats the reader does not take are not part of this test
    expect(analyse(String(a)).host.gbPages?.value).toBe(false)
    expect(analyse(String(b)).host.gbPages?.value).toBe(true)
  })
})

describe('analyse report', () => {
  it('qemu64: Host row "GB pages (direct map)" no, inferred; the Why block says how', () => {
    const a = analyse(read(Q64), Q64)
    const r = buildAnalyseReport(a, {traces: false})
    const host = r.blocks.find((b) => b.kind === 'kv' && b.title === 'Host') as KvBlock
    expect(host.rows.find((x) => x.key === 'GB pages (direct map)')).toEqual({key: 'GB pages (direct map)', value: 'no', note: 'line 121, inferred'})
    const why = r.blocks.find((b) => b.kind === 'text' && b.title === 'Why') as TextBlock
    expect(why.lines.join(' ').replace(/\s+/g, ' ')).toMatch(/GB pages no: no "Using GB pages for direct mapping" between Linux version \(line 1\)/)
  })

  it('-cpu max: yes (line 21), nothing in Why', () => {
    const r = buildAnalyseReport(analyse(read(MAX), MAX), {traces: false})
    const host = r.blocks.find((b) => b.kind === 'kv' && b.title === 'Host') as KvBlock
    expect(host.rows.find((x) => x.key === 'GB pages (direct map)')).toEqual({key: 'GB pages (direct map)', value: 'yes', note: 'line 21'})
    const why = r.blocks.find((b) => b.kind === 'text' && b.title === 'Why') as TextBlock
    expect(why.lines.join(' ')).not.toMatch(/GB pages/)
  })
})
