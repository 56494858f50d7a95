// The inputs of `allocscope batch`: paths, directories (walked, sorted), glob patterns, tar
// archives and --files-from lists become a list of tasks in a deterministic order. A capture
// directory (a boot log and/or allocinfo.txt by its usual names) is one task; a tar archive is one
// task whose members become records (with --shard, every shard reads it and keeps its share). What cannot be listed is a task that yields an error record.
import {closeSync, openSync, readdirSync, readSync, statSync, type Stats} from 'node:fs'
import {createRequire} from 'node:module'
import {StringDecoder} from 'node:string_decoder'
import {dirname, isAbsolute, join, resolve} from 'node:path'
import {holdsCapture} from '../readers/dir.js'
import {ioReason, UsageError} from '../errors.js'

export type Task = (
  | {type: 'file'; path: string}
  | {type: 'capture-dir'; path: string}
  | {
      type: 'archive'
      path: string
      /** Members already written (resume). */ skip?: string[]
      /** --shard K/N: the archive's inputs are split by their `archive//member` paths. */ shard?: [number, number]
    }
  | {type: 'error'; path: string; reason: string}
) & {
  /** --boot: the one boot of a multi-boot log to analyse (journalctl -b numbering); absent: every boot, as analyse. */
  boot?: number
}

// Loaded when first needed: tinyglobby for a path that does not exist (it may be a pattern),
// node:crypto for --shard. At the top they were ~35 ms of every batch run's start-up (profiled),
// spent while the workers boot: the corpus's batch 1.06-1.08 -> 1.01-1.03 s median (10-12 interleaved runs, twice).
const require = createRequire(import.meta.url)
let globber: typeof import('tinyglobby') | undefined
const tinyglobby = (): typeof import('tinyglobby') => (globber ??= require('tinyglobby') as typeof import('tinyglobby'))
let crypto: typeof import('node:crypto') | undefined

const ARCHIVE_RE = /\.(tar|tar\.gz|tgz)$/i

export const isArchive = (path: string): boolean => ARCHIVE_RE.test(path)

/** The path a record carries for a member: `archive//member` (a // never appears in a path we list). */
export const memberPath = (archive: string, member: string): string => `${archive}//${member}`

/** A directory's tasks, depth first in name order; dot files and dot directories are skipped. `named`: see notNamed. */
function walk(dir: string, out: Task[], named: ReadonlySet<string>): void {
  if (holdsCapture(dir)) {
    out.push({type: 'capture-dir', path: dir})
    return
  }
  let names: string[]
  try {
    names = readdirSync(dir).sort()
  } catch (e) {
    out.push({type: 'error', path: dir, reason: `cannot list the directory: ${ioReason(e)}`})
    return
  }
  for (const n of names) {
    if (n.startsWith('.')) continue
    const p = join(dir, n)
    let st
    try {
      st = statSync(p)
    } catch (e) {
      out.push({type: 'error', path: p, reason: ioReason(e)})
      continue
    }
    if (st.isDirectory()) walk(p, out, named)
    else out.push(notNamed(p, st, named) ?? fileTask(p))
  }
}

/**
 * A FIFO not named on the command line (`named`: the arguments, resolved), however it was reached
 * (a walk, a pattern, a --files-from list), or a socket: an error record, not read (a FIFO nobody
 * writes to would keep the run waiting for ever; a socket cannot be opened). A named FIFO is read
 * (open-input.ts), also where a walk reaches it first.
 */
function notNamed(p: string, st: Stats, named: ReadonlySet<string>): Task | undefined {
  if (st.isFIFO() && !named.has(resolve(p))) return {type: 'error', path: p, reason: 'a FIFO not named on the command line is not read (it could wait for a writer for ever): name it as an argument to read it'}
  if (st.isSocket()) return {type: 'error', path: p, reason: 'a socket: not a file that can be read'}
  return undefined
}

const fileTask = (p: string): Task => (isArchive(p) ? {type: 'archive', path: p} : {type: 'file', path: p})

/**
 * The paths a pattern matches, sorted, named as a user would name them: absolute for an absolute
 * pattern (tinyglobby answers relative to the working directory), no trailing `/` on a directory
 * (the record's path and its shard are those of the directory named directly), and without what a
 * matched directory already covers: a directory is walked whole (a capture directory is one
 * input), so `dir/**`, which also matches dir and everything below it, gives the records of
 * walking dir — not the files of a capture a second time, nor a warning about duplicates.
 */
function globHits(pattern: string): string[] {
  const raw = tinyglobby().globSync(pattern, {onlyFiles: false, dot: false, expandDirectories: false, absolute: isAbsolute(pattern)})
  const strip = (h: string) => (h.length > 1 ? h.replace(/\/+$/, '') : h)
  // tinyglobby ends a directory's path with `/`.
  const dirs = new Set(raw.filter((h) => h.endsWith('/')).map((h) => resolve(h)))
  const covered = (h: string): boolean => {
    for (let d = dirname(resolve(h)); d !== dirname(d); d = dirname(d)) if (dirs.has(d)) return true
    return false
  }
  return raw.filter((h) => !covered(h)).map(strip).sort()
}

