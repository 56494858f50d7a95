// fleet --fail-on gates on what the merged summary says, whatever the order of the records that
// made it (README, Severity: each fleet row that can trip the gate carries its severity).
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {BATCH_SCHEMA} from '../../src/batch/schema.js'
import {cli} from '../batch/helpers.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-fleet-fail-on-'))

/** A SYNTHETIC boot-log record with one finding of signature `sig` at `severity`. */
const withFinding = (path: string, severity: string, sig = 'warning|x') =>
  JSON.stringify({schema: BATCH_SCHEMA, input: {path}, kind: 'bootlog', findings: [{id: 'warning', severity, title: sig, signature: sig, line: 1, count: 1, corrupted: false}]})

async function fleetOn(name: string, lines: string[], ...flags: string[]) {
  const f = join(tmp, name)
  writeFileSync(f, lines.join('\n') + '\n')
  return cli(['fleet', f, ...flags])
}

describe('fleet --fail-on', () => {
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
