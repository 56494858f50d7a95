// A signature seen on several kernels: the fleet's CSV keeps one value per cell (issue 13), so the
// signature table says how many kernels and a table of its own lists each (signature, kernel).
// Records: the real notrack sample through batch, and a DERIVED copy of its record that claims
// another kernel release (as the same bug on the next stable release would).
import {parse} from 'csv-parse/sync'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {fleetReport, fleetRows} from '../../src/fleet/report.js'
import {mergeSummaries, emptySummary} from '../../src/fleet/summary.js'
import {summaryOfRecord} from '../../src/fleet/record.js'
import {renderReport} from '../../src/render/format.js'
import type {BatchRecord} from '../../src/batch/schema.js'
import {SAMPLES} from '../helpers/paths.js'
import {cli, records} from '../batch/helpers.js'

describe('a signature on two kernels', () => {
  it('signature table: the kernel count; one row per (signature, kernel); no list in any CSV cell', async () => {
    const [real] = records((await cli(['batch', join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink', 'dmesg.txt'), '-j', '1'])).stdout) as BatchRecord[]
    const derived = structuredClone(real!)
    derived.input = {...derived.input, path: 'derived-next-stable.log'}
    derived.host!.release = {...derived.host!.release!, value: '7.2.14'}
    const s = [real!, derived].map(summaryOfRecord).reduce(mergeSummaries, emptySummary())
    const rows = fleetRows(s)
    expect(rows.signatures.map((r) => r.kernels)).toEqual([2])
    expect(rows.signatureKernels.map((r) => r.kernel)).toEqual(['7.2.13', '7.2.14'])
    const csv = renderReport(fleetReport(s), 'csv', {width: 80, csv: {titles: true}})
    const cells = (parse(csv, {comment: '#', relaxColumnCount: true}) as string[][]).flat()
    expect(cells.filter((c) => /\b\d+\.\d+\.\d+\s+\d+\.\d+/.test(c))).toEqual([])
  })
})
