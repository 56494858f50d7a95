// Per kernel release, `inputs` counts inputs, not boots: a log holding several boots is one input of
// its release (and of each release it holds), however its records are split between shards. The
// log is DERIVED: two real lab boots of 7.2.13 (lab/captures, dmesg.txt) concatenated.
import {mkdirSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {LAB_CAPTURES} from '../helpers/paths.js'
import {cli} from '../batch/helpers.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-fleet-kernel-inputs-'))
const ONE = join(LAB_CAPTURES, 'lab-7.2-legacylate-c16-m1024', 'dmesg.txt')
const TWO = join(LAB_CAPTURES, 'lab-7.2-legacylate-c16-m1024-r2', 'dmesg.txt')
const log = join(tmp, 'derived-two-boots.log')
let lines: string[] = []

interface Kernel {
  inputs: number
  boots: number
  multiBootInputs?: string[]
}
const fleet = async (args: string[]) => {
  const r = await cli(['fleet', '--json', ...args])
  expect(r.status, r.stderr).toBe(0)
  return (JSON.parse(r.stdout) as {result: {inputs: number; boots: number; kernels: Record<string, Kernel>; signatures: Record<string, Kernel>}}).result
}

beforeAll(async () => {
  writeFileSync(log, readFileSync(ONE, 'utf8') + readFileSync(TWO, 'utf8'))
  const r = await cli(['batch', '-j', '1', log, ONE])
  expect(r.status, r.stderr).toBe(0)
  lines = r.stdout.split('\n').filter(Boolean)
}, 120_000)

describe('fleet: inputs per kernel', () => {
  it('a log of two boots and a log of one, all 7.2.13: 2 inputs of 3 boots, overall and for the release', async () => {
    expect(lines).toHaveLength(3)
    const f = join(tmp, 'all.ndjson')
    writeFileSync(f, lines.join('\n') + '\n')
    const s = await fleet([f])
    expect([s.inputs, s.boots]).toEqual([2, 3])
    expect(s.kernels['7.2.13']).toMatchObject({inputs: 2, boots: 3, multiBootInputs: [`${log} @${statSync(log).mtime.toISOString()}`]})
    const csv = (await cli(['fleet', f, '--format', 'csv'])).stdout.split('\n')
    expect(csv[csv.findIndex((l) => l.startsWith('kernel,inputs,boots,')) + 1]).toMatch(/^7\.2\.13,2,3,/)
  })

  it('the two boots in separate shards, merged as summaries: still one input', async () => {
    const parts = lines.slice(0, 2).map((l, i) => {
      const f = join(tmp, `boot-${i}.ndjson`)
      writeFileSync(f, `${l}\n`)
      return f
    })
    const sums = await Promise.all(
      parts.map(async (p, i) => {
        const out = join(tmp, `boot-${i}.json`)
        writeFileSync(out, (await cli(['fleet', '--json', p])).stdout)
        return out
      }),
    )
    const s = await fleet(sums)
    expect([s.inputs, s.boots]).toEqual([1, 2])
    expect(s.kernels['7.2.13']).toMatchObject({inputs: 1, boots: 2})

  })

  it('one path on two machines (site-a.json, site-b.json): two inputs everywhere, as the Fleet block says (a release and a signature said one)', async () => {
    // DERIVED: the two-boot log with findings of the next test, as var/log/kern.log of two sites,
    // each batched and summarised in its own directory (the same relative path), then merged.
    const boot = (n: string) => readFileSync(join(LAB_CAPTURES, n, 'dmesg.txt'), 'utf8')
    const text = boot('lab-7.2-legacylate-c16-m16384-n2') + boot('lab-7.2-legacylate-c16-m16384-n2-r2')
    const sums = []
    for (const [i, site] of ['site-a', 'site-b'].entries()) {
      mkdirSync(join(tmp, site, 'var', 'log'), {recursive: true})
      writeFileSync(join(tmp, site, 'var', 'log', 'kern.log'), text)
      utimesSync(join(tmp, site, 'var', 'log', 'kern.log'), 1_700_000_000 + i, 1_700_000_000 + i)
      const b = await cli(['batch', 'var/log/kern.log'], {cwd: join(tmp, site)})
      writeFileSync(join(tmp, `${site}.ndjson`), b.stdout)
      writeFileSync(join(tmp, `${site}.json`), (await cli(['fleet', '--json', join(tmp, `${site}.ndjson`)])).stdout)
      sums.push(join(tmp, `${site}.json`))
    }
    const s = await fleet(sums)
    expect([s.inputs, s.boots]).toEqual([2, 4])
    expect(s.kernels['7.2.13']).toMatchObject({inputs: 2, boots: 4})
    const sigs = Object.values(s.signatures)
    expect(sigs.length).toBeGreaterThan(0)
    for (const row of sigs) expect(row.inputs).toBe(2)
  })

  it('a signature both boots of one log print is one input of it, as the release is', async () => {
    // DERIVED: two real lab boots with findings, one log.
    const two = join(tmp, 'derived-two-boots-with-findings.log')
    const boot = (n: string) => readFileSync(join(LAB_CAPTURES, n, 'dmesg.txt'), 'utf8')
    writeFileSync(two, boot('lab-7.2-legacylate-c16-m16384-n2') + boot('lab-7.2-legacylate-c16-m16384-n2-r2'))
    const b = await cli(['batch', two])
    const f = join(tmp, 'two-with-findings.ndjson')
    writeFileSync(f, b.stdout)
    const s = await fleet([f])
    expect([s.inputs, s.boots]).toEqual([1, 2])
    const sigs = Object.values(s.signatures)
    expect(sigs.length).toBeGreaterThan(0)
    for (const row of sigs) expect(row.inputs).toBe(1)
  })
})
