// One task → its records (worker side): a file, a capture directory, or each member of a tar
// archive, read through the same readers and analyser as `analyse` / `allocinfo`. Every failure
// becomes a record with an `error`; nothing here ends the run.
import {analyseBootLogBoots, analyseBootLogBytesBoots, analyseBootLogTextBoots} from '../analysis/read.js'
import {readAllocInfo, readAllocInfoBytes} from '../readers/allocinfo.js'
import {captureDataFiles, resolveCapture} from '../readers/dir.js'
import {hostnameOf} from './hostname.js'
import type {Task} from './inputs.js'
import {allocInfoOf, bootPart, bootRecords, captureRecordsOf, dumpParts} from './record.js'
import type {AllocInfo, BootAnalysis} from '../types.js'
import {BATCH_SCHEMA, type BatchRecord, type InputKind, type InputRef} from './schema.js'
import {errorRecord, kindOf} from './sniff.js'
import {openInput, type Opened} from './open-input.js'
import {headEncoding} from '../readers/gzip.js'
import {statOf} from '../readers/stat.js'

/**
 * Logs up to this size are read whole and parsed in memory (the same reader, analyseBootLogTextBoots):
 * on the small logs a fleet is made of, that costs about a fifth of the CPU of the streamed path
 * (0.6 vs 2.6-4.5 ms per syzkaller console log), which is most of batch's time per input.
 */
const WHOLE_FILE_MAX = 4 * 1024 * 1024

/** Every boot of the log (as analyse), or the one `boot` names (--boot): a small plain file as text, the rest streamed. */
async function analyseFile(path: string, opened: Opened, boot: number | undefined): Promise<BootAnalysis[]> {
  const select = boot ?? 'all'
  if (opened.piped) return (await analyseBootLogBytesBoots(path, opened.piped, {}, select)).boots
  const b = opened.bytes
  if (b === undefined) return (await analyseBootLogBoots(path, {}, select)).boots
  // The bytes, not their text: journalctl -o export's binary fields are read as bytes (the text reader decodes the others).
  if (headEncoding(b) === 'text') return analyseBootLogTextBoots(b, path, {}, select).boots
  // A small .gz (or UTF-16 file): inflated (converted) from the bytes already read, not opened
  // again; another compression is refused there (bootlog/source.ts), as for any boot log.
  return (await analyseBootLogBytesBoots(path, once(b), {}, select)).boots
}

async function* once(b: Buffer): AsyncGenerator<Buffer> {
  yield b
}

/** The dump, from the bytes already read or still to read. */
const allocInfoFrom = (path: string, opened: Opened): Promise<AllocInfo> => (opened.piped ? readAllocInfoBytes(opened.piped, path) : readAllocInfo(path, path, {whole: opened.bytes}))

const mtimeOf = (path: string): string | undefined => statOf(path)?.mtime.toISOString()

async function fileRecords(path: string, boot: number | undefined): Promise<BatchRecord[]> {
  const input: InputRef = {path, mtime: undefined}
  let kind: InputKind | undefined
  let opened: Opened | undefined
  try {
    opened = await openInput(path, WHOLE_FILE_MAX)
    input.mtime = opened.mtime
    kind = kindOf(opened.head, path)
    const hostname = hostnameOf(opened.head)
    const rec: BatchRecord = {schema: BATCH_SCHEMA, input, kind, ...(hostname ? {hostname} : {})}
    if (kind === 'allocinfo') return [{...rec, allocinfo: allocInfoOf(await allocInfoFrom(path, opened))}]
    return bootRecords(rec, await analyseFile(path, opened, boot))
  } catch (e) {
    // A file that cannot be opened may still be stat'ed (a mode 000 file): its time, as before.
    input.mtime ??= mtimeOf(path)
    return [errorRecord(input, e, kind)]
  } finally {
    opened?.close()
  }
}

async function captureRecords(dir: string, boot: number | undefined): Promise<BatchRecord[]> {
  const input: InputRef = {path: dir}
  let log: Opened | undefined
  try {
    const cap = resolveCapture(dir)
    log = cap.bootLog ? await openInput(cap.bootLog, WHOLE_FILE_MAX) : undefined
    input.mtime = log ? log.mtime : mtimeOf(cap.allocinfo!)
    return captureRecordsOf(input, {
      metaHost: typeof cap.meta?.hostname === 'string' ? cap.meta.hostname : undefined,
      headHost: log ? hostnameOf(log.head) : undefined,
      boots: log ? (await analyseFile(cap.bootLog!, log, boot)).map((a, i) => bootPart(a, i === 0)) : undefined,
      // The dump, read once: its totals and its recorder evidence (for the last boot's prediction).
      ...(cap.allocinfo ? dumpParts(await readAllocInfo(cap.allocinfo)) : {}),
    })
  } catch (e) {
    // The log's (else the dump's) time even when the directory is damaged (a bad meta.json), as in an archive.
    const data = captureDataFiles(dir)
    const first = data.bootLog ?? data.allocinfo
    if (input.mtime === undefined && first !== undefined) input.mtime = mtimeOf(first)
    return [errorRecord(input, e, 'capture-dir')]
  } finally {
    log?.close()
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
      // streamx, and then tinyglobby, picomatch, node:crypto through inputs.ts); without, 64 (strace, openat).
      const [{archiveRecords}, {onlyPaths}] = await Promise.all([import('./archive.js'), import('./inputs.js')])
      yield* archiveRecords(task.path, {skip: new Set(task.skip ?? []), only: onlyPaths(task), boot: task.boot, shard: task.shard, onTotal: hooks.onTotal})
      return
    }
  }
}
