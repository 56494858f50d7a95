// `allocscope predict` end to end (built commands from dist/): one host, --from a real capture,
// a sweep with plot and SVG, a fleet inventory, and input errors.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {describe, expect, it, vi} from 'vitest'
import {withinBound} from '../../src/model/calibrate.js'
import {loadProfile} from '../../src/model/profile.js'
import {expectedCounts} from '../../src/model/workload.js'
import {defaultHost} from '../../src/model/host.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

const run = (args: string[]) => runCommand(['predict', ...args], {root: REPO})
const json = (out: string) => JSON.parse(out) as {schema: string; command: string; result: any; warnings: string[]}
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-predict-'))

describe('allocscope predict', () => {
  it('--cpus 64 --json: both recorders on the shipped 7.2 before-SMP profile', async () => {
    const r = await run(['--cpus', '64', '--kernel', '7.2', '--json'])
    const env = json(r.stdout)
    expect(env.schema).toBe('allocscope/v1')
    const prof = loadProfile('linux-7.2-before-smp')
    const exp = Math.round(expectedCounts({...defaultHost(), possibleCpus: 64, onlineCpus: 64}, prof).calls)
    expect(env.result.events).toBe(exp)
    // The real boots at 64 possible CPUs recorded 142 (klab); the fitted curve says within 10 %.
    expect(Math.abs(env.result.events - 142)).toBeLessThanOrEqual(14.2)
    expect(env.result.pool.recorded).toBe(exp)
    expect(env.result.pool.poolsPublished).toBe(1)
    expect(env.result.legacy.dropped).toBe(0)
  })

  it('--from a real capture takes its host (64 possible CPUs, page_ext before SMP)', async () => {
    const r = await run(['--from', join(SAMPLES, 'linux-7.2-pool-c64-m1024'), '--json'])
    const res = json(r.stdout).result
    expect(res.host.possibleCpus).toBe(64)
    expect(res.window).toBe('before-smp')
    expect(res.profile).toBe('linux-7.2-before-smp')
    const late = json((await run(['--from', join(SAMPLES, 'linux-7.2-legacylate-c255-m1024'), '--json'])).stdout).result
    expect(late.window).toBe('after-smp')
    expect(late.profile).toBe('linux-7.2-after-smp')
    expect(late.measured).toMatchObject({calls: 2892, pages: 13251, line: 183, kind: 'early_pfn_legacy'})
    // klab on that boot: early_pfn_legacy recorded=2892 dropped=0 (one of the 9 boots the profile
    // was fitted on: close, not exact).
    expect(withinBound(late.legacy.recorded, 2892)).toBe(true)
    expect(late.legacy.recorded).toBe(late.events)
    expect(late.legacy.dropped).toBe(0)
  })

  it('--from says how the prediction compares with the boot\'s own klab count, and that it is in-sample', async () => {
    const r = await run(['--from', join(SAMPLES, 'linux-6.12-nodebug_smp064_1G'), '--format', 'text'])
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/klab early_page_allocs \(line \d+\): 1955 early PFNs, predicted \d+ \(\d+-\d+\): inside the 90 % interval/)
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/an in-sample check, not an independent one/)
  })

  it('a 1024-CPU host without DEBUG drops PFNs in the legacy array and exits 1 with --fail-on notice', async () => {
    // A terminal wide enough for the recorders table in columns (narrower ones get one record per row).
    vi.stubEnv('COLUMNS', '160')
    const big = await run(['--cpus', '1024', '--kernel', '7.2', '--no-debug', '--memory', '256G', '--fail-on', 'notice'])
    vi.unstubAllEnvs()
    expect(big.stdout).toMatch(/legacy\s+│\s+8192\s+│\s+\d+/)
    expect(big.error?.oclif?.exit).toBe(1)
  })

  it('--sweep 1..8192 finds the CPU count where the legacy array overflows, --plot --format text is ASCII', async () => {
    const svg = join(tmp, 'curve.svg')
    const r = await run(['--sweep', '1..8192', '--kernel', '7.2', '--no-debug', '--plot', '--svg', svg, '--format', 'text'])
    expect(r.stdout).toMatch(/overflows from (\d+) CPUs/)
    const at = Number(/overflows from (\d+) CPUs/.exec(r.stdout)![1])
    const j = json((await run(['--sweep', `${at - 1}..${at}`, '--kernel', '7.2', '--no-debug', '--json'])).stdout).result
    expect(j.points[0].events).toBeLessThanOrEqual(8192)
    expect(j.points[1].events).toBeGreaterThan(8192)
    for (const line of r.stdout.split('\n')) {
      expect(line).toMatch(/^[\x20-\x7e]*$/)
      expect(line.length).toBeLessThan(80)
    }
    // The chart fits without being clipped by the text renderer.
    const chart = r.stdout.split('\n').filter((l) => /^\s*[\dk.M]*\s+\|/.test(l))
    expect(chart.length).toBeGreaterThan(8)
    for (const l of chart) expect(l.endsWith('~')).toBe(false)
    expect(r.stdout).toMatch(/^\s+--- EARLY_ALLOC_PFN_MAX 8192$/m)
    const s = readFileSync(svg, 'utf8')
    expect(s).toMatch(/^<svg /)
    expect(s).toMatch(/EARLY_ALLOC_PFN_MAX 8192/)
    expect(s).toMatch(/<polyline class="curve" points="[\d., ]+"/)
  })

  it('--sweep on a DEBUG host says the array never overflows, and why', async () => {
    const r = await run(['--sweep', '1..512', '--kernel', '7.2', '--format', 'text'])
    expect(r.stdout).toMatch(/never overflows within 1-512[\s\S]*: at most \d+\s+early\s+PFNs/)
  })

  it('--hosts samples/inventory.csv: one row per host, unknown columns passed through, CSV out', async () => {
    const r = await run(['--hosts', join(SAMPLES, 'inventory.csv'), '--format', 'csv'])
    // CSV: the block's `# title`, then the table's own column names, passed-through columns last.
    const lines = r.stdout.trim().split('\n')
    expect(lines[0]).toBe('# Fleet')
    expect(lines[1]).toBe('host,CPUs,window,profile,recorder,early PFNs,early PFNs low,early PFNs high,interval widened,legacy dropped,pools kept,race frees,severity,rack,owner')
    expect(lines.length).toBe(2 + 7)
    // What a single host's report says under its numbers, in the row: the own recorder (none
    // without DEBUG: the legacy and pool counts are what-ifs) and the widening outside the fitted range.
    const cells = (host: string) => lines.find((l) => l.startsWith(`${host},`))!.split(',')
    expect(cells('ci-small').slice(4, 9)).toEqual(['pool', '95', '89', '101', ''])
    expect([cells('old-6.12-nodebug')[4], cells('old-6.12-nodebug')[8]]).toEqual(['none', '144.009'])
    expect(lines.find((l) => l.startsWith('maxcpus-host,'))).toMatch(/,after-smp,linux-7.2-after-smp,/)
    const j = json((await run(['--hosts', join(SAMPLES, 'inventory.csv'), '--json'])).stdout).result
    // a row predicts what the same host given as flags predicts (255 CPUs, 1 TiB, 4 nodes, no DEBUG)
    const db = j.hosts.find((h: any) => h.name === 'db-255-nodebug').events
    const flags = ['--kernel', '7.2.13', '--cpus', '255', '--memory', '1T', '--nodes', '4', '--no-debug', '--json']
    expect(db).toBe(json((await run(flags)).stdout).result.events)
  })

  it('bad inputs: one line on stderr, exit 2', async () => {
    const bad = join(tmp, 'synthetic-bad-inventory.csv')
    writeFileSync(bad, 'name,cpus,memory\nx,12,lots\n')
    const r = await run(['--hosts', bad])
    expect(r.error?.oclif?.exit).toBe(2)
    expect(r.stderr).toMatch(/synthetic-bad-inventory.csv:2: column memory: "lots" is not a size like 64G/)
    const r2 = await run(['--cpus', '4', '--online', '8'])
    expect(r2.error?.oclif?.exit).toBe(2)
    expect(r2.stderr).toMatch(/online CPUs \(8\) cannot exceed possible CPUs \(4\)/)
    const r3 = await run(['--sweep', '8..1'])
    expect(r3.stderr).toMatch(/expected LO..HI/)
  })
})
