// A file named twice is one input of the fleet: the same NDJSON (the real batch records of two
// samples, written to a temp file) given again by its path, by a symlink or by a hard link is read
// once, with one warning naming it. Summing it twice doubled inputs, boots and findings while the
// hosts, a set, stayed the same.
import {linkSync, mkdtempSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {SAMPLES} from '../helpers/paths.js'
import {cli} from '../batch/helpers.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-fleet-twice-'))
const f = join(tmp, 'run.ndjson')

interface Summary {
  inputs: number
  boots: number
  kernels: Record<string, {inputs: number; findings: number}>
}
const fleet = async (args: string[]) => {
  const r = await cli(['fleet', '--json', ...args])
  expect(r.status, r.stderr).toBe(0)
  const out = JSON.parse(r.stdout) as {result: Summary; warnings: string[]}
  return {s: out.result, warnings: out.warnings}
}
const findings = (s: Summary) => Object.values(s.kernels).reduce((n, k) => n + k.findings, 0)

beforeAll(async () => {
  const r = await cli(['batch', '-j', '1', join(SAMPLES, 'linux-7.2-pool-c64-m1024'), join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink')])
  expect(r.status, r.stderr).toBe(0)
  writeFileSync(f, r.stdout)
}, 120_000)

describe('fleet: a file named twice', () => {
  it('by its path, a symlink or a hard link: the summary of the file once, and a warning naming the repeat', async () => {
    const once = await fleet([f])
    expect([once.s.inputs, once.s.boots]).toEqual([2, 2])
    expect(findings(once.s)).toBe(1)
    symlinkSync(f, join(tmp, 'sym.ndjson'))
    linkSync(f, join(tmp, 'hard.ndjson'))
    for (const [other, said] of [
      [f, `${f} is named twice: read once`],
      [join(tmp, 'sym.ndjson'), `${join(tmp, 'sym.ndjson')} is the same file as ${f}: read once`],
      [join(tmp, 'hard.ndjson'), `${join(tmp, 'hard.ndjson')} is the same file as ${f}: read once`],
    ]) {
      const twice = await fleet([f, other!])
      expect(twice.s).toEqual(once.s)
      expect(twice.warnings).toEqual([said])
    }
  })

  it('the warning is one line on stderr beside the report', async () => {
    const r = await cli(['fleet', f, f])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/run\.ndjson is named twice: read once/)
  })
})
