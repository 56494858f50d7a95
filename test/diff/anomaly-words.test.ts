// How a two-dump diff speaks of the anomalies it compares: counts in the right number ('1 anomaly
// of a gone in b', was '1 anomaly(ies)'), and a dump with more anomalies than the reader keeps
// (MAX_ANOMALIES of a kind, every one counted) said to have been compared only in part, as
// allocinfo's title ('1000 shown of 1200') says it, not lists that read as complete.
// Inputs: DERIVED from the real pool c64 dump, with synthetic sites (mm/derived.c) of negative
// bytes appended.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {afterAll, describe, expect, it} from 'vitest'
import {MAX_ANOMALIES} from '../../src/readers/allocinfo.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

const REAL = readFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt'), 'utf8')
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-diff-anomaly-words-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

/** DERIVED: the real dump with n synthetic sites of negative bytes appended (n negative-bytes anomalies). */
function withNegatives(name: string, n: number): string {
  const lines = Array.from({length: n}, (_, i) => `${'-4096'.padStart(12)} ${'1'.padStart(8)} mm/derived.c:${i + 1} func:derived_alloc_${i + 1} `)
  const path = join(tmp, `DERIVED-${name}.txt`)
  writeFileSync(path, REAL + lines.map((l) => `${l}\n`).join(''))
  return path
}

const real = join(tmp, 'real.txt')
writeFileSync(real, REAL)
const one = withNegatives('one-negative', 1)
const six = withNegatives('six-negatives', 6)
const many = withNegatives('past-the-cap', MAX_ANOMALIES + 200)
const oneOver = withNegatives('one-past-the-cap', MAX_ANOMALIES + 1)
const head = async (args: string[]) => (await runCommand(['diff', ...args, '--format', 'text', '--top', '1'], {root: REPO})).stdout.replace(/\n {4}/g, ' ')

describe('diff a b of two dumps: the anomalies in words', () => {
  it("one anomaly gone, one more appeared: singular ('1 anomaly of a gone in b', '... 1 more anomaly appeared')", async () => {
    const gone = await head([one, real])
    expect(gone).toContain('\n1 anomaly of a gone in b\n')
    expect(gone).not.toContain('(ies)')
    expect(await head([real, six])).toContain('\n... 1 more anomaly appeared\n')
    expect(await head([six, real])).toContain('\n6 anomalies of a gone in b\n')
  })

  it('a side past the reader\'s cap says only its kept anomalies were compared (text and JSON); none said when every one was kept', async () => {
    const text = await head([real, many])
    // The real dump's duplicate key is in both; b counts it and the 1200 negatives.
    expect(text).toContain(`\nb: 1201 anomalies counted, 1001 kept by the reader (the first ${MAX_ANOMALIES} of each kind): only the kept are compared; the other 200 are not listed as appeared or gone, nor gated on\n`)
    expect(text).not.toMatch(/\na: \d+ anomal/)
    expect(await head([many, real])).toContain('\na: 1201 anomalies counted, 1001 kept by the reader')
    const doc = JSON.parse((await runCommand(['diff', real, many, '--json'], {root: REPO})).stdout)
    expect(doc.result.allocinfo.anomalies.appeared).toHaveLength(MAX_ANOMALIES)
    expect(doc.result.allocinfo.anomalies.notCompared).toEqual({b: {counted: 1201, kept: 1001}})
    const under = JSON.parse((await runCommand(['diff', real, six, '--json'], {root: REPO})).stdout)
    expect(under.result.allocinfo.anomalies.notCompared).toBeUndefined()
    expect(await head([real, six])).not.toContain('kept by the reader')
  })

  it("one anomaly past the reader's cap: 'the other 1 is not listed' (was 'the other 1 are'); 200 past it: 'the other 200 are'", async () => {
    // b counts the real dump's duplicate key and 1001 negatives: 1002, 1001 kept.
    const text = await head([real, oneOver])
    expect(text).toContain(`\nb: 1002 anomalies counted, 1001 kept by the reader (the first ${MAX_ANOMALIES} of each kind): only the kept are compared; the other 1 is not listed as appeared or gone, nor gated on\n`)
    expect(text).not.toContain('the other 1 are')
    expect(await head([real, many])).toContain('the other 200 are not listed')
  })
})
