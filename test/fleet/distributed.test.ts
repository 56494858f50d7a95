// The map step scaled out: examples/dask/fleet_dask.py on a LocalCluster of 2 worker processes
// (Debian's python3-distributed) and examples/parallel/fleet_parallel.sh (GNU parallel, local
// jobs) over the test corpus each give exactly the summary of one `batch | fleet` run (that run is
// the one the batch tests share, test/helpers/corpus-batch.ts, summarised by fleet in-process),
// run as from a fresh clone (no allocscope on PATH: the scripts default to the clone's bin/run.js);
// a command that cannot run is one line, not a Python traceback or a stream of parallel's errors.
import {spawnSync} from 'node:child_process'
import {copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {cliEnv} from '../helpers/cli.js'
import {CORPUS_ARGS, corpusBatch} from '../helpers/corpus-batch.js'
import {PEER, REPO} from '../helpers/paths.js'
import {cli} from '../batch/helpers.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-dist-'))
// Relative paths, as a user in the repo would type them: the records carry them as given.
const CORPUS = CORPUS_ARGS
const PYTHON = '/usr/bin/python3'
// A fresh clone's PATH: node, the system's tools, no allocscope; the scripts then default to this
// clone's own bin/run.js (unless the machine has allocscope installed in /usr/bin: then that one,
// and the scripts say which).
const CLONE_PATH = `${dirname(process.execPath)}:/usr/bin:/bin`
const onPath = spawnSync('sh', ['-c', 'command -v allocscope'], {env: {PATH: CLONE_PATH}}).status === 0
const DEFAULT_USED = onPath ? /allocscope is allocscope \(allocscope on PATH\)/ : new RegExp(`allocscope is \\S*node ${join(REPO, 'bin', 'run.js')} \\(this clone's CLI: allocscope is not on PATH\\)`)

const hasDask = spawnSync(PYTHON, ['-c', 'import distributed, dask.bag'], {encoding: 'utf8'}).status === 0
const hasParallel = spawnSync('sh', ['-c', 'command -v parallel'], {encoding: 'utf8'}).status === 0

let single: string
beforeAll(async () => {
  if (!hasDask && !hasParallel) return
  const whole = join(tmp, 'single.ndjson')
  writeFileSync(whole, (await corpusBatch()).join('\n') + '\n')
  const f = await cli(['fleet', '--json', whole])
  expect(f.status, f.stderr).toBe(0)
  single = JSON.stringify(JSON.parse(f.stdout).result)
}, 600_000)

const resultOf = (stdout: string) => JSON.stringify((JSON.parse(stdout) as {result: unknown}).result)

/** Three REAL peer logs: enough for a run of 3 partitions, then one of 2. */
const THREE = ['10', '11', '12'].map((n) => join(PEER, n))

/** The summary of one `batch | fleet` over `inputs` (its result, as text). */
async function oneRun(inputs: string[]): Promise<string> {
  const f = join(tmp, `one-${inputs.length}.ndjson`)
  writeFileSync(f, (await cli(['batch', ...inputs])).stdout)
  return resultOf((await cli(['fleet', '--json', f])).stdout)
}

/** `fleet --json` over every file `OUT/shards/*` names (dot-names aside, as the shell's glob). */
async function fleetOverShards(out: string): Promise<string> {
  const shards = readdirSync(join(out, 'shards')).filter((n) => !n.startsWith('.')).map((n) => join(out, 'shards', n))
  return resultOf((await cli(['fleet', '--json', ...shards])).stdout)
}

/** One run of a scaling-out script, as from a fresh clone. */
const runScript = (cmd: string, args: string[]) => spawnSync(cmd, args, {cwd: REPO, encoding: 'utf8', timeout: 300_000, env: cliEnv({PATH: CLONE_PATH})})
const dask = (out: string, partitions: number, inputs: string[]) => runScript(PYTHON, ['examples/dask/fleet_dask.py', '--workers', '2', '--partitions', String(partitions), '--out', out, ...inputs])
const parallel = (out: string, n: number, inputs: string[]) => runScript('bash', ['examples/parallel/fleet_parallel.sh', out, String(n), ...inputs])

