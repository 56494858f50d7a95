// Snapshots with lines the reader skipped (a damaged line may be a site's): trend and record say so,
// naming the file and line, and a site missing from such a snapshot is unknown there, not gone (it
// was a false module-unload leak when the damaged line was the last snapshot's). Inputs: SYNTHETIC
// snapshot files (a module site growing 100 kB every 10 min), and the real sample dump with one
// line damaged (DERIVED).
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {record} from '../../src/record/record.js'
import {analyseStore} from '../../src/trend/analyse.js'
import {readTrendInput} from '../../src/trend/input.js'
import {SAMPLES} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-trend-skipped-'))
const line = (bytes: number | string, calls: number, rest: string) => `${String(bytes).padStart(12)} ${String(calls).padStart(8)} ${rest} \n`

/** SYNTHETIC: 20 snapshots 10 min apart; `damage(i)` says which to give a damaged module line, `absent(i)` which lack it. */
function series(damage: (i: number) => boolean, absent: (i: number) => boolean = () => false): string {
  const dir = mkdtempSync(join(tmp, 'synthetic-'))
  for (let i = 0; i < 20; i++) {
    const time = new Date(Date.UTC(2026, 0, 1) + i * 600_000).toISOString()
    const mod = absent(i) ? '' : line(damage(i) ? '29OO000' : 1_000_000 + 100_000 * i, 1, 'syn/x.c:10 [mymod] func:x')
    writeFileSync(join(dir, `s${String(i).padStart(4, '0')}.txt`), `# allocscope: time=${time}\nallocinfo - version: 2.0\n#     <size>  <calls> <tag info>\n${line(100000, 10, 'fs/base.c:1 func:base')}${mod}`)
  }
  return dir
}

const opts = {minRatePerHour: 65536, alpha: 0.01, filter: {}}

describe('trend: lines skipped in a snapshot', () => {
  it('SYNTHETIC: a damaged line in the last snapshot is named (file:line, why), and its site is no unload leak but the suspect it is', async () => {
    const input = await readTrendInput([series((i) => i === 19)], {timeFrom: 'auto'})
    expect(input.warnings).toEqual([expect.stringMatching(/s0019\.txt:5: not an allocinfo line; .*: line skipped; a site missing from such a snapshot is taken as unknown there, not gone$/)])
    const mod = input.store.sites.find((s) => s.module === 'mymod')!
    expect(mod.lastSnap).toBe(19)
    const res = analyseStore(input.store, opts)
    expect(res.unloadLeaks).toEqual([])
    expect(res.suspects.map((s) => s.key)).toEqual([mod.key])
  })

  it('SYNTHETIC: a site unknown in a snapshot with a skipped line and missing from the next whole one is gone since its last sight', async () => {
    const input = await readTrendInput([series((i) => i === 17, (i) => i >= 18)], {timeFrom: 'auto'})
    const mod = input.store.sites.find((s) => s.module === 'mymod')!
    expect([mod.lastSnap, mod.lastTime, mod.lastBytes]).toEqual([16, '2026-01-01T02:40:00.000Z', 2_600_000])
    expect(analyseStore(input.store, opts).unloadLeaks.map((s) => s.key)).toEqual([mod.key])
  })

  it('SYNTHETIC: a site back after a snapshot with its line damaged is present again, unknown (no value) there', async () => {
    const input = await readTrendInput([series((i) => i === 10)], {timeFrom: 'auto'})
    const mod = input.store.sites.find((s) => s.module === 'mymod')!
    expect(mod.lastSnap).toBe(19)
    expect([mod.bytes[9], mod.bytes[10], mod.bytes[11]]).toEqual([1_900_000, NaN, 2_100_000])
  })
})

describe('record: lines skipped in a sample', () => {
  it('DERIVED (the real sample, one counter damaged): record names the line; trend of the recording says which snapshots had one', async () => {
    const real = readFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt'), 'latin1')
    const lines = real.split('\n')
    const at = lines.findIndex((l) => l.includes('mm/slub.c:'))
    lines[at] = lines[at]!.replace(/^( *)\d/, '$1O')
    const dir = mkdtempSync(join(tmp, 'derived-'))
    const source = join(dir, 'allocinfo.txt')
    writeFileSync(source, lines.join('\n'), 'latin1')
    const out = join(dir, 'r.arec.gz')
    const r = await record({source, out, intervalMs: 1, count: 2, tool: 'test'})
    expect(r.warnings).toEqual([expect.stringMatching(new RegExp(`allocinfo\\.txt:${at + 1}: not an allocinfo line; .*: line skipped; recorded as skipped: .* \\(in 2 of 2 samples\\)$`))])
    const input = await readTrendInput([out], {timeFrom: 'auto'})
    expect(input.warnings).toEqual([expect.stringMatching(/r\.arec\.gz: 2 snapshots with lines the recorder skipped \(snapshot 0 at .*, 1 line, snapshot 1 at .*\): a site missing from such a snapshot is taken as unknown there, not gone$/)])
  })
})
