// Where batch writes: stdout, or --out FILE. With --resume, the inputs whose records are already in
// FILE are skipped; a last line cut short by an interrupted run is cut off first, so the file
// holds only complete records. Each write() is whole lines in one synchronous call: a run stopped
// by a signal between two writes leaves no partial line.
import {closeSync, existsSync, ftruncateSync, openSync, readSync, writeSync} from 'node:fs'
import {StringDecoder} from 'node:string_decoder'
import {InputError} from '../errors.js'
import type {Task} from './inputs.js'

export interface Output {
  write(lines: string[]): void
  close(): void
}

export function stdoutOutput(): Output {
  return {
    write: (lines) => {
      process.stdout.write(lines.join('\n') + '\n')
    },
    close: () => undefined,
  }
}

const PATH_RE = /"input":\{"path":("(?:[^"\\]|\\.)*")/
const READ_CHUNK = 1 << 20

/**
 * The input paths already in an --out file, after cutting a partial last line. Read a chunk at a
 * time and only the path taken from each line: a resume file of 100 000 records is not held.
 * A log of several boots gives a record per boot, written in one call: a kill during that call can
 * leave whole lines of some of its boots and not the others, so when the file ends with a boot's
 * record, that input's records are cut off too and it is done again (at most one input redone).
 */
export function recordedInputs(file: string): Set<string> {
  const done = new Set<string>()
  if (!existsSync(file)) return done
  const fd = openSync(file, 'r+')
  try {
    const tail = scanRecords(fd, file, done)
    if (tail.cutAt !== undefined) ftruncateSync(fd, tail.cutAt)
  } finally {
    closeSync(fd)
  }
  return done
}

/** Adds each whole line's path to `done`; returns where to cut the file (a partial line, a last multi-boot input). */
function scanRecords(fd: number, file: string, done: Set<string>): {cutAt?: number} {
  const buf = Buffer.alloc(READ_CHUNK)
  const dec = new StringDecoder('utf8')
  let carry = ''
  let pos = 0
  let lineNo = 0
  let complete = 0
  // The run of records of one input at the end so far: its path, where it starts, whether multi-boot.
  let last = {path: '', start: 0, boots: false}
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
      if (path !== last.path) last = {path, start, boots: false}
      last.boots ||= BOOT_RE.test(l)
      done.add(path)
    }
  }
  if (last.boots) {
    done.delete(last.path)
    return {cutAt: last.start}
  }
  return carry !== '' ? {cutAt: complete} : {}
}

/** A record that is one boot of a log holding several (schema: BatchBoot). */
const BOOT_RE = /"boot":\{"index":/

function pathOf(line: string, file: string, lineNo: number): string {
  const m = PATH_RE.exec(line)
  if (!m || !line.endsWith('}')) {
    throw new InputError(`${file}:${lineNo}: not a batch record: expected the NDJSON of an earlier allocscope batch --out run to resume`, file, lineNo)
  }
  return JSON.parse(m[1]!) as string
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
    throw new InputError(`${file}: cannot write (${(e as Error).message}): expected a writable --out path`, file)
  }
  return {
    write: (lines) => {
      writeSync(fd, lines.join('\n') + '\n')
    },
    close: () => closeSync(fd),
  }
}
