// Derived inputs (test/helpers/allocinfo-derived.ts): one change to a real capture each.
import {describe, expect, it} from 'vitest'
import {parseAllocInfoText, scanAllocInfoText, siteKey} from '../../src/readers/allocinfo.js'
import {
  REAL_612,
  dataLine,
  derivedCrlf,
  derivedCut,
  derivedDuplicate,
  derivedExtraToken,
  derivedModuleTags,
  derivedNegativeBytes,
  derivedNoHeader,
  derivedWrappedCalls,
  realText,
} from '../helpers/allocinfo-derived.js'

const real = realText()
const base = parseAllocInfoText(real, 'real')
const fields = (l: string) => l.trim().split(/\s+/)

describe('derived allocinfo inputs', () => {
  it('derived duplicate key: summed into one site, anomaly names both lines', () => {
    const line = dataLine(real, 100) // a site with calls
    const [b, c, fl, fn] = fields(line)
    const info = parseAllocInfoText(derivedDuplicate(real, 100), 'derived-dup')
    const key = siteKey(fl.replace(/:\d+$/, ''), Number(/:(\d+)$/.exec(fl)![1]), fn.slice(5))
    const site = info.sites.find((s) => s.key === key)!
    expect(site.count).toBe(2)
    expect(site.bytes).toBe(2n * BigInt(b))
    expect(site.calls).toBe(2n * BigInt(c))
    expect(info.sites.length).toBe(base.sites.length)
    expect(info.totalBytes).toBe(base.totalBytes + BigInt(b))
    const dup = info.anomalies.filter((a) => a.kind === 'duplicate-key' && a.key === key)
    expect(dup).toHaveLength(1)
    expect(dup[0].line).toBe(base.lines + 1)
    expect(dup[0].detail).toContain(`line ${site.lines[0]}`)
  })

  it('derived negative bytes: kept, flagged, totals include it', () => {
    const orig = BigInt(fields(dataLine(real, 5))[0])
    const info = parseAllocInfoText(derivedNegativeBytes(real, 5, -8192n), 'derived-neg')
    const a = info.anomalies.filter((x) => x.kind === 'negative-bytes')
    expect(a).toHaveLength(1)
    expect(a[0].line).toBe(5 + 3) // two header lines, 1-based
    expect(info.totalBytes).toBe(base.totalBytes - orig - 8192n)
    expect(info.sites.find((s) => s.key === a[0].key)!.bytes).toBe(-8192n)
  })

  it('derived wrapped calls (2^64 - 3): bigint exact, flagged', () => {
    const info = parseAllocInfoText(derivedWrappedCalls(real, 7, 3n), 'derived-wrap')
    const a = info.anomalies.filter((x) => x.kind === 'wrapped-calls')
    expect(a).toHaveLength(1)
    const site = info.sites.find((s) => s.key === a[0].key)!
    expect(site.calls).toBe(18446744073709551613n)
    expect(a[0].detail).toContain('-3')
  })

  it('derived [module] tags: module parsed and part of the key', () => {
    const info = parseAllocInfoText(derivedModuleTags(real, 'fs/', 'ext4'), 'derived-mod')
    const mod = info.sites.filter((s) => s.module === 'ext4')
    const fsLines = real.split('\n').filter((l) => / fs\/\S*:\d+ func:/.test(l)).length
    expect(fsLines).toBeGreaterThan(0)
    expect(mod.reduce((s, x) => s + x.count, 0)).toBe(fsLines)
    expect(mod.every((s) => s.file.startsWith('fs/') && s.key.endsWith(' [ext4]'))).toBe(true)
    expect(info.skipped).toEqual([])
  })

  it('derived unknown key:value token: kept in extra, accurate:no still seen', () => {
    const inaccurate = real.split('\n').findIndex((l) => l.includes('accurate:no')) - 2
    const t = derivedExtraToken(derivedExtraToken(real, 3, 'node:1'), inaccurate, 'owner:pfn_pool')
    const info = parseAllocInfoText(t, 'derived-extra')
    const withExtra = info.sites.filter((s) => s.extra)
    expect(withExtra.map((s) => s.extra)).toEqual([{node: '1'}, {owner: 'pfn_pool'}])
    expect(withExtra[1].accurate).toBe(false)
    expect(info.sites.filter((s) => !s.accurate).length).toBe(base.sites.filter((s) => !s.accurate).length)
  })

  it('derived without header: version none, same sites', () => {
    const info = parseAllocInfoText(derivedNoHeader(realText(REAL_612)), 'derived-nohdr')
    const withHdr = parseAllocInfoText(realText(REAL_612), 'real')
    expect(withHdr.version).toBe('1.0')
    expect(info.version).toBe('none')
    expect(info.sites.map((s) => [s.key, s.bytes, s.calls])).toEqual(withHdr.sites.map((s) => [s.key, s.bytes, s.calls]))
  })

  it('derived CRLF: same sites, nothing skipped', () => {
    const info = parseAllocInfoText(derivedCrlf(real), 'derived-crlf')
    expect(info.skipped).toEqual([])
    expect(info.sites).toEqual(base.sites)
  })

  it('derived cut mid-line: the cut last line is skipped as truncated, the rest parsed', () => {
    const lines = real.split('\n')
    const keep = lines.slice(0, 500).join('\n').length + 1 + 30 // 30 chars into line 501
    const info = scanAllocInfoText(derivedCut(real, keep), 'derived-cut')
    expect(info.skipped).toEqual([{line: 501, reason: expect.stringContaining('truncated last line')}])
    expect(info.sites.reduce((s, x) => s + x.count, 0)).toBe(498)
    // cut right after the name, before the kernel's trailing space: still detected
    const l501 = lines[500]
    const cut2 = lines.slice(0, 500).join('\n').length + 1 + l501.trimEnd().length - 2
    expect(scanAllocInfoText(derivedCut(real, cut2)).skipped[0]).toMatchObject({line: 501, reason: expect.stringContaining('truncated')})
  })

  it('blank lines and garbage between data lines are skipped with line numbers', () => {
    const lines = real.split('\n')
    lines.splice(10, 0, '', 'hello world')
    const info = parseAllocInfoText(lines.join('\n'), 'derived-garbage')
    expect(info.skipped).toEqual([
      {line: 11, reason: 'blank line'},
      {line: 12, reason: expect.stringContaining('not an allocinfo line')},
    ])
    expect(info.sites).toHaveLength(base.sites.length)
  })
})
