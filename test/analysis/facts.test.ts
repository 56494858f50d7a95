import {existsSync, readFileSync} from 'node:fs'
import {basename, join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {analyseRecords} from '../../src/analysis/analyser.js'
import {parseRelease, recorderOfRelease} from '../../src/analysis/releases.js'
import type {BootAnalysis} from '../../src/types.js'
import {captureDir, captureDirs, CORPUS_README} from '../helpers/paths.js'
import {readLogText, recordsOnlyMeta} from './records.js'

/** The "What they show (true counts)" table of captures/README.md, by capture name. */
function readmeTable(): Map<string, {kernel: string; online: string; possible: string; nodes: string; memory: string; early: string}> {
  const out = new Map()
  for (const l of readFileSync(CORPUS_README, 'utf8').split('\n')) {
    const c = l.split('|').map((s) => s.trim())
    if (c.length < 9 || !c[1].startsWith('linux-')) continue
    out.set(c[1], {kernel: c[2], online: c[3], possible: c[4], nodes: c[5], memory: c[6], early: c[7]})
  }
  return out
}

function analyse(dir: string): {a: BootAnalysis; text: string} | undefined {
  const f = join(dir, 'dmesg.txt')
  if (!existsSync(f)) return undefined
  const text = readFileSync(f, 'utf8')
  const {records, meta} = readLogText(text)
  const a = analyseRecords(f, records, meta)
  return {a, text}
}

const TABLE = readmeTable()
const DIRS = captureDirs().filter((d) => existsSync(join(d, 'dmesg.txt')))

describe('host facts equal the captures README table (true values)', () => {
  it('the table covers the captures', () => {
    expect(TABLE.size).toBeGreaterThanOrEqual(25)
    expect(DIRS.length).toBeGreaterThanOrEqual(25)
  })

  it.each(DIRS.map((d) => basename(d)).filter((n) => TABLE.has(n)))('%s', (name) => {
    const row = TABLE.get(name)!
    const {a, text} = analyse(captureDir(name))!
    const h = a.host
    expect(h.release?.value).toBe(row.kernel)
    expect(String(h.onlineCpus?.value)).toBe(row.online)
    expect(String(h.possibleCpus?.value)).toBe(row.possible)
    expect(String(h.numaNodes?.value)).toBe(row.nodes)
    expect(String(h.memoryTotalKiB?.value)).toBe(row.memory)
    // every fact points at the line it was read from
    const lines = text.split('\n')
    for (const [k, f] of Object.entries(h)) expect(lines[f.line - 1], k).toContain(f.text)
    // klab: true early counts (calls for 6.12, recorded PFNs for 7.2)
    if (row.early !== '—') {
      const k = a.klab.find((x) => x.kind !== 'early_pfn_walk')!
      const n = k.kind === 'early_page_allocs' ? k.values.calls : name.includes('notrack') ? k.values.untagged_calls : k.values.recorded
      expect(String(n)).toBe(row.early)
    }
  })
})

describe('page_ext window, DEBUG and recorder per capture family', () => {
  it.each(DIRS.map((d) => basename(d)))('%s', (name) => {
    const {a, text} = analyse(captureDir(name))!
    const lines = text.split('\n')
    const pe = lines.findIndex((l) => l.includes('bytes of page_ext')) + 1
    const smp = lines.findIndex((l) => l.includes('smp: Brought up')) + 1
    expect(a.host.pageExtBytes?.line).toBe(pe)
    expect(a.host.pageExtWindow?.value).toBe(pe < smp ? 'before-smp' : 'after-smp')
    // README: nodebug and legacylate bring page_ext up after SMP; the rest are DEBUG early_page_ext
    const late = /nodebug|legacylate/.test(name)
    expect(a.host.pageExtWindow?.value).toBe(late ? 'after-smp' : 'before-smp')
    // legacylate is DEBUG with early_page_ext forced off: its klab recorder counters say DEBUG; the
    // 6.12 nodebug kernels have none of the recorder's lines, so DEBUG is inferred off there (page_ext after SMP).
    expect(a.profiling.debug).toBe(name.includes('nodebug') ? false : true)
    if (/legacylate|pool|legacy-/.test(name)) expect(a.profiling.debugReason).toMatch(/^"klab: early_pfn(_legacy)?" at line \d+/)
    expect(a.host.deferredInit?.value ?? false).toBe(late)
    const recorder = name.includes('notrack') ? 'none' : name.includes('legacy') ? 'legacy' : name.includes('pool') ? 'pool' : 'none'
    expect(a.profiling.recorder).toBe(recorder)
    if (name.startsWith('linux-6.12')) expect(a.profiling.recorderReason).toMatch(/guess/)
    expect(a.profiling.mode).toBe('enabled')
    // 6.12 prints no banner: the mode comes from sysctl.vm.mem_profiling=1 on the command line
    expect(a.profiling.modeReason).toMatch(name.startsWith('linux-6.12') ? /command line/ : /banner/)
    expect(a.host.memProfilingParam?.value).toBe('1')
  })

  it.each(DIRS.map((d) => basename(d)))('%s: every record analysed, one intact splat finding per cut-here', (name) => {
    const {a, text} = analyse(captureDir(name))!
    expect(a.records).toBe(text.split('\n').filter((l) => /^\[\s*\d+\.\d+\]/.test(l)).length)
    const cuts = text.split('\n').filter((l) => l.includes('[ cut here ]')).length
    const splats = a.findings.filter((f) => f.splat)
    expect(splats).toHaveLength(cuts)
    expect(splats.every((f) => !f.corrupted)).toBe(true)
    expect(a.findings.filter((f) => !f.splat)).toEqual([])
  })

  it('maxcpus= from the command line (maxcpus4, real)', () => {
    const {a} = analyse(captureDir('linux-7.2-pool-c64-m1024-maxcpus4'))!
    expect(a.host.maxcpus?.value).toBe(4)
    expect(a.host.onlineCpus?.value).toBe(4)
    expect(a.host.possibleCpus?.value).toBe(64)
    expect(a.host.nrCpusConfig?.value).toBe(512)
  })
})

describe('release-based recorder guess table', () => {
  it('parses releases', () => {
    expect(parseRelease('7.0.0-rc4')).toEqual({major: 7, minor: 0, patch: 0, rc: true})
    expect(parseRelease('6.12.117')).toEqual({major: 6, minor: 12, patch: 117, rc: false})
    expect(parseRelease('garbage')).toBeUndefined()
  })
  it.each([
    ['6.12.117', 'none'],
    ['7.0.0-rc4', 'none'],
    ['7.0.3', 'none'],
    ['7.0.4', 'legacy'],
    ['7.0.9-arch1', 'legacy'],
    ['7.1.0-rc2', 'none'],
    ['7.2.13', 'pool'],
  ])('SYNTHETIC Linux version %s → %s', (rel, want) => {
    const recs = [{line: 1, time: 0, text: `Linux version ${rel} (x@y) (gcc) #1 SMP`}]
    const a = analyseRecords('-', recs, recordsOnlyMeta(1))
    expect(a.profiling.recorder).toBe(want)
    expect(a.profiling.recorderReason).toMatch(/guess/)
  })
  it('one table: only the rows of mainline/stable history are certain (the diff rules explain unset tags with those alone)', () => {
    expect(recorderOfRelease('6.12.117')).toMatchObject({recorder: 'none', certain: true})
    expect(recorderOfRelease('7.0.3')).toMatchObject({recorder: 'none', certain: true})
    expect(recorderOfRelease('7.0.4')).toMatchObject({recorder: 'legacy', certain: true})
    expect(recorderOfRelease('7.1.0-rc2')).toMatchObject({recorder: 'none', certain: false})
    expect(recorderOfRelease('7.2.13')).toMatchObject({recorder: 'pool', certain: false})
    expect(recorderOfRelease('garbage')).toBeUndefined()
  })
  it('--recorder overrides', () => {
    const recs = [{line: 1, time: 0, text: 'Linux version 6.12.1 (x@y) (gcc) #1 SMP'}]
    const a = analyseRecords('-', recs, recordsOnlyMeta(1), {recorder: 'pool'})
    expect([a.profiling.recorder, a.profiling.recorderReason]).toEqual(['pool', 'given with --recorder'])
  })
})

describe('fact rules no capture exercises (SYNTHETIC lines in the kernel formats)', () => {
  const host = (...texts: string[]) => analyseRecords('synthetic', texts.map((text, i) => ({line: i + 1, text})), recordsOnlyMeta(texts.length)).host

  it('DMI: beats Hardware name:, whatever the order', () => {
    expect(host('Hardware name: QEMU Standard PC', 'DMI: Dell Inc. PowerEdge R750/0PJ80M, BIOS 1.5.4 12/17/2021').hardware).toMatchObject({
      value: 'Dell Inc. PowerEdge R750/0PJ80M, BIOS 1.5.4 12/17/2021',
      line: 2,
    })
  })
  it('older x86: smpboot: Allowing N CPUs, M hotplug CPUs and Brought up N CPUs', () => {
    const h = host('smpboot: Allowing 8 CPUs, 4 hotplug CPUs', 'Brought up 4 CPUs')
    expect([h.possibleCpus?.value, h.presentCpus?.value, h.hotplugCpus?.value, h.onlineCpus?.value]).toEqual([8, 4, 4, 4])
  })
  it('nr_cpu_ids from setup_percpu beats the topology line', () => {
    const h = host('CPU topo: Allowing 4 present CPUs plus 4 hotplug CPUs', 'setup_percpu: NR_CPUS:64 nr_cpumask_bits:6 nr_cpu_ids:6 nr_node_ids:1')
    expect(h.possibleCpus).toMatchObject({value: 6, line: 2})
  })
  it('Kernel command line: alone, with maxcpus= and the profiling parameter', () => {
    const h = host('Kernel command line: BOOT_IMAGE=/vmlinuz root=/dev/sda1 maxcpus=2 sysctl.vm.mem_profiling=1,compressed')
    expect([h.maxcpus?.value, h.memProfilingParam?.value]).toEqual([2, '1,compressed'])
  })
})
