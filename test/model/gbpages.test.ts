// Host.gbPages in the model: the noGbPages term, the capture facts calibration reads, the host of
// `predict --from`, the inventory column, and how a prediction shows a host without GB pages.
import {existsSync, readFileSync} from 'node:fs'
import {basename, join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {analyseBootLogText} from '../../src/analysis/read.js'
import {InputError} from '../../src/errors.js'
import {readCaptureFacts} from '../../src/model/capture-facts.js'
import {calibrate, withinBound} from '../../src/model/calibrate.js'
import {hostFromAnalysis} from '../../src/model/from-boot.js'
import {defaultHost, type Host} from '../../src/model/host.js'
import {parseInventory} from '../../src/model/inventory.js'
import {predict} from '../../src/model/predict.js'
import {loadProfile} from '../../src/model/profile.js'
import {hostBlock, predictionReport} from '../../src/model/report.js'
import {term} from '../../src/model/terms.js'
import type {KvBlock, TextBlock} from '../../src/render/report.js'
import {derivedCaptureDir, derivedCutBefore, derivedWithCmdlineParam} from '../helpers/gbpages-derived.js'
import {captureDir, captureDirs} from '../helpers/paths.js'

const Q64 = 'linux-6.12-instr_smp004_1G_qemu64'
const MAX = 'linux-6.12-instr_smp004_1G'
const GB = 'Using GB pages for direct mapping'
const dmesg = (name: string) => readFileSync(join(captureDir(name), 'dmesg.txt'), 'utf8')
const klabCalls = (name: string) => Number(/klab: early_page_allocs calls=(\d+)/.exec(dmesg(name))![1])

describe('noGbPages term', () => {
  const t = term('noGbPages')
  it('is 1 only for a host without GB pages; a boot-CPU, boot-phase term', () => {
    expect(defaultHost().gbPages).toBe(true)
    expect(t.value(defaultHost(), {})).toBe(0)
    expect(t.value({...defaultHost(), gbPages: false}, {})).toBe(1)
    // a Host object built without the field (older code, a hand-made JSON) is the default
    const {gbPages: _, ...old} = defaultHost()
    expect(t.value(old as Host, {})).toBe(0)
    expect(t.attribution).toBe('boot')
    expect(t.phase).toBe('boot')
    expect(t.meaning).toMatch(/2 MiB pages.*pdpe1gb.*nogbpages.*page-table/)
  })
})

describe('capture facts (calibration input)', () => {
  it.each(captureDirs().filter((d) => existsSync(join(d, 'dmesg.txt'))).map((d) => basename(d)))('%s: gbPages is the presence of the line', (name) => {
    expect(readCaptureFacts(captureDir(name)).host.gbPages).toBe(dmesg(name).includes(GB))
  })

  it('qemu64 → false, -cpu max → true; the same hosts otherwise, 77 vs 63 klab calls', () => {
    const q = readCaptureFacts(captureDir(Q64))
    const m = readCaptureFacts(captureDir(MAX))
    expect(q.host.gbPages).toBe(false)
    expect(m.host.gbPages).toBe(true)
    expect({...q.host, gbPages: true, name: '', origins: {}}).toEqual({...m.host, name: '', origins: {}})
    expect([q.calls, m.calls]).toEqual([klabCalls(Q64), klabCalls(MAX)])
    expect([q.calls, m.calls]).toEqual([77, 63])
  })

  it('DERIVED: qemu64 cut before Memory: → unknown, so the default (true); with nogbpages → false', () => {
    const cut = derivedCutBefore(dmesg(Q64), 'Memory: ')
    expect(readCaptureFacts(derivedCaptureDir('q64-cut-before-memory', cut)).host.gbPages).toBe(true)
    expect(readCaptureFacts(derivedCaptureDir('q64-cut-nogbpages', derivedWithCmdlineParam(cut, 'nogbpages'))).host.gbPages).toBe(false)
  })

  it('the 255-CPU pool console.log (cut short during SMP bring-up) prints the line: true', () => {
    expect(readCaptureFacts(captureDir('linux-7.2-pool-c255-m1024')).host.gbPages).toBe(true)
  })
})

describe('host of predict --from', () => {
  it('qemu64 → gbPages false, no note; -cpu max → true', () => {
    const q = hostFromAnalysis(analyseBootLogText(dmesg(Q64), Q64))
    expect(q.host.gbPages).toBe(false)
    expect(q.notes.has('gbPages')).toBe(false)
    expect([...q.notes.values()].join('\n')).not.toMatch(/GB pages/)
    expect(hostFromAnalysis(analyseBootLogText(dmesg(MAX), MAX)).host.gbPages).toBe(true)
  })

  it('unknown (the lkml excerpt; DERIVED qemu64 cut before Memory:) → default yes, and a note says so', () => {
    const lkml = readFileSync(join(captureDir('lkml-7.0-rc4-alloc-tag-not-set'), 'dmesg-excerpt.txt'), 'utf8')
    for (const text of [lkml, derivedCutBefore(dmesg(Q64), 'Memory: ')]) {
      const {host, notes} = hostFromAnalysis(analyseBootLogText(text, 'derived'))
      expect(host.gbPages).toBe(true)
      expect(notes.get('gbPages')).toMatch(/GB pages unknown .*default yes used/)
    }
  })
})

describe('inventory column gb_pages', () => {
  it('yes/no/true/false/1/0 (and the GB-Pages spelling); absent → default yes', () => {
    const csv = ['name,cpus,GB-Pages', 'a,4,yes', 'b,4,no', 'c,4,true', 'd,4,false', 'e,4,1', 'f,4,0', 'g,4,'].join('\n')
    expect(parseInventory(csv, 'synthetic.csv').map((h) => h.host.gbPages)).toEqual([true, false, true, false, true, false, true])
    expect(parseInventory('name,cpus\na,4\n', 'synthetic.csv')[0].host.gbPages).toBe(true)
    expect(parseInventory('name,cpus,gb_pages\na,4,no\n', 'synthetic.csv')[0].extra).toEqual({})
  })

  it('an invalid value → InputError naming file:line and the column', () => {
    const csv = 'name,cpus,gb_pages\n# a comment line\na,4,yes\nb,4,maybe\n'
    expect(() => parseInventory(csv, 'synthetic.csv')).toThrow(InputError)
    expect(() => parseInventory(csv, 'synthetic.csv')).toThrow('synthetic.csv:4: column gb_pages: "maybe" is not yes/no')
  })
})

describe('prediction', () => {
  const shipped = loadProfile('linux-6.12-before-smp')
  const q64Host: Host = {...readCaptureFacts(captureDir(Q64)).host}
  const rows = (h: Host, p = shipped) => (hostBlock(predict(h, p)) as KvBlock).rows

  it('the host block shows GB pages only when off, saying whether the profile counts it', () => {
    expect(rows({...q64Host, gbPages: true}).some((r) => r.key === 'GB pages')).toBe(false)
    const row = rows(q64Host).find((r) => r.key === 'GB pages')!
    expect(row.value).toBe('no (2 MiB direct map)')
    const notes = predictionReport(predict(q64Host, shipped)).blocks.find((b) => b.kind === 'text' && b.title === 'Notes') as TextBlock | undefined
    const said = (notes?.lines ?? []).join(' ').replace(/\s+/g, ' ')
    // the shipped 6.12 profile was fitted with the term (lab qemu64 boots): counted, no note
    expect(row.note).toMatch(/^noGbPages: \+[\d.]+ calls$/)
    expect(said).not.toMatch(/no GB pages/)
    // without the term: the row and the note say it is not counted
    const without = {...shipped, terms: shipped.terms.filter((t) => t.id !== 'noGbPages')}
    expect(rows(q64Host, without).find((r) => r.key === 'GB pages')!.note).toBe('not in the profile')
    expect(predict(q64Host, without).notes.join(' ')).toContain(`no GB pages: profile ${shipped.name} has no noGbPages term`)
  })

  it('a profile fitted with noGbPages (the 6.12 before-SMP captures, one of them qemu64) predicts the qemu64 boot', () => {
    const facts = shipped.provenance.captures.map((c) => readCaptureFacts(captureDir(c.capture)))
    // the corpus's qemu64 boot and the lab's three (lab/calibration-boots.sh)
    expect(facts.filter((f) => !f.host.gbPages).map((f) => f.name)).toEqual([Q64, 'lab-6.12-instr-c1-m1024-qemu64', 'lab-6.12-instr-c16-m1024-qemu64', 'lab-6.12-instr-c4-m4096-qemu64'])
    const p = calibrate(facts, {terms: ['normalZone', 'noGbPages'], nested: false}).profile
    const coef = p.terms.find((t) => t.id === 'noGbPages')!
    // the lab: qemu64 over -cpu max is +14 calls on the same host; the fit on all the captures is close
    expect(coef.calls).toBeGreaterThan(10)
    expect(coef.calls).toBeLessThan(20)
    const off = predict(q64Host, p)
    const on = predict({...q64Host, gbPages: true}, p)
    expect(off.events - on.events).toBe(Math.round(off.terms.reduce((s, t) => s + t.calls, 0)) - Math.round(on.terms.reduce((s, t) => s + t.calls, 0)))
    expect(off.events).toBeGreaterThan(on.events)
    expect(withinBound(off.events, klabCalls(Q64))).toBe(true)
    expect(withinBound(on.events, klabCalls(MAX))).toBe(true)
    expect(rows(q64Host, p).find((r) => r.key === 'GB pages')!.note).toBe(`noGbPages: +${Math.round(coef.calls * 10) / 10} calls`)
  })
})
