// README's severity table for the detectors is generated from the detector tables themselves
// (src/analysis/detectors.ts: DETECTORS, CRASH_ROWS and the generic WARNING/BUG fallbacks), so
// the README cannot say a kernel BUG is `error` while the code makes `kernel BUG at` critical (it
// did). `npm run update-expectations` rewrites the block between the markers; this test fails
// when the two differ.
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {CRASH_ROWS, DETECTORS, GENERIC_BUG, GENERIC_WARNING} from '../../src/analysis/detectors.js'
import {SEVERITIES, type Severity} from '../../src/types.js'
import {expectMarkedBlock} from '../helpers/expectations.js'
import {REPO} from '../helpers/paths.js'

interface Row {
  id: string
  severity: Severity
  means: string
}

/** Every detector row, in table order, the fallbacks last. */
function rows(): Row[] {
  return [
    ...DETECTORS.map((d) => ({id: d.id, severity: d.severity, means: d.means})),
    ...CRASH_ROWS.map((d) => ({id: d.id, severity: d.severity, means: d.means})),
    {...GENERIC_BUG, means: 'any other BUG splat'},
    {...GENERIC_WARNING, means: 'any other WARNING splat'},
  ]
}

/**
 * One line per severity, highest first: each detector id with rows at it, once; an id whose rows
 * sit at several severities (`bug`, `warning`) lists what its rows at this one catch.
 */
export function detectorSeverityTable(all: Row[] = rows()): string {
  const severities = (id: string) => new Set(all.filter((r) => r.id === id).map((r) => r.severity))
  const lines = ['| severity | detector ids (an id split across severities: what its rows at this one catch) |', '| --- | --- |']
  for (const s of [...SEVERITIES].reverse()) {
    const ids = [...new Set(all.filter((r) => r.severity === s).map((r) => r.id))]
    if (ids.length === 0) continue
    const cell = ids.map((id) => {
      if (severities(id).size === 1) return `\`${id}\``
      const what = [...new Set(all.filter((r) => r.id === id && r.severity === s).map((r) => r.means))]
      return `\`${id}\` (${what.join('; ')})`
    })
    lines.push(`| \`${s}\` | ${cell.join(', ')} |`)
  }
  return lines.join('\n') + '\n'
}

describe("README's detector severities", () => {
  it('are the detector tables', () => {
    expectMarkedBlock(join(REPO, 'README.md'), 'detector-severities', detectorSeverityTable(), 'README detector severity table')
  })
  it('the table puts a row where its severity says (and fails when one moves)', () => {
    const table = detectorSeverityTable()
    expect(table).toMatch(/^\| `critical` \| .*`kernel-bug`.*`gpf`|^\| `critical` \| .*`gpf`.*`kernel-bug`/m)
    expect(table).not.toMatch(/^\| `error` \| .*`kernel-bug`/m)
    const moved = detectorSeverityTable(rows().map((r) => (r.id === 'gpf' ? {...r, severity: 'error' as Severity} : r)))
    expect(moved).not.toBe(table)
    expect(moved).toMatch(/^\| `error` \| .*`gpf`/m)
  })
})
