// Where batch writes: stdout, or --out FILE. With --resume, the inputs whose records are already in
// FILE are skipped; a last line cut short by an interrupted run is cut off first, so the file
// holds only complete records. Each write() is whole lines in one call: to a file it is
// synchronous, so a run stopped by a signal between two writes leaves no partial line; stdout to a
// pipe whose reader is slow takes what fits and queues the rest, so a stopped run waits for the
// queue to drain (drained) before it exits. A write to a full queue returns false and the pool
// sends no new task until it drains (waitDrain): memory stays bounded behind a slow reader. A write that fails (a full disk) is one line and exit
// 74, as for every command (cli/output.ts outputFailed).
import {closeSync, existsSync, ftruncateSync, openSync, readSync, writeSync} from 'node:fs'
import {StringDecoder} from 'node:string_decoder'
import {outputFailed} from '../cli/output.js'
import {InputError, ioReason} from '../errors.js'
import type {Task} from './inputs.js'
import type {BatchRecord} from './schema.js'

export interface Output {
  /** false: the output is full for now (see waitDrain). */
  write(lines: string[]): boolean
  /** Calls back once, when a full output takes lines again (an output that is never full has none). */
  waitDrain?(resume: () => void): void
  close(): void
  /**
   * Resolves true once every line written has left the process, false if that has not happened
   * within `ms` (a reader that stopped reading); `waiting` is called once when it takes over a second.
   */
  drained(ms: number, waiting: () => void): Promise<boolean>
}

/** How often a stopped run looks whether stdout's queue has drained. */
const DRAIN_POLL_MS = 10
/** When a stopped run says that it is waiting for stdout's reader. */
const DRAIN_HINT_MS = 1000

export function stdoutOutput(): Output {
  return {
    write: (lines) => process.stdout.write(lines.join('\n') + '\n'),
    waitDrain: (resume) => void process.stdout.once('drain', resume),
    close: () => undefined,
    // writableLength counts what the stream holds, also the part of a write the pipe has not
    // taken yet ('drain' would only come after a write that returned false): polled.
    drained: (ms, waiting) =>
      new Promise((resolve) => {
        const start = Date.now()
        let said = false
        const look = (): void => {
          const left = process.stdout.writableLength
          const took = Date.now() - start
          if (left === 0 || took >= ms) return resolve(left === 0)
          if (!said && took >= DRAIN_HINT_MS) {
            said = true
            waiting()
          }
          setTimeout(look, DRAIN_POLL_MS)
        }
        look()
      }),
  }
}

const PATH_RE = /"input":\{"path":("(?:[^"\\]|\\.)*")/
const READ_CHUNK = 1 << 20

/** What an --out file already holds, for --resume. */
export interface Resumed {
  /** The input paths whose records are in the file. */
  done: Set<string>
  /** The worst severity of those records (index in SEVERITIES, -1 none): --fail-on gates on the whole output. */
  maxSeverity: number
  /** How many of those records are error records: --fail-on-error gates on the whole output too. */
  errors: number
}

/** A record's worst severity (severity.ts recordRank), given when --fail-on gates: parsing every kept record costs ~3 s per 100 000. */
export type Rank = (r: BatchRecord) => number

/**
 * The input paths already in an --out file, after cutting a partial last line. Read a chunk at a
 * time and only the path taken from each line (and, with `rank`, its severity): a resume file of
 * 100 000 records is not held. A log of several boots gives a record per boot, written in one
 * call: a kill during that call can leave whole lines of some of its boots and not the others, so
 * when the file ends with a boot's record, that input's records are cut off too and it is done
 * again (at most one input redone; its records' severities are then the new run's).
 */
export function recordedInputs(file: string, rank?: Rank): Resumed {
  const r: Resumed = {done: new Set(), maxSeverity: -1, errors: 0}
  if (!existsSync(file)) return r
  const fd = openSync(file, 'r+')
  try {
    const tail = scanRecords(fd, file, r, rank)
    if (tail.cutAt !== undefined) ftruncateSync(fd, tail.cutAt)
  } finally {
    closeSync(fd)
  }
  return r
}

