// batch asks the file system of a path once a run where several steps ask of it: the archive a
// sharded --list names on every `archive//member` line (inputs.ts memberOf); the --out file and
// the arguments, which the --out checks ask of before the listing and after it (run.ts checkOut,
// checkListedOut) and the listing itself (run.ts's PathCache).
import {existsSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {listTasks} from '../../src/batch/inputs.js'
import {countLookups, type Lookups} from '../helpers/stat-count.js'
import {REPO} from '../helpers/paths.js'

const tmp = (): string => mkdtempSync(join(tmpdir(), 'allocscope-SYNTHETIC-batch-stats-'))

/** Counts the look-ups `run` makes. */
async function counted(run: () => unknown): Promise<Lookups> {
  const looked = countLookups()
  try {
    await run()
  } finally {
    looked.restore()
  }
  return looked
}

/** SYNTHETIC capture directories (empty files: each one's record is an error, which is no matter here). */
function captures(dir: string, n: number): string[] {
  return Array.from({length: n}, (_, i) => {
    const c = join(dir, `cap${i}`)
    mkdirSync(c)
    for (const f of ['dmesg.txt', 'allocinfo.txt']) writeFileSync(join(c, f), '')
    return c
  })
}

describe('batch: each path looked up once a run', () => {
  it("a --files-from list of one archive's members: the archive stat'ed once, the member paths not at all", async () => {
    const dir = tmp()
    // SYNTHETIC: listing reads no member; the archive's bytes are read by the worker.
    const archive = join(dir, 'caps.tar')
    writeFileSync(archive, '')
    const lines = ['a', 'b', 'c', 'd'].map((m) => `${archive}//${m}`)
    let tasks: unknown
    const looked = await counted(() => (tasks = listTasks([], lines).tasks))
    expect(tasks).toEqual([{type: 'archive', path: archive, only: ['a', 'b', 'c', 'd']}])
    expect(looked.count(archive)).toBe(1)
    expect(lines.map((l) => looked.count(l))).toEqual([0, 0, 0, 0])
  })
})

// The whole run, with the BUILT worker (src/ has none to start): the checks and the listing are
// this thread's, the workers' own look-ups are theirs.
describe.skipIf(!existsSync(join(REPO, 'dist', 'batch', 'run.js')))('batch --out: the --out file and each argument looked up once (built dist/)', () => {
  const runBatch = async (...a: Parameters<typeof import('../../src/batch/run.js').runBatch>) => ((await import(join(REPO, 'dist', 'batch', 'run.js'))) as typeof import('../../src/batch/run.js')).runBatch(...a)
  const flags = {jobs: 1, unordered: false, resume: false, list: false}

  it("--force over an earlier --out: stat'ed once and its real path found once; each argument stat'ed once", async () => {
    const dir = tmp()
    const args = captures(dir, 3)
    const out = join(dir, 'run.ndjson')
    writeFileSync(out, '{}\n')
    const looked = await counted(() => runBatch(args, {...flags, out, force: true}))
    expect([looked.count(out, 'statSync'), looked.count(out, 'realpathSync')]).toEqual([1, 1])
    expect(args.map((a) => looked.count(a))).toEqual([1, 1, 1])
  })

  it("a new --out file: stat'ed once (it is not there); each argument once", async () => {
    const dir = tmp()
    const args = captures(dir, 3)
    const out = join(dir, 'run.ndjson')
    const looked = await counted(() => runBatch(args, {...flags, out}))
    expect(looked.count(out)).toBe(1)
    expect(args.map((a) => looked.count(a))).toEqual([1, 1, 1])
  })
})
