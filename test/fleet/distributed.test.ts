// The map step scaled out: examples/dask/fleet_dask.py on a LocalCluster of 2 worker processes
// (Debian's python3-distributed) and examples/parallel/fleet_parallel.sh (GNU parallel, local
// jobs) over the test corpus each give exactly the summary of one `batch | fleet` run.
import {spawnSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {REPO} from '../helpers/paths.js'
import {cli} from '../batch/helpers.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-dist-'))
// Relative paths, as a user in the repo would type them: the records carry them as given.
const CORPUS = ['samples', 'testdata/captures', 'lab/captures', 'testdata/peer/syzkaller']
const ALLOCSCOPE = `${process.execPath} bin/run.js`
const PYTHON = '/usr/bin/python3'

const hasDask = spawnSync(PYTHON, ['-c', 'import distributed, dask.bag'], {encoding: 'utf8'}).status === 0
const hasParallel = spawnSync('sh', ['-c', 'command -v parallel'], {encoding: 'utf8'}).status === 0

let single: string
beforeAll(() => {
  if (!hasDask && !hasParallel) return
  const b = cli(['batch', '--jobs', '2', ...CORPUS])
  expect(b.status, b.stderr).toBe(0)
  const f = cli(['fleet', '--json'], {input: b.stdout})
  expect(f.status, f.stderr).toBe(0)
  single = JSON.stringify(JSON.parse(f.stdout).result)
}, 600_000)

const resultOf = (stdout: string) => JSON.stringify((JSON.parse(stdout) as {result: unknown}).result)

describe.skipIf(!hasDask)('examples/dask/fleet_dask.py', () => {
  it('LocalCluster with 2 worker processes: merged summary = batch | fleet, exactly', () => {
    const r = spawnSync(PYTHON, ['examples/dask/fleet_dask.py', '--workers', '2', '--partitions', '4', '--out', join(tmp, 'dask'), '--allocscope', ALLOCSCOPE, ...CORPUS], {
      cwd: REPO,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      timeout: 900_000,
    })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/in 4 partitions on 2 worker\(s\)/)
    expect(resultOf(r.stdout)).toBe(single)
  }, 900_000)
})

describe.skipIf(!hasParallel)('examples/parallel/fleet_parallel.sh', () => {
  it('3 local shards through GNU parallel: merged summary = batch | fleet, exactly', () => {
    const r = spawnSync('bash', ['examples/parallel/fleet_parallel.sh', join(tmp, 'parallel'), '3', ...CORPUS], {
      cwd: REPO,
      encoding: 'utf8',
      maxBuffer: 1 << 28,
      timeout: 900_000,
      env: {...process.env, ALLOCSCOPE},
    })
    expect(r.status, r.stderr).toBe(0)
    expect(resultOf(r.stdout)).toBe(single)
  }, 900_000)
})

if (!hasDask) it.skip('examples/dask: python3-distributed not found for /usr/bin/python3; install it with `apt-get install -y --no-install-recommends python3-distributed` (Debian; .ci/run does this)', () => undefined)
if (!hasParallel) it.skip('examples/parallel: GNU parallel not found; install it with `apt-get install -y --no-install-recommends parallel` (Debian; .ci/run does this)', () => undefined)
