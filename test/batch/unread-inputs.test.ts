// A path that names nothing passes no CI gate silently (README batch, "Exit status"): batch says on
// stderr which argument gave only an error record and how many errors the run wrote, whatever
// stderr is; --fail-on-error (batch and fleet) makes an error record fail the run (exit 1), which
// by default stays a record and exit 0 (issue 18). Run from another directory, as a user's CI job.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {cli, records} from './helpers.js'
import {SAMPLES} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-unread-'))
const SAMPLE = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
const SUMMARY = /^allocscope: (\d+) inputs?, (\d+) records?, (\d+) errors?$/m

describe('batch: inputs that name nothing', () => {
  it('a missing path: an error record, exit 0, and on stderr (not a TTY, no --out) a warning naming it and the counts', async () => {
    const r = await cli(['batch', '-j', '1', 'nonexistent.log', '--fail-on', 'info'], {cwd: tmp})
    expect(r.status, r.stderr).toBe(0)
    expect(records(r.stdout).map((x) => x.error?.reason)).toEqual(['no such file or directory'])
    expect(r.stderr).toMatch(/^allocscope: warning: nonexistent\.log: no such file or directory \(named on the command line/m)
    expect(SUMMARY.exec(r.stderr)?.slice(1)).toEqual(['1', '1', '1'])
  })

  it('a pattern matching nothing is warned of too; a readable input beside it is not', async () => {
    const r = await cli(['batch', '-j', '1', 'captures/*/', SAMPLE], {cwd: tmp})
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/^allocscope: warning: captures\/\*\/: the pattern matches nothing/m)
    expect(r.stderr).not.toContain(`warning: ${SAMPLE}`)
    expect(SUMMARY.exec(r.stderr)?.slice(1)).toEqual(['2', '2', '1'])
  })

  it('no error record: no counts line when stderr is not a TTY and there is no --out (as before)', async () => {
    const r = await cli(['batch', '-j', '1', SAMPLE], {cwd: tmp})
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toBe('')
  })

  it('--fail-on-error: exit 1 when an input is an error record, 0 when none is (the fast path and oclif alike)', async () => {
    for (const env of [{}, {ALLOCSCOPE_NO_FAST: '1'}]) {
      const bad = await cli(['batch', '-j', '1', SAMPLE, 'nonexistent.log', '--fail-on-error'], {cwd: tmp, ...{env}})
      expect(bad.status, bad.stderr).toBe(1)
      expect(records(bad.stdout)).toHaveLength(2)
      const good = await cli(['batch', '-j', '1', SAMPLE, '--fail-on-error'], {cwd: tmp, ...{env}})
      expect(good.status, good.stderr).toBe(0)
    }
  })

  it('--fail-on-error with --resume counts the error records the file kept, as --fail-on gates on the whole output', async () => {
    const out = join(tmp, 'resumed.ndjson')
    expect((await cli(['batch', '-j', '1', 'nonexistent.log', '--out', out], {cwd: tmp})).status).toBe(0)
    const r = await cli(['batch', '-j', '1', 'nonexistent.log', SAMPLE, '--out', out, '--resume', '--fail-on-error'], {cwd: tmp})
    expect(r.status, r.stderr).toBe(1)
    expect(SUMMARY.exec(r.stderr)?.slice(1)).toEqual(['1', '1', '0'])
  })
})

describe('fleet over error records', () => {
  it('--fail-on-error: exit 1 when the records hold an error; without it exit 0, --fail-on info alone too', async () => {
    const b = await cli(['batch', '-j', '1', 'nonexistent.log'], {cwd: tmp})
    const f = join(tmp, 'errors.ndjson')
    writeFileSync(f, b.stdout)
    expect((await cli(['fleet', f, '--fail-on', 'info'])).status).toBe(0)
    const r = await cli(['fleet', f, '--fail-on-error'])
    expect(r.status, r.stderr).toBe(1)
    expect(r.stdout).toMatch(/errors\s+│ 1/)
  })

  it('--fail-on-error over records without an error: exit 0', async () => {
    const b = await cli(['batch', '-j', '1', SAMPLE], {cwd: tmp})
    const f = join(tmp, 'clean.ndjson')
    writeFileSync(f, b.stdout)
    const r = await cli(['fleet', f, '--fail-on-error'])
    expect(r.status, r.stderr).toBe(0)
  })

  it('every input an error: the Kernels block does not say "no inputs" beside the Fleet block\'s inputs 1', async () => {
    const f = join(tmp, 'all-errors.ndjson')
    writeFileSync(f, (await cli(['batch', '-j', '1', 'nonexistent.log'], {cwd: tmp})).stdout)
    const r = await cli(['fleet', f, '--block', 'Kernels', '--format', 'text'])
    expect(r.stdout).toContain('no readable inputs')
    expect(r.stdout).not.toMatch(/^no inputs$/m)
  })
})
