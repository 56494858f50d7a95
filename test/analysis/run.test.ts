// The analyse command's work without oclif (src/analysis/run.ts), in-process on real captures: a
// capture directory's boot log and allocinfo, one boot or several, the warnings and the severities.
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {type AnalyseFlags, runAnalyse} from '../../src/analysis/run.js'
import {readAllocInfo} from '../../src/readers/allocinfo.js'
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

  it('the severities are the findings\' (the shrink boot\'s alloc_tag WARNING), then the dump\'s anomalies\' (its summed duplicate keys: info)', async () => {
    const r = await runAnalyse(SHRINK, FLAGS)
    const res = r.result as One
    const dump = await readAllocInfo(join(SHRINK, 'allocinfo.txt'))
    expect(dump.anomalyCounts).toEqual({'duplicate-key': expect.any(Number)})
    expect(r.severities).toEqual([...res.findings.map((f) => f.severity), 'info'])
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

  it('a format given that reads no record is refused (not a green report of nothing); a directory with no boot log is refused naming it', async () => {
    const empty = join(tmp, 'not-a-journal.txt')
    writeFileSync(empty, 'hello world\nsecond line\n')
    await expect(runAnalyse(empty, {...FLAGS, 'input-format': 'journal-json'})).rejects.toThrow(`${empty}: none of its 2 lines reads as a record of the format given (--input-format journal-json)`)
    // A real dmesg with the wrong format forced: each format that reads none of it (the reviewer's six).
    const dmesg = join(POOL, 'dmesg.txt')
    for (const format of ['journal-json', 'dmesg-json', 'kmsg', 'syslog', 'lava', 'journal-export']) {
      await expect(runAnalyse(dmesg, {...FLAGS, 'input-format': format}), format).rejects.toThrow(/none of its 272 lines reads as a record/)
    }
    expect((await runAnalyse(dmesg, {...FLAGS, 'input-format': 'dmesg'})).warnings).toEqual([])
    const dir = join(tmp, 'alloc-only')
    mkdirSync(dir)
    writeFileSync(join(dir, 'allocinfo.txt'), readFileSync(join(POOL, 'allocinfo.txt')))
    await expect(runAnalyse(dir, FLAGS)).rejects.toThrow(`${dir}: no boot log in this capture directory`)
  })

  it('an allocinfo cut short (a gzip that ends early) is refused as a cut log is, and with --accept-truncated marked truncated and warned, not shown as a whole dump', async () => {
    const {gzipSync} = await import('node:zlib')
    const gz = join(tmp, 'derived-cut-allocinfo.gz')
    writeFileSync(gz, gzipSync(readFileSync(join(POOL, 'allocinfo.txt'))).subarray(0, 3000))
    await expect(runAnalyse(join(POOL, 'dmesg.txt'), {...FLAGS, allocinfo: gz})).rejects.toThrow(`${gz}: the gzip stream ends early (truncated): expected a whole gzip-compressed /proc/allocinfo dump`)
    const r = await runAnalyse(join(POOL, 'dmesg.txt'), {...FLAGS, allocinfo: gz, 'accept-truncated': true})
    expect((r.result as {allocinfo: {truncated?: string}}).allocinfo.truncated).toMatch(/the gzip stream ends early/)
    expect(r.warnings).toEqual([expect.stringMatching(new RegExp(`^${gz}: the gzip stream ends early`))])
    const kv = r.report.blocks.find((b) => b.title === 'allocinfo') as {rows: {key: string}[]}
    expect(kv.rows.map((x) => x.key)).toContain('truncated')
    expect((await runAnalyse(POOL, FLAGS)).warnings).toEqual([])
  })

  it('the waiting notice is asked for the resolved files (boot log, allocinfo), not the directory', async () => {
    const asked: string[] = []
    await runAnalyse(POOL, FLAGS, {waitingNotice: (p) => (asked.push(p), undefined)})
    // Each file read is asked for: the boot log, then the capture's allocinfo (either may be a FIFO).
    expect(asked).toEqual([join(POOL, 'dmesg.txt'), join(POOL, 'allocinfo.txt')])
  })
})
