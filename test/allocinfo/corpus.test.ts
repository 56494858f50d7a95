// The reader against every real /proc/allocinfo in the golden corpus, checked with counts computed
// independently here (plain split + regex, reduce), not with the reader's own helpers.
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {formatAllocInfo, parseAllocInfoText, readAllocInfo} from '../../src/readers/allocinfo.js'
import {captureDirs} from '../helpers/paths.js'

const files = captureDirs()
  .map((d) => join(d, 'allocinfo.txt'))
  .filter((f) => existsSync(f))

/** Independent count: data lines are "<int> <int> <path>:<n> ... func:<name> ...". */
function independent(text: string) {
  const lines = text.split('\n').filter((l) => l !== '')
  const data = lines.filter((l) => /^\s*-?\d+\s+\d+\s+\S+:\d+\s.*func:/.test(l))
  const keys = new Set(data.map((l) => l.trim().split(/\s+/).slice(2, 4).join(' ')))
  return {
    lines: lines.length,
    data: data.length,
    distinct: keys.size,
    bytes: data.reduce((s, l) => s + BigInt(l.trim().split(/\s+/)[0]), 0n),
    calls: data.reduce((s, l) => s + BigInt(l.trim().split(/\s+/)[1]), 0n),
    inaccurate: (text.match(/accurate:no/g) ?? []).length,
    version: /^allocinfo - version: (\S+)/.exec(lines[0])?.[1] ?? 'none',
  }
}

describe('every real allocinfo.txt', () => {
  it('the corpus has files of both formats', () => {
    expect(files.length).toBeGreaterThanOrEqual(27)
  })
  for (const f of files) {
    const name = f.split('/').slice(-2, -1)[0]
    it(name, async () => {
      const text = readFileSync(f, 'utf8')
      const want = independent(text)
      const info = await readAllocInfo(f)
      expect(info.version).toBe(name.startsWith('linux-6.12') ? '1.0' : '2.0')
      expect(info.version).toBe(want.version)
      expect(info.lines).toBe(want.lines)
      expect(info.sites.reduce((s, x) => s + x.count, 0)).toBe(want.data)
      expect(info.sites.length).toBe(want.distinct)
      expect(info.totalBytes).toBe(want.bytes)
      expect(info.totalCalls).toBe(want.calls)
      expect(info.sites.reduce((s, x) => s + x.bytes, 0n)).toBe(want.bytes)
      expect(info.sites.filter((s) => !s.accurate).length).toBe(want.inaccurate)
      expect(info.skipped).toEqual([])
      // every line is a site line or one of the two header lines
      expect(want.data + 2).toBe(want.lines)
      // the printer reproduces the kernel's layout line for line when nothing was summed
      const dupLines = new Set(info.anomalies.filter((a) => a.kind === 'duplicate-key').map((a) => a.line))
      const orig = text.split('\n').filter((_, i) => !dupLines.has(i + 1))
      const printed = formatAllocInfo(info).split('\n')
      const summed = new Set(info.sites.filter((s) => s.count > 1).map((s) => s.lines[0]))
      for (let i = 0; i < printed.length; i++) {
        if (summed.has(i + 1)) continue
        expect(printed[i]).toBe(orig[i])
      }
    })
  }
  it('the 7.2 pool capture: one duplicate key (an inlined helper), its calls summed', () => {
    const f = files.find((x) => x.includes('linux-7.2-pool-c64-m1024/'))!
    const info = parseAllocInfoText(readFileSync(f, 'utf8'), f)
    const dup = info.anomalies.filter((a) => a.kind === 'duplicate-key')
    expect(dup.map((a) => a.key)).toEqual(['kernel/sched/sched.h:2896 alloc_user_cpus_ptr'])
    const site = info.sites.find((s) => s.key === dup[0].key)!
    expect(site.count).toBe(2)
    expect(site.lines).toEqual([160, 163])
  })
})
