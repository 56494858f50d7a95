// One `allocscope batch` over the whole real corpus, shared by the tests that read it
// (test/batch/corpus, test/batch/edges, test/fleet/fleet, test/fleet/distributed): run in-process
// once per vitest worker — `isolate: false` keeps this module, and so the memo, across test files —
// instead of once or more per file in a process of its own (issue 11: the suite's time).
import {runCli} from './cli.js'

/** The corpus as a user in the repository names it: relative paths, which the records carry as given. */
export const CORPUS_ARGS = ['samples', 'testdata/captures', 'lab/captures', 'testdata/peer/syzkaller']

let memo: Promise<string[]> | undefined

/** The NDJSON lines of `allocscope batch --jobs 2 ${CORPUS_ARGS}`, run from the repository. */
export function corpusBatch(): Promise<string[]> {
  memo ??= runCli(['batch', '--jobs', '2', ...CORPUS_ARGS]).then((r) => {
    if (r.status !== 0) throw new Error(`batch over the corpus exited ${r.status}: ${r.stderr}`)
    return r.stdout.split('\n').filter((l) => l !== '')
  })
  return memo
}