/** One argument (path or glob) → its tasks. `named`: see notNamed. */
function expand(arg: string, out: Task[], named: ReadonlySet<string>): void {
  let st
  try {
    st = statSync(arg)
  } catch (e) {
    if (tinyglobby().isDynamicPattern(arg)) {
      const hits = globHits(arg)
      if (hits.length === 0) out.push({type: 'error', path: arg, reason: 'the pattern matches nothing'})
      for (const h of hits) expand(h, out, named)
      return
    }
    out.push({type: 'error', path: arg, reason: ioReason(e)})
    return
  }
  if (!st.isDirectory()) {
    out.push(notNamed(arg, st, named) ?? fileTask(arg))
    return
  }
  const before = out.length
  walk(arg, out, named)
  if (out.length === before) out.push({type: 'error', path: arg, reason: 'empty directory: no inputs in it'})
}

/** The longest path Linux takes (PATH_MAX): a longer line in a list is no path (a device, a binary file). */
const MAX_LIST_LINE = 4096

/**
 * The lines of a --files-from list ('-' = stdin); blank lines and `#` comments skipped. Read a
 * chunk at a time: memory is the paths listed, and a line no path can be (a NUL, longer than
 * PATH_MAX: /dev/zero, a binary file) stops the read with its line number.
 */
export function readList(file: string): string[] {
  let fd: number
  try {
    fd = file === '-' ? 0 : openSync(file, 'r')
  } catch (e) {
    throw new UsageError(`--files-from ${file}: ${ioReason(e)}; expected a file with one path per line`)
  }
  const out: string[] = []
  let line = 0
  const take = (l: string): void => {
    line++
    if (l.endsWith('\r')) l = l.slice(0, -1)
    if (l.includes('\0') || l.length > MAX_LIST_LINE) {
      const what = l.includes('\0') ? 'a NUL byte' : `longer than ${MAX_LIST_LINE} characters, longer than any path`
      throw new UsageError(`--files-from ${file}:${line}: ${what}; expected a file with one path per line`)
    }
    if (l.trim() !== '' && !l.startsWith('#')) out.push(l)
  }
  try {
    listLines(file, fd, take)
  } finally {
    if (fd !== 0) closeSync(fd)
  }
  return out
}

/** Hands each line of fd to `take`; a line still growing past MAX_LIST_LINE is handed over as it is (refused there). */
function listLines(file: string, fd: number, take: (l: string) => void): void {
  const buf = Buffer.allocUnsafe(1 << 16)
  const dec = new StringDecoder('utf8')
  let rest = ''
  for (;;) {
    let n: number
    try {
      n = readSync(fd, buf, 0, buf.length, null)
    } catch (e) {
      throw new UsageError(`--files-from ${file}: ${ioReason(e)}; expected a file with one path per line`)
    }
    if (n === 0) break
    const parts = (rest + dec.write(buf.subarray(0, n))).split('\n')
    rest = parts.pop()!
    for (const p of parts) take(p)
    if (rest.length > MAX_LIST_LINE || rest.includes('\0')) return take(rest)
  }
  rest += dec.end()
  if (rest !== '') take(rest)
}

/** Every task, duplicates (the same file reached twice) dropped: first wins. `args` on the command line, `listed` from --files-from. */
export function listTasks(args: string[], listed: string[] = []): {tasks: Task[]; duplicates: number} {
  const all: Task[] = []
  const named = new Set(args.map((a) => resolve(a)))
  for (const a of [...args, ...listed]) expand(a, all, named)
  const seen = new Set<string>()
  const tasks: Task[] = []
  for (const t of all) {
    const key = resolve(t.path)
    if (seen.has(key)) continue
    seen.add(key)
    tasks.push(t)
  }
  return {tasks, duplicates: all.length - tasks.length}
}

/** `K/N` → [K, N] with 1 ≤ K ≤ N. */
export function parseShard(s: string): [number, number] {
  const m = /^(\d+)\/(\d+)$/.exec(s)
  const k = Number(m?.[1])
  const n = Number(m?.[2])
  if (!m || n < 1 || k < 1 || k > n) throw new UsageError(`--shard ${s}: expected K/N with 1 ≤ K ≤ N, e.g. 2/8`)
  return [k, n]
}

/** Shard (1-based) of a path: the first 32 bits of its SHA-1, mod N; the same on every machine. */
export function shardOf(path: string, n: number): number {
  crypto ??= require('node:crypto') as typeof import('node:crypto')
  return (crypto.createHash('sha1').update(path).digest().readUInt32BE(0) % n) + 1
}

/** The inputs as tasks: duplicates dropped (said on stderr), only this shard's with --shard K/N. */
export function batchTasks(inputs: string[], f: {'files-from'?: string; shard?: string}): Task[] {
  const fromList = f['files-from'] ? readList(f['files-from']) : []
  if (inputs.length + fromList.length === 0) throw new UsageError('no inputs: give files, directories, patterns or --files-from FILE')
  const listed = listTasks(inputs, fromList)
  if (listed.duplicates > 0) process.stderr.write(`allocscope: warning: ${listed.duplicates} duplicate input(s) skipped (the same file named twice)\n`)
  if (!f.shard) return listed.tasks
  const [k, n] = parseShard(f.shard)
  // Every shard reads an archive, and keeps the inputs inside it that hash to it.
  return listed.tasks.flatMap((t): Task[] => (t.type === 'archive' ? [{...t, shard: [k, n]}] : shardOf(t.path, n) === k ? [t] : []))
}
