// Counts the file-system look-ups (stat, lstat, exists, realpath) of code run in-process, by path:
// a test file routes src's node:fs through countingFs with
//   const {countingFs, lookups} = await vi.hoisted(() => import('../helpers/stat-count.js'))
//   vi.mock('node:fs', countingFs)
// and reads lookups(path) after clearing them (resetLookups). Each of src's checks that asks a
// fact of a path counts: what a test pins is that a run asks once.
import type * as Fs from 'node:fs'
import {resolve} from 'node:path'

const calls = new Map<string, number>()

/** Look-ups of `path` (resolved: `a` and `./a` are one) since resetLookups. */
export const lookups = (path: string): number => calls.get(resolve(path)) ?? 0

export const resetLookups = (): void => calls.clear()

const count = (p: unknown): void => {
  if (typeof p !== 'string') return
  const k = resolve(p)
  calls.set(k, (calls.get(k) ?? 0) + 1)
}

export async function countingFs(importOriginal: () => Promise<typeof Fs>): Promise<typeof Fs> {
  const fs = await importOriginal()
  const counted = <F extends (p: never, ...a: never[]) => unknown>(f: F): F => ((p: never, ...a: never[]) => (count(p), f(p, ...a))) as F
  const realpathSync = Object.assign(counted(fs.realpathSync), {native: counted(fs.realpathSync.native)})
  return {...fs, statSync: counted(fs.statSync), lstatSync: counted(fs.lstatSync), existsSync: counted(fs.existsSync), realpathSync}
}
