// What the file system says of a path, in one place for every command: its stat, or nothing
// (statOf), or why not (statPath); when two paths are one file (fileId, sameFile); where it
// really is (realOr); and PathCache,
// for the facts one run asks of the same paths in several checks (the --out file, the arguments).
// Only node:fs: batch/run.ts loads this before its workers start (cli/write-file.ts).
import {type BigIntStats, fstatSync, realpathSync, statSync} from 'node:fs'
import {resolve} from 'node:path'

/**
 * What these helpers stat: bigint stats, so that a device and inode beyond 2^53 (overlayfs's xino
 * inodes carry the layer in their high bits) are exact in fileId: every caller that compares files
 * or keeps their stats asks through here (a plain isDirectory() check may use statSync).
 */
export type Stats = BigIntStats

/** A path stat'ed (through symlinks), or why it could not be. */
export type Stated = {st: Stats} | {error: unknown}

export function statPath(path: string): Stated {
  try {
    return {st: statSync(path, {bigint: true})}
  } catch (e) {
    return {error: e}
  }
}

/** What stat says of a path, through symlinks; undefined when nothing (or nothing reachable) is there: its reader says why. */
export function statOf(path: string): Stats | undefined {
  const s = statPath(path)
  return 'st' in s ? s.st : undefined
}

/**
 * An input's stat: '-' is stdin, whatever it is (`fleet --html f.json < f.json`); an output is
 * never stdout for '-', so an output's stat is statOf. `look` stats any other path.
 */
export function inputStatOf(path: string, look: (p: string) => Stats | undefined = statOf): Stats | undefined {
  if (path !== '-') return look(path)
  try {
    return fstatSync(0, {bigint: true})
  } catch {
    return undefined
  }
}

/**
 * A file or directory whatever path reached it (a symlink and its target, a path named twice, a hard
 * link): its device and inode, exact (bigint stats: as Numbers two inodes beyond 2^53 could be one);
 * the same digits as the Number form had below 2^53.
 */
export const fileId = (st: Pick<BigIntStats, 'dev' | 'ino'>): string => `${st.dev}:${st.ino}`

/** Whether `a` (undefined: nothing there) is the file `b` (fileId). */
export const sameFile = (a: Stats | undefined, b: Stats): boolean => a !== undefined && fileId(a) === fileId(b)

/**
 * The path after symlinks; one realpath cannot follow (a loop, a component gone since the stat)
 * is taken as written: a check that asks never throws.
 */
export function realOr(path: string): string {
  try {
    return realpathSync(path)
  } catch {
    return resolve(path)
  }
}

/**
 * The answers of one run, each path asked once: batch's --out checks, its listing and fleet's
 * inputs ask of the same paths in turn. Only for what several checks ask of: a walk's thousands
 * of files are stat'ed once anyway, and kept they would cost memory.
 */
export class PathCache {
  private readonly stats = new Map<string, Stated>()
  private readonly reals = new Map<string, string>()
  stated(path: string): Stated {
    let s = this.stats.get(path)
    if (s === undefined) this.stats.set(path, (s = statPath(path)))
    return s
  }
  statOf = (path: string): Stats | undefined => {
    const s = this.stated(path)
    return 'st' in s ? s.st : undefined
  }
  realOr(path: string): string {
    let r = this.reals.get(path)
    if (r === undefined) this.reals.set(path, (r = realOr(path)))
    return r
  }
}
