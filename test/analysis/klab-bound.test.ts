import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {analyseRecords} from '../../src/analysis/analyser.js'
import {MAX_KLAB} from '../../src/analysis/facts.js'
import {derivedRepeated} from '../helpers/derived-splats.js'
import {captureDir} from '../helpers/paths.js'
import {lineCount, recordsFromText} from './records.js'

const meta = (lines: number) => ({format: 'dmesg' as const, formatReason: 'test', lines, skipped: [], droppedMessages: 0})

describe('bounded memory: klab lines capped, the rest counted', () => {
  it('DERIVED: a real instrumented log 100 times → the first MAX_KLAB klab lines kept, the rest counted', () => {
    const text = readFileSync(join(captureDir('linux-6.12-instr_smp004_1G'), 'dmesg.txt'), 'utf8')
    const perCopy = text.split('\n').filter((l) => /\] klab: /.test(l)).length
    expect(perCopy).toBeGreaterThan(0)
    const n = lineCount(text)
    const one = analyseRecords('real', recordsFromText(text), meta(n))
    expect(one.klab).toHaveLength(perCopy)
    expect(one.klabNotStored).toBeUndefined()
    const a = analyseRecords('derived', derivedRepeated(recordsFromText(text), 100, n), meta(n * 100))
    expect(a.klab).toHaveLength(MAX_KLAB)
    expect(a.klabNotStored).toBe(perCopy * 100 - MAX_KLAB)
    expect(a.klab.slice(0, perCopy)).toEqual(one.klab)
  })
})
