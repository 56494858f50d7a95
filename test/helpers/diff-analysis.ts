// BootAnalysis of a capture for the diff tests: the real reader + analyser on the file's text.
import {readFileSync} from 'node:fs'
import {parseBootLogText} from '../../src/readers/bootlog/index.js'
import {analyseRecords} from '../../src/analysis/analyser.js'
import type {BootAnalysis} from '../../src/types.js'

export function analyseFile(path: string): BootAnalysis {
  const p = parseBootLogText(readFileSync(path, 'utf8'))
  return analyseRecords(path, p.records, {format: p.format, formatReason: p.formatReason, lines: p.lines, skipped: p.skipped, droppedMessages: p.droppedMessages})
}
