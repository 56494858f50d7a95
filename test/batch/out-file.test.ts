// batch --out FILE: what is refused before anything is written, and how a refusal reads. Input: the
// REAL excerpt of the LKML 7.0-rc4 alloc_tag report (samples/), copied where a test writes.
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {cli} from './helpers.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-batch-outfile-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

describe('batch --out that cannot be opened', () => {
  // Was Node's raw "EISDIR: illegal operation on a directory, open '/tmp'", where fleet --html,
  // trend --svg and record --out say "is a directory" (errors.ts ioReason).
  it('a directory: one line in the words of the other commands, exit 2', async () => {
    const r = await cli(['batch', '--out', tmp, 'samples/lkml-7.0-rc4-alloc-tag-not-set'])
    expect([r.status, r.stderr.trim()]).toEqual([2, `allocscope: ${tmp}: cannot write (is a directory): expected a writable --out path`])
  })
})
