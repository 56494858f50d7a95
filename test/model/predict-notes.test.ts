// What predict says about a host whose kernel has no recorder at all (DEBUG off), and what warns.
import {describe, expect, it} from 'vitest'
import {defaultHost} from '../../src/model/host.js'
import {predict} from '../../src/model/predict.js'
import {loadProfile} from '../../src/model/profile.js'
import {predictHostRow} from '../../src/model/fleet.js'
import {predictionReport} from '../../src/model/report.js'
import type {TableBlock} from '../../src/render/report.js'

describe('predict notes', () => {
  it('DEBUG off: neither recorder exists, the rows are what one would hold; DEBUG on: no such note', () => {
    const late = loadProfile('linux-7.2-after-smp')
    const off = predict({...defaultHost(), possibleCpus: 1024, onlineCpus: 1024, debug: false}, late)
    expect(off.window).toBe('after-smp')
    expect(off.legacy!.dropped).toBeGreaterThan(0)
    expect(off.notes.join(' ')).toMatch(/builds neither recorder and never warns "alloc_tag was not set"/)
    const on = predict({...defaultHost(), possibleCpus: 1024, onlineCpus: 1024, debug: true, observedWindow: 'after-smp'}, late)
    expect(on.window).toBe('after-smp')
    expect(on.notes.join(' ')).not.toMatch(/builds neither recorder/)
  })
})

describe('no GB pages in the notes (so --json has it too)', () => {
  it('said when the profile cannot count it, not when it can', () => {
    const h = {...defaultHost(), possibleCpus: 4, onlineCpus: 4, gbPages: false}
    expect(predict(h, loadProfile('linux-7.2-before-smp')).notes.join(' ')).toMatch(/no GB pages: profile linux-7.2-before-smp has no noGbPages term/)
    expect(predict(h, loadProfile('linux-6.12-before-smp')).notes.join(' ')).not.toMatch(/no GB pages/)
    expect(predict({...h, gbPages: true}, loadProfile('linux-7.2-before-smp')).notes.join(' ')).not.toMatch(/no GB pages/)
  })
})

describe('may warn if freed: only a DEBUG kernel warns', () => {
  // 1024 CPUs after SMP: the legacy what-if run drops PFNs past 8192.
  const late = loadProfile('linux-7.2-after-smp')
  const host = (debug: boolean) => ({...defaultHost(), possibleCpus: 1024, onlineCpus: 1024, debug, observedWindow: 'after-smp' as const})
  const legacyRow = (debug: boolean) => {
    const report = predictionReport(predict(host(debug), late))
    const table = report.blocks.find((b): b is TableBlock => b.kind === 'table')!
    const notes = report.blocks.find((b) => b.title === 'Notes') as {lines: string[]}
    return {cell: table.rows.find((r) => r.recorder === 'legacy')!.warnPages, notes: notes.lines.join('\n')}
  }

  it('no DEBUG: the row says 0 (no DEBUG) and the note says nothing warns; DEBUG: the dropped pages', () => {
    const p = predict(host(false), late)
    expect(p.legacy!.wouldWarnIfFreed.pages).toBeGreaterThan(0)
    const off = legacyRow(false)
    expect(off.cell).toMatchObject({text: '0 (no DEBUG)', raw: 0})
    expect(off.notes).toMatch(/legacy: \d+ dropped allocations, \d+ pages: on a DEBUG kernel in this window freeing any of them would trip "alloc_tag was not set" once \(WARN_ONCE\); this host has no DEBUG, so nothing warns/)
    expect(off.notes).not.toMatch(/trips "alloc_tag was not set"/)
    const on = legacyRow(true)
    expect(on.cell).toMatchObject({raw: predict(host(true), late).legacy!.wouldWarnIfFreed.pages, style: 'warn'})
  })

  it("one dropped allocation: 'freeing it trips' (was 'freeing any of them'); its one page '1 page' in the row; two: 'any of them'", () => {
    const said = (calls: number, pages: number, debug: boolean) => {
      const p = predict(host(debug), late)
      p.legacy!.wouldWarnIfFreed = {calls, pages, sample: []}
      const report = predictionReport(p)
      const table = report.blocks.find((b): b is TableBlock => b.kind === 'table')!
      const notes = (report.blocks.find((b) => b.title === 'Notes') as {lines: string[]}).lines.join(' ')
      return {cell: table.rows.find((r) => r.recorder === 'legacy')!.warnPages, notes}
    }
    const one = said(1, 1, true)
    expect(one.notes).toContain('legacy: 1 dropped allocation, 1 page: freeing it trips "alloc_tag was not set" once (WARN_ONCE) on a DEBUG kernel')
    expect(one.cell).toMatchObject({text: '1 page', raw: 1})
    expect(said(1, 4, false).notes).toContain('legacy: 1 dropped allocation, 4 pages: on a DEBUG kernel in this window freeing it would trip')
    expect(said(2, 2, true).notes).toContain('legacy: 2 dropped allocations, 2 pages: freeing any of them trips')
    expect(said(2, 2, true).cell).toMatchObject({text: '2 pages'})
  })

  it('predict --hosts rows: mayWarnPages is 0 for a host without DEBUG', () => {
    const row = (debug: boolean) => predictHostRow({row: 1, host: host(debug), extra: {}}, {}).row
    expect(row(false).legacyDropped).toBeGreaterThan(0)
    expect(row(false).mayWarnPages).toBe(0)
    expect(row(true).mayWarnPages).toBeGreaterThan(0)
  })
})

