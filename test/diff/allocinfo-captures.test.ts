// The allocinfo diff on pairs of real captures. Expected numbers were computed independently with
// awk over the files (sum of column 1/2 per `file:line func:name`, bloat-o-meter's counting).
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parseAllocInfoText, readAllocInfo} from '../../src/readers/allocinfo.js'
import {changedSites, diffAllocInfo, summaryLine, totalLine} from '../../src/diff/allocinfo.js'
import {allocDiffBlocks} from '../../src/diff/report-allocinfo.js'
import {renderReport} from '../../src/render/format.js'
import {derivedModuleTags, derivedNegativeBytes, derivedWrappedCalls} from '../helpers/allocinfo-derived.js'
import {shuffledAllocInfoText} from '../helpers/diff-derived.js'
import {captureDir} from '../helpers/paths.js'

// awk 'NR>2 && $3 ~ /^fs\//{b+=$1} END{print b}' allocinfo.txt
const FS_C4 = 1875376n
const FS_C64 = 2809936n
const ai = (name: string) => readAllocInfo(join(captureDir(name), 'allocinfo.txt'))

describe('allocinfo diff on real captures', () => {
  it('7.2 pool c4 → c64 (1 GiB): bloat-o-meter summary and totals', async () => {
    const d = diffAllocInfo(await ai('linux-7.2-pool-c4-m1024'), await ai('linux-7.2-pool-c64-m1024'))
    expect(summaryLine(d.summary)).toBe('add/remove: 0/0 grow/shrink: 69/1 up/down: +32418832/-16384 (+32402448)')
    expect(totalLine(d.summary)).toBe('Total: Before=15133472, After=47535920, chg +214.11%')
    // alloc_slab_page at mm/slub.c:3282 is the largest grower: 4984832 → 20598784 (grep).
    expect(d.rows[0]).toMatchObject({key: 'mm/slub.c:3282 alloc_slab_page', oldBytes: 4984832n, newBytes: 20598784n, status: 'grow', inaccurate: true})
    const c = d.summaries.calls
    expect([c.add, c.remove, c.grow, c.shrink, c.up, c.down, c.before, c.after]).toEqual([0, 0, 60, 1, 23339n, -4n, 21637n, 44972n])
  })

  it('6.12 → 7.2: line numbers moved, so sites are new and gone; --key func pairs them', async () => {
    const a = await ai('linux-6.12-instr_smp064_1G')
    const b = await ai('linux-7.2-pool-c64-m1024')
    const d = diffAllocInfo(a, b)
    expect(summaryLine(d.summary)).toBe('add/remove: 705/630 grow/shrink: 8/3 up/down: +46714816/-52746712 (-6031896)')
    expect(d.rows.some((r) => r.status === 'new')).toBe(true)
    expect(d.rows.some((r) => r.status === 'gone')).toBe(true)
    const f = diffAllocInfo(a, b, {keyBy: 'func'})
    // Same totals whatever the key; alloc_slab_page (both lines summed) shrinks 28733440 → 20656128.
    expect(f.summary.net).toBe(-6031896n)
    expect(f.rows[0]).toMatchObject({key: 'mm/slub.c alloc_slab_page', oldBytes: 28733440n, newBytes: 20656128n, status: 'shrink'})
  })

  it('--top, --min-delta and the others row keep the total', async () => {
    const a = await ai('linux-7.2-pool-c4-m1024')
    const b = await ai('linux-7.2-pool-c64-m1024')
    const d = diffAllocInfo(a, b, {top: 10})
    expect(d.rows).toHaveLength(10)
    expect(d.others?.count).toBe(60)
    expect(d.rows.reduce((s, r) => s + r.deltaBytes, 0n) + d.others!.deltaBytes).toBe(32402448n)
    const m = diffAllocInfo(a, b, {minDelta: 1_000_000n})
    // Three sites moved by ≥ 1 MB (grep: 3282 +15613952, fork.c:365 +7157376, fork.c:194 +2360960).
    expect(m.rows.map((r) => r.func)).toEqual(['alloc_slab_page', 'alloc_thread_stack_node', 'alloc_task_struct_node'])
  })

  it('filters by function and file, and sorts', async () => {
    const a = await ai('linux-7.2-pool-c4-m1024')
    const b = await ai('linux-7.2-pool-c64-m1024')
    const d = diffAllocInfo(a, b, {filter: {func: '^alloc_slab_page$'}})
    // grep: 3282 4984832 → 20598784, 3280 4096 → 57344, 3277 0 → 0.
    expect(d.summary.before).toBe(4984832n + 4096n)
    expect(d.summary.after).toBe(20598784n + 57344n)
    expect(d.rows.map((r) => r.key)).toEqual(['mm/slub.c:3282 alloc_slab_page', 'mm/slub.c:3280 alloc_slab_page'])
    const f = diffAllocInfo(a, b, {filter: {file: '^kernel/fork\\.c$'}, sort: 'site'})
    expect(f.rows.every((r) => r.file === 'kernel/fork.c')).toBe(true)
    expect(f.rows.map((r) => r.key)).toEqual([...f.rows.map((r) => r.key)].sort())
    const g = diffAllocInfo(a, b, {filter: {file: '^kernel/.*\\.c$'}})
    expect(g.rows.every((r) => /^kernel\/[^]*\.c$/.test(r.file))).toBe(true)
    const none = diffAllocInfo(a, b, {filter: {module: 'xfs'}})
    expect(none.rows).toEqual([])
    expect(none.sitesCompared).toBe(0)
  })

  it('order of input lines does not matter (derived: the same file with its lines shuffled)', async () => {
    const path = join(captureDir('linux-7.2-pool-c64-m1024'), 'allocinfo.txt')
    const text = readFileSync(path, 'utf8')
    const a = await ai('linux-7.2-pool-c16-m1024')
    const b1 = parseAllocInfoText(text, 'b')
    const b2 = parseAllocInfoText(shuffledAllocInfoText(text, 42), 'b')
    expect(b2.sites.map((s) => s.key)).not.toEqual(b1.sites.map((s) => s.key))
    expect(diffAllocInfo(a, b2, {top: 20}).rows).toEqual(diffAllocInfo(a, b1, {top: 20}).rows.map((r) => expect.objectContaining({key: r.key, deltaBytes: r.deltaBytes, deltaCalls: r.deltaCalls})))
    expect(diffAllocInfo(b2, b1).rows).toEqual([])
  })

  it('text rendering fits 80 columns and names new/gone sites', async () => {
    const d = diffAllocInfo(await ai('linux-6.12-instr_smp064_1G'), await ai('linux-7.2-pool-c64-m1024'), {top: 15})
    const out = renderReport({blocks: allocDiffBlocks(d)}, 'text', {width: 200})
    for (const l of out.split('\n')) expect(l.length).toBeLessThan(80)
    expect(out).toMatch(/\bnew\b/)
    expect(out).toMatch(/\bgone\b/)
    expect(out).toContain('[')
    expect(out).toContain('Total: Before=53567816, After=47535920, chg -11.26%')
  })

  it('derived: module tags (fs/* tagged [fsmod]) are selected by --module, built-in sites by ^$', async () => {
    const ta = derivedModuleTags(readFileSync(join(captureDir('linux-7.2-pool-c4-m1024'), 'allocinfo.txt'), 'utf8'), 'fs/', 'fsmod')
    const tb = derivedModuleTags(readFileSync(join(captureDir('linux-7.2-pool-c64-m1024'), 'allocinfo.txt'), 'utf8'), 'fs/', 'fsmod')
    const a = parseAllocInfoText(ta, 'derived-a')
    const b = parseAllocInfoText(tb, 'derived-b')
    const mod = diffAllocInfo(a, b, {filter: {module: '^fsmod$'}})
    // awk: Σ bytes of fs/* lines, c4 → c64.
    expect([mod.summary.before, mod.summary.after]).toEqual([FS_C4, FS_C64])
    expect(mod.rows.every((r) => r.module === 'fsmod' && r.file.startsWith('fs/'))).toBe(true)
    const builtin = diffAllocInfo(a, b, {filter: {module: '^$'}})
    expect(builtin.summary.before + mod.summary.before).toBe(15133472n)
    expect(builtin.rows.some((r) => r.module !== undefined)).toBe(false)
  })

  it('derived: a wrapped call counter and negative bytes in b are anomalies that appeared; reversed, they are gone', async () => {
    const text = readFileSync(join(captureDir('linux-7.2-pool-c64-m1024'), 'allocinfo.txt'), 'utf8')
    const a = parseAllocInfoText(text, 'a')
    const b = parseAllocInfoText(derivedNegativeBytes(derivedWrappedCalls(text, 10), 20), 'derived-b')
    const d = diffAllocInfo(a, b)
    expect(d.anomalies.appeared.map((x) => x.kind).sort()).toEqual(['negative-bytes', 'wrapped-calls'])
    expect(diffAllocInfo(b, a).anomalies.gone).toHaveLength(2)
    expect(diffAllocInfo(b, b).anomalies).toMatchObject({appeared: [], gone: [], both: 3}) // and the duplicate key both list (sched.h:2896)
  })

  it('the unfiltered site-keyed path gives the rows, count and totals of summing each side', async () => {
    // A filter that passes every site takes the general path (sumByKey on each side).
    const pairs = [['linux-7.2-pool-c4-m1024', 'linux-7.2-pool-c64-m1024'], ['linux-6.12-instr_smp064_1G', 'linux-7.2-pool-c64-m1024']]
    for (const [x, y] of pairs) {
      const [a, b] = [await ai(x!), await ai(y!)]
      const plain = changedSites(a, b)
      expect(plain.rows.length).toBeGreaterThan(0)
      expect(plain).toEqual(changedSites(a, b, {file: ''}))
      // DERIVED: a key twice on the old side (a damaged recording can hold one), in b and not in b.
      const notInB = a.sites.find((s) => !b.sites.some((t) => t.key === s.key))
      const twice = {...a, sites: [...a.sites, {...a.sites[0]!}, ...(notInB ? [{...notInB}] : [])]}
      expect(changedSites(twice, b)).toEqual(changedSites(twice, b, {file: ''}))
    }
  })
})
