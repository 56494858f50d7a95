// What a tar archive's inputs are, from a first read of its headers (member data is read through
// and dropped: nothing extracted; memory is one entry per member name, to know which copy of a
// name that appears twice is the last: the one extraction leaves, the one read). A directory inside the
// archive that is a capture (readers/dir.ts isCaptureLayout: a boot log and/or an allocinfo dump by
// their usual names, and only a capture's files) is ONE input, as the extracted directory would
// be; its subdirectories are not part of it, and every other file is an input of its own. Members of a directory need not be next to each other in a tar,
// so whether a directory is a capture is only known once every header is read: hence this pass,
// and the archive must be a regular file (read twice). `--shard K/N` picks inputs by the hash of
// their `archive//member` path, so N machines split one archive. A member is named without a
// leading `./` (memberKey), a file as a capture directory.
import {createReadStream, statSync} from 'node:fs'
import {pipeline} from 'node:stream'
import {createGunzip} from 'node:zlib'
import * as tar from 'tar-stream'
import {ioReason} from '../errors.js'
import {ALLOCINFO_NAMES, BOOTLOG_NAMES, isCaptureLayout} from '../readers/dir.js'
import {memberPath, shardOf} from './inputs.js'

/** `--shard K/N` as [K, N]. */
export type Shard = readonly [number, number]

export interface PlanOptions {
  shard?: Shard
  /** Inputs already written (resume): not counted in `total`. */
  skip?: ReadonlySet<string>
}

/** A member read for a capture directory: its name and its index among the archive's entries. */
export interface CaptureMember {
  name: string
  index: number
}

/** A directory of the archive that is a capture: one input, written where its last member is read. */
export interface CapturePlan {
  /** The directory as in the archive ('.' for the top), without a trailing slash. */
  dir: string
  /** `archive//dir`: the record's input path. */
  path: string
  bootLog?: CaptureMember
  allocinfo?: CaptureMember
  meta?: CaptureMember
  /** Index of the last of its members read: its record comes there. */
  last: number
}

export interface ArchivePlan {
  archive: string
  /** Capture directories by directory ('.' the top; splitKey). */
  captures: Map<string, CapturePlan>
  /** Inputs this run reads in the archive (this shard's, those not skipped). */
  total: number
  /** File members that are not hidden (hidden ones are never read). */
  members: number
  /** Hidden file members (dot files, members under a dot directory): skipped. */
  hidden: number
  /** Each file member by its name (memberKey: `./a/x` and `a/x` alike) → the index of its last entry: an earlier copy is replaced, as extraction replaces it. */
  last: Map<string, number>
  /** What ended the read early (a damaged archive, not a tar at all). */
  error?: unknown
}

/** The entries of a tar / tar.gz read from a file, a chunk at a time. */
export function openExtract(path: string): tar.Extract {
  const extract = tar.extract()
  const file = createReadStream(path)
  const done = (e: Error | null): void => {
    if (e) extract.destroy(e)
  }
  if (/(\.tgz|\.gz)$/i.test(path)) pipeline(file, createGunzip(), extract, done)
  else pipeline(file, extract, done)
  return extract
}

/** Dot files and anything under a dot directory are skipped, as batch skips them on disk. */
export const isHidden = (member: string): boolean => member.split('/').some((c) => c.startsWith('.') && c !== '.' && c !== '..')

export const isFileEntry = (h: tar.Header): boolean => h.type === 'file' || h.type === 'contiguous-file'

/**
 * The file a member name extracts to, and the member's name in its record (`archive//a/x`, as a
 * capture directory's `archive//a`): `./a/x` (`tar -C dir -cf x.tar .`) and `a/x` are the same.
 */
export const memberKey = (name: string): string => name.replace(/\/+$/, '').replace(/^(\.\/)+/, '')

/** A member's directory and base name, from its memberKey: `a/x` is in the directory `a`; top-level files in '.'. */
function splitKey(key: string): {dir: string; base: string} {
  const i = key.lastIndexOf('/')
  return i < 0 ? {dir: '.', base: key} : {dir: key.slice(0, i), base: key.slice(i + 1)}
}

interface DirInfo {
  /** Its file names → index of the last entry of that name (a later one replaces an earlier one, as extraction would). */
  names: Map<string, number>
}

const first = (names: readonly string[], d: DirInfo): CaptureMember | undefined => {
  const n = names.find((x) => d.names.has(x))
  return n === undefined ? undefined : {name: n, index: d.names.get(n)!}
}

/** The directory's capture, when its files are a capture's and nothing else (isCaptureLayout, as on disk). */
function capturePlan(archive: string, dir: string, d: DirInfo): CapturePlan | undefined {
  if (!isCaptureLayout(d.names.keys())) return undefined
  const bootLog = first(BOOTLOG_NAMES, d)
  const allocinfo = first(ALLOCINFO_NAMES, d)
  const meta = first(['meta.json'], d)
  const last = Math.max(bootLog?.index ?? -1, allocinfo?.index ?? -1, meta?.index ?? -1)
  return {dir, path: memberPath(archive, dir), bootLog, allocinfo, meta, last}
}

