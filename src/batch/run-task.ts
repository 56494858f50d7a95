// One task → its records (worker side): a file, a capture directory, or each member of a tar
// archive, read through the same readers and analyser as `analyse` / `allocinfo`. Every failure
// becomes a record with an `error`; nothing here ends the run.
import {closeSync, readSync, statSync} from 'node:fs'
import {analyseBootLogBoots, analyseBootLogTextBoots} from '../analysis/read.js'
import {readAllocInfo} from '../readers/allocinfo.js'
import {describeOpenError, openFileSync} from '../readers/bootlog/source.js'
import {captureDataFiles, resolveCapture} from '../readers/dir.js'
import {smallRegularFile} from '../readers/small-file.js'
import {hostnameOf} from './hostname.js'
import type {Task} from './inputs.js'
import {allocInfoOf, bootParts, bootRecords, captureRecordsOf} from './record.js'
import type {BootAnalysis} from '../types.js'
import {BATCH_SCHEMA, type BatchRecord, type InputKind, type InputRef} from './schema.js'
import {errorRecord, HEAD_BYTES, headText, kindOf} from './sniff.js'

/** The first bytes of a file as text (gunzipped as far as they go when gzip). */
function readHead(path: string): string {
  const fd = openFileSync(path)
  try {
    const buf = Buffer.alloc(HEAD_BYTES)
    const got = readSync(fd, buf, 0, HEAD_BYTES, 0)
    return headText(buf.subarray(0, got))
  } catch (e) {
    throw describeOpenError(path, e)
  } finally {
    closeSync(fd)
  }
}

/**
 * Logs up to this size are read whole and parsed as text (the same reader, analyseBootLogText):
 * on the small logs a fleet is made of, that costs about a fifth of the CPU of the streamed path
 * (0.6 vs 2.6-4.5 ms per syzkaller console log), which is most of batch's time per input.
 */
const WHOLE_FILE_MAX = 4 * 1024 * 1024

/** Every boot of the log (as analyse), or the one `boot` names (--boot). */
async function analyseFile(path: string, boot: number | undefined): Promise<BootAnalysis[]> {
  const select = boot ?? 'all'
  const text = smallPlainText(path)
  if (text !== undefined) return analyseBootLogTextBoots(text, path, {}, select).boots
  return (await analyseBootLogBoots(path, {}, select)).boots
}

/**
 * The text of a regular file of at most WHOLE_FILE_MAX that is not gzip; undefined otherwise (a
 * device, a FIFO, a big or gzip file: the streamed reader takes it, and says what is wrong).
 */
function smallPlainText(path: string): string | undefined {
  if (path.endsWith('.gz')) return undefined
  const buf = smallRegularFile(path, WHOLE_FILE_MAX)
  return buf === undefined || (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) ? undefined : buf.toString('utf8')
}

const mtimeOf = (path: string): string | undefined => {
  try {
    return statSync(path).mtime.toISOString()
  } catch {
    return undefined
  }
}

async function fileRecords(path: string, boot: number | undefined): Promise<BatchRecord[]> {
  const input: InputRef = {path, mtime: mtimeOf(path)}
  let kind: InputKind | undefined
  try {
    const head = readHead(path)
    kind = kindOf(head, path)
    const hostname = hostnameOf(head)
    const rec: BatchRecord = {schema: BATCH_SCHEMA, input, kind, ...(hostname ? {hostname} : {})}
    if (kind === 'allocinfo') return [{...rec, allocinfo: allocInfoOf(await readAllocInfo(path))}]
    return bootRecords(rec, await analyseFile(path, boot))
  } catch (e) {
    return [errorRecord(input, e, kind)]
  }
}

async function captureRecords(dir: string, boot: number | undefined): Promise<BatchRecord[]> {
  const input: InputRef = {path: dir}
  try {
    const cap = resolveCapture(dir)
    input.mtime = mtimeOf(cap.bootLog ?? cap.allocinfo!)
    return captureRecordsOf(input, {
      metaHost: typeof cap.meta?.hostname === 'string' ? cap.meta.hostname : undefined,
      headHost: cap.bootLog ? hostnameOf(readHead(cap.bootLog)) : undefined,
      boots: cap.bootLog ? (await analyseFile(cap.bootLog, boot)).map((a, i) => bootParts(a, i === 0)) : undefined,
      allocinfo: cap.allocinfo ? allocInfoOf(await readAllocInfo(cap.allocinfo)) : undefined,
    })
  } catch (e) {
    // The log's (else the dump's) time even when the directory is damaged (a bad meta.json), as in an archive.
    const data = captureDataFiles(dir)
    const first = data.bootLog ?? data.allocinfo
    if (input.mtime === undefined && first !== undefined) input.mtime = mtimeOf(first)
    return [errorRecord(input, e, 'capture-dir')]
  }
}

/** What a task says besides its records. */
export interface TaskHooks {
  /** An archive's inputs (this shard's), once counted: it reads them after. */
  onTotal?(total: number): void
}

export async function* runTask(task: Task, hooks: TaskHooks = {}): AsyncGenerator<BatchRecord> {
  switch (task.type) {
    case 'error':
      yield {schema: BATCH_SCHEMA, input: {path: task.path}, error: {reason: task.reason}}
      return
    case 'file':
      yield* await fileRecords(task.path, task.boot)
      return
    case 'capture-dir':
      yield* await captureRecords(task.path, task.boot)
      return
    case 'archive': {
      // Loaded for archives only: with it, each worker opened 101 files at start-up (tar-stream,
      // streamx, tinyglobby, picomatch, node:crypto through inputs.ts); without, 64 (strace, openat).
      const {archiveRecords} = await import('./archive.js')
      yield* archiveRecords(task.path, {skip: new Set(task.skip ?? []), boot: task.boot, shard: task.shard, onTotal: hooks.onTotal})
      return
    }
  }
}
