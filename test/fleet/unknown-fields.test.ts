// A fleet summary of a newer allocscope (DERIVED: this one's own fleet --json over the real batch
// records of two bundled samples, with fields added that it does not know) read by this one: merge
// cannot keep a field whose rule it does not know, so it is dropped, and one warning names every
// such field (was: dropped silently).
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {SAMPLES} from '../helpers/paths.js'
import {cli} from '../batch/helpers.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-fleet-unknown-'))
let summary: {signatures: Record<string, Record<string, unknown>>; kernels: Record<string, Record<string, unknown>>} & Record<string, unknown>

const fleet = async (args: string[]) => {
  const r = await cli(['fleet', '--json', ...args])
  expect(r.status, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as {result: Record<string, unknown>; warnings: string[]}
}

beforeAll(async () => {
  const r = await cli(['batch', '-j', '1', join(SAMPLES, 'linux-7.2-pool-c64-m1024'), join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink')])
  expect(r.status, r.stderr).toBe(0)
  writeFileSync(join(tmp, 'run.ndjson'), r.stdout)
  summary = (await fleet([join(tmp, 'run.ndjson')])).result as typeof summary
}, 120_000)

describe('fleet: fields of a summary it does not know', () => {
  it('are named in one warning, with where they were first seen, and left out of the merged summary', async () => {
    const newer = structuredClone(summary)
    newer.zones = {dma: 3}
    for (const row of Object.values(newer.signatures)) row.firstBoot = 1
    for (const row of Object.values(newer.kernels)) row.arch = 'x86_64'
    const a = join(tmp, 'a.json')
    const b = join(tmp, 'b.json')
    writeFileSync(a, JSON.stringify(newer) + '\n')
    writeFileSync(b, JSON.stringify(newer) + '\n')
    const out = await fleet([a, b, join(tmp, 'run.ndjson')])
    expect(out.warnings).toEqual([
      `${a}:1: fields this allocscope does not know in a fleet summary, left out of the merged one: kernels[*].arch, signatures[*].firstBoot, zones (a newer allocscope's: merge with it to keep them)`,
    ])
    expect(out.result.zones).toBeUndefined()
    expect((out.result.inputs as number)).toBe(6)
  })

  it('a recorder it has no name for (a newer allocscope\'s) is refused, saying so and what to do', async () => {
    const newer = structuredClone(summary)
    const row = Object.values(newer.kernels)[0]!
    row.recorders = {...(row.recorders as Record<string, number>), 'percpu-pool': 1}
    const f = join(tmp, 'newer-kind.json')
    writeFileSync(f, JSON.stringify(newer) + '\n')
    const r = await cli(['fleet', '--json', f])
    expect(r.status).not.toBe(0)
    expect(r.stderr).toContain(`${f}:1: a fleet summary`)
    expect(r.stderr).toContain('"percpu-pool"')
    expect(r.stderr).toContain("a newer allocscope's summary? merge with that one")
  })

  it('a summary with none: no warning', async () => {
    writeFileSync(join(tmp, 'same.json'), JSON.stringify(summary) + '\n')
    expect((await fleet([join(tmp, 'same.json')])).warnings).toEqual([])
  })
})
