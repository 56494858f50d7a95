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
 */
export function recordedInputs(file: string): Set<string> {
  const done = new Set<string>()
  if (!existsSync(file)) return done
  const fd = openSync(file, 'r+')
  try {
    const buf = Buffer.alloc(READ_CHUNK)
    const dec = new StringDecoder('utf8')
    let carry = ''
    let pos = 0
    let lineNo = 0
    let complete = 0
    for (let n = readSync(fd, buf, 0, READ_CHUNK, pos); n > 0; n = readSync(fd, buf, 0, READ_CHUNK, pos)) {
      pos += n
      const lines = (carry + dec.write(buf.subarray(0, n))).split('\n')
      carry = lines.pop()!
      for (const l of lines) {
        lineNo++
        complete += Buffer.byteLength(l) + 1
        if (l !== '') done.add(pathOf(l, file, lineNo))
      }
    }
    if (carry !== '') ftruncateSync(fd, complete)
  } finally {
    closeSync(fd)
  }
  return done
}

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
