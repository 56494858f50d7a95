// `allocscope fleet` end to end on the real corpus: shards of batch summarise to the whole run,
// fleet --json outputs merge again, every format prints, and the --html page renders in headless
// Chromium (Debian's `chromium`) with working sorting and no console message. The batch run is
// the one the batch tests share (test/helpers/corpus-batch.ts); the commands run in-process
// (test/helpers/cli.ts), except `batch | fleet` on stdin, which needs a real process.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import type {BatchRecord} from '../../src/batch/schema.js'
import {shardOf} from '../../src/batch/inputs.js'
import {spawnCli} from '../helpers/cli.js'
import {corpusBatch} from '../helpers/corpus-batch.js'
import {cli} from '../batch/helpers.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-fleet-'))
const whole = join(tmp, 'whole.ndjson')
const shards = [1, 2, 3].map((k) => join(tmp, `shard-${k}.ndjson`))

type Summary = {command: string; result: {inputs: number; signatures: Record<string, {hosts: string[]}>; overflow: Record<string, unknown>}}

const fleetJson = async (args: string[]) => {
  const r = await cli(['fleet', '--json', ...args])
  expect(r.status, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as Summary
}

beforeAll(async () => {
  const lines = await corpusBatch()
  writeFileSync(whole, lines.join('\n') + '\n')
  // The shards are cut from the whole run by the hash batch --shard uses (batch --shard itself is
  // tested in test/batch/edges: its shards are disjoint and together the whole run).
  for (const [i, f] of shards.entries()) {
    const mine = lines.filter((l) => shardOf((JSON.parse(l) as BatchRecord).input.path, shards.length) === i + 1)
    writeFileSync(f, mine.map((l) => `${l}\n`).join(''))
  }
}, 900_000)

describe('allocscope fleet', () => {
  it('fleet over the shards = fleet over the whole run; fleet --json outputs merge again to the same', async () => {
    const all = await fleetJson([whole])
    expect(all.command).toBe('fleet')
    expect(all.result.inputs).toBe(readFileSync(whole, 'utf8').trim().split('\n').length)
    for (const f of shards) expect(readFileSync(f, 'utf8').length).toBeGreaterThan(0)
    expect((await fleetJson([...shards].reverse())).result).toEqual(all.result)
    const parts: string[] = []
    for (const [i, s] of shards.entries()) {
      const f = join(tmp, `part-${i}.json`)
      writeFileSync(f, (await cli(['fleet', '--json', s])).stdout)
      parts.push(f)
    }
    expect((await fleetJson([parts[2]!, shards[0]!, parts[1]!])).result).toEqual(all.result)
    // stdin, as `batch | fleet`: a real process, fed the whole run on its stdin.
    const piped = spawnCli(['fleet', '--json'], {input: readFileSync(whole, 'utf8')})
    expect(piped.status, piped.stderr).toBe(0)
    expect((JSON.parse(piped.stdout) as Summary).result).toEqual(all.result)
  }, 240_000)

  it('finds what the corpus holds: alloc_tag was not set, the 256-slot overflow boot', async () => {
    const s = (await fleetJson([whole])).result
    expect(Object.keys(s.signatures).some((k) => k.startsWith('alloc-tag-not-set|'))).toBe(true)
    expect(Object.keys(s.overflow).some((k) => k.includes('legacy256late'))).toBe(true)
  })

  it.each(['table', 'text', 'markdown', 'csv'])('--format %s prints every block', async (fmt) => {
    const r = await cli(['fleet', whole, '--format', fmt])
    expect(r.status, r.stderr).toBe(0)
    const marks = fmt === 'csv' ? ['signature,severity,inputs,hosts', 'kernel,inputs,boots,findings', 'reason,inputs,example'] : ['Findings by signature', 'Kernels', 'Errors by reason']
    for (const t of marks) expect(r.stdout).toContain(t)
  })

  it('bad input: exit 2 naming the file and line', async () => {
    const f = join(tmp, 'bad.ndjson')
    writeFileSync(f, readFileSync(whole, 'utf8').split('\n')[0] + '\n{"schema":"other"}\n')
    const r = await cli(['fleet', f])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(new RegExp(`bad\\.ndjson:2: schema "other"`))
  })
})

const chromium = ['chromium', 'chromium-browser'].find((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0)

describe.skipIf(!chromium)('fleet --html in headless Chromium', () => {
  it('tables and charts render, every column sorts both ways, no console message', async () => {
    const page = join(tmp, 'fleet.html')
    expect((await cli(['fleet', whole, '--html', page])).status).toBe(0)
    const html = readFileSync(page, 'utf8')
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=/)
    const r = spawnSync(chromium!, ['--headless', '--no-sandbox', '--disable-gpu', '--enable-logging=stderr', '--v=0', '--dump-dom', `file://${page}#selftest`], {encoding: 'utf8', timeout: 180_000})
    expect(r.status, r.stderr).toBe(0)
    const dom = r.stdout
    expect(dom).toMatch(/<body[^>]*data-ready="1"/)
    expect(dom).toMatch(/data-selftest="ok \d+ columns"/)
    for (const id of ['t-signatures', 't-kernels', 't-overflow', 't-cpus', 't-errors']) expect(dom).toContain(`id="${id}"`)
    for (const id of ['c-signatures', 'c-kernels', 'c-cpus']) expect(dom).toMatch(new RegExp(`<svg id="${id}"[^>]*>.*<rect`, 's'))
    expect(dom).toContain('EARLY_ALLOC_PFN_MAX')
    expectCpuChartHonest(dom)
    expect(r.stderr).not.toMatch(/:CONSOLE/)
  }, 240_000)
})

/**
 * The CPU chart as the browser has it: a bar per CPU count and legacy array size, each with its own
 * limit mark, marked over exactly when its value passes its own limit — so the one 256-slot boot
 * (lab legacy256late, 8 CPUs) is the only bar over, and the 8192-limit bars past 256 are not.
 */
function expectCpuChartHonest(dom: string): void {
  const svg = /<svg id="c-cpus".*?<\/svg>/s.exec(dom)![0]
  const bars = [...svg.matchAll(/<rect class="(bar(?: over)?)" data-limit="(\d+)" data-value="(\d+)"/g)].map(([, cls, limit, value]) => ({over: cls === 'bar over', limit: Number(limit), value: Number(value)}))
  expect(bars.length).toBeGreaterThan(5)
  expect(svg.match(/<line class="limit"/g)).toHaveLength(bars.length)
  for (const b of bars) expect(b.over).toBe(b.value > b.limit)
  expect(bars.filter((b) => b.over)).toEqual([{over: true, limit: 256, value: expect.any(Number)}])
  expect(bars.some((b) => !b.over && b.limit === 8192 && b.value > 256)).toBe(true)
  const cpuRows = [...(/<table[^>]*id="t-cpus".*?<\/table>/s.exec(dom)![0]).matchAll(/<tr><td class="num">8<\/td><td class="num">(\d+)<\/td>/g)].map((m) => m[1])
  expect(cpuRows.sort()).toEqual(['256', '8192'])
}

if (!chromium) {
  it.skip('fleet --html in headless Chromium: chromium not found; install it with `apt-get install -y --no-install-recommends chromium` (Debian; .ci/run does this)', () => undefined)
}
