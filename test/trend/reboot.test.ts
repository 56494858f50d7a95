// A series that crosses a reboot (uptime going back) or another kernel (a release that changes):
// the counters start again there, and a leak in each boot read as churn across both, unsaid. It is
// said now, naming the snapshot. SYNTHETIC snapshot files with allocscope header lines.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {readTrendInput} from '../../src/trend/input.js'
import {TESTDATA} from '../helpers/paths.js'

const line = (bytes: number) => `${String(bytes).padStart(12)} ${String(1).padStart(8)} syn/x.c:10 func:x \n`

/** SYNTHETIC: 10 snapshots a minute apart, a leak of 100 kB a minute that starts again at snapshot 5 (a reboot). */
function series(uptime: (i: number) => number, release: (i: number) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'allocscope-trend-reboot-'))
  for (let i = 0; i < 10; i++) {
    const time = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString()
    writeFileSync(join(dir, `s${i}.txt`), `# allocscope: time=${time} uptime=${uptime(i)} release=${release(i)}\nallocinfo - version: 2.0\n#     <size>  <calls> <tag info>\n${line(1_000_000 + 100_000 * (i % 5))}`)
  }
  return dir
}

describe('trend: a series across a reboot', () => {
  it('SYNTHETIC: uptime going back is said, naming the snapshot', async () => {
    const dir = series((i) => (i < 5 ? 10_000 + 60 * i : 60 * (i - 4)), () => '7.2.0')
    const input = await readTrendInput([dir], {timeFrom: 'auto'})
    expect(input.warnings).toEqual([`${join(dir, 's5.txt')} (2026-01-01T00:05:00.000Z): uptime 60 s after 10240 s in the snapshot before: another boot from here on, its counters started again; a trend across it is not one boot's (trend each boot's snapshots apart)`])
  })

  it('SYNTHETIC: another kernel release is said too; one boot throughout says nothing', async () => {
    const other = await readTrendInput([series((i) => 100 + i, (i) => (i < 7 ? '7.2.0' : '7.3.0'))], {timeFrom: 'auto'})
    expect(other.warnings).toEqual([expect.stringMatching(/s7\.txt \(2026-01-01T00:07:00\.000Z\): kernel release 7\.3\.0 after 7\.2\.0 in the snapshot before: another boot/)])
    expect((await readTrendInput([series((i) => 100 + i, () => '7.2.0')], {timeFrom: 'auto'})).warnings).toEqual([])
  })

  it('the real lab recordings are one boot each: nothing said', async () => {
    for (const name of ['leak', 'unload', 'churn', 'busy']) {
      const input = await readTrendInput([join(TESTDATA, 'trend', name, 'recording.arec.gz')], {timeFrom: 'auto'})
      expect(input.store.breaks).toEqual([])
    }
  })
})