describe.skipIf(!hasDask)('examples/dask/fleet_dask.py', () => {
  it('LocalCluster with 2 worker processes: merged summary = batch | fleet, exactly', () => {
    const r = spawnSync(PYTHON, ['examples/dask/fleet_dask.py', '--workers', '2', '--partitions', '2', '--out', join(tmp, 'dask'), ...CORPUS], {
      cwd: REPO,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      timeout: 900_000,
      env: cliEnv({PATH: CLONE_PATH}),
    })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toMatch(DEFAULT_USED)
    expect(r.stderr).toMatch(/in 2 partitions on 2 worker\(s\)/)
    expect(resultOf(r.stdout)).toBe(single)
  }, 900_000)
  it('file names a plain list line cannot carry (newline, CR, blanks, #; SYNTHETIC names of a REAL log): the summary of batch | fleet, exactly (was: 2 bogus inputs, errors)', async () => {
    const dir = join(tmp, 'odd')
    mkdirSync(dir)
    for (const n of ['sp ace.log', 'trail.log ', '#hash.log', 'nl\nx.log', 'cr\r.log', '  ', 'end\r']) copyFileSync(join(PEER, '10'), join(dir, n))
    const whole = join(tmp, 'odd.ndjson')
    writeFileSync(whole, (await cli(['batch', dir])).stdout)
    const r = spawnSync(PYTHON, ['examples/dask/fleet_dask.py', '--workers', '2', '--partitions', '2', '--out', join(tmp, 'dask-odd'), dir], {cwd: REPO, encoding: 'utf8', timeout: 300_000, env: cliEnv({PATH: CLONE_PATH})})
    expect(r.status, r.stderr).toBe(0)
    const summary = JSON.parse(r.stdout) as {result: {inputs: number; errors: number}}
    expect([summary.result.inputs, summary.result.errors]).toEqual([7, 0])
    expect(resultOf(r.stdout)).toBe(resultOf((await cli(['fleet', '--json', whole])).stdout))
  }, 300_000)
  it('the summary is kept out of the shards\' directory: fleet over every file there is the summary (was: fleet.json beside the shards, counted again by `fleet OUT/*`)', async () => {
    const out = join(tmp, 'dask-layout')
    const r = spawnSync(PYTHON, ['examples/dask/fleet_dask.py', '--workers', '2', '--partitions', '2', '--out', out, join(PEER, '10'), join(PEER, '11')], {cwd: REPO, encoding: 'utf8', timeout: 300_000, env: cliEnv({PATH: CLONE_PATH})})
    expect(r.status, r.stderr).toBe(0)
    expect(readdirSync(out).sort()).toEqual(['fleet.json', 'shards'])
    const shards = readdirSync(join(out, 'shards')).map((n) => join(out, 'shards', n))
    expect(shards).toHaveLength(2)
    expect(resultOf((await cli(['fleet', '--json', ...shards])).stdout)).toBe(resultOf(readFileSync(join(out, 'fleet.json'), 'utf8')))
    expect((JSON.parse(r.stdout) as {result: {inputs: number}}).result.inputs).toBe(2)
  }, 300_000)
  it('a second run into the same --out with fewer partitions: its shards alone, fleet OUT/shards/* = one run (was: the first run\'s shard-00003 counted again)', async () => {
    const out = join(tmp, 'dask-rerun')
    for (const parts of [3, 2]) expect(dask(out, parts, THREE).status).toBe(0)
    expect(readdirSync(join(out, 'shards')).sort()).toEqual(['shard-00001.ndjson', 'shard-00002.ndjson'])
    const one = await oneRun(THREE)
    expect(await fleetOverShards(out)).toBe(one)
    expect(resultOf(readFileSync(join(out, 'fleet.json'), 'utf8'))).toBe(one)
  }, 300_000)
  it('a file it did not write in OUT/shards: refused before the run, the file and the earlier shards kept', () => {
    const out = join(tmp, 'dask-foreign')
    expect(dask(out, 2, THREE).status).toBe(0)
    writeFileSync(join(out, 'shards', 'notes.txt'), 'mine\n')
    const r = dask(out, 1, THREE)
    expect(r.status).toBe(1)
    expect(r.stderr).toContain(`fleet_dask.py: ${join(out, 'shards')} holds notes.txt, not written by this script`)
    expect(readdirSync(join(out, 'shards')).sort()).toEqual(['notes.txt', 'shard-00001.ndjson', 'shard-00002.ndjson'])
  }, 300_000)
  it('an --allocscope that cannot run: one line saying so and how to name it, no traceback', () => {
    const r = spawnSync(PYTHON, ['examples/dask/fleet_dask.py', '--out', join(tmp, 'dask-bad'), '--allocscope', 'allocscope-nonesuch', 'samples'], {cwd: REPO, encoding: 'utf8', env: cliEnv({PATH: CLONE_PATH})})
    expect(r.status).toBe(1)
    expect(r.stderr).not.toMatch(/Traceback/)
    expect(r.stderr).toMatch(/^fleet_dask\.py: cannot run allocscope-nonesuch: No such file or directory; pass --allocscope with a command that runs allocscope/m)
  })
})

