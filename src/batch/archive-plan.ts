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
import {memberKey, memberPath, shardOf} from './inputs.js'

/** `--shard K/N` as [K, N]. */
export type Shard = readonly [number, number]

export interface PlanOptions {
  shard?: Shard
  /** Inputs already written (resume): not counted in `total`. */
  skip?: ReadonlySet<string>
  /** Only these inputs (`archive//member` paths: a --files-from list of a sharded --list); absent: every one. */
  only?: ReadonlySet<string>
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
  /** Each member but a directory by its name (memberKey: `./a/x` and `a/x` alike) → the index of its last entry: an earlier copy is replaced, as extraction replaces it. */
  last: Map<string, number>
  /** The names in `last` whose last entry is no file (a link, a device, a FIFO): an input each, its record an error (notFileReason). */
  nonFiles: Set<string>
  /** `only` paths that name no input of the archive: an error record each, after its inputs. */
  missing: string[]
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

/** Why a member that is no file (nor a directory) is not read: its record's error. */
export function notFileReason(h: tar.Header): string {
  const link = h.type === 'symlink' ? 'a symbolic link' : h.type === 'link' ? 'a hard link' : undefined
  if (link) return `${link} (to ${h.linkname ?? '?'}) in the archive: not read, as batch reads an archive's file members only (extract the archive to read what it names)`
  const what = h.type === 'character-device' || h.type === 'block-device' ? `a ${h.type.replace('-', ' ')}` : h.type === 'fifo' ? 'a FIFO' : 'a member of a type batch does not know'
  return `${what} in the archive: not read, as batch reads an archive's file members only`
}

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

/**
 * How a sharded --list names the archive's own record (damaged, no file member): `archive//`, no
 * member ('' among `only`'s keys), read back as that record alone. The archive's path would read
 * the archive whole again: every shard's inputs in it, which their own lists name.
 */
export const selfPath = (archive: string): string => memberPath(archive, '')

/** Whether the run gives the archive's own record: it is in its path's shard and, when inputs are named one by one, selfPath is one of them. */
export const ownRecord = (archive: string, o: PlanOptions): boolean => inShard(archive, o.shard) && (!o.only || o.only.has(selfPath(archive)))

/** The archive's inputs named one by one (`only` but selfPath); undefined: all of them. */
export const namedInputs = (archive: string, o: PlanOptions): string[] | undefined => o.only && [...o.only].filter((p) => p !== selfPath(archive))

const wanted = (path: string, o: PlanOptions): boolean => inShard(path, o.shard) && !o.skip?.has(path) && (!o.only || o.only.has(path))

/** Reads every header once. Never throws: a damaged archive gives the plan of what was read and `error`. */
export async function planArchive(archive: string, o: PlanOptions = {}): Promise<ArchivePlan> {
  const dirs = new Map<string, DirInfo>()
  const plan: ArchivePlan = {archive, captures: new Map(), total: 0, members: 0, hidden: 0, last: new Map(), nonFiles: new Set(), missing: []}
  let index = 0
  try {
    for await (const entry of openExtract(archive)) {
      const i = index++
      // Data read through, not kept.
      entry.resume()
      planEntry(plan, dirs, entry.header, i)
    }
  } catch (e) {
    plan.error = e
  }
  finishPlan(plan, dirs, o)
  return plan
}

/**
 * One header into the plan. A directory entry is not an input (its files are); any other entry
 * that is no file is one (a link, a device: its record says it is not read) and no capture's file:
 * it replaces a file of its name, as extraction does.
 */
function planEntry(plan: ArchivePlan, dirs: Map<string, DirInfo>, h: tar.Header, i: number): void {
  if (h.type === 'directory') return
  if (isHidden(h.name)) {
    if (isFileEntry(h)) plan.hidden++
    return
  }
  const key = memberKey(h.name)
  const {dir, base} = splitKey(key)
  const d = dirs.get(dir) ?? {names: new Map()}
  dirs.set(dir, d)
  plan.last.set(key, i)
  if (!isFileEntry(h)) {
    plan.nonFiles.add(key)
    d.names.delete(base)
    return
  }
  plan.members++
  plan.nonFiles.delete(key)
  d.names.set(base, i)
}

/** The captures, and the count of inputs: captures, and the files (last copies) in no capture. */
function finishPlan(plan: ArchivePlan, dirs: Map<string, DirInfo>, o: PlanOptions): void {
  for (const [k, d] of dirs) {
    const c = capturePlan(plan.archive, k, d)
    if (c) plan.captures.set(k, c)
  }
  const inputs = new Set<string>()
  for (const key of plan.last.keys()) if (plan.nonFiles.has(key) || !captureOf(plan, splitKey(key).dir)) inputs.add(memberPath(plan.archive, key))
  for (const c of plan.captures.values()) inputs.add(c.path)
  for (const p of inputs) if (wanted(p, o)) plan.total++
  plan.missing = (namedInputs(plan.archive, o) ?? []).filter((p) => !inputs.has(p) && wanted(p, o))
  plan.total += plan.missing.length
}

/** Why an `archive//member` path named in a list is no input of the archive: its error record. */
export function missingReason(plan: ArchivePlan, path: string): string {
  if (captureOf(plan, splitKey(path.slice(plan.archive.length + 2)).dir)) return 'a file of a capture directory in the archive, which is one input (name the directory)'
  const where = plan.error === undefined ? 'in the archive' : `in the archive as far as it could be read (damaged: ${ioReason(plan.error)})`
  return `no such member ${where} (a file, or a capture directory, as --list --shard names them)`
}

/**
 * What one entry is for the run: not read (hidden, replaced by a later copy, another shard's, a
 * capture's file it does not use), a file input, or a file a capture reads; `member`: its name in
 * records (memberKey), `path`: `archive//member`.
 */
export type MemberRole = {type: 'skip'} | ({member: string; path: string} & ({type: 'file'} | {type: 'not-file'} | {type: 'capture'; capture: CapturePlan; role: 'bootLog' | 'allocinfo' | 'meta'}))

export function roleOf(plan: ArchivePlan, h: tar.Header, index: number, o: PlanOptions): MemberRole {
  const member = memberKey(h.name)
  // A directory; hidden; an earlier copy of a name a later member replaces (extraction keeps the last).
  if (h.type === 'directory' || isHidden(h.name) || plan.last.get(member) !== index) return {type: 'skip'}
  const path = memberPath(plan.archive, member)
  if (!isFileEntry(h)) return wanted(path, o) ? {type: 'not-file', member, path} : {type: 'skip'}
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
  const itself = ownRecord(archive, o) && (plan.error !== undefined || noInputs(plan)) ? [selfPath(archive)] : []
  if (noInputs(plan) && !namedInputs(archive, o)?.length) return itself
  let index = 0
  try {
    for await (const entry of openExtract(archive)) {
      const i = index++
      entry.resume()
      const r = roleOf(plan, entry.header, i, o)
      if (r.type === 'file' || r.type === 'not-file') out.push(r.path)
      else if (r.type === 'capture' && r.capture.last === i) out.push(r.capture.path)
    }
  } catch {
    // The run's records say where the archive is damaged; the listing is what was readable.
  }
  return [...out, ...plan.missing, ...itself]
}

/** No member to read at all (no file, no link): the archive's own record says so. */
export const noInputs = (plan: ArchivePlan): boolean => plan.members === 0 && plan.nonFiles.size === 0
