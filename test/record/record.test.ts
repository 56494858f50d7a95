// record() against its own output file (src/record/record.ts, src/trend/recording.ts): what it
// refuses before opening anything for writing, and what it does when the file cannot be written.
// The source is the real sample allocinfo (samples/linux-7.2-pool-c64-m1024), or a copy of it.
import {copyFileSync, linkSync, mkdtempSync, readFileSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {UsageError} from '../../src/errors.js'
import {record} from '../../src/record/record.js'
import {SAMPLES} from '../helpers/paths.js'

const REAL = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt')
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-record-'))
const base = {intervalMs: 1, count: 3, tool: 'allocscope record test'}

describe('record: --out that is the --source', () => {
  // Opening --out with 'w' truncated the source before its first read: the file was lost and the
  // error blamed it ("binary data"). Same file by name, through a symlink, or through a hard link.
  it.each([
    ['the same path', (src: string) => src],
    ['a symlink to it', (src: string) => (symlinkSync(src, `${src}.lnk`), `${src}.lnk`)],
    ['a hard link to it', (src: string) => (linkSync(src, `${src}.hard`), `${src}.hard`)],
  ])('%s is refused before anything is written, naming both paths', async (name, outOf) => {
    const src = join(mkdtempSync(join(tmp, 'same-')), 'allocinfo.txt')
    copyFileSync(REAL, src)
    const out = outOf(src)
    const err = await record({...base, source: src, out}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UsageError)
    expect((err as Error).message).toBe(`--out ${out} is the same file as --source ${src}: recording into it would destroy what is sampled; give another --out`)
    expect(readFileSync(src)).toEqual(readFileSync(REAL))
  })
})
