// Test adapter: LogRecords from a real dmesg text file, via the project's boot-log reader when it
// is present, else a minimal `[ seconds][ caller] text` splitter (plain dmesg only).
import {readFileSync} from 'node:fs'
import type {LogRecord} from '../../src/types.js'

const PREFIX = /^\[\s*(\d+\.\d+)\]\s?(?:\[\s*([TC]\d+)\]\s?)?/

export function recordsFromText(text: string): LogRecord[] {
  const out: LogRecord[] = []
  const lines = text.split(/\r?\n/)
  if (lines.at(-1) === '') lines.pop()
  lines.forEach((l, i) => {
    const m = PREFIX.exec(l)
    if (!m) return
    const r: LogRecord = {line: i + 1, time: +m[1], text: l.slice(m[0].length)}
    if (m[2]) r.caller = m[2]
    out.push(r)
  })
  return out
}

export function recordsFromFile(path: string): LogRecord[] {
  return recordsFromText(readFileSync(path, 'utf8'))
}

export function lineCount(text: string): number {
  const n = text.split('\n').length
  return text.endsWith('\n') ? n - 1 : n
}
