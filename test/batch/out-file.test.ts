// batch --out FILE: what is refused before anything is written, and how a refusal reads. Input: the
// REAL excerpt of the LKML 7.0-rc4 alloc_tag report (samples/), copied where a test writes.
import {cpSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
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

// A capture directory is read as one input, never skipped file by file as a walk skips its --out:
// `batch cap --out cap/dmesg.txt --force` exited 0 with dmesg.txt truncated (19679 to 173 bytes)
// and a record saying "dmesg.txt: empty"; a walk reaching the capture, or a hard link elsewhere to
// one of its files, the same. A plain walked directory still skips its --out.
describe('batch --out a file of a capture directory it reads (REAL samples/linux-7.2-pool-c64-m1024, copied)', () => {
  const refusal = (out: string, dir: string) => `allocscope: --out ${out} is a file of the capture directory ${dir}, which is read as one input: writing it would destroy part of that input; give another --out`
  const dmesg = readFileSync(join(POOL, 'dmesg.txt'))

  it('is refused, exit 2, with --force, --resume or neither: named, walked to, or hard-linked', async () => {
    const logs = mkdtempSync(join(tmp, 'capout-'))
    const cap = join(logs, 'cap')
    cpSync(POOL, cap, {recursive: true})
    const log = join(cap, 'dmesg.txt')
    const link = join(logs, 'hard.txt')
    linkSync(join(cap, 'allocinfo.txt'), link)
    for (const [input, out, more] of [[cap, log, ['--force']], [cap, log, []], [logs, log, ['--force']], [logs, log, ['--resume']], [cap, link, ['--force']]] as const) {
      const r = await cli(['batch', input, '--out', out, ...more])
      expect([r.status, r.stderr.trim()]).toEqual([2, refusal(out, cap)])
    }
    expect(readFileSync(log)).toEqual(dmesg)
    expect(readFileSync(link)).toEqual(readFileSync(join(POOL, 'allocinfo.txt')))
  })

  it('a new --out inside a capture directory read is refused too: it would make the directory no capture (its record an error)', async () => {
    const logs = mkdtempSync(join(tmp, 'capnew-'))
    const cap = join(logs, 'cap')
    cpSync(POOL, cap, {recursive: true})
    for (const input of [cap, logs]) {
      const out = join(cap, 'run.ndjson')
      const r = await cli(['batch', input, '--out', out])
      expect([r.status, r.stderr.trim()]).toEqual([2, `allocscope: --out ${out} would be a new file in the capture directory ${cap}, which is read as one input: a capture holds only its own files; give a --out outside it`])
      expect(existsSync(out)).toBe(false)
    }
  })

  it('a plain walked directory skips its --out and writes it', async () => {
    const logs = mkdtempSync(join(tmp, 'walkout-'))
    mkdirSync(join(logs, 'sub'))
    writeFileSync(join(logs, 'sub', 'old.ndjson'), 'x\n')
    cpSync(LOG, join(logs, 'a.log'))
    const out = join(logs, 'sub', 'old.ndjson')
    const r = await cli(['batch', logs, '--out', out, '--force'])
    expect(r.status).toBe(0)
    expect(records(readFileSync(out, 'utf8')).map((x) => x.input.path)).toEqual([join(logs, 'a.log')])
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
