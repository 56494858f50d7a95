// `allocscope fleet` end to end on the real corpus: shards of batch summarise to the whole run,
// fleet --json outputs merge again, every format prints, and the --html page renders in headless
// Chromium (Debian's `chromium`) with working sorting and no console message.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {LAB_CAPTURES, SAMPLES, TESTDATA} from '../helpers/paths.js'
import {cli} from '../batch/helpers.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-fleet-'))
const CORPUS = [SAMPLES, join(TESTDATA, 'captures'), LAB_CAPTURES, join(TESTDATA, 'peer', 'syzkaller')]
const whole = join(tmp, 'whole.ndjson')
const shards = [1, 2, 3].map((k) => join(tmp, `shard-${k}.ndjson`))

const fleetJson = (args: string[], input?: string) => {
  const r = cli(['fleet', '--json', ...args], {input})
  expect(r.status, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as {command: string; result: {inputs: number; signatures: Record<string, {hosts: string[]}>; overflow: Record<string, unknown>}}
}

beforeAll(() => {
  const r = cli(['batch', '--jobs', '2', '--out', whole, ...CORPUS])
  expect(r.status, r.stderr).toBe(0)
  // The shards are cut from the whole run by the same hash batch --shard uses (tested in test/batch).
  for (const [i, f] of shards.entries()) expect(cli(['batch', '--jobs', '2', '--shard', `${i + 1}/3`, '--out', f, ...CORPUS]).status).toBe(0)
}, 900_000)

describe('allocscope fleet', () => {
  it('fleet over the shards = fleet over the whole run; fleet --json outputs merge again to the same', () => {
    const all = fleetJson([whole])
    expect(all.command).toBe('fleet')
    expect(all.result.inputs).toBe(readFileSync(whole, 'utf8').trim().split('\n').length)
    expect(fleetJson([...shards].reverse()).result).toEqual(all.result)
    const parts = shards.map((s, i) => {
      const f = join(tmp, `part-${i}.json`)
      writeFileSync(f, cli(['fleet', '--json', s]).stdout)
      return f
    })
    expect(fleetJson([parts[2]!, shards[0]!, parts[1]!]).result).toEqual(all.result)
    // stdin, as `batch | fleet`
    expect(fleetJson([], readFileSync(whole, 'utf8')).result).toEqual(all.result)
    // Seven whole processes: 44 s alone on a loaded 2-core machine, so more than the default 60 s.
  }, 240_000)

  it('finds what the corpus holds: alloc_tag was not set, the 256-slot overflow boot', () => {
    const s = fleetJson([whole]).result
    expect(Object.keys(s.signatures).some((k) => k.startsWith('alloc-tag-not-set|'))).toBe(true)
    expect(Object.keys(s.overflow).some((k) => k.includes('legacy256late'))).toBe(true)
  })

  it.each(['table', 'text', 'markdown', 'csv'])('--format %s prints every block', (fmt) => {
    const r = cli(['fleet', whole, '--format', fmt])
    expect(r.status, r.stderr).toBe(0)
    const marks = fmt === 'csv' ? ['signature,severity,inputs,hosts', 'kernel,inputs,boots,findings', 'reason,inputs,example'] : ['Findings by signature', 'Kernels', 'Errors by reason']
    for (const t of marks) expect(r.stdout).toContain(t)
  })

  it('bad input: exit 2 naming the file and line', () => {
    const f = join(tmp, 'bad.ndjson')
    writeFileSync(f, readFileSync(whole, 'utf8').split('\n')[0] + '\n{"schema":"other"}\n')
    const r = cli(['fleet', f])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(new RegExp(`bad\\.ndjson:2: schema "other"`))
  })
})

const chromium = ['chromium', 'chromium-browser'].find((c) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0)

describe.skipIf(!chromium)('fleet --html in headless Chromium', () => {
  it('tables and charts render, every column sorts both ways, no console message', () => {
    const page = join(tmp, 'fleet.html')
    expect(cli(['fleet', whole, '--html', page]).status).toBe(0)
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
    expect(r.stderr).not.toMatch(/:CONSOLE/)
  }, 240_000)
})

if (!chromium) {
  it.skip('fleet --html in headless Chromium: chromium not found; install it with `apt-get install -y --no-install-recommends chromium` (Debian; .ci/run does this)', () => undefined)
}
