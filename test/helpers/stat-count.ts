// Counts the file-system look-ups (stat, lstat, exists, realpath) that code run in-process makes,
// by path: countLookups() wraps node:fs's functions and hands the wrapped ones to every ES module's
// `import {statSync} from 'node:fs'` (syncBuiltinESMExports: src's, and dist's, whatever loaded
// them first; vi.mock would miss modules an earlier test file loaded, vitest.config.ts isolate:
// false). Worker threads have their own node:fs: only this thread's look-ups count. restore()
// puts the functions back. What a test pins is that a run asks of a path once.
import fs from 'node:fs'
import {syncBuiltinESMExports} from 'node:module'
import {resolve} from 'node:path'

type Fn = 'statSync' | 'lstatSync' | 'existsSync' | 'realpathSync'
const FNS: Fn[] = ['statSync', 'lstatSync', 'existsSync', 'realpathSync']

export interface Lookups {
  /** Look-ups of `path` (resolved: `a` and `./a` are one) by `fn`, or by any of them. */
  count(path: string, fn?: Fn): number
  restore(): void
}

export function countLookups(): Lookups {
  const calls = new Map<string, number>()
  const count = (fn: Fn, p: unknown): void => {
    if (typeof p !== 'string') return
    const k = `${fn} ${resolve(p)}`
    calls.set(k, (calls.get(k) ?? 0) + 1)
  }
  const real = {statSync: fs.statSync, lstatSync: fs.lstatSync, existsSync: fs.existsSync, realpathSync: fs.realpathSync}
  const counted = <F extends (p: never, ...a: never[]) => unknown>(fn: Fn, f: F): F => ((p: never, ...a: never[]) => (count(fn, p), f(p, ...a))) as F
  Object.assign(fs, {
    statSync: counted('statSync', real.statSync),
    lstatSync: counted('lstatSync', real.lstatSync),
    existsSync: counted('existsSync', real.existsSync),
    realpathSync: Object.assign(counted('realpathSync', real.realpathSync), {native: counted('realpathSync', real.realpathSync.native)}),
  })
  syncBuiltinESMExports()
  return {
    count: (path, fn) => (fn ? [fn] : FNS).reduce((n, f) => n + (calls.get(`${f} ${resolve(path)}`) ?? 0), 0),
    restore: () => {
      Object.assign(fs, real)
      syncBuiltinESMExports()
    },
  }
}
