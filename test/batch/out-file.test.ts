// batch --out FILE: what is refused before anything is written, and how a refusal reads. Input: the
// REAL excerpt of the LKML 7.0-rc4 alloc_tag report (samples/), copied where a test writes.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {cli, records} from './helpers.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-batch-outfile-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

const LOG = 'samples/lkml-7.0-rc4-alloc-tag-not-set/dmesg-excerpt.txt'
const POOL = 'samples/linux-7.2-pool-c64-m1024'

describe('batch --out FILE that holds an earlier run', () => {
  // Running the command again truncated it (an earlier 10-hour run.ndjson), where record refuses.
  it('is refused and kept byte for byte; --force overwrites, --resume goes on; an empty file loses nothing', async () => {
    const out = join(mkdtempSync(join(tmp, 'again-')), 'run.ndjson')
    expect((await cli(['batch', '--out', out, LOG])).status).toBe(0)
    const first = readFileSync(out)
    const again = await cli(['batch', '--out', out, POOL])
    expect([again.status, again.stderr.trim()]).toEqual([2, `allocscope: --out ${out}: the file exists; give --force to overwrite it, or --resume to go on with it`])
    expect(readFileSync(out)).toEqual(first)
    const both = await cli(['batch', '--out', out, '--force', '--resume', POOL])
    expect([both.status, both.stderr.trim()]).toEqual([2, 'allocscope: --force overwrites the --out file, --resume goes on with it: give one'])
    expect((await cli(['batch', '--out', out, '--resume', LOG, POOL])).status).toBe(0)
    expect(records(readFileSync(out, 'utf8')).map((r) => r.input.path)).toEqual([LOG, POOL])
    expect((await cli(['batch', '--out', out, '--force', POOL])).status).toBe(0)
    expect(records(readFileSync(out, 'utf8')).map((r) => r.input.path)).toEqual([POOL])
    writeFileSync(out, '')
    expect((await cli(['batch', '--out', out, LOG])).status).toBe(0)
    expect(records(readFileSync(out, 'utf8'))).toHaveLength(1)
  })
})

describe('batch --out that cannot be opened', () => {
  // Was Node's raw "EISDIR: illegal operation on a directory, open '/tmp'", where fleet --html,
  // trend --svg and record --out say "is a directory" (errors.ts ioReason).
  it('a directory: one line in the words of the other commands, exit 2', async () => {
    const r = await cli(['batch', '--out', tmp, LOG])
    expect([r.status, r.stderr.trim()]).toEqual([2, `allocscope: ${tmp}: cannot write (is a directory): expected a writable --out path`])
  })
})
