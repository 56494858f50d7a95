// batch --jobs N: workers are V8 isolates (~6 MiB each, started at once), so N is bounded
// (pool.ts MAX_JOBS) and never more start than the inputs can use. A review measured --jobs 64 over
// one input at 7.9 s and 420 MB RSS (--jobs 2: 0.8 s, 64 MB), and --jobs 100000 ending in V8's
// "Fatal javascript OOM" (exit 133). Input: the REAL LKML 7.0-rc4 capture directory (one input).
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {spawnCli} from '../helpers/cli.js'
import {runWithRss} from '../helpers/cli-rss.js'

const ONE = 'samples/lkml-7.0-rc4-alloc-tag-not-set'
const home = mkdtempSync(join(tmpdir(), 'allocscope-batch-jobs-'))
afterAll(() => rmSync(home, {recursive: true, force: true}))

describe('batch --jobs', () => {
  it('past 256 is a usage error, one line, before any worker starts', () => {
    const r = spawnCli(['batch', '--jobs', '100000', ONE])
    expect([r.status, r.stderr.trim(), r.stdout]).toEqual([2, 'allocscope: --jobs 100000: expected 1 to 256 worker threads (each is a JavaScript engine of its own; more than the cores only wait for them)', ''])
  })

  it('--jobs 64 over one input starts one worker: peak RSS as --jobs 1', async () => {
    // One worker and the main thread: 62 MiB on a quiet machine, 159 MiB in one fresh-clone CI run
    // under load (the collector lets the heaps grow); 64 workers started: 420-438 MiB. The bound
    // lies between the two, with room for the load.
    const r = await runWithRss(['batch', '--jobs', '64', ONE], {home})
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout.trim().split('\n')).toHaveLength(1)
    expect(r.rssMiB).toBeLessThan(300)
  })
})
