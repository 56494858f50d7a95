import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {DETECTORS, detectLine, detectSplat, normaliseText, splatSignature} from '../../src/analysis/detectors.js'
import {parseSplats} from '../../src/analysis/splat.js'
import {SEVERITIES} from '../../src/types.js'
import {derivedReplaced} from '../helpers/derived-splats.js'
import {captureDir} from '../helpers/paths.js'
import {recordsFromFile} from './records.js'

/** The text of a real line of a capture (prefix stripped), found by a substring. */
function realLine(capture: string, file: string, needle: string): string {
  const line = readFileSync(join(captureDir(capture), file), 'utf8')
    .split('\n')
    .find((l) => l.includes(needle))
  if (!line) throw new Error(`${capture}/${file}: no line with ${needle}`)
  return line.replace(/^\[[^\]]*\]\s?/, '')
}

// One row per detector: a line (real where a capture has one, else SYNTHETIC from the kernel's
// format string in docs/domain.md), the id it must give, and the fields it must extract.
const ROWS: {what: string; text: string; id: string; title?: string; data?: Record<string, string | number>}[] = [
  {what: 'real (notrack)', text: realLine('linux-7.2-notrack-c8-m1024-shrink', 'dmesg.txt', 'alloc_tag was not set'), id: 'alloc-tag-not-set'},
  {what: 'real (lkml)', text: realLine('lkml-7.0-rc4-alloc-tag-not-set', 'dmesg-excerpt.txt', 'alloc_tag was not set'), id: 'alloc-tag-not-set'},
  {
    what: 'SYNTHETIC',
    text: 'alloc_tag was not cleared (got tag for ./lib/xarray.c:378)',
    id: 'alloc-tag-not-cleared',
    title: 'alloc_tag was not cleared (got tag for lib/xarray.c:378)',
    data: {file: 'lib/xarray.c', fileLine: 378},
  },
  {what: 'SYNTHETIC', text: 'current->alloc_tag not set', id: 'current-tag-not-set'},
  {what: 'SYNTHETIC', text: 'Early page allocations before page_ext init exceeded EARLY_ALLOC_PFN_MAX (8192)', id: 'early-pfn-overflow', data: {max: 8192}},
  {what: 'SYNTHETIC v1 patch (256)', text: 'Early page allocations before page_ext init exceeded EARLY_ALLOC_PFN_MAX (256)', id: 'early-pfn-overflow', data: {max: 256}},
  {what: 'SYNTHETIC', text: 'early PFN tracking page allocation failed', id: 'pool-alloc-failed'},
  {
    what: 'SYNTHETIC pr_info form',
    text: 'drivers/foo/bar.c:123 module foo func:foo_probe has 4096 allocated at module unload',
    id: 'module-unload-leak',
    title: 'drivers/foo/bar.c:123 module foo func:foo_probe has memory allocated at module unload',
    data: {file: 'drivers/foo/bar.c', fileLine: 123, module: 'foo', func: 'foo_probe', bytes: 4096},
  },
  {
    what: 'SYNTHETIC',
    text: '70000 allocation tags cannot be references using 16 available page flag bits. Memory allocation profiling is disabled!',
    id: 'tags-too-many-bits',
    data: {tags: 70000, bits: 16},
  },
  {
    what: 'SYNTHETIC',
    text: 'With module xfs there are too many tags to fit in 16 page flag bits. Memory allocation profiling is disabled!',
    id: 'module-too-many-tags',
    data: {module: 'xfs', bits: 16},
  },
  {what: 'SYNTHETIC', text: 'Memory allocation profiling is disabled!', id: 'profiling-disabled'},
  {what: 'SYNTHETIC', text: 'Memory allocation profiling is not supported!', id: 'profiling-not-supported'},
  {what: 'SYNTHETIC', text: 'page ext allocation failure', id: 'page-ext-alloc-failure'},
  {what: 'SYNTHETIC', text: 'Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009', id: 'kernel-panic', title: 'Kernel panic - not syncing: Attempted to kill init! exitcode=ADDR'},
]

