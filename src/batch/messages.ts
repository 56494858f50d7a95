// What the batch pool (main thread) and its workers say to each other, and the one record both
// write when a task ends in a bug instead of a record: its worker threw, or died. Flow control: a
// worker reading an archive waits once the main thread holds more than HOLD_MAX of that task's
// lines unwritten (they wait behind an earlier input); the pool acknowledges lines as it writes them.
import {BATCH_SCHEMA, type BatchRecord} from './schema.js'
import type {Task} from './inputs.js'

export interface TaskMessage {
  seq: number
  task: Task
}

/** Main → worker: `lines` of task `seq` are written (no longer held by the main thread). */
export interface AckMessage {
  ack: number
  lines: number
}

/** Lines posted at once while an archive is being read. */
export const POST_EVERY = 64

/**
 * Lines of one task the main thread may hold unwritten before its worker stops reading: the
 * main thread holds at most HOLD_MAX + POST_EVERY lines of a running archive (a line is a record:
 * 0.4-4.5 KB, median 2.1 KB over the repository's lab captures and peer logs).
 */
export const HOLD_MAX = 4 * POST_EVERY

export interface ResultMessage {
  seq: number
  lines: string[]
  /** Highest finding severity in these lines (index in SEVERITIES), -1 when none. */
  maxSeverity: number
  errors: number
  /** Records that are one boot of a log holding several (their `boot` field). */
  multiBoot: number
  /** Inputs finished in these lines: a file or capture directory, or members of an archive. */
  units: number
  /** An archive's inputs (this shard's), once counted: before its first records. */
  total?: number
  final: boolean
}

/** The task's only and final message: an error record saying "internal error" (a bug; the run goes on). */
export function internalErrorResult(seq: number, task: Task, message: string): ResultMessage {
  const rec: BatchRecord = {schema: BATCH_SCHEMA, input: {path: task.path}, error: {reason: `internal error: ${message}`}}
  return {seq, lines: [JSON.stringify(rec)], maxSeverity: -1, errors: 1, multiBoot: 0, units: 1, final: true}
}