/** Adds each whole line's path to `r.done` and its rank to `r.maxSeverity`; returns where to cut the file (a partial line, a last multi-boot input). */
function scanRecords(fd: number, file: string, r: Resumed, rank?: Rank): {cutAt?: number} {
  const buf = Buffer.alloc(READ_CHUNK)
  const dec = new StringDecoder('utf8')
  let carry = ''
  let pos = 0
  let lineNo = 0
  let complete = 0
  // The run of records of one input at the end so far: its path, where it starts, whether
  // multi-boot, its worst severity and error records (counted once the run is known to stay: not cut off).
  let last = {path: '', start: 0, boots: false, rank: -1, errors: 0}
  for (let n = readSync(fd, buf, 0, READ_CHUNK, pos); n > 0; n = readSync(fd, buf, 0, READ_CHUNK, pos)) {
    pos += n
    const lines = (carry + dec.write(buf.subarray(0, n))).split('\n')
    carry = lines.pop()!
    for (const l of lines) {
      lineNo++
      const start = complete
      complete += Buffer.byteLength(l) + 1
      if (l === '') continue
      const path = pathOf(l, file, lineNo)
      if (path !== last.path) {
        r.maxSeverity = Math.max(r.maxSeverity, last.rank)
        r.errors += last.errors
        last = {path, start, boots: false, rank: -1, errors: 0}
      }
      last.boots ||= BOOT_RE.test(l)
      if (rank) last.rank = Math.max(last.rank, rank(recordOf(l, file, lineNo)))
      if (ERROR_RE.test(l)) last.errors++
      r.done.add(path)
    }
  }
  if (last.boots) {
    r.done.delete(last.path)
    return {cutAt: last.start}
  }
  r.maxSeverity = Math.max(r.maxSeverity, last.rank)
  r.errors += last.errors
  return carry !== '' ? {cutAt: complete} : {}
}

/** An error record (schema: BatchError; a prediction's error is a string). */
const ERROR_RE = /"error":\{"reason":/

/** A record that is one boot of a log holding several (schema: BatchBoot). */
const BOOT_RE = /"boot":\{"index":/

const notRecord = (file: string, lineNo: number): InputError => new InputError(`${file}:${lineNo}: not a batch record: expected the NDJSON of an earlier allocscope batch --out run to resume`, file, lineNo)

function pathOf(line: string, file: string, lineNo: number): string {
  const m = PATH_RE.exec(line)
  if (!m || !line.endsWith('}')) throw notRecord(file, lineNo)
  return JSON.parse(m[1]!) as string
}

function recordOf(line: string, file: string, lineNo: number): BatchRecord {
  try {
    return JSON.parse(line) as BatchRecord
  } catch {
    throw notRecord(file, lineNo)
  }
}

/** Tasks left to do after a run that wrote `done`; an archive goes on with the members not written yet. */
export function remainingTasks(tasks: Task[], done: ReadonlySet<string>): Task[] {
  if (done.size === 0) return tasks
  const out: Task[] = []
  for (const t of tasks) {
    if (done.has(t.path)) continue
    if (t.type === 'archive') {
      const prefix = `${t.path}//`
      const skip = [...done].filter((p) => p.startsWith(prefix))
      out.push(skip.length ? {...t, skip} : t)
    } else out.push(t)
  }
  return out
}

export function fileOutput(file: string, append: boolean): Output {
  let fd: number
  try {
    fd = openSync(file, append ? 'a' : 'w')
  } catch (e) {
    throw new InputError(`${file}: cannot write (${ioReason(e)}): expected a writable --out path`, file)
  }
  return {
    write: (lines) => {
      try {
        writeSync(fd, lines.join('\n') + '\n')
      } catch (e) {
        // Called from the pool's message handler: a throw there was an uncaught stack trace, exit 1.
        outputFailed(e as Error)
      }
      return true
    },
    close: () => closeSync(fd),
    drained: () => Promise.resolve(true),
  }
}
