// A dump cut short (a copy stopped mid-way, a gzip stream that ends early) is read up to the cut,
// but the diff says so: one warning naming the side (a, b) and the file, in --json's "warnings" and
// on stderr for every other format, in the reader's words (AllocInfo.truncated). Without
// it a cut b reads as hundreds of sites gone.
// Inputs: DERIVED from the real pool sample, cut at known bytes (written in the test).
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {REPO, SAMPLES} from '../helpers/paths.js'

const POOL = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt')
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-diff-cut-'))
const run = (args: string[]) => runCommand(['diff', ...args], {root: REPO})
const exitCode = (e: {oclif?: {exit?: number}} | undefined) => (e === undefined ? 0 : (e.oclif?.exit ?? -1))

const whole = readFileSync(POOL)
const lineOf = (b: Buffer, at: number) => b.subarray(0, at).toString('latin1').split('\n').length
// DERIVED: cut at byte 30040, inside line 429 (a site line's counters: "not an allocinfo line" if it were whole).
const CUT_AT = 30040
const CUT = join(tmp, 'DERIVED-cut-30040.txt')
writeFileSync(CUT, whole.subarray(0, CUT_AT))
// DERIVED: cut inside the function name of a site line (the reader's "no trailing space" case).
const nameAt = whole.indexOf('func:alloc_slab_page') + 'func:alloc_sl'.length
const CUT_NAME = join(tmp, 'DERIVED-cut-in-name.txt')
writeFileSync(CUT_NAME, whole.subarray(0, nameAt))
// DERIVED: the gzip of the whole dump, cut after 3000 bytes.
const CUT_GZ = join(tmp, 'DERIVED-cut.txt.gz')
writeFileSync(CUT_GZ, gzipSync(whole).subarray(0, 3000))

const warningsOf = async (args: string[]) => {
  const {stdout, error} = await run([...args, '--json'])
  expect(exitCode(error)).toBe(0)
  return JSON.parse(stdout).warnings as string[]
}

describe('diff: a dump cut short is said to be', () => {
  it('b cut mid-line: the warning names b, the file and the cut line, in --json and on stderr (text, csv)', async () => {
    const w = await warningsOf([POOL, CUT])
    expect(w).toEqual([`b: ${CUT}: line ${lineOf(whole, CUT_AT)}: truncated last line (no newline): the dump is cut short`])
    for (const format of ['text', 'csv']) {
      const {stderr, error} = await run([POOL, CUT, '--format', format])
      expect(exitCode(error)).toBe(0)
      expect(stderr).toContain(`allocscope: warning: b: ${CUT}: line ${lineOf(whole, CUT_AT)}: truncated last line`)
    }
  })

  it('a cut inside a function name: named a, not b', async () => {
    const w = await warningsOf([CUT_NAME, POOL])
    expect(w).toHaveLength(1)
    expect(w[0]).toBe(`a: ${CUT_NAME}: line ${lineOf(whole, nameAt)}: truncated last line (no trailing space or newline): the dump is cut short`)
  })

  it('a gzip stream that ends early: the side and the reader\'s reason', async () => {
    expect(await warningsOf([POOL, CUT_GZ])).toEqual([`b: ${CUT_GZ}: the gzip stream ends early (truncated): read up to the damage`])
  })

  it('one input (checked against the rules) cut short or gzip-cut: warned too', async () => {
    expect(await warningsOf([CUT])).toContain(`${CUT}: line ${lineOf(whole, CUT_AT)}: truncated last line (no newline): the dump is cut short`)
    expect(await warningsOf([CUT_GZ])).toContain(`${CUT_GZ}: the gzip stream ends early (truncated): read up to the damage`)
  })

  it('whole dumps: no such warning', async () => {
    expect(await warningsOf([POOL, POOL])).toEqual([])
    expect((await warningsOf([POOL])).some((x) => /cut short|ends early/.test(x))).toBe(false)
  })
})
