// The trend command's work without oclif (src/trend/run.ts): the rate and alpha flags, the
// severities, and the input and --svg refusals (one line, exit 2, not an internal error).
import {copyFileSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {InputError} from '../../src/errors.js'
import type {TrendJson} from '../../src/trend/report.js'
import {parseAlpha, parseRate, runTrend, type TrendFlags, trendSeverities} from '../../src/trend/run.js'
import {SAMPLES, TESTDATA} from '../helpers/paths.js'

const FLAGS: TrendFlags = {top: 20, 'min-rate': '64K/h', alpha: '0.05', 'time-from': 'auto'}
const REAL = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt')

describe('trend flags', () => {
  it('--min-rate: a size per time unit, in bytes per hour', () => {
    expect(parseRate('64K')).toBe(65536)
    expect(parseRate('1M/h')).toBe(2 ** 20)
    expect(parseRate('10K/min')).toBe(10240 * 60)
    expect(parseRate('100/s')).toBe(360000)
    expect(parseRate('24K/day')).toBe(1024)
    for (const bad of ['fast', '1M/week', '/h']) expect(() => parseRate(bad)).toThrow(`--min-rate: '${bad}' is not a rate`)
  })

  it('--alpha: strictly between 0 and 1', () => {
    expect(parseAlpha('0.01')).toBe(0.01)
    for (const bad of ['0', '1', '-0.1', 'x']) expect(() => parseAlpha(bad)).toThrow(`--alpha: '${bad}' is not a probability between 0 and 1`)
  })

  it('severities: each suspect and unload leak a warning, counter anomalies a warning as in every command (README Severity)', () => {
    const w = {severity: 'warning'}
    expect(trendSeverities({suspects: [w, w], unloadLeaks: [w], anomalies: {count: 3, byKind: {'negative-bytes': 3}}} as never)).toEqual(['warning', 'warning', 'warning', 'warning'])
    expect(trendSeverities({suspects: [], unloadLeaks: [], anomalies: {count: 0, byKind: {}}} as never)).toEqual([])
  })
})

describe('runTrend', () => {
  const dir = mkdtempSync(join(tmpdir(), 'allocscope-trend-run-'))
  // DERIVED: the same real dump twice, timed by ISO 8601 names: two snapshots, nothing grows.
  copyFileSync(REAL, join(dir, 'allocinfo-2026-12-04T18:00:00Z.txt'))
  copyFileSync(REAL, join(dir, 'allocinfo-2026-12-04T18:01:00Z.txt'))

  it('a negative counter in one snapshot: a warning, as allocinfo and diff give it (--fail-on warning exits 1)', async () => {
    const neg = mkdtempSync(join(tmpdir(), 'allocscope-trend-neg-'))
    const text = readFileSync(REAL, 'utf8')
    // DERIVED: the real dump 8 times, the first site line's bytes made negative in the fourth.
    for (let i = 0; i < 8; i++) {
      const t = i === 3 ? text.replace(/^( *)0( +\d+ \S+:\d+ )/m, '$1-4096$2') : text
      if (i === 3) expect(t).not.toBe(text)
      writeFileSync(join(neg, `allocinfo-2026-12-04T18:0${i}:00Z.txt`), t)
    }
    const r = await runTrend([neg], FLAGS, {ascii: true})
    expect((r.result as TrendJson).anomalies.byKind).toEqual({'negative-bytes': 1})
    expect((r.result as TrendJson).anomalies.list.map((a) => [a.kind, a.severity])).toEqual([['negative-bytes', 'warning']])
    expect(r.severities).toContain('warning')
  })

  it('--module/--file/--function scope the anomalies as allocinfo and diff do: one at a site they leave out is neither listed nor gated on', async () => {
    const neg = mkdtempSync(join(tmpdir(), 'allocscope-trend-neg-scope-'))
    const text = readFileSync(REAL, 'utf8')
    // DERIVED: the real dump 8 times, the first site line's bytes (init/main.c) made negative in the fourth.
    for (let i = 0; i < 8; i++) writeFileSync(join(neg, `allocinfo-2026-12-04T18:0${i}:00Z.txt`), i === 3 ? text.replace(/^( *)0( +\d+ \S+:\d+ )/m, '$1-4096$2') : text)
    const mm = await runTrend([neg], {...FLAGS, file: '^mm/'}, {ascii: true})
    const j = mm.result as TrendJson
    expect([j.anomalies.count, j.anomalies.byKind, j.anomalies.list, j.anomaliesOutsideFilters]).toEqual([0, {}, [], 1])
    expect(mm.severities).not.toContain('warning')
    const title = mm.report.blocks.map((b) => b.title ?? '').find((t) => t.startsWith('Counter anomalies'))
    expect(title).toBe('Counter anomalies (0, kept out of the fits; 1 anomaly outside --file (not gated on))')
    const init = (await runTrend([neg], {...FLAGS, file: '^init/'}, {ascii: true})).result as TrendJson
    expect([init.anomalies.byKind, init.anomaliesOutsideFilters]).toEqual([{'negative-bytes': 1}, 0])
    // Without a filter, nothing was left out: no count.
    expect('anomaliesOutsideFilters' in ((await runTrend([neg], FLAGS, {ascii: true})).result as TrendJson)).toBe(false)
  })

  it('one snapshot is refused: a trend needs two', async () => {
    await expect(runTrend([REAL], FLAGS, {ascii: true})).rejects.toThrow(`${REAL}: 1 snapshot; a trend needs at least 2 (6 for a verdict)`)
  })

  it('two flat snapshots: no suspect, no severity; an unwritable --svg is an input error naming it', async () => {
    const r = await runTrend([dir], FLAGS, {ascii: true})
    expect(r.severities).toEqual([])
    const svg = join(dir, 'no', 'such', 'x.svg')
    await expect(runTrend([dir], {...FLAGS, svg}, {ascii: true})).rejects.toThrow(InputError)
    await expect(runTrend([dir], {...FLAGS, svg}, {ascii: true})).rejects.toThrow(`${svg}: cannot write the SVG (no such file or directory)`)
  })
})

describe('a capture directory named to trend', () => {
  const UNLOAD = join(TESTDATA, 'trend', 'unload')

  it('a lab series (boot log + recording.arec.gz) is its recording, cross-checked with its own boot log', async () => {
    const byDir = await runTrend([UNLOAD], FLAGS, {ascii: true})
    const named = await runTrend([join(UNLOAD, 'recording.arec.gz')], {...FLAGS, log: join(UNLOAD, 'dmesg.txt')}, {ascii: true})
    const j = byDir.result as TrendJson
    expect(j.log).toBe(join(UNLOAD, 'dmesg.txt'))
    // The unload leak only: the suspect beside it was mm/slub.c:2480, two 4 KiB slab page steps (two events, no trend).
    expect([...j.suspects, ...j.unloadLeaks].map((x) => x.severity)).toEqual(['warning'])
    expect(j.unloadLeaks.map((u) => [u.key, u.confirmed])).toEqual([['lab/module/klab_leak.c:40 klab_alloc_one [klab_leak]', true]])
    expect(j.suspects.map((s) => s.key)).toEqual((named.result as TrendJson).suspects.map((s) => s.key))
    expect(byDir.severities).toEqual(named.severities)
  })

  it('--log given wins over the capture boot log', async () => {
    const other = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'dmesg.txt')
    const j = (await runTrend([UNLOAD], {...FLAGS, log: other}, {ascii: true})).result as TrendJson
    expect(j.log).toBe(other)
    expect(j.unloadLeaks[0]!.confirmed).toBe(false)
  })

  it('a capture without a recording is one snapshot: refused as such, not read as a malformed dump', async () => {
    const cap = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
    await expect(runTrend([cap], FLAGS, {ascii: true})).rejects.toThrow(`${cap}: a capture directory (a boot log and/or one allocinfo dump) is one snapshot, not a series`)
  })

  it('several inputs: a recording, or a capture directory holding one, is one series, named alone', async () => {
    const leak = join(TESTDATA, 'trend', 'leak')
    const churn = join(TESTDATA, 'trend', 'churn')
    await expect(runTrend([leak, churn], FLAGS, {ascii: true})).rejects.toThrow(`${leak}: a capture directory holding a recording (recording.arec.gz), one series: name it alone`)
    const rec = join(churn, 'recording.arec.gz')
    await expect(runTrend([REAL, rec], FLAGS, {ascii: true})).rejects.toThrow(`${rec}: a recording, one series: name it alone`)
  })

  it('several capture directories without a recording: each is one snapshot, its dump; the mtime warning names them', async () => {
    const caps = ['linux-7.2-pool-c64-m1024', 'linux-7.2-notrack-c8-m1024-shrink'].map((n) => join(SAMPLES, n))
    const r = await runTrend(caps, FLAGS, {ascii: true})
    const j = r.result as TrendJson
    expect(j.input.sources.sort()).toEqual(caps.map((c) => join(c, 'allocinfo.txt')).sort())
    expect(r.warnings.find((w) => w.includes('timed by file mtime'))).toContain(join(caps[0]!, 'allocinfo.txt'))
  })

  it('a capture directory whose recording.arec.gz is none (empty): that file is named as no recording', async () => {
    const cap = mkdtempSync(join(tmpdir(), 'allocscope-trend-badrec-'))
    copyFileSync(join(TESTDATA, 'trend', 'leak', 'dmesg.txt'), join(cap, 'dmesg.txt'))
    writeFileSync(join(cap, 'recording.arec.gz'), '')
    await expect(runTrend([cap], FLAGS, {ascii: true})).rejects.toThrow(`${join(cap, 'recording.arec.gz')}: not an allocscope recording`)
  })
})
