// A gzip'd dump cut short (DERIVED: a real lab capture's allocinfo.txt gzipped, then cut in the
// middle, as `head -c` or a capture killed mid-write leaves it) is read up to the damage and marked
// truncated — by the reader, the allocinfo command (refused without --accept-truncated, as analyse
// refuses a cut log; a warning with it), diff and batch — never passed off as a whole dump.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {readAllocInfo} from '../../src/readers/allocinfo.js'
import {runCli} from '../helpers/cli.js'
import {LAB_CAPTURES} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-truncated-'))
const REAL = join(LAB_CAPTURES, 'lab-7.2-pool-c16-m1024-n2', 'allocinfo.txt')
const whole = join(tmp, 'whole.txt.gz')
const cut = join(tmp, 'cut.txt.gz')
const gz = gzipSync(readFileSync(REAL))
writeFileSync(whole, gz)
writeFileSync(cut, gz.subarray(0, Math.floor(gz.length / 2)))
const MARK = 'the gzip stream ends early (truncated): read up to the damage'

describe('a gzip dump cut short', () => {
  it('the reader keeps the sites before the damage and says it is truncated; the whole one is not', async () => {
    const [w, c] = [await readAllocInfo(whole), await readAllocInfo(cut)]
    expect(w.truncated).toBeUndefined()
    expect(w.sites.length).toBe((await readAllocInfo(REAL)).sites.length)
    expect(c.truncated).toBe(MARK)
    expect(c.sites.length).toBeGreaterThan(0)
    expect(c.sites.length).toBeLessThan(w.sites.length)
  })

  it('cut before its first line: refused as truncated, not called empty', async () => {
    const tiny = join(tmp, 'tiny.txt.gz')
    writeFileSync(tiny, gz.subarray(0, 30))
    await expect(readAllocInfo(tiny)).rejects.toThrow(`${tiny}: the gzip stream ends early (truncated) before its first line; expected a whole gzip-compressed /proc/allocinfo dump`)
  })

  it('allocinfo refuses it as analyse refuses a cut log (README), and with --accept-truncated warns; diff warns, batch marks the record', async () => {
    const refused = await runCli(['allocinfo', '--top', '1', cut])
    expect(refused.status).toBe(2)
    expect(refused.stderr).toBe(`allocscope: ${cut}: the gzip stream ends early (truncated): expected a whole gzip-compressed /proc/allocinfo dump (--accept-truncated reads what it holds, marked truncated)\n`)
    const a = await runCli(['allocinfo', '--top', '1', '--accept-truncated', cut])
    expect(a.status).toBe(0)
    expect(a.stderr).toContain(`allocscope: warning: ${cut}: ${MARK}`)
    const d = await runCli(['diff', whole, cut, '--json'])
    expect(JSON.parse(d.stdout).warnings).toEqual([`b: ${cut}: ${MARK}`]) // the side too (test/diff/cut-dumps.test.ts)
    const b = await runCli(['batch', whole, cut])
    const recs = b.stdout.trim().split('\n').map((l) => JSON.parse(l) as {allocinfo: {truncated?: string}})
    expect(recs.map((r) => r.allocinfo.truncated)).toEqual([undefined, MARK])
  })
})