/** The capture directory `dir` is, if it is one (its subdirectories are not part of it: their files are inputs, as on disk). */
export const captureOf = (plan: ArchivePlan, dir: string): CapturePlan | undefined => plan.captures.get(dir)

/** Why an archive cannot be read twice (the plan, then the inputs), if it cannot. */
export function notRegular(path: string): string | undefined {
  try {
    return statSync(path).isFile() ? undefined : 'not a regular file: an archive is read twice (its capture directories are found first), so a FIFO or device cannot be one'
  } catch (e) {
    return ioReason(e)
  }
}

export const inShard = (path: string, shard: Shard | undefined): boolean => !shard || shardOf(path, shard[1]) === shard[0]

const wanted = (path: string, o: PlanOptions): boolean => inShard(path, o.shard) && !o.skip?.has(path)

/** Reads every header once. Never throws: a damaged archive gives the plan of what was read and `error`. */
export async function planArchive(archive: string, o: PlanOptions = {}): Promise<ArchivePlan> {
  const dirs = new Map<string, DirInfo>()
  const plan: ArchivePlan = {archive, captures: new Map(), total: 0, members: 0, hidden: 0, last: new Map()}
  let index = 0
  try {
    for await (const entry of openExtract(archive)) {
      const h = entry.header
      const i = index++
      // Data read through, not kept.
      entry.resume()
      if (!isFileEntry(h)) continue
      if (isHidden(h.name)) {
        plan.hidden++
        continue
      }
      plan.members++
      const key = memberKey(h.name)
      const {dir, base} = splitKey(key)
      const d = dirs.get(dir) ?? {names: new Map()}
      dirs.set(dir, d)
      d.names.set(base, i)
      plan.last.set(key, i)
    }
  } catch (e) {
    plan.error = e
  }
  finishPlan(plan, dirs, o)
  return plan
}

/** The captures, and the count of inputs: captures, and the files (last copies) in no capture. */
function finishPlan(plan: ArchivePlan, dirs: Map<string, DirInfo>, o: PlanOptions): void {
  for (const [k, d] of dirs) {
    const c = capturePlan(plan.archive, k, d)
    if (c) plan.captures.set(k, c)
  }
  for (const key of plan.last.keys()) if (!captureOf(plan, splitKey(key).dir) && wanted(memberPath(plan.archive, key), o)) plan.total++
  for (const c of plan.captures.values()) if (wanted(c.path, o)) plan.total++
}

/**
 * What one entry is for the run: not read (hidden, replaced by a later copy, another shard's, a
 * capture's file it does not use), a file input, or a file a capture reads; `member`: its name in
 * records (memberKey), `path`: `archive//member`.
 */
export type MemberRole = {type: 'skip'} | ({member: string; path: string} & ({type: 'file'} | {type: 'capture'; capture: CapturePlan; role: 'bootLog' | 'allocinfo' | 'meta'}))

export function roleOf(plan: ArchivePlan, name: string, index: number, o: PlanOptions): MemberRole {
  const member = memberKey(name)
  // Hidden, or an earlier copy of a name a later member replaces (extraction keeps the last).
  if (isHidden(name) || plan.last.get(member) !== index) return {type: 'skip'}
  const path = memberPath(plan.archive, member)
  const capture = captureOf(plan, splitKey(member).dir)
  if (!capture) return wanted(path, o) ? {type: 'file', member, path} : {type: 'skip'}
  if (!wanted(capture.path, o)) return {type: 'skip'}
  const role = capture.bootLog?.index === index ? 'bootLog' : capture.allocinfo?.index === index ? 'allocinfo' : capture.meta?.index === index ? 'meta' : undefined
  return role ? {type: 'capture', capture, role, member, path} : {type: 'skip'}
}

/**
 * The input paths of an archive this run would read, in the order their records come (--list):
 * `archive//member` for a file, `archive//dir` for a capture directory.
 */
export async function archiveInputs(archive: string, o: PlanOptions = {}): Promise<string[]> {
  // Not planned when it cannot be read twice (a FIFO would be waited on for ever): its one record is its error.
  if (notRegular(archive) !== undefined) return inShard(archive, o.shard) ? [archive] : []
  const plan = await planArchive(archive, o)
  const out: string[] = []
  // A damaged or empty archive also has a record of its own, in the shard of its own path.
  const itself = inShard(archive, o.shard) && (plan.error !== undefined || plan.members === 0) ? [archive] : []
  if (plan.members === 0) return itself
  let index = 0
  try {
    for await (const entry of openExtract(archive)) {
      const i = index++
      entry.resume()
      if (!isFileEntry(entry.header)) continue
      const r = roleOf(plan, entry.header.name, i, o)
      if (r.type === 'file') out.push(r.path)
      else if (r.type === 'capture' && r.capture.last === i) out.push(r.capture.path)
    }
  } catch {
    // The run's records say where the archive is damaged; the listing is what was readable.
  }
  return [...out, ...itself]
}
