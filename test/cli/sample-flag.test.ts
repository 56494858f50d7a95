// `--sample NAME` does what each command's help offers (src/cli/samples.ts SAMPLE_USE): every
// command that lists --sample runs with it from a directory that is not the repository, and a
// command that does not list it (trend: one snapshot is no series; fleet: reads batch NDJSON;
// capture: boots a kernel) refuses it in one line saying why, exit 2 — never a parse error about
// the path it was turned into (issue: record said "Unexpected argument", trend "dmesg.txt:1: not
// /proc/allocinfo text", fleet "is a directory"). Runs the BUILT CLI (npm test builds it).
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {SeriesStore} from '../../src/trend/store.js'
import {readRecording} from '../../src/trend/input.js'
import {EXIT} from '../../src/errors.js'
import {runCli} from '../helpers/cli.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'allocscope-sample-flag-'))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const sampleDirs = () => readdirSync(SAMPLES, {withFileTypes: true}).filter((d) => d.isDirectory()).map((d) => d.name).sort()

const run = (args: string[]) => runCli(args, {cwd: dir, env: {HOME: dir, COLUMNS: undefined}})

type Manifest = {commands: Record<string, {flags: Record<string, unknown>}>}
const manifest = () => JSON.parse(readFileSync(join(REPO, 'oclif.manifest.json'), 'utf8')) as Manifest

/** What else each command needs beside the sample to run (calibrate fits on two captures). */
const EXTRA: Record<string, (dir: string) => string[]> = {
  record: (d) => ['--interval', '10ms', '--count', '2', '--out', join(d, 'rec.arec.gz')],
  calibrate: () => ['--sample', 'pool-c255'],
}

describe('--sample where a command offers it', () => {
  it('the commands that offer it and those that do not', () => {
    const offered = Object.entries(manifest().commands).filter(([, c]) => 'sample' in c.flags).map(([id]) => id).sort()
    expect(offered).toEqual(['allocinfo', 'analyse', 'batch', 'calibrate', 'diff', 'predict', 'record'])
  })

  it('runs with --sample pool-c64 in every command that offers it, from another directory', async () => {
    const failures: string[] = []
    for (const [id, c] of Object.entries(manifest().commands)) {
      if (!('sample' in c.flags)) continue
      const r = await run([id, '--sample', 'pool-c64', ...(EXTRA[id]?.(dir) ?? []), ...(id === 'batch' ? [] : ['--json'])])
      if (r.status !== 0) failures.push(`${id}: exit ${r.status}: ${r.stderr}`)
    }
    expect(failures).toEqual([])
  }, 120_000)

  it('record: the sample\'s allocinfo.txt is the source, and trend reads the recording', async () => {
    const out = join(dir, 'r.arec.gz')
    const r = await run(['record', '--sample', 'pool-c64', '--interval', '10ms', '--count', '3', '--out', out, '--json'])
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).result.source).toBe(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt'))
    const store = new SeriesStore()
    await readRecording(out, store)
    expect(store.snapshots).toBe(3)
    expect(store.sites).toHaveLength(930)
  })

  it.each([
    [['record', '--sample', 'pool-c255', '--count', '1', '--out', 'x.gz'], /--sample: .*linux-7.2-pool-c255-m1024 has no allocinfo.txt for record to read/],
    [['record', '--sample', 'pool-c64', '--sample', 'notrack', '--count', '1', '--out', 'x.gz'], /^allocscope: --sample: given twice; record reads one --source$/m],
    [['record', '--sample', 'pool-c64', '--source', '/proc/allocinfo', '--count', '1', '--out', 'x.gz'], /--sample and --source both name the input of record/],
  ])('record refuses %j in one line', async (args, msg) => {
    const r = await run(args)
    expect(r.stderr).toMatch(msg)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.status).toBe(EXIT.usage)
  })
})

