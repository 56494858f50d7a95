// The inputs of `allocscope batch`: paths, directories (walked, sorted), glob patterns, tar
// archives and --files-from lists become a list of tasks in a deterministic order. A capture
// directory (a boot log and/or allocinfo.txt by their usual names, and only a capture's files:
// readers/dir.ts notCaptureBecause, the rule analyse and the others apply) is one task; a tar archive is one
// task whose members become records (with --shard, every shard reads it and keeps its share). What cannot be listed is a task that yields an error record.
import {realpathSync} from 'node:fs'
import {createRequire} from 'node:module'
import {dirname, isAbsolute, join, resolve} from 'node:path'
import {entryType, notCaptureBecause} from '../readers/dir.js'
import {type DirName, dirNames, undecodablePath, type UndecodablePath} from '../readers/names.js'
import {ioReason, UsageError} from '../errors.js'
import {plural} from '../render/units.js'
import {fileId, PathCache, type Stated, type Stats, statPath} from '../readers/stat.js'
import {emptyListError, type ListedPath, readList} from './list-file.js'

export type Task = (
  | {type: 'file'; path: string}
  | {type: 'capture-dir'; path: string}
  | {
      type: 'archive'
      path: string
      /** Members already written (resume). */ skip?: string[]
      /** --shard K/N: the archive's inputs are split by their `archive//member` paths. */ shard?: [number, number]
      /** Only these inputs of it (memberKey): `archive//member` paths named one by one (memberOf). */ only?: string[]
    }
  | {
      type: 'error'
      path: string
      reason: string
      /** The path's bytes, one character each, when they are not UTF-8: what --list writes (list-file.ts listBytes). */ bytes?: string
    }
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

/**
 * The path a record carries for a member: `archive//member` (a // never appears in a path we list);
 * `member` as archive-plan.ts memberKey names it (no leading `./`). How the path is written in a
 * --list is list-file.ts listLine's.
 */
export const memberPath = (archive: string, member: string): string => `${archive}//${member}`

/**
 * The file a member name extracts to, and the member's name in its record (`archive//a/x`, as a
 * capture directory's `archive//a`): `./a/x` (`tar -C dir -cf x.tar .`), `a//x`, `a/./x` and
 * `a/x` are the same, and `/a/x` and `../a/x` too (GNU tar takes off a leading `/` and `../`).
 * A key holds no `//`, so the first after the archive in `archive//member` says where the member starts.
 */
export function memberKey(name: string): string {
  const parts = name.split('/').filter((c) => c !== '' && c !== '.')
  while (parts[0] === '..') parts.shift()
  return parts.join('/')
}

/** An archive task's `only` members as the paths archive-plan.ts PlanOptions takes. */
export const onlyPaths = (t: {path: string; only?: string[]}): Set<string> | undefined => (t.only ? new Set(t.only.map((m) => memberPath(t.path, m))) : undefined)

/**
 * What makes a file the same input as another: fileId, except that hard links (a file with more than
 * one name: a backup tree's unchanged days, the bench's 10 000 copies) stay one input per name, as
 * two paths a user gave. The name is the real path (symlinks resolved: a link to one of those names
 * is that name), looked up only for such files.
 */
function fileKey(p: string, st: Stats): string {
  if (st.nlink <= 1 || st.isDirectory()) return fileId(st)
  try {
    return `${fileId(st)}:${realpathSync.native(p)}`
  } catch {
    return `${fileId(st)}:${resolve(p)}`
  }
}

/** A task and what makes it the same input as another (fileId; its resolved path when nothing could be stat'ed). */
interface Listed {
  task: Task
  key: string
  /** A file's fileId, when its key is more (fileKey): the --out file is found by it whatever its name. */
  id?: string
  /** An `archive//member` input: the archive's fileId (its members named one by one are read in one task). */
  group?: string
}

/** The listing so far: tasks, the directories walked, and what was met twice. */
interface Listing {
  out: Listed[]
  /** fileId each argument that stat'ed: see notNamed. */
  named: ReadonlySet<string>
  /** Directories walked (fileId): one reached again (a symlink loop, `latest -> 2026-12-05`, named twice) is not walked again. */
  walked: Set<string>
  /** Directories not walked again. */
  repeats: number
  /** The run's answers for the paths asked of more than once: an archive whose members a --files-from list names one by one (memberOf). */
  cache: PathCache
}

const pathKey = (p: string): string => `path:${resolve(p)}`

/**
 * A path that is not UTF-8 as a task: an error, keyed by its bytes (two such names that Node
 * decodes alike, `a\xfe` and `a\xff`, are two inputs).
 */
const undecodableTask = (u: UndecodablePath): Listed => ({task: {type: 'error', path: u.path, reason: u.reason, bytes: u.bytes}, key: `bytes:${resolve(u.bytes)}`})

/** A directory entry, stat'ed (through a symlink), or why it could not be (`undecodable`: its name is not UTF-8). */
type Entry = {path: string; name: string; st: Stats} | {path: string; name: string; error: string} | {path: string; name: string; undecodable: UndecodablePath}

function entriesOf(dir: string, names: DirName[]): Entry[] {
  return names.map((n): Entry => {
    const {name} = n
    const path = join(dir, name)
    // The path's bytes: the directory's as joined (it was walked, so UTF-8), then the entry's own.
    if (n.undecodable !== undefined) return {path, name, undecodable: undecodablePath(Buffer.concat([Buffer.from(path.slice(0, -name.length)), n.dirent.name]))}
    const s = statPath(path)
    return 'st' in s ? {path, name, st: s.st} : {path, name, error: ioReason(s.error)}
  })
}

/** Whether a directory's entries are one capture (readers/dir.ts notCaptureBecause: the rule of every command). */
const isCapture = (entries: Entry[]): boolean => notCaptureBecause(entries.map((e) => ({name: e.name, type: 'st' in e ? entryType(e.st) : 'other'}))) === undefined

/**
 * A directory's tasks, depth first in name order; dot files and dot directories are skipped.
 * Symlinks are followed, to files and directories alike; a directory already walked is not walked
 * again (a loop, `latest -> 2026-12-05`), and a file reached twice is one input (listTasks). A
 * capture directory (isCapture) is one task, then its subdirectories are walked: nothing in a
 * walked tree is left without a record.
 */
function walk(dir: string, st: Stats, l: Listing): void {
  if (l.walked.has(fileId(st))) {
    l.repeats++
    return
  }
  l.walked.add(fileId(st))
  let entries: Entry[]
  try {
    entries = entriesOf(dir, dirNames(dir))
  } catch (e) {
    l.out.push({task: {type: 'error', path: dir, reason: `cannot list the directory: ${ioReason(e)}`}, key: fileId(st)})
    return
  }
  const capture = isCapture(entries)
  if (capture) l.out.push({task: {type: 'capture-dir', path: dir}, key: fileId(st)})
  for (const e of entries) {
    if ('undecodable' in e) l.out.push(undecodableTask(e.undecodable))
    else if (!('st' in e)) l.out.push({task: {type: 'error', path: e.path, reason: e.error}, key: pathKey(e.path)})
    else if (e.st.isDirectory()) walk(e.path, e.st, l)
    else if (!capture) l.out.push({task: notNamed(e.path, e.st, l.named) ?? fileTask(e.path), key: fileKey(e.path, e.st), id: fileId(e.st)})
  }
}

/**
 * A FIFO not named on the command line (`named`: the arguments' fileId), however it was reached
 * (a walk, a pattern, a --files-from list), or a socket: an error record, not read (a FIFO nobody
 * writes to would keep the run waiting for ever; a socket cannot be opened). A named FIFO is read
 * (open-input.ts), also where a walk reaches it first.
 */
function notNamed(p: string, st: Stats, named: ReadonlySet<string>): Task | undefined {
  if (st.isFIFO() && !named.has(fileId(st))) return {type: 'error', path: p, reason: 'a FIFO not named on the command line is not read (it could wait for a writer for ever): name it as an argument to read it'}
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
 * walking dir — not the files of a capture a second time, nor a warning about duplicates. A
 * pattern ending with `/` matches directories only.
 */
function globHits(pattern: string): string[] {
  const all = tinyglobby().globSync(pattern, {onlyFiles: false, dot: false, expandDirectories: false, absolute: isAbsolute(pattern)})
  // tinyglobby ends a directory's path with `/`; a pattern ending with `/` matches directories
  // only, as in the shell (tinyglobby also returns the files that match without it).
  const raw = pattern.endsWith('/') ? all.filter((h) => h.endsWith('/')) : all
  const strip = (h: string) => (h.length > 1 ? h.replace(/\/+$/, '') : h)
  const dirs = new Set(raw.filter((h) => h.endsWith('/')).map((h) => resolve(h)))
  const covered = (h: string): boolean => {
    for (let d = dirname(resolve(h)); d !== dirname(d); d = dirname(d)) if (dirs.has(d)) return true
    return false
  }
  return raw.filter((h) => !covered(h)).map(strip).sort()
}

/**
 * `archive//member` (a record's path, as a sharded --list prints it) → that input of the archive,
 * when a `//` in the path follows an archive that is a file (the path itself then names nothing on
 * disk: "not a directory"). The first such `//`: a member's name holds none (memberKey). The
 * archive is looked up once a run (`cache`): a sharded list names it on every line.
 */
function memberOf(p: string, cache: PathCache): Listed | undefined {
  for (let i = p.indexOf('//'); i > 0; i = p.indexOf('//', i + 1)) {
    const archive = p.slice(0, i)
    const s = isArchive(archive) ? cache.stated(archive) : undefined
    if (s === undefined || !('st' in s) || !s.st.isFile()) continue
    // The archive's top directory, when a capture, is `archive//.`; `archive//`, no member at all,
    // is the archive's own record (archive-plan.ts selfPath), not its top.
    const rest = p.slice(i + 2)
    const member = rest === '' ? '' : memberKey(rest) || '.'
    return {task: {type: 'archive', path: archive, only: [member]}, key: `${fileId(s.st)}//${member}`, group: fileId(s.st)}
  }
  return undefined
}

/**
 * One argument (path or glob) → its tasks; `stated`: the argument already stat'ed (listTasks), else
 * stat'ed here, unless it is an `archive//member` (memberOf), which names nothing on disk.
 */
function expand(arg: string, l: Listing, stated?: Stated): void {
  const member = memberOf(arg, l.cache)
  if (member) {
    l.out.push(member)
    return
  }
  stated ??= statPath(arg)
  if ('error' in stated) {
    if (tinyglobby().isDynamicPattern(arg)) {
      const hits = globHits(arg)
      if (hits.length === 0) l.out.push({task: {type: 'error', path: arg, reason: 'the pattern matches nothing'}, key: pathKey(arg)})
      for (const h of hits) expand(h, l)
      return
    }
    l.out.push({task: {type: 'error', path: arg, reason: ioReason(stated.error)}, key: pathKey(arg)})
    return
  }
  const st = stated.st
  if (!st.isDirectory()) {
    l.out.push({task: notNamed(arg, st, l.named) ?? fileTask(arg), key: fileKey(arg, st), id: fileId(st)})
    return
  }
  const before = l.out.length + l.repeats
  walk(arg, st, l)
  if (l.out.length + l.repeats === before) l.out.push({task: {type: 'error', path: arg, reason: 'empty directory: no inputs in it'}, key: fileId(st)})
}

/** The fileId of a path, or its pathKey when it cannot be stat'ed. */
function keyOf(p: string, cache: PathCache): string {
  const st = cache.statOf(p)
  return st ? fileId(st) : pathKey(p)
}

/**
 * Every task, duplicates (the same file or directory reached twice: named twice, through a
 * symlink) dropped: first wins. `args` on the command line, `listed` from --files-from; `out`, the
 * --out file, is never an input (`excluded` says whether it was met). `cache`: the run's (the
 * --out checks asked of the arguments and the --out file before).
 */
export function listTasks(args: string[], listed: ListedPath[] = [], out?: string, cache = new PathCache()): {tasks: Task[]; duplicates: number; excluded: boolean; unread: Unread[]} {
  // Each argument stat'ed once, for `named` and for its tasks.
  const stated = args.map((a) => cache.stated(a))
  const named = new Set(stated.flatMap((s) => ('st' in s ? [fileId(s.st)] : [])))
  const l: Listing = {out: [], named, walked: new Set(), repeats: 0, cache}
  const unread: Unread[] = []
  args.forEach((a, i) => {
    const before = l.out.length
    expand(a, l, stated[i])
    const only = l.out.length === before + 1 ? l.out[before]!.task : undefined
    if (only?.type === 'error' && only.path === a) unread.push({path: a, reason: only.reason})
  })
  for (const a of listed) typeof a === 'string' ? expand(a, l) : l.out.push(undecodableTask(a))
  // The --out file by any name: its inode (a hard link to it is it too), or its path before it exists.
  const own = out === undefined ? new Set<string>() : new Set([keyOf(out, cache), pathKey(out)])
  const r = uniqueTasks(l.out, own)
  return {...r, duplicates: r.duplicates + l.repeats, unread}
}

/**
 * An argument that gives no input, only an error record of its own: no such file, a pattern that
 * matches nothing, an empty directory, one that cannot be read. A mistyped path in a CI job: said
 * on stderr (batchTasks), where the record on stdout alone went unseen.
 */
export interface Unread {
  path: string
  reason: string
}

/**
 * The first task of each key, but not the --out file (`own`). An archive's members named one by
 * one (`group`: a sharded --list read back) are one task at the first one's place, reading the
 * archive once; the archive named whole reads them all, so then they are duplicates.
 */
function uniqueTasks(listed: Listed[], own: ReadonlySet<string>): {tasks: Task[]; duplicates: number; excluded: boolean} {
  const seen = new Set<string>()
  const groups = new Map<string, {only?: string[]}>()
  const whole = new Set<string>()
  let tasks: Task[] = []
  let excluded = false
  let duplicates = 0
  for (const {task, key, id, group} of listed) {
    if (own.has(key) || (id !== undefined && own.has(id))) excluded = true
    else if (seen.has(key)) duplicates++
    else {
      seen.add(key)
      if (task.type === 'archive' && group === undefined && id !== undefined) whole.add(id)
      const g = group === undefined ? undefined : groups.get(group)
      if (g && task.type === 'archive') g.only!.push(...task.only!)
      else {
        if (group !== undefined) groups.set(group, task as {only?: string[]})
        tasks.push(task)
      }
    }
  }
  for (const [id, g] of groups) {
    if (!whole.has(id)) continue
    duplicates += g.only!.length
    tasks = tasks.filter((t) => t !== g)
  }
  return {tasks, duplicates, excluded}
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
export function batchTasks(inputs: string[], f: {'files-from'?: string; shard?: string; out?: string}, cache?: PathCache): Task[] {
  // `-` reads stdin in analyse and allocinfo; here stdin is the --files-from list, and a record needs a path.
  if (inputs.includes('-')) throw new UsageError("-: batch reads no input from stdin; use --files-from - for a list of paths on stdin, or name /dev/stdin to analyse stdin as one input (or ./- for a file named '-')")
  const fromList = f['files-from'] ? readList(f['files-from']) : []
  if (inputs.length + fromList.length === 0) throw f['files-from'] ? emptyListError(f['files-from']) : new UsageError('no inputs: give files, directories, patterns or --files-from FILE')
  const listed = listTasks(inputs, fromList, f.out, cache)
  if (listed.duplicates > 0) process.stderr.write(`allocscope: warning: ${plural(listed.duplicates, 'duplicate input')} skipped (the same file or directory reached twice: named twice, or through a symlink)\n`)
  if (listed.excluded) process.stderr.write(`allocscope: warning: ${f.out} is the --out file: not read as an input\n`)
  for (const u of listed.unread) process.stderr.write(`allocscope: warning: ${u.path}: ${u.reason} (named on the command line: its record is an error; --fail-on-error fails the run on it)\n`)
  if (!f.shard) return listed.tasks
  const [k, n] = parseShard(f.shard)
  // Every shard reads an archive, and keeps the inputs inside it that hash to it.
  return listed.tasks.flatMap((t): Task[] => (t.type === 'archive' ? [{...t, shard: [k, n]}] : shardOf(t.path, n) === k ? [t] : []))
}
