// Counts of 1 in analyse's and its reader's words, in the right number: '1 line skipped', 'Top 1 site
// by bytes', '1 printk message dropped', '1 of 1 record repeated', 'its one line does not read as a
// record' (were '1 lines skipped', 'Top 1 sites', '1 printk messages', '1 records', 'none of its 1
// lines'). Inputs: the real pool c64 log DERIVED with one line without a stamp appended, apart with
// the kernel's line for one dropped message, and apart with one of its records printed again after a
// clock restart; a SYNTHETIC one-site dump under the real header; a SYNTHETIC one-line file.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {runCli} from '../helpers/cli.js'
import {SAMPLES} from '../helpers/paths.js'

const DIR = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-count-words-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
const put = (name: string, text: string) => {
  const p = join(tmp, name)
  writeFileSync(p, text)
  return p
}
const log = put('DERIVED-one-unstamped-line.txt', `${readFileSync(join(DIR, 'dmesg.txt'), 'utf8')}an unstamped line\n`)
const header = readFileSync(join(DIR, 'allocinfo.txt'), 'utf8').split('\n').slice(0, 2).join('\n')
const oneSite = put('SYNTHETIC-one-site.txt', `${header}\n        4096        1 mm/synthetic.c:1 func:synthetic_alloc\n`)
const oneLine = put('SYNTHETIC-one-line.txt', 'hello world\n')
// The kernel's own line for one message lost: '** 1 printk messages dropped **' (its wording, not ours).
const lines = readFileSync(join(DIR, 'dmesg.txt'), 'utf8').split('\n')
// A clock restart 10 s on (SYNTHETIC stamps 20 and 30 s) that prints one record of the boot again.
const replayed = put('DERIVED-one-record-again.txt', `${lines.join('\n')}[   20.000000] synthetic late line\n${lines[22]}\n[   30.000000] synthetic later line\n`)
const dropped = put('DERIVED-one-dropped.txt', [...lines.slice(0, 49), '** 1 printk messages dropped **', ...lines.slice(49)].join('\n'))

describe('analyse: counts of 1 in the singular', () => {
  it("one line skipped and a one-site dump: 'records 272 (1 line skipped)', 'Top 1 site by bytes'", async () => {
    const r = await runCli(['analyse', log, '--allocinfo', oneSite, '--format', 'text'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/\nrecords +\d+ \(1 line skipped\)\n/)
    expect(r.stdout).toContain('\nTop 1 site by bytes\n')
    expect(r.stdout).not.toMatch(/\b1 (lines|sites)\b/)
  })

  it("one printk message dropped: '1 printk message dropped' (was '1 printk messages dropped')", async () => {
    const r = await runCli(['analyse', dropped, '--format', 'text'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/\nrecords +\d+ \([^)]*\b1 printk message dropped\)\n/)
  })

  it("one record printed again: 'from line N: 1 of 1 record repeated' (was '1 records')", async () => {
    const r = await runCli(['analyse', replayed, '--format', 'text'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout.replace(/\n {2,}/g, ' ')).toMatch(/\nprinted again +from line \d+: 1 of 1 record repeated, not analysed again\n/)
  })

  it("a one-line file read with a forced format it is not: 'its one line does not read as a record' (was 'none of its 1 lines')", async () => {
    const r = await runCli(['analyse', oneLine, '--input-format', 'kmsg'])
    expect(r.stderr).toContain(': its one line does not read as a record of the format given (--input-format kmsg)')
    const two = await runCli(['analyse', put('SYNTHETIC-two-lines.txt', 'hello\nworld\n'), '--input-format', 'kmsg'])
    expect(two.stderr).toContain(': none of its 2 lines reads as a record of the format given')
  })
})