describe('--sample given more times than the command reads inputs', () => {
  it.each([
    [['analyse', '--sample', 'pool-c64', '--sample', 'notrack'], 'given twice; analyse reads one input'],
    [['allocinfo', '--sample', 'pool-c64', '--sample', 'notrack'], 'given twice; allocinfo reads one input'],
    [['predict', '--sample', 'pool-c64', '--sample', 'notrack-c8'], 'given twice; predict reads one --from'],
    [['diff', '--sample', 'pool-c64', '--sample', 'notrack', '--sample', 'pool-c255'], 'given 3 times; diff reads two inputs'],
  ])('%j: one line saying so, exit 2 (was: "Unexpected argument: <a path never typed>", "--from can only be specified once")', async (args, msg) => {
    const r = await run(args)
    expect(r.stderr.trim()).toBe(`allocscope: --sample: ${msg}`)
    expect(r.status).toBe(EXIT.usage)
  })

  it('diff takes two (a, then b); its help and analyse\'s say how many', async () => {
    const d = await run(['diff', '--sample', 'pool-c64/allocinfo.txt', '--sample', 'legacylate/allocinfo.txt', '--json'])
    expect(d.status, d.stderr).toBe(0)
    expect(JSON.parse(d.stdout).result).toMatchObject({a: join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt'), b: join(SAMPLES, 'linux-7.2-legacylate-c255-m1024', 'allocinfo.txt')})
    // After a positional input it is b, before one a: the order given, not samples first (DERIVED order of real samples).
    const POOL_DUMP = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt')
    const LATE_DUMP = join(SAMPLES, 'linux-7.2-legacylate-c255-m1024', 'allocinfo.txt')
    for (const [args, a, b] of [
      [[LATE_DUMP, '--sample', 'pool-c64/allocinfo.txt'], LATE_DUMP, POOL_DUMP],
      [['--sample=pool-c64/allocinfo.txt', LATE_DUMP], POOL_DUMP, LATE_DUMP],
      [['--top', '1', LATE_DUMP, '--json', '--sample', 'pool-c64/allocinfo.txt'], LATE_DUMP, POOL_DUMP],
    ] as const) {
      const r = await run(['diff', ...args, '--json'])
      expect(r.status, r.stderr).toBe(0)
      expect(JSON.parse(r.stdout).result, args.join(' ')).toMatchObject({a, b})
    }
    const help = (id: string) => manifest().commands[id]!.flags.sample as {description: string}
    expect(help('diff').description).toMatch(/as an input \(a, then b, in the order given\)\.$/)
    expect(help('analyse').description).toMatch(/as the input\.$/)
    expect(help('predict').description).not.toMatch(/repeatable/)
  })
})

describe('--sample where a command does not offer it', () => {
  it.each([
    ['trend', /^allocscope: --sample: trend needs a series of snapshots and a bundled sample is one .*testdata\/trend\/leak\/recording.arec.gz/],
    ['fleet', /^allocscope: --sample: fleet reads the NDJSON records of allocscope batch, not a capture: allocscope batch --sample NAME \| allocscope fleet/],
    ['capture', /^allocscope: --sample: capture boots a kernel; it reads no sample/],
  ])('%s: not in its help; given anyway, one line saying why, exit 2', async (id, msg) => {
    const help = await run([id, '--help'])
    // (fleet's examples pipe `batch --sample` into it: the flag list and usage are what count.)
    expect(help.stdout).not.toMatch(/--sample=<value>|\[--sample /)
    // Any name, even one that is no sample: the reason is the point.
    for (const name of ['pool-c64', 'nonesuch']) {
      const r = await run([id, '--sample', name])
      expect(r.stderr).toMatch(msg)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.status).toBe(EXIT.usage)
    }
  })
})

describe('a pattern over a bundled folder, from another directory', () => {
  it("batch 'samples/*/' reads the bundled capture directories only: one record each, no error record (samples/ also holds PROVENANCE.md and inventory.csv)", async () => {
    const r = await run(['batch', 'samples/*/'])
    expect(r.status, r.stderr).toBe(0)
    const recs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as {input: {path: string}; error?: unknown})
    expect(recs.filter((x) => x.error !== undefined)).toEqual([])
    const dirs = new Set(recs.map((x) => x.input.path))
    expect([...dirs].sort()).toEqual(sampleDirs().map((n) => join(SAMPLES, n)))
  })
})

describe('--sample and a path both given', () => {
  it.each(['analyse', 'allocinfo'])('%s: the extra argument is named with why (--sample is the input), exit 2, one line', async (id) => {
    const path = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
    const r = await run([id, path, '--sample', 'notrack'])
    expect(r.status).toBe(EXIT.usage)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toContain(`Unexpected argument: ${path}; --sample already names an input of ${id}: a path besides it is one too many`)
  })
})
