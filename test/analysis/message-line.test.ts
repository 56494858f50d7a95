// A reason quoting a WARN's message cites the message's own line, grep -n's (README): the report's
// finding starts at its `cut here` line, one before. Inputs: real captures in the repository.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {analyseBootLog} from '../../src/analysis/read.js'
import {LAB_CAPTURES, SAMPLES} from '../helpers/paths.js'

/** grep -n's line of the first line holding `text`. */
const grepN = (file: string, text: string): number => readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1

describe('reasons quoting "alloc_tag was not set" cite its line, not cut-here', () => {
  it('lab 7.2 legacy256late shrink: debugReason and debugSource name the message line', async () => {
    const file = join(LAB_CAPTURES, 'lab-7.2-legacy256late-c8-m1024-shrink', 'dmesg.txt')
    const line = grepN(file, 'alloc_tag was not set')
    expect(line).toBe(264)
    const a = await analyseBootLog(file)
    const f = a.findings.find((x) => x.id === 'alloc-tag-not-set')!
    expect(f.line).toBe(line - 1) // the report, from its cut-here line
    expect(f.splat?.messageLine).toBe(line)
    expect(a.profiling.debugReason).toBe(`"alloc_tag was not set" at line ${line}: that WARN exists only with CONFIG_MEM_ALLOC_PROFILING_DEBUG`)
    expect(a.profiling.debugSource).toEqual({from: 'log', line})
  })

  it('lkml 7.0-rc4 excerpt: mode, DEBUG and recorder reasons name line 2, the message', async () => {
    const file = join(SAMPLES, 'lkml-7.0-rc4-alloc-tag-not-set', 'dmesg-excerpt.txt')
    const line = grepN(file, 'alloc_tag was not set')
    expect(line).toBe(2)
    const a = await analyseBootLog(file)
    const p = a.profiling
    for (const r of [p.modeReason, p.debugReason, p.recorderReason]) expect(r).toMatch(new RegExp(`"alloc_tag was not set" at line ${line}\\b`))
    expect([p.modeLine, p.debugSource]).toEqual([line, {from: 'log', line}])
  })
})
