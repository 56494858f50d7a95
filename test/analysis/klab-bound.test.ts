import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {analyseRecords} from '../../src/analysis/analyser.js'
import {MAX_KLAB} from '../../src/analysis/facts.js'
import {derivedRepeated} from '../helpers/derived-splats.js'
import {captureDir} from '../helpers/paths.js'
import {lineCount, readLogText, recordsOnlyMeta} from './records.js'

describe('bounded memory: klab lines capped, the rest counted', () => {
  it('DERIVED: a real instrumented log 100 times → the first MAX_KLAB klab lines kept, the rest counted', () => {
    const text = readFileSync(join(captureDir('linux-6.12-instr_smp004_1G'), 'dmesg.txt'), 'utf8')
    const perCopy = text.split('\n').filter((l) => /\] klab: /.test(l)).length
    expect(perCopy).toBeGreaterThan(0)
    const n = lineCount(text)
    const real = readLogText(text)
    const one = analyseRecords('real', real.records, real.meta)
    expect(one.klab).toHaveLength(perCopy)
    expect(one.klabNotStored).toBeUndefined()
    const a = analyseRecords('derived', derivedRepeated(real.records, 100, n), recordsOnlyMeta(n * 100))
    expect(a.klab).toHaveLength(MAX_KLAB)
    expect(a.klabNotStored).toBe(perCopy * 100 - MAX_KLAB)
    expect(a.klab.slice(0, perCopy)).toEqual(one.klab)
  })
})
