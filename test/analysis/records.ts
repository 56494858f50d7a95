// Test adapter: LogRecords of a real log file through the project's boot-log reader.
import {readFileSync} from 'node:fs'
import {finishMeta, type FinishMeta} from '../../src/analysis/analyser.js'
import {parseBootLogText} from '../../src/readers/bootlog/index.js'
import type {LogRecord} from '../../src/types.js'

export function recordsFromText(text: string): LogRecord[] {
  return parseBootLogText(text).records
}

export function recordsFromFile(path: string): LogRecord[] {
  return recordsFromText(readFileSync(path, 'utf8'))
}

/** A real log read as production reads it: its records and the FinishMeta analysis/read.ts passes for it. */
export function readLogText(text: string): {records: LogRecord[]; meta: FinishMeta} {
  const p = parseBootLogText(text)
  return {records: p.records, meta: finishMeta(p)}
}

export const readLogFile = (path: string): {records: LogRecord[]; meta: FinishMeta} => readLogText(readFileSync(path, 'utf8'))

/**
 * The FinishMeta of a log that is these records alone (SYNTHETIC records, or DERIVED copies of a
 * real log none of whose lines the reader skips): a dmesg log of `lines` lines, none skipped.
 */
export const recordsOnlyMeta = (lines: number, formatReason = 'test'): FinishMeta =>
  ({format: 'dmesg', formatReason, lines, skipped: [], skippedTotal: 0, droppedMessages: 0})

export function lineCount(text: string): number {
  const n = text.split('\n').length
  return text.endsWith('\n') ? n - 1 : n
}
