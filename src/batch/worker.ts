// A worker thread of `allocscope batch`: takes one task at a time from the main thread, runs it
// (run-task.ts) and posts its records back as NDJSON lines, a few at a time for a big archive,
// waiting while the main thread holds too many of them unwritten (messages.ts HOLD_MAX).
import {parentPort} from 'node:worker_threads'
import {type AckMessage, HOLD_MAX, internalErrorResult, POST_EVERY, type ResultMessage, type TaskMessage} from './messages.js'
import {replacer} from '../render/json.js'
import {recordRank} from './severity.js'
import type {BatchRecord} from './schema.js'
import {runTask} from './run-task.js'

/** Lines posted for the running task and not yet acknowledged as written by the main thread. */
let unacked = 0
let running = -1
let wake: (() => void) | undefined

const fresh = (seq: number): ResultMessage => ({seq, lines: [], maxSeverity: -1, errors: 0, multiBoot: 0, units: 0, final: false})

/**
 * One input finished: a record that is not a later boot of the same input, of an archive's member;
 * or the error of an archive with no member to read (not a tar, empty, a FIFO), which is its one
 * input (archive.ts counts it so). A damaged archive's closing error follows its members: not one.
 */
const finishes = (r: BatchRecord, members: number): boolean =>
  r.input.member !== undefined ? !r.boot || r.boot.first : r.error !== undefined && r.input.archive !== undefined && members === 0

async function handle(msg: TaskMessage): Promise<void> {
  const archive = msg.task.type === 'archive'
  running = msg.seq
  unacked = 0
  let out = fresh(msg.seq)
  let memberRecords = 0
  const onTotal = (total: number): void => parentPort!.postMessage({...fresh(msg.seq), total} satisfies ResultMessage)
  for await (const r of runTask(msg.task, {onTotal})) {
    // A counter beyond 2^53 (a klab: or Memory: line) as analyse --json writes it: JSON.stringify throws on a bigint.
    out.lines.push(JSON.stringify(r, replacer))
    if (r.error) out.errors++
    if (r.boot) out.multiBoot++
    if (archive && finishes(r, memberRecords)) out.units++
    if (r.input.member !== undefined) memberRecords++
    out.maxSeverity = Math.max(out.maxSeverity, recordRank(r))
    if (out.lines.length >= POST_EVERY) {
      parentPort!.postMessage(out)
      unacked += out.lines.length
      out = fresh(msg.seq)
      // The archive's stream pauses here (nothing pulls its entries) until the main thread writes.
      while (unacked > HOLD_MAX) await new Promise<void>((res) => (wake = res))
    }
  }
  if (!archive) out.units = 1
  running = -1
  parentPort!.postMessage({...out, final: true})
}

/** Tasks run one after another (the pool sends the next before this one ends: see IN_FLIGHT). */
let queue: Promise<void> = Promise.resolve()

parentPort!.on('message', (msg: TaskMessage | AckMessage) => {
  if ('ack' in msg) {
    if (msg.ack !== running) return
    unacked -= msg.lines
    wake?.()
    wake = undefined
    return
  }
  // handle() turns every input failure into a record; what escapes is a bug, reported as the task's record.
  queue = queue.then(() =>
    handle(msg).catch((e: Error) => {
      running = -1
      parentPort!.postMessage(internalErrorResult(msg.seq, msg.task, e.message))
    }),
  )
})
