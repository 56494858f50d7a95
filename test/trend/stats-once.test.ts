// trend DIR asks the file system of each snapshot file once before reading it: its listing types
// the entries (readers/dir.ts dirEntries: a link alone is stat'ed), and one stat serves the empty
// file check, the choice of how to read its first line and its mtime (input.ts readSnapshotFiles).
// The reader's own stat (small-file.ts: read whole or streamed) is the second.
import {mkdtempSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {readTrendInput} from '../../src/trend/input.js'
import {countLookups} from '../helpers/stat-count.js'

/** SYNTHETIC: n snapshots a minute apart with their time in a header line. */
function series(n: number): {dir: string; files: string[]} {
  const dir = mkdtempSync(join(tmpdir(), 'allocscope-SYNTHETIC-trend-stats-'))
  const files = Array.from({length: n}, (_, i) => {
    const f = join(dir, `s${i}.txt`)
    const lines = [`# allocscope: time=2026-01-01T00:0${i}:00Z`, 'allocinfo - version: 2.0', '#     <size>  <calls> <tag info>', `${String((i + 1) * 4096).padStart(12)} ${'1'.padStart(8)} syn/x.c:10 func:x `]
    writeFileSync(f, lines.join('\n') + '\n')
    return f
  })
  return {dir, files}
}

async function statsPerFile(dir: string, files: string[], timeFrom: 'auto' | 'mtime'): Promise<number[]> {
  const looked = countLookups()
  try {
    const r = await readTrendInput([dir], {timeFrom})
    expect(r.store.snapshots).toBe(files.length)
  } finally {
    looked.restore()
  }
  return files.map((f) => looked.count(f))
}

describe('trend DIR: each snapshot file stat\'ed once before it is read', () => {
  it('times from the header: one stat of trend\'s and the reader\'s', async () => {
    const {dir, files} = series(4)
    expect(await statsPerFile(dir, files, 'auto')).toEqual([2, 2, 2, 2])
  })

  it('--time-from mtime: the same stat gives the mtime', async () => {
    const {dir, files} = series(4)
    expect(await statsPerFile(dir, files, 'mtime')).toEqual([2, 2, 2, 2])
  })

  it('a link that leads nowhere in the directory is refused as before, naming it', async () => {
    const {dir} = series(2)
    symlinkSync('nowhere.txt', join(dir, 's1b.txt'))
    await expect(readTrendInput([dir], {timeFrom: 'auto'})).rejects.toThrow(`${join(dir, 's1b.txt')}: no such file or directory; expected a recording, a directory of allocinfo snapshots, or snapshot files`)
  })
})
