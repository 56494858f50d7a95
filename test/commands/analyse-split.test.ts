// `analyse` on a log read in pieces on worker threads (src/analysis/split.ts) prints what the
// single-threaded run prints: the built CLI in process (its worker threads run dist/), the cuts
// forced with ALLOCSCOPE_SPLIT=at:<offsets> on a DERIVED multi-boot log made of real captures,
// against ALLOCSCOPE_SPLIT=off. test/analysis/split.test.ts cuts at every record of every report.
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {planPieces} from '../../src/analysis/split.js'
import {runCli} from '../helpers/cli.js'
import {LAB_CAPTURES, PEER} from '../helpers/paths.js'

const dir = mkdtempSync(join(tmpdir(), 'allocscope-split-cli-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('analyse reads a log in pieces on worker threads, with the same output', () => {
  it.each([
    ['a DERIVED log of three real boots', ['lab-7.2-legacylate-kasan-c1-m1024', 'lab-7.2-legacylate-c16-m1024-n2', 'lab-6.12-instr-nodebug-c32-m1024'].map((c) => join(LAB_CAPTURES, c, 'dmesg.txt'))],
    ['a real console log with reports', [join(PEER, '198')]],
    ['a real serial console log (CRLF line ends)', [join(LAB_CAPTURES, 'lab-7.2-legacylate-kasan-c1-m1024', 'console.log')]],
  ])('%s', async (_what, files) => {
    const path = join(dir, 'DERIVED-log.txt')
    writeFileSync(path, Buffer.concat(files.map((f) => readFileSync(f))))
    const size = statSync(path).size
    const at = Array.from({length: 9}, (_, i) => Math.floor(((i + 1) * size) / 10))
    // The cuts find record boundaries: the log is read in pieces, not on one thread after all.
    expect(planPieces(path, size, at).length).toBeGreaterThan(5)
    for (const format of ['--json', '--format=text']) {
      const one = await runCli(['analyse', path, format], {env: {ALLOCSCOPE_SPLIT: 'off'}})
      const split = await runCli(['analyse', path, format], {env: {ALLOCSCOPE_SPLIT: `at:${at.join(',')}`}})
      expect(one.status).toBe(0)
      expect(split).toEqual(one)
    }
  })
})
