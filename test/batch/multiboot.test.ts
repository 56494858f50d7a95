// `batch` on a log holding several boots follows analyse's boot policy (issue 13): a record per boot,
// each saying which (numbered as journalctl --list-boots), or the one --boot names; fleet counts
// the input once. The input is DERIVED, not a capture: two real samples' dmesg.txt concatenated, as
// kern.log or `journalctl -k` without -b holds a reboot.
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {analyseBootLogBoots} from '../../src/analysis/read.js'
import {findingsOf} from '../../src/batch/record.js'
import {SAMPLES} from '../helpers/paths.js'
import {cli, records} from './helpers.js'

const POOL = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
const NOTRACK = join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink')
let dir: string
let log: string
let capture: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'allocscope-multiboot-'))
  // DERIVED: boot 1 the pool c64 sample (64 CPUs, no finding), boot 2 the notrack c8 sample (8 CPUs, alloc_tag was not set).
  const text = readFileSync(join(POOL, 'dmesg.txt'), 'utf8') + readFileSync(join(NOTRACK, 'dmesg.txt'), 'utf8')
  log = join(dir, 'derived-two-boots.log')
  writeFileSync(log, text)
  // DERIVED capture directory: that log as its dmesg.txt, with the notrack sample's allocinfo (read after the last boot).
  capture = join(dir, 'derived-capture')
  mkdirSync(capture)
  writeFileSync(join(capture, 'dmesg.txt'), text)
  writeFileSync(join(capture, 'allocinfo.txt'), readFileSync(join(NOTRACK, 'allocinfo.txt')))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('batch on a multi-boot log (DERIVED: two real boots concatenated)', () => {
  it('a record per boot, each saying which, with the same host and findings as analyse gives that boot', async () => {
    const r = await cli(['batch', log, '-j', '1'])
    expect(r.status, r.stderr).toBe(0)
    const recs = records(r.stdout)
    // Was: one record, the last boot's, saying nothing about the first.
    expect(recs).toHaveLength(2)
    expect(recs.map((x) => x.boot)).toEqual([
      {index: 1, offset: -1, count: 2, firstLine: 1, lastLine: expect.any(Number), first: true},
      {index: 2, offset: 0, count: 2, firstLine: expect.any(Number), lastLine: expect.any(Number), startReason: 'a new "Linux version" banner', first: false},
    ])
    expect(recs.map((x) => x.host?.possibleCpus?.value)).toEqual([64, 8])
    expect(recs.map((x) => x.profiling?.recorder)).toEqual(['pool', 'none'])
    const analysed = await analyseBootLogBoots(log)
    expect(recs.map((x) => x.findings)).toEqual(analysed.boots.map((b) => findingsOf(b)))
    expect(recs[1]!.findings!.map((f) => f.id)).toEqual(['alloc-tag-not-set'])
    expect(r.stderr).toMatch(/2 records are boots of logs holding several \(a record per boot/)
  })

  it('--boot=-1 picks the first of the two, said in its record', async () => {
    const r = await cli(['batch', log, '--boot=-1', '-j', '1'])
    const recs = records(r.stdout)
    expect(recs).toHaveLength(1)
    expect(recs[0]!.boot).toMatchObject({index: 1, offset: -1, count: 2})
    expect(recs[0]!.host?.possibleCpus?.value).toBe(64)
    expect(r.stderr).toContain('allocscope: 1 record is a boot of a log holding several (--boot -1; ')
  })

  it('a log of one boot has no boot field, as before (batch-v1 unchanged for it)', async () => {
    const recs = records((await cli(['batch', join(POOL, 'dmesg.txt'), '-j', '1'])).stdout)
    expect(recs).toHaveLength(1)
    expect(recs[0]!.boot).toBeUndefined()
  })

  it('a capture directory: the allocinfo dump goes with the last boot; fleet counts each input once', async () => {
    const out = join(dir, 'run.ndjson')
    const r = await cli(['batch', capture, log, '-j', '1', '--out', out])
    expect(r.status, r.stderr).toBe(0)
    const recs = records(readFileSync(out, 'utf8'))
    expect(recs).toHaveLength(4)
    expect(recs.map((x) => [x.boot?.offset, x.allocinfo !== undefined])).toEqual([[-1, false], [0, true], [-1, false], [0, false]])
    const f = await cli(['fleet', out, '--json'])
    const s = JSON.parse(f.stdout).result
    expect(s.inputs).toBe(2)
    expect(s.boots).toBe(4)
  })

  it('--resume after a kill that wrote only some boots of the last input: that input is done again, each boot once', async () => {
    const whole = (await cli(['batch', join(POOL, 'dmesg.txt'), log, '-j', '1'])).stdout.split('\n').filter(Boolean)
    expect(whole).toHaveLength(3)
    // As a kill during the last input's one write() can leave: its first boot's line, not the second's.
    const out = join(dir, 'cut-between-boots.ndjson')
    writeFileSync(out, whole.slice(0, 2).join('\n') + '\n')
    const r = await cli(['batch', join(POOL, 'dmesg.txt'), log, '-j', '1', '--out', out, '--resume'])
    expect(r.status, r.stderr).toBe(0)
    expect(readFileSync(out, 'utf8').split('\n').filter(Boolean)).toEqual(whole)
  })
})
