// BootAnalysis of a capture for the diff tests: the real reader + analyser on the file's text.
import {readFileSync} from 'node:fs'
import {parseBootLogText} from '../../src/readers/bootlog/index.js'
import {analyseRecords, finishMeta} from '../../src/analysis/analyser.js'
import type {BootAnalysis} from '../../src/types.js'

export function analyseFile(path: string): BootAnalysis {
  const p = parseBootLogText(readFileSync(path, 'utf8'))
  return analyseRecords(path, p.records, finishMeta(p))
}
