// What the batch pool (main thread) and its workers say to each other, and the one record both
// write when a task ends in a bug instead of a record: its worker threw, or died.
import {BATCH_SCHEMA, type BatchRecord} from './schema.js'
import type {Task} from './inputs.js'

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

/** The task's only and final message: an error record saying "internal error" (a bug; the run goes on). */
export function internalErrorResult(seq: number, task: Task, message: string): ResultMessage {
  const rec: BatchRecord = {schema: BATCH_SCHEMA, input: {path: task.path}, error: {reason: `internal error: ${message}`}}
  return {seq, lines: [JSON.stringify(rec)], maxSeverity: -1, errors: 1, multiBoot: 0, final: true}
}
