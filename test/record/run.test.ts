// The record command's work without oclif (src/record/run.ts): how long to record, and the summary
// of a short recording of the real sample allocinfo (--source FILE).
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {progressLine, runRecord} from '../../src/record/run.js'
import {SAMPLES} from '../helpers/paths.js'

const source = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt')
const env = {tool: 'allocscope record test', tty: false}

describe('runRecord', () => {
  it('needs --count or --duration', async () => {
    await expect(runRecord({out: '/tmp/x.arec.gz', source, interval: '10ms'}, env)).rejects.toThrow('give --count N or --duration TIME: how long to record')
  })

  it('--count 2 of the real sample: two samples, and the Report points at trend', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'allocscope-record-run-')), 'r.arec.gz')
    const r = await runRecord({out, source, interval: '10ms', count: 2}, env)
    expect((r.result as {samples: number}).samples).toBe(2)
    const rows = (r.report.blocks[0] as {rows: {key: string; value: unknown}[]}).rows
    expect(rows.find((x) => x.key === 'next')?.value).toBe(`allocscope trend ${out}`)
  })

  it('the progress line', () => {
    expect(progressLine({n: 3, of: 10, elapsedMs: 2500, sites: 900, changed: 4, bytesWritten: 2048, cpuMs: 1.25} as never)).toBe(
      'allocscope: record: sample 3/10, 3 s, 900 sites, 4 changed, 2.00 KiB written, 1.3 ms CPU',
    )
  })
})
