// fleet --fail-on gates on what the merged summary says, whatever the order of the records that
// made it (README, Severity: each fleet row that can trip the gate carries its severity).
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {BATCH_SCHEMA} from '../../src/batch/schema.js'
import {cli, records} from '../batch/helpers.js'
import {SAMPLES} from '../helpers/paths.js'
import {derivedNegativeBytes, REAL_72, realText} from '../helpers/allocinfo-derived.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-fleet-fail-on-'))

/** A SYNTHETIC boot-log record with one finding of signature `sig` at `severity`. */
const withFinding = (path: string, severity: string, sig = 'warning|x') =>
  JSON.stringify({schema: BATCH_SCHEMA, input: {path}, kind: 'bootlog', findings: [{id: 'warning', severity, title: sig, signature: sig, line: 1, count: 1, corrupted: false}]})

async function fleetOn(name: string, lines: string[], ...flags: string[]) {
  const f = join(tmp, name)
  writeFileSync(f, lines.join('\n') + '\n')
  return cli(['fleet', f, ...flags])
}

/** batch over `inputs`, then fleet over its records (through a file, as a pipe would carry them). */
async function batchThenFleet(name: string, inputs: string[], ...flags: string[]) {
  const b = await cli(['batch', '-j', '1', ...inputs])
  expect(b.status, b.stderr).toBe(0)
  const f = join(tmp, `${name}.ndjson`)
  writeFileSync(f, b.stdout)
  return cli(['fleet', f, ...flags])
}

/**
 * DERIVED: the real legacylate c255 sample (a DEBUG legacy kernel) told it has 2048 CPUs, so that
 * its own recorder overflows (about 22 000 early PFNs > 8192): predict --from it is a warning.
 */
function derived2048(): string {
  const text = readFileSync(join(SAMPLES, 'linux-7.2-legacylate-c255-m1024', 'dmesg.txt'), 'utf8')
    .replace('nr_cpu_ids:255', 'nr_cpu_ids:2048')
    .replace(/NR_CPUS:\d*/, 'NR_CPUS:8192')
    .replace('Allowing 255 present', 'Allowing 2048 present')
    .replace('1 node, 255 CPUs', '1 node, 2048 CPUs')
  const f = join(tmp, 'derived-2048.txt')
  writeFileSync(f, text)
  return f
}

describe('fleet --fail-on', () => {
  it("a prediction's severity gates batch and fleet as it gates predict --from (they exited 0), and its rows say it", async () => {
    const log = derived2048()
    expect((await cli(['predict', '--from', log, '--fail-on', 'warning'])).status).toBe(1)
    const b = await cli(['batch', '-j', '1', log, '--fail-on', 'warning'])
    expect(b.status, b.stderr).toBe(1)
    expect((records(b.stdout)[0]!.prediction as {severity?: {severity: string}}).severity?.severity).toBe('warning')
    const r = await batchThenFleet('p2048', [log], '--fail-on', 'warning', '--json')
    expect(r.status, r.stderr).toBe(1)
    const s = (JSON.parse(r.stdout) as {result: {kernels: Record<string, {predictionSeverities?: object}>; overflow: Record<string, {severity?: string}>}}).result
    expect(s.kernels['7.2.13']!.predictionSeverities).toEqual({warning: 1})
    expect(s.overflow[log]!.severity).toBe('warning')
    const csv = (await batchThenFleet('p2048-csv', [log], '--block', 'Hosts predicted to overflow', '--format', 'csv')).stdout.split('\n')
    expect([csv[0], csv[1]!.split(',').slice(0, 2).join(',')]).toEqual(['host,severity,kernel,CPUs,early PFNs,legacy max,example', `${log},warning`])
  })

  it('a non-DEBUG host whose kernel has no recorder is a notice (REAL 6.12 nodebug sample): fleet --fail-on notice trips, warning does not', async () => {
    const log = join(SAMPLES, 'linux-6.12-nodebug_smp064_1G', 'dmesg.txt')
    expect((await batchThenFleet('nodebug-w', [log], '--fail-on', 'warning')).status).toBe(0)
    const r = await batchThenFleet('nodebug-n', [log], '--fail-on', 'notice', '--block', 'Predictions by kernel and severity', '--format', 'csv')
    expect(r.status).toBe(1)
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['kernel,severity,boots', '6.12.117,notice,1'])
  })


  it("a dump's accounting anomaly (negative bytes) is a warning through batch | fleet, as in batch, analyse and allocinfo; the real dump's summed duplicate is info", async () => {
    // DERIVED: the real 7.2 dump with one site's bytes negative.
    const neg = join(tmp, 'allocinfo-negative.txt')
    writeFileSync(neg, derivedNegativeBytes(realText(), 3))
    const r = await batchThenFleet('neg', [neg, REAL_72], '--fail-on', 'warning', '--json')
    expect(r.status, r.stderr).toBe(1)
    const s = (JSON.parse(r.stdout) as {result: {anomalies: Record<string, {dumps: number; count: number; example: string}>}}).result
    expect(s.anomalies).toEqual({'duplicate-key': {dumps: 2, count: 2, example: REAL_72 < neg ? REAL_72 : neg}, 'negative-bytes': {dumps: 1, count: 1, example: neg}})
    // The row that tripped the gate says so (README, Severity: a fleet row's severity column).
    const table = await batchThenFleet('neg-table', [neg], '--block', 'Accounting anomalies in allocinfo dumps', '--format', 'csv')
    expect(table.stdout.split('\n').slice(0, 3)).toEqual(['kind,severity,dumps,anomalies,example', `negative-bytes,warning,1,1,${neg}`, `duplicate-key,info,1,1,${neg}`])
    expect((await batchThenFleet('real', [REAL_72], '--fail-on', 'warning')).status).toBe(0)
  })


  it('a signature seen at warning and at info is a warning, in either order (it kept the least as text: info)', async () => {
    for (const lines of [
      [withFinding('a.log', 'warning'), withFinding('b.log', 'info')],
      [withFinding('b.log', 'info'), withFinding('a.log', 'warning')],
    ]) {
      const r = await fleetOn('mixed.ndjson', lines, '--fail-on', 'warning', '--json')
      expect(r.status, r.stderr).toBe(1)
      expect((JSON.parse(r.stdout) as {result: {signatures: Record<string, {severity: string}>}}).result.signatures['warning|x']!.severity).toBe('warning')
    }
  })
})
