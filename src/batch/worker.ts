// A worker thread of `allocscope batch`: takes one task at a time from the main thread, runs it
// (run-task.ts) and posts its records back as NDJSON lines, a few at a time for a big archive.
import {parentPort} from 'node:worker_threads'
import {SEVERITIES} from '../types.js'
import type {Task} from './inputs.js'
import {runTask} from './run-task.js'

/** Lines posted at once while an archive is being read (bounds what a worker holds). */
const POST_EVERY = 64

export interface TaskMessage {
  seq: number
  task: Task
}

export interface ResultMessage {
  seq: number
  lines: string[]
  /** Highest finding severity in these lines (index in SEVERITIES), -1 when none. */
  maxSeverity: number
  errors: number
  /** Records that are one boot of a log holding several (their `boot` field). */
  multiBoot: number
  final: boolean
}

async function handle(msg: TaskMessage): Promise<void> {
  let out: ResultMessage = {seq: msg.seq, lines: [], maxSeverity: -1, errors: 0, multiBoot: 0, final: false}
  for await (const r of runTask(msg.task)) {
    out.lines.push(JSON.stringify(r))
    if (r.error) out.errors++
    if (r.boot) out.multiBoot++
    for (const f of r.findings ?? []) out.maxSeverity = Math.max(out.maxSeverity, SEVERITIES.indexOf(f.severity))
    if (out.lines.length >= POST_EVERY) {
      parentPort!.postMessage(out)
      out = {seq: msg.seq, lines: [], maxSeverity: -1, errors: 0, multiBoot: 0, final: false}
    }
  }
  parentPort!.postMessage({...out, final: true})
}

/** Tasks run one after another (the pool sends the next before this one ends: see IN_FLIGHT). */
let queue: Promise<void> = Promise.resolve()

parentPort!.on('message', (msg: TaskMessage) => {
  // handle() turns every input failure into a record; what escapes is a bug, reported as the task's record.
  queue = queue.then(() =>
    handle(msg).catch((e: Error) => {
      const line = JSON.stringify({schema: 'allocscope/batch-v1', input: {path: msg.task.path}, error: {reason: `internal error: ${e.message}`}})
      parentPort!.postMessage({seq: msg.seq, lines: [line], maxSeverity: -1, errors: 1, multiBoot: 0, final: true} satisfies ResultMessage)
    }),
  )
})
