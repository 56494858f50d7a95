// Counts in diff's and allocinfo's messages say their noun in the right number ('1 signature', '2
// signatures'; '1 NUL byte', '2 NUL bytes'), where they said 'signature(s)' and 'NUL byte(s)'.
// Inputs: a real capture's log diffed with itself (its one finding's row given once or twice, DERIVED),
// and the real sample dump DERIVED with NUL padding at its end.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {diffBootLogs} from '../../src/diff/bootlog.js'
import {bootLogDiffBlocks} from '../../src/diff/report-bootlog.js'
import {parseAllocInfoText} from '../../src/readers/allocinfo.js'
import type {TableBlock} from '../../src/render/report.js'
import {analyseFile} from '../helpers/diff-analysis.js'
import {SAMPLES, captureDir} from '../helpers/paths.js'

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
