// Line numbers are the ones grep -n, sed -n, less and vim give (LF-counted) on every reader path:
// the text path, the streamed byte path and the split path (pieces read apart, here cut at the
// record of the splat: on the main thread, and through the CLI on its reading thread). DERIVED inputs, made in a temp dir from a real log with a real WARN
// ("alloc_tag was not set", lines 270-316 of the notrack shrink sample): its lines ended CR CR LF
// (a serial capture whose tty layer added a CR to the CR LF), and a progress line redrawn with
// bare CRs inserted before line 100. Before the fix the first read the splat at line 539 (every CR
// counted as a line end) and the second at 273 (each redraw a line).
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {analyseBootLogBoots, analyseBootLogText} from '../../src/analysis/read.js'
import {planPieces} from '../../src/analysis/split.js'
import type {BootAnalysis} from '../../src/types.js'
import {runCli} from '../helpers/cli.js'
import {SAMPLES} from '../helpers/paths.js'

const dir = mkdtempSync(join(tmpdir(), 'cr-lines-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const REAL = readFileSync(join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink', 'dmesg.txt'), 'utf8')
const realLines = REAL.split('\n').slice(0, -1)
const PROGRESS = 'Loading... 10%\rLoading... 50%\rLoading... 100%'

const DERIVED = {
  crcr: realLines.map((l) => `${l}\r\r\n`).join(''),
  progress: [...realLines.slice(0, 99), PROGRESS, ...realLines.slice(99)].map((l) => `${l}\n`).join(''),
}

/** What grep -n says: the line of the splat's first line, and the line count. */
function grepN(text: string): {cut: number; lines: number} {
  const lines = text.split('\n').slice(0, -1)
  return {cut: lines.findIndex((l) => l.includes('------------[ cut here ]------------')) + 1, lines: lines.length}
}

/** The numbers a result gives: its finding's line and trace, its line count, its skipped lines. */
function numbers(a: BootAnalysis) {
  expect(a.findings).toHaveLength(1)
  const f = a.findings[0]!
  return {line: f.line, trace: [f.splat?.startLine, f.splat?.endLine], lines: a.lines, skipped: a.skipped.map((s) => s.line)}
}

describe('LF-counted line numbers on CR CR LF and progress lines (DERIVED from a real WARN)', () => {
  for (const [name, text] of Object.entries(DERIVED)) {
    it(`${name}: the text, streamed and split paths give grep -n's numbers`, async () => {
      const path = join(dir, `${name}.txt`)
      writeFileSync(path, text)
      const g = grepN(text)
      expect(g.cut).toBe(name === 'crcr' ? 270 : 271)
      const want = {line: g.cut, trace: [g.cut, g.cut + 46], lines: g.lines, skipped: name === 'crcr' ? [] : [100, 100, 100]}
      expect(numbers(analyseBootLogText(text, path))).toEqual(want)
      const streamed = (await analyseBootLogBoots(path, {split: false}, 'all')).boots[0]!
      expect(numbers(streamed)).toEqual(want)
      // Cut at the splat's first record: the plan must take that cut, or the split path is not tested.
      const at = Buffer.byteLength(text.slice(0, text.indexOf('[    8.508168] ------------[ cut here ]')))
      expect(planPieces(path, Buffer.byteLength(text), [at]).map((p) => p.start)).toEqual([0, at])
      const split = (await analyseBootLogBoots(path, {split: {points: [at], jobs: 0}}, 'all')).boots[0]!
      expect(numbers(split)).toEqual(want)
      expect(JSON.stringify(split)).toBe(JSON.stringify(streamed))
      // The CLI (built dist/) with the second reading thread, cut there, and without it.
      for (const env of [{ALLOCSCOPE_SPLIT: `at:${at}`}, {ALLOCSCOPE_SPLIT: 'off'}]) {
        const r = await runCli(['analyse', path, '--json'], {env})
        expect(numbers(JSON.parse(r.stdout).result as BootAnalysis), env.ALLOCSCOPE_SPLIT).toEqual(want)
      }
    })
  }

  it('a progress line: each redraw is read as a piece of line 100 (none dropped), none a line of its own', async () => {
    const a = analyseBootLogText(DERIVED.progress, 'progress')
    expect(a.skipped.map((s) => [s.line, s.text])).toEqual([
      [100, 'Loading... 10%'],
      [100, 'Loading... 50%'],
      [100, 'Loading... 100%'],
    ])
  })
})
