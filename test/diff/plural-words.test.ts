// Counts in diff's and allocinfo's messages say their noun in the right number ('1 signature', '2
// signatures'; '1 NUL byte', '2 NUL bytes'), where they said 'signature(s)' and 'NUL byte(s)'.
// Inputs: a real capture's log diffed with itself (its one finding's row given once or twice, DERIVED),
// and the real sample dump DERIVED with NUL padding at its end.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {afterAll, describe, expect, it} from 'vitest'
import {inputDamage} from '../../src/analysis/input-notes.js'
import {diffBootLogs} from '../../src/diff/bootlog.js'
import {bootLogDiffBlocks} from '../../src/diff/report-bootlog.js'
import {parseAllocInfoText} from '../../src/readers/allocinfo.js'
import type {TableBlock} from '../../src/render/report.js'
import {analyseFile} from '../helpers/diff-analysis.js'
import {REPO, SAMPLES, captureDir} from '../helpers/paths.js'

const DIR = join(SAMPLES, 'linux-7.2-pool-c64-m1024')

describe('diff and allocinfo messages: a count of 1 and of 2', () => {
  it("boot-log diff, nothing changed: '(1 signature on either side)' / '(2 signatures ...)'", () => {
    const log = analyseFile(join(captureDir('linux-6.12-instr_smp064_2G_numa2'), 'dmesg.txt'))
    const d = diffBootLogs(log, log)
    expect(d.findings.map((f) => f.change)).toEqual(['same'])
    const empty = (n: number) => (bootLogDiffBlocks({...d, findings: Array(n).fill(d.findings[0])}).find((b) => b.title === 'Findings (matched by signature)') as TableBlock).empty
    expect(empty(1)).toBe('no finding appeared or disappeared (1 signature on either side)')
    expect(empty(2)).toBe('no finding appeared or disappeared (2 signatures on either side)')
  })
  it("allocinfo padding: 'skipped 1 NUL byte of padding' / 'skipped 2 NUL bytes'", () => {
    const real = readFileSync(join(DIR, 'allocinfo.txt'), 'utf8')
    const note = (n: number) => parseAllocInfoText(real + '\0'.repeat(n), 'padded.txt').notes ?? []
    expect(note(1)).toEqual([expect.stringMatching(/^padded\.txt:\d+: skipped 1 NUL byte of padding at the end \(from byte/)])
    expect(note(2)).toEqual([expect.stringMatching(/^padded\.txt:\d+: skipped 2 NUL bytes of padding at the end \(from byte/)])
  })
})

// A synthetic dump of one site (SYNTHETIC: mm/synthetic.c), under the real header.
const ONE_SITE = `${readFileSync(join(DIR, 'allocinfo.txt'), 'utf8').split('\n').slice(0, 2).join('\n')}\n        4096        1 mm/synthetic.c:1 func:synthetic_alloc\n`
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-plural-words-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
const oneSite = join(tmp, 'SYNTHETIC-one-site.txt')
writeFileSync(oneSite, ONE_SITE)
const text = async (args: string[]) => (await runCommand([...args, '--format', 'text'], {root: REPO})).stdout.replace(/\n {4}/g, ' ')

describe('counts of 1 in diff, allocinfo and the reader notes', () => {
  it("diff of a one-site dump with itself: '(1 site compared)' (was '1 sites'); the real dump: '(930 sites compared)'", async () => {
    const one = await text(['diff', oneSite, oneSite, '--top', '0', '--min-delta', '99999'])
    expect(one).toContain('no site differs in bytes (1 site compared)')
    const real = join(DIR, 'allocinfo.txt')
    expect(await text(['diff', real, real, '--top', '0', '--min-delta', '99999'])).toMatch(/no site differs in bytes \(\d+ sites compared\)/)
  })

  it("allocinfo of a one-site dump: '1 site by bytes', 'total: 1 site, 4.00 KiB, 1 call (3 lines read)' (was '1 sites', '1 calls')", async () => {
    const out = await text(['allocinfo', oneSite])
    expect(out).toMatch(/^1 site by bytes\n/)
    expect(out).toContain('\ntotal: 1 site, 4.00 KiB, 1 call (3 lines read)\n')
    expect(out).not.toMatch(/\b1 (sites|calls)\b/)
  })

  it("leading padding: 'skipped 1 byte of NULs and blank lines (1 line)', and 2 of each in the plural", () => {
    const said = (bytes: number, lines: number) => inputDamage({padding: {leading: {bytes, lines}}}).map((d) => d.text)
    expect(said(1, 1)).toEqual(['skipped 1 byte of NULs and blank lines (1 line) before the first text'])
    expect(said(2, 2)).toEqual(['skipped 2 bytes of NULs and blank lines (2 lines) before the first text'])
  })
})