describe('an interval fitted on one boot (a calibrate of few captures): the counts in the singular', () => {
  // The shipped profile with its interval DERIVED down to one boot's error (n 1, fewer than 9).
  const shipped = loadProfile('linux-7.2-after-smp')
  const few = (n: number) => {
    const iv = shipped.provenance.interval!
    return {...shipped, provenance: {...shipped.provenance, interval: {...iv, n, fewCaptures: true}, pageInterval: {...iv, n, fewCaptures: true}}}
  }
  const h = {...defaultHost(), possibleCpus: 64, onlineCpus: 64, debug: true, observedWindow: 'after-smp' as const}
  const say = (n: number) => {
    const p = predict(h, few(n))
    const rows = predictionReport(p).blocks.flatMap((b) => ('rows' in b && b.kind === 'kv' ? b.rows : []))
    return {notes: p.notes.join('\n'), half: String(rows.find((r) => r.key === 'interval half-width')?.note)}
  }

  it("'fitted on 1 boot ... each half-width is its one error' and 'the ... error of 1 boot x 1.5' (were '1 boots', 'the largest of the ... errors of 1 boots')", () => {
    const one = say(1)
    expect(one.notes).toMatch(/is fitted on 1 boot, fewer than the 9 .* each half-width is its one error × 1\.5/)
    expect(one.half).toMatch(/; the [a-z-]+ (\(.*\) )?error of 1 boot x 1\.5 \(fewer than 9\)/)
    expect(`${one.notes} ${one.half}`).not.toMatch(/1 boots|largest of the [^;]* of 1 boot/)
    const two = say(2)
    expect(two.notes).toMatch(/is fitted on 2 boots, .* each half-width is the largest of those errors × 1\.5/)
    expect(two.half).toMatch(/; the largest of the .* errors of 2 boots x 1\.5/)
  })
})

describe('enough errors for one half-width and not the other: each row and the note say which', () => {
  // The shipped profile (34 boots for both) with its pages interval DERIVED down to 7 errors.
  const shipped = loadProfile('linux-7.2-after-smp')
  const pagesFew = {...shipped, provenance: {...shipped.provenance, pageInterval: {...shipped.provenance.pageInterval!, n: 7, fewCaptures: true}}}
  const h = {...defaultHost(), possibleCpus: 64, onlineCpus: 64, debug: true, observedWindow: 'after-smp' as const}

  it("the calls' row stays the quantile of 34 boots; only the pages' row and note say 'fewer than 9' (one flag said it of both)", () => {
    const p = predict(h, pagesFew)
    expect(p.uncertainty.fewCaptures).toBe(false)
    expect(p.uncertainty.pageFewCaptures).toBe(true)
    const rows = predictionReport(p).blocks.flatMap((b) => ('rows' in b && b.kind === 'kv' ? b.rows : []))
    const note = (key: string) => String(rows.find((r) => r.key === key)?.note)
    expect(note('interval half-width')).toMatch(/from the .* errors of 34 boots/)
    expect(note('interval half-width')).not.toMatch(/fewer than 9/)
    expect(note('pages half-width')).toMatch(/the largest of the .* errors of 7 boots x 1\.5 \(fewer than 9\)/)
    // Each row names its own errors: the pages' are leave-one-shape-out only (calibrate's fitPages).
    expect(note('interval half-width')).toMatch(/leave-one-shape-out \(or nested, the larger\) errors/)
    expect(note('pages half-width')).toMatch(/the largest of the leave-one-shape-out errors/)
    const notes = p.notes.join('\n')
    expect(notes).toMatch(/the early pages half-width is made of the leave-one-shape-out errors of 7 boots, fewer than the 9 .*: it is the largest of those errors × 1\.5/)
    expect(notes).not.toMatch(/early allocations half-width is made of|each half-width/)
    expect(predict(h, shipped).notes.join('\n')).not.toMatch(/fewer than the 9/)
  })
})
