// Test adapter: LogRecords of a real log file through the project's boot-log reader.
import {readFileSync} from 'node:fs'
import {parseBootLogText} from '../../src/readers/bootlog/index.js'
import type {LogRecord} from '../../src/types.js'

export function recordsFromText(text: string): LogRecord[] {
  return parseBootLogText(text).records
}

export function recordsFromFile(path: string): LogRecord[] {
  return recordsFromText(readFileSync(path, 'utf8'))
}

export function lineCount(text: string): number {
  const n = text.split('\n').length
  return text.endsWith('\n') ? n - 1 : n
}
