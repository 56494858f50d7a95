// The analyse command's work without oclif (src/analysis/run.ts), in-process on real captures: a
// capture directory's boot log and allocinfo, one boot or several, the warnings and the severities.
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {type AnalyseFlags, runAnalyse} from '../../src/analysis/run.js'
import {captureDir} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-analyse-run-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
const FLAGS: AnalyseFlags = {traces: false, bytes: false, 'accept-truncated': false}
const POOL = captureDir('linux-7.2-pool-c64-m1024')
const SHRINK = captureDir('linux-7.2-notrack-c8-m1024-shrink')
type One = {source: string; findings: {severity: string}[]; allocinfo?: {totalBytes: unknown}}

describe('runAnalyse', () => {
  it('a capture directory: its dmesg.txt and allocinfo.txt, one boot, the single-boot result', async () => {
    const r = await runAnalyse(POOL, FLAGS)
    const res = r.result as One
    expect(res.source).toBe(join(POOL, 'dmesg.txt'))
    expect(res.allocinfo).toBeDefined()
    expect(r.report.blocks.map((b) => b.title)).toContain('Host')
    expect(r.warnings).toEqual([])
  })

  it('the severities are the findings\' (the shrink boot\'s alloc_tag WARNING)', async () => {
    const r = await runAnalyse(SHRINK, FLAGS)
    const res = r.result as One
    expect(r.severities).toEqual(res.findings.map((f) => f.severity))
    expect(r.severities).toContain('warning')
  })

  it('two boots in one log (DERIVED: two real logs cat\'ed): every boot\'s result; --boot picks one', async () => {
    const two = join(tmp, 'two-boots-derived.txt')
    writeFileSync(two, readFileSync(join(POOL, 'dmesg.txt'), 'utf8') + readFileSync(join(SHRINK, 'dmesg.txt'), 'utf8'))
    const all = await runAnalyse(two, FLAGS)
    const boots = (all.result as {count: number; boots: One[]}).boots
    expect([(all.result as {count: number}).count, boots.length]).toEqual([2, 2])
    expect(all.severities).toEqual(boots.flatMap((b) => b.findings.map((f) => f.severity)))
    const first = await runAnalyse(two, {...FLAGS, boot: 1})
    expect((first.result as {boots?: unknown}).boots).toBeUndefined()
    expect(first.severities).toEqual((first.result as One).findings.map((f) => f.severity))
  })

  it('a log with no kernel records says so; a directory with no boot log is refused naming it', async () => {
    const empty = join(tmp, 'not-a-journal.txt')
    writeFileSync(empty, 'hello world\nsecond line\n')
    const r = await runAnalyse(empty, {...FLAGS, 'input-format': 'journal-json'})
    expect(r.warnings).toContain(`${empty}: no kernel log records found`)
    const dir = join(tmp, 'alloc-only')
    mkdirSync(dir)
    writeFileSync(join(dir, 'allocinfo.txt'), readFileSync(join(POOL, 'allocinfo.txt')))
    await expect(runAnalyse(dir, FLAGS)).rejects.toThrow(`${dir}: no boot log in this capture directory`)
  })

  it('the waiting notice is asked for the resolved files (boot log, allocinfo), not the directory', async () => {
    const asked: string[] = []
    await runAnalyse(POOL, FLAGS, {waitingNotice: (p) => (asked.push(p), undefined)})
    // Each file read is asked for: the boot log, then the capture's allocinfo (either may be a FIFO).
    expect(asked).toEqual([join(POOL, 'dmesg.txt'), join(POOL, 'allocinfo.txt')])
  })
})
