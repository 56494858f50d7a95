import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {analyseRecords} from '../../src/analysis/analyser.js'
import type {LogRecord} from '../../src/types.js'
import {captureDir} from '../helpers/paths.js'
import {readLogFile, recordsOnlyMeta} from './records.js'

const recs = (...texts: string[]): LogRecord[] => texts.map((text, i) => ({line: i + 1, time: i / 1000, text}))
const analyse = (r: LogRecord[]) => analyseRecords('synthetic', r, recordsOnlyMeta(r.length))

describe('profiling mode from the banners (SYNTHETIC lines in the kernel formats of docs/domain.md)', () => {
  it.each([
    ['Memory allocation profiling is enabled without compression and is turned on!', 'enabled'],
    ['Memory allocation profiling is enabled with compression and is turned on!', 'compressed'],
    ['Memory allocation profiling is enabled without compression and is turned off!', 'disabled'],
    ['Memory allocation profiling is disabled!', 'never'],
    ['Memory allocation profiling is not supported!', 'not-supported'],
  ])('%s → %s', (line, mode) => {
    const a = analyse(recs('Linux version 7.2.13 (x@y) (gcc) #1 SMP', line))
    expect(a.profiling.mode).toBe(mode)
    expect(a.profiling.modeLine).toBe(2)
  })

  it('a page-flag-bits failure after the enabled banner turns the mode to disabled, with a finding', () => {
    const a = analyse(
      recs(
        'Memory allocation profiling is enabled with compression and is turned on!',
        'With module xfs there are too many tags to fit in 16 page flag bits. Memory allocation profiling is disabled!',
      ),
    )
    expect(a.profiling.mode).toBe('disabled')
    expect(a.findings.map((f) => f.id)).toEqual(['module-too-many-tags'])
  })

  it.each([
    ['sysctl.vm.mem_profiling=0', 'disabled'],
    ['sysctl.vm.mem_profiling=1,compressed', 'compressed'],
    ['sysctl.vm.mem_profiling=never', 'never'],
  ])('no banner: command line %s → %s', (param, mode) => {
    const a = analyse(recs(`Command line: console=ttyS0 ${param}`))
    expect(a.profiling.mode).toBe(mode)
    expect(a.profiling.modeReason).toMatch(/command line/)
  })

  it('nothing known → unknown, with a reason', () => {
    const a = analyse(recs('random: crng init done'))
    expect([a.profiling.mode, a.profiling.debug, a.profiling.recorder]).toEqual(['unknown', 'unknown', 'unknown'])
    for (const r of [a.profiling.modeReason, a.profiling.debugReason, a.profiling.recorderReason]) expect(r.length).toBeGreaterThan(10)
  })
})

describe('recorder from messages beats the release guess', () => {
  it('the 8192 overflow message → legacy, even on a 7.2 release', () => {
    const a = analyse(recs('Linux version 7.2.13 (x@y) (gcc) #1 SMP', 'Early page allocations before page_ext init exceeded EARLY_ALLOC_PFN_MAX (8192)'))
    expect(a.profiling.recorder).toBe('legacy')
    expect(a.profiling.recorderReason).not.toMatch(/guess/)
  })
  it('the pool failure message → pool, even on a 7.0.4 release', () => {
    const a = analyse(recs('Linux version 7.0.4 (x@y) (gcc) #1 SMP', 'early PFN tracking page allocation failed'))
    expect(a.profiling.recorder).toBe('pool')
  })
  it('early_page_ext on the command line: page_ext before SMP says nothing about DEBUG', () => {
    const a = analyse(recs('Command line: early_page_ext', 'allocated 2097152 bytes of page_ext', 'smp: Brought up 1 node, 4 CPUs'))
    expect(a.host.pageExtWindow?.value).toBe('before-smp')
    expect(a.profiling.debug).toBe('unknown')
  })
})

describe('DEBUG and recorder from a real WARN (lkml 7.0-rc4 excerpt: no banner, no Linux version line)', () => {
  it('DEBUG from the WARN; release from the splat CPU: line; recorder none', () => {
    const lkml = readLogFile(join(captureDir('lkml-7.0-rc4-alloc-tag-not-set'), 'dmesg-excerpt.txt'))
    const a = analyseRecords('lkml', lkml.records, lkml.meta)
    expect(a.profiling.debug).toBe(true)
    expect(a.host.release?.value).toBe('7.0.0-rc4')
    expect(a.profiling.recorder).toBe('none')
    expect(a.profiling.mode).toBe('enabled')
    expect(a.profiling.modeReason).toMatch(/^inferred: .*fires only while profiling is on/)
  })
})

describe('the recorder reason says when the recorder is idle', () => {
  it('compressed mode (SYNTHETIC banner)', () => {
    const a = analyse(recs('Linux version 7.2.1 (x@y) (gcc) #1 SMP', 'Memory allocation profiling is enabled with compression and is turned on!'))
    // No page_ext, so the recorder is skipped: none runs (built-recorder.ts builtRecorder, predict's rule too); the code the kernel has kept.
    expect(a.profiling.recorder).toBe('none')
    expect(a.profiling.recorderReason).toMatch(/^compressed mode keeps tags in page flags: no page_ext, so the early-PFN recorder is skipped, though the kernel has the pool recorder's code/)
    expect(a.profiling.recorderCode?.recorder).toBe('pool')
  })
})
