// analyse's `array recorded` row on the real legacy-array overflow (lab/captures/
// lab-7.2-legacy256late-c8-m1024-shrink: `exceeded EARLY_ALLOC_PFN_MAX (256)` at dmesg line 144,
// `klab: early_pfn_legacy recorded=256 dropped=17` at 148, verified with grep). The array size is the
// one the kernel printed, as diff, predict --from, batch and fleet take it (README: "The legacy array
// size is the one the kernel printed in its overflow warning when there is one"); analyse said
// "3.1% of 8192 slots". A legacy boot that printed no size keeps the default 8192, said as such.
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {type AnalyseFlags, runAnalyse} from '../../src/analysis/run.js'
import type {KvBlock} from '../../src/render/report.js'
import {FORMATS, renderReport} from '../../src/render/format.js'
import {LAB_CAPTURES} from '../helpers/paths.js'

const FLAGS: AnalyseFlags = {traces: false, bytes: false, 'accept-truncated': false}
const OVERFLOW = join(LAB_CAPTURES, 'lab-7.2-legacy256late-c8-m1024-shrink')
const NO_WARNING = join(LAB_CAPTURES, 'lab-7.2-legacylate-c1-m1024')
const FILL = /(\d+\.\d)% of (\d+) slots/

/** The `array recorded` row of the Early-PFN tracking block: its PFNs, and the fill its note states. */
async function arrayRow(dir: string) {
  const {report} = await runAnalyse(dir, FLAGS)
  const block = report.blocks.find((b) => b.kind === 'kv' && b.title === 'Early-PFN tracking') as KvBlock
  const row = block.rows.find((r) => r.key === 'array recorded')!
  const [, percent, slots] = FILL.exec(row.note ?? '') ?? []
  return {report, row, percent, slots: Number(slots)}
}

describe("analyse: the legacy array's fill against the size the kernel printed", () => {
  it('a real overflow at EARLY_ALLOC_PFN_MAX 256: 256 recorded is 100.0% of 256 slots, in every format', async () => {
    const {report, row, percent, slots} = await arrayRow(OVERFLOW)
    expect(row.value).toMatchObject({raw: 256})
    expect(slots).toBe(256)
    expect(percent).toBe('100.0')
    for (const format of FORMATS) {
      const out = renderReport(report, format, {width: 200})
      expect([format, out.match(FILL)?.slice(1)]).toEqual([format, ['100.0', '256']])
    }
  })

  it('a legacy boot whose log printed no size (no overflow): the default 8192 slots', async () => {
    const {row, percent, slots} = await arrayRow(NO_WARNING)
    expect(slots).toBe(8192)
    expect(percent).toBe('2.2')
    expect(row.note).toMatch(/^klab line 145; /)
  })
})
