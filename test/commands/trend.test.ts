// `allocscope trend` end to end (built commands in dist/) on SYNTHETIC plain snapshot files: the
// real sample allocinfo with one site made to leak (DERIVED), timed by ISO 8601 file names. The
// real lab series are tested in test/trend/lab-series.test.ts.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {parse} from 'csv-parse/sync'
import {beforeAll, describe, expect, it} from 'vitest'
import {REPO, SAMPLES} from '../helpers/paths.js'

const REAL = readFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt'), 'utf8')
const run = (args: string[]) => runCommand(['trend', ...args], {root: REPO})
const exitCode = (e: {oclif?: {exit?: number}} | undefined) => (e === undefined ? 0 : (e.oclif?.exit ?? -1))
let dir: string
/** The leaking site: the first site line of the real dump. */
const LEAK = /^\s*\d+\s+\d+\s+(\S+) func:(\S+)/m.exec(REAL.split('\n').find((l) => /^\s*\d+\s+\d+\s/.test(l))!)!

/** DERIVED: the real dump with its first site grown by 4 KiB per snapshot (1 snapshot per minute: 240 KiB/h). */
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'allocscope-trend-'))
  const lines = REAL.split('\n')
  const i = lines.findIndex((l) => /^\s*\d+\s+\d+\s/.test(l))
  const [, b, c, rest] = /^\s*(\d+)\s+(\d+)\s(.*)$/.exec(lines[i])!
  for (let k = 0; k < 30; k++) {
    lines[i] = `${String(BigInt(b) + BigInt(4096 * k)).padStart(12)} ${String(BigInt(c) + BigInt(k)).padStart(8)} ${rest}`
    const t = new Date(Date.UTC(2026, 11, 4, 18, k)).toISOString().replace('.000', '')
    writeFileSync(join(dir, `allocinfo-${t}.txt`), lines.join('\n'))
  }
})

describe('trend', () => {
  it('--json: the leaking site is the one suspect, with its key and bytesPerHour', async () => {
    const {stdout, error} = await run([dir, '--json'])
    expect(exitCode(error)).toBe(0)
    const r = JSON.parse(stdout).result
    expect(r.input).toMatchObject({kind: 'snapshots', snapshots: 30, timeSources: {name: 30}})
    expect(r.suspects).toHaveLength(1)
    expect(r.suspects[0].key).toBe(`${LEAK[1]} ${LEAK[2]}`)
    expect(r.suspects[0].bytesPerHour).toBeCloseTo(4096 * 60, 0)
    // Only the leaking site changes: it is the one site tested (the correction's family), the other 929 are flat.
    expect([r.tested, r.verdicts.flat]).toEqual([1, 929])
  })

  it('--fail-on warning exits 1 on a suspect; --min-rate above its rate clears it', async () => {
    expect(exitCode((await run([dir, '--fail-on', 'warning'])).error)).toBe(1)
    const {stdout, error} = await run([dir, '--fail-on', 'warning', '--min-rate', '1M/h', '--json'])
    expect(exitCode(error)).toBe(0)
    expect(JSON.parse(stdout).result.suspects).toEqual([])
    expect(JSON.parse(stdout).result.verdicts['below-min-rate']).toBe(1)
  })

  it('table with a sparkline, markdown, csv, and --svg with labelled axes and a legend', async () => {
    // The table fits the width (80 when piped): a sparkline narrower than its points is narrowed
    // on one line, never wrapped (test/trend/sparkline-width); with room, every point is shown.
    const saved = process.env.COLUMNS
    process.env.COLUMNS = '200'
    const t = await run([dir, '--no-color']).finally(() => (saved === undefined ? delete process.env.COLUMNS : (process.env.COLUMNS = saved)))
    expect(t.stdout).toContain('▁▁▂▂▂▃▃▃▄▄▄▅▅▅▆▆▆▇▇▇██')
    expect((await run([dir, '--format', 'markdown'])).stdout).toMatch(/\| 1 \| 240 KiB\/h \|/)
    expect((await run([dir, '--format', 'text'])).stdout).toMatch(/_{1,3}\.+-+/)
    const svg = join(dir, '..', `t-${process.pid}.svg`)
    await run([dir, '--svg', svg])
    const s = readFileSync(svg, 'utf8')
    // 29 minutes of snapshots: a time axis in minutes (test/trend/svg-axis).
    expect(s).toContain('minutes since 2026-12-04T18:00:00')
    expect(s).toContain('bytes charged to the site')
    expect(s).toContain(`${LEAK[1]} ${LEAK[2]}, 240 KiB/h`)
  })

  it('csv: raw numbers in ASCII (bytes per hour, bytes), no sparkline, the table\'s column names (issue 13)', async () => {
    const {stdout} = await run([dir, '--format', 'csv'])
    // Was `240 KiB/h`, `'+108 KiB` (defused as a formula) and the sparkline as \uXXXX escapes.
    expect(stdout).toMatch(/^[\x20-\x7e\n]*$/)
    expect(stdout).not.toMatch(/\\u[0-9a-f]{4}|KiB|MiB|'/)
    const table = (await run([dir, '--no-color', '--format', 'markdown'])).stdout
    // Read as the README says (csv-parse, comment '#'): the "#" column is quoted, or its header line would be a comment.
    const block: string[][] = parse(stdout.split('\n\n').find((b) => b.startsWith('# Leak suspects'))!, {comment: '#'})
    const header = block[0]
    expect(header).toEqual(['#', 'rate', 'growth', 'q', 'file:line', 'function', 'module'])
    // The same names as the table's, without its picture column.
    expect(table).toContain('| \\# | rate | growth | q | bytes over time | file:line | function | module |')
    const row = Object.fromEntries(header.map((h, i) => [h, block[1][i]]))
    // The derived site grows 4096 bytes a minute: 245760 bytes/h; growth is the median of the last
    // tenth minus the first's, in bytes (3 snapshots a tenth: medians at steps 28 and 1, 27 × 4096).
    expect(row).toMatchObject({'#': '1', rate: '245760', growth: String(27 * 4096), 'file:line': LEAK[1], function: LEAK[2]})
    expect(Number(row.q)).toBeLessThan(0.01)
    const kv = stdout.split('\n\n').find((b) => b.startsWith('# Trend'))!
    expect(kv).toMatch(/^snapshots,30,/m)
    expect(kv).toMatch(/^min rate,65536,/m)
    expect(kv).toMatch(/^input files,30,/m)
  })

  it('filters by function as allocinfo does', async () => {
    const {stdout} = await run([dir, '--function', '^no_such_function$', '--json'])
    expect(JSON.parse(stdout).result).toMatchObject({tested: 0, suspects: []})
  })

  it('bad input: exit 2 naming the file', async () => {
    const {stderr, error} = await run([join(dir, 'nope')])
    expect(exitCode(error)).toBe(2)
    expect(stderr).toContain('nope: no such file or directory')
    const bad = await run([dir, '--min-rate', 'fast'])
    expect(exitCode(bad.error)).toBe(2)
    expect(bad.stderr).toContain("--min-rate: 'fast' is not a rate")
  })
})