describe.skipIf(!hasParallel)('examples/parallel/fleet_parallel.sh', () => {
  // Two partitions, two shards: each is a whole `batch` run (a Node start-up and its workers'
  // warm-up; ~2 s of CPU over the whole corpus, `/usr/bin/time`), as many as the merge needs.
  it('2 local shards through GNU parallel: merged summary = batch | fleet, exactly', () => {
    const r = spawnSync('bash', ['examples/parallel/fleet_parallel.sh', join(tmp, 'parallel'), '2', ...CORPUS], {
      cwd: REPO,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      timeout: 900_000,
      env: cliEnv({PATH: CLONE_PATH}),
    })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toMatch(DEFAULT_USED)
    expect(resultOf(r.stdout)).toBe(single)
    // The summary out of the shards' directory, as the Dask script keeps it.
    expect(readdirSync(join(tmp, 'parallel')).sort()).toEqual(['fleet.json', 'shards'])
  }, 900_000)
  it('a second run into the same OUT_DIR with fewer jobs: fleet OUT/shards/* = one run', async () => {
    const out = join(tmp, 'parallel-rerun')
    for (const n of [3, 2]) expect(parallel(out, n, THREE).status).toBe(0)
    expect(readdirSync(join(out, 'shards'))).toEqual(['shards.ndjson'])
    expect(await fleetOverShards(out)).toBe(await oneRun(THREE))
  }, 300_000)
  it("another script's shard in OUT/shards (a Dask run's into the same OUT): refused, exit 2, kept (was: a run beside it, fleet OUT/shards/* counted both)", () => {
    const out = join(tmp, 'parallel-foreign')
    expect(parallel(out, 2, THREE).status).toBe(0)
    copyFileSync(join(out, 'shards', 'shards.ndjson'), join(out, 'shards', 'shard-00001.ndjson'))
    const r = parallel(out, 2, THREE)
    expect(r.status).toBe(2)
    expect(r.stderr).toContain(`fleet_parallel.sh: ${join(out, 'shards')} holds shard-00001.ndjson, not written by this script`)
    expect(readdirSync(join(out, 'shards')).sort()).toEqual(['shard-00001.ndjson', 'shards.ndjson'])
  }, 300_000)
  it('an ALLOCSCOPE that cannot run: one line saying so and how to set it, exit 2', () => {
    const r = spawnSync('bash', ['examples/parallel/fleet_parallel.sh', join(tmp, 'parallel-bad'), '2', 'samples'], {cwd: REPO, encoding: 'utf8', env: cliEnv({PATH: CLONE_PATH, ALLOCSCOPE: 'allocscope-nonesuch'})})
    expect(r.status).toBe(2)
    expect(r.stderr).toBe(`fleet_parallel.sh: cannot run allocscope as 'allocscope-nonesuch' (ALLOCSCOPE); set ALLOCSCOPE to a command that runs it, e.g. ALLOCSCOPE="node /path/to/allocscope/bin/run.js"\n`)
  })
})

if (!hasDask) it.skip('examples/dask: python3-distributed not found for /usr/bin/python3; install it with `apt-get install -y --no-install-recommends python3-distributed` (Debian; .ci/run does this)', () => undefined)
if (!hasParallel) it.skip('examples/parallel: GNU parallel not found; install it with `apt-get install -y --no-install-recommends parallel` (Debian; .ci/run does this)', () => undefined)