describe('detector table', () => {
  it.each(ROWS)('$id ($what)', (row) => {
    const d = detectLine(row.text)
    expect(d?.id).toBe(row.id)
    if (row.title) expect(d?.title).toBe(row.title)
    if (row.data) expect(d?.data).toEqual(row.data)
  })

  it('every row is covered by a test row and has a known severity and a unique id', () => {
    const ids = DETECTORS.map((d) => d.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const d of DETECTORS) {
      expect(SEVERITIES).toContain(d.severity)
      expect(ROWS.some((r) => r.id === d.id), d.id).toBe(true)
    }
  })

  it('ordinary boot lines match nothing (every line of a clean real capture)', () => {
    const recs = recordsFromFile(join(captureDir('linux-7.2-pool-c64-m1024'), 'dmesg.txt'))
    expect(recs.length).toBeGreaterThan(200)
    expect(recs.filter((r) => detectLine(r.text))).toEqual([])
    // the banner line is profiling state, not a finding
    expect(detectLine(realLine('linux-7.2-pool-c64-m1024', 'dmesg.txt', 'Memory allocation profiling is enabled'))).toBeUndefined()
  })
})

describe('splat findings', () => {
  it('a WARNING no row knows is the generic warning, at severity warning (severity policy: a kernel WARNING is at least warning; numa2, real)', () => {
    const [s] = parseSplats(recordsFromFile(join(captureDir('linux-6.12-instr_smp064_2G_numa2'), 'dmesg.txt')))
    const d = detectSplat(s)
    expect(d).toMatchObject({id: 'warning', title: 'WARNING in topology_sane', severity: 'warning'})
    expect(splatSignature(d, s)).toBe('warning|WARNING in topology_sane|arch/x86/kernel/smpboot.c|topology_sane|set_cpu_sibling_map')
  })

  it('a row below warning that matches a WARNING splat is raised to warning; its pr_info line keeps the row severity (SYNTHETIC splat)', () => {
    const msg = 'mm/derived_test.c:42 module derived_test func:derived_alloc has 8192 allocated at module unload'
    const warn = detectSplat({banner: 'new', message: msg, frames: [], corrupted: false, startLine: 1, endLine: 2})
    expect(warn).toMatchObject({id: 'module-unload-leak', severity: 'warning'})
    expect(detectLine(msg)).toMatchObject({id: 'module-unload-leak', severity: 'notice'})
  })

  it('the same WARN on two real boots (7.2 lab, 7.0-rc4 lkml) differs only by the file line, not the signature shape', () => {
    const a = parseSplats(recordsFromFile(join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'dmesg.txt')))[0]
    const b = parseSplats(recordsFromFile(join(captureDir('lkml-7.0-rc4-alloc-tag-not-set'), 'dmesg-excerpt.txt')))[0]
    const sa = splatSignature(detectSplat(a), a)
    const sb = splatSignature(detectSplat(b), b)
    expect(sa).toBe('alloc-tag-not-set|alloc_tag was not set|include/linux/alloc_tag.h|__pgalloc_tag_sub|shrink_store')
    expect(sb).toBe('alloc-tag-not-set|alloc_tag was not set|include/linux/alloc_tag.h|__pgalloc_tag_sub|do_getname')
    for (const sig of [sa, sb]) expect(sig).not.toMatch(/0x|CPU|\d{3,}/)
  })

  it('normaliseText removes offsets, addresses, pids and CPU numbers (SYNTHETIC)', () => {
    expect(normaliseText('BUG: KASAN: use-after-free in foo+0x12/0x40 at addr ffff8881d411fca8')).toBe('BUG: KASAN: use-after-free in foo')
    expect(normaliseText('BUG: using smp_processor_id() in preemptible [00000000] code: syz-executor7/6729')).toBe(
      'BUG: using smp_processor_id() in preemptible [ADDR] code: syz-executor7/PID',
    )
    expect(normaliseText('sched: CPU #32 is odd')).toBe('sched: CPU #N is odd')
  })
})

describe('WARN forms (DERIVED: the real numa2 splat carrying another message line)', () => {
  const recs = recordsFromFile(join(captureDir('linux-6.12-instr_smp064_2G_numa2'), 'dmesg.txt'))
  const msgLine = recs.find((r) => r.text.startsWith('sched: CPU #32'))!.line
  it.each([
    ['lib/foo.c:12 module foo func:foo_init has 8192 allocated at module unload', 'module-unload-leak'],
    ['alloc_tag was not cleared (got tag for mm/slub.c:2478)', 'alloc-tag-not-cleared'],
    ['current->alloc_tag not set', 'current-tag-not-set'],
  ])('%s → %s, with the splat attached', (msg, id) => {
    const [s] = parseSplats(derivedReplaced(recs, msgLine, msg))
    expect(s.message).toBe(msg)
    expect(detectSplat(s).id).toBe(id)
    expect(s.guilty?.fn).toBe('set_cpu_sibling_map')
  })
})
