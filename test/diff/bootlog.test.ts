// Boot log vs boot log on real captures (values checked against grep of the dmesg files) and on
// derived logs; plus the symmetry properties.
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {bootLogDiffSeverities, diffBootLogs, type BootLogDiff} from '../../src/diff/bootlog.js'
import {bootLogDiffBlocks} from '../../src/diff/report-bootlog.js'
import {buildAnalyseReport} from '../../src/analysis/report.js'
import {addCounts} from '../../src/readers/count.js'
import {renderReport} from '../../src/render/format.js'
import {type KvBlock, type TableBlock, cellText} from '../../src/render/report.js'
import {analyseFile} from '../helpers/diff-analysis.js'
import {captureWithLinesRewritten} from '../helpers/diff-derived.js'
import {captureDir} from '../helpers/paths.js'

const log = (name: string) => analyseFile(join(captureDir(name), 'dmesg.txt'))
const changed = (d: BootLogDiff) => Object.fromEntries(d.host.filter((h) => h.changed).map((h) => [h.name, [h.a, h.b]]))

describe('boot-log diff', () => {
  it('6.12 instr 64 CPUs 2 nodes → 6.12 nodebug 64 CPUs: host, window, the smpboot WARNING disappears', () => {
    const d = diffBootLogs(log('linux-6.12-instr_smp064_2G_numa2'), log('linux-6.12-nodebug_smp064_1G'))
    const h = changed(d)
    // README table: memory 2096628 K vs 1048052 K, nodes 2 vs 1; page_ext before vs after SMP.
    expect(h.memoryTotalKiB).toEqual([2096628, 1048052])
    expect(h.numaNodes).toEqual([2, 1])
    expect(h.pageExtWindow).toEqual(['before-smp', 'after-smp'])
    expect(h.possibleCpus).toBeUndefined()
    const gone = d.findings.filter((f) => f.change === 'disappeared')
    expect(gone.map((f) => f.title)).toEqual(['WARNING in topology_sane'])
    expect(gone[0].lineA).toBe(150) // the cut-here line before `WARNING: CPU: 32 PID: 0 at arch/x86/kernel/smpboot.c:350`
    const calls = d.klab.find((k) => k.kind === 'early_page_allocs' && k.metric === 'calls')
    expect(calls).toEqual({kind: 'early_page_allocs', metric: 'calls', a: 63, b: 1955, delta: 1892})
    expect(bootLogDiffSeverities(d)).toEqual([])
  })

  it('7.2 pool c64 → notrack c8: the unset-tag warning appears, the recorder becomes none', () => {
    const d = diffBootLogs(log('linux-7.2-pool-c64-m1024'), log('linux-7.2-notrack-c8-m1024-shrink'))
    const app = d.findings.filter((f) => f.change === 'appeared')
    expect(app.map((f) => f.id)).toEqual(['alloc-tag-not-set'])
    expect(app[0].lineB).toBe(270) // grep -n: the cut-here line before `alloc_tag was not set`
    expect(d.profiling.find((p) => p.name === 'recorder')).toMatchObject({a: 'pool', b: 'none', changed: true})
    expect(changed(d).possibleCpus).toEqual([64, 8])
    expect(bootLogDiffSeverities(d)).toEqual(['warning'])
  })

  it('findings are matched by signature, not text (derived: the notrack log with another CPU, pid and times)', () => {
    const orig = captureDir('linux-7.2-notrack-c8-m1024-shrink')
    const moved = captureWithLinesRewritten(
      orig,
      (l) =>
        l
          .replace(/CPU#0: init\/1\b/, 'CPU#5: init/4242')
          .replace(/^\[\s*(\d+)\.(\d+)\]/, (_m, s, us) => `[${String(Number(s) + 3).padStart(5)}.${us}]`)
          .replace(/__pgalloc_tag_sub\+0x422\/0x600/g, '__pgalloc_tag_sub+0x43a/0x610'),
      'othercpu',
    )
    const a = log('linux-7.2-notrack-c8-m1024-shrink')
    const b = analyseFile(join(moved, 'dmesg.txt'))
    expect([a.findings[0].splat?.cpu, b.findings[0].splat?.cpu]).toEqual([0, 5])
    expect([a.findings[0].splat?.pid, b.findings[0].splat?.pid]).toEqual([1, 4242])
    const d = diffBootLogs(a, b)
    expect(d.findings.map((f) => f.change)).toEqual(['same'])
  })

  it('diff(a, a) has no change; diff(b, a) mirrors diff(a, b)', () => {
    const names = ['linux-7.2-pool-c64-m1024', 'linux-7.2-notrack-c8-m1024-shrink', 'linux-6.12-instr_smp064_2G_numa2', 'linux-7.2-legacylate-c255-m1024']
    const all = names.map(log)
    const flip = {appeared: 'disappeared', disappeared: 'appeared', more: 'fewer', fewer: 'more', same: 'same'} as const
    for (const a of all) {
      const d = diffBootLogs(a, a)
      expect(d.host.some((h) => h.changed) || d.profiling.some((p) => p.changed)).toBe(false)
      expect(d.findings.every((f) => f.change === 'same')).toBe(true)
      expect(d.klab.every((k) => k.delta === 0)).toBe(true)
      for (const b of all) {
        const ab = diffBootLogs(a, b)
        const ba = diffBootLogs(b, a)
        expect(ba.host.map((h) => [h.name, h.b, h.a])).toEqual(ab.host.map((h) => [h.name, h.a, h.b]))
        const m = new Map(ba.findings.map((f) => [f.signature, f.change]))
        for (const f of ab.findings) expect(m.get(f.signature)).toBe(flip[f.change])
        for (const k of ab.klab) {
          const r = ba.klab.find((x) => x.kind === k.kind && x.metric === k.metric)!
          // addCounts: a delta may be a bigint (a counter past 2^53), and 0 − 0 must stay 0, not −0.
          expect(r.delta === undefined ? undefined : addCounts(0, -r.delta)).toBe(k.delta)
        }
      }
    }
  })

  it('renders in text under 80 columns', () => {
    const d = diffBootLogs(log('linux-7.2-pool-c64-m1024'), log('linux-7.2-notrack-c8-m1024-shrink'))
    const out = renderReport({blocks: bootLogDiffBlocks(d)}, 'text', {width: 200})
    for (const l of out.split('\n')) expect(l.length).toBeLessThan(80)
    expect(out).toContain('appeared')
    expect(out).toContain('alloc_tag was not set')
  })

  it('labels every Host and Profiling row as analyse does, with the value analyse shows (issue 13: no memoryAvailableKiB)', () => {
    // Two real captures whose facts differ (memory, nodes, window) and agree (CPUs): --all shows both.
    const a = log('linux-6.12-instr_smp064_2G_numa2')
    const d = diffBootLogs(a, log('linux-6.12-nodebug_smp064_1G'))
    const blocks = bootLogDiffBlocks(d, {all: true})
    const table = (title: string) => blocks.find((b): b is TableBlock => b.kind === 'table' && b.title === title)!
    // What analyse prints for capture a, label → value text, over its key/value blocks.
    const shown = new Map<string, string>()
    for (const b of buildAnalyseReport(a, {traces: false}).blocks) if (b.kind === 'kv') for (const r of (b as KvBlock).rows) shown.set(r.key, cellText(r.value))
    const rows = [...table('Host').rows, ...table('Profiling').rows]
    expect(rows.length).toBe(d.host.length + d.profiling.length + 1)
    let compared = 0
    for (const r of rows) {
      const name = cellText(r.name)
      expect(name, 'an internal key as a row label').not.toMatch(/^[a-z]+[A-Z]\w*$/)
      if (shown.has(name) && cellText(r.a) !== '-') {
        expect(cellText(r.a), name).toBe(shown.get(name))
        compared++
      }
    }
    // The facts both print: kernel, CPUs, nodes, memory total and available, page_ext, window, mode, DEBUG, recorder...
    expect(compared).toBeGreaterThanOrEqual(12)
    expect(rows.map((r) => cellText(r.name))).toEqual(expect.arrayContaining(['memory available', 'NUMA nodes', 'page_ext window', 'DEBUG']))
  })
})
