// A worker thread of `allocscope batch`: takes one task at a time from the main thread, runs it
// (run-task.ts) and posts its records back as NDJSON lines, a few at a time for a big archive.
import {parentPort} from 'node:worker_threads'
import {SEVERITIES} from '../types.js'
import {internalErrorResult, type ResultMessage, type TaskMessage} from './messages.js'
import {runTask} from './run-task.js'

/** Lines posted at once while an archive is being read (bounds what a worker holds). */
const POST_EVERY = 64

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
    handle(msg).catch((e: Error) => parentPort!.postMessage(internalErrorResult(msg.seq, msg.task, e.message))),
  )
})
