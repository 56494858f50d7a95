// A boot's DEBUG provenance is a field (ProfilingState.debugSource), set where debugReason is set:
// what reads it (built-recorder.ts withDumpDebug and debugStatedIn, model/host-override.ts) reads
// the field, not the reason's words. Inputs: the bundled real captures; one profiling state below
// is DERIVED from a real one, its reason reworded to read like another source.
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {debugStatedIn, withDumpDebug} from '../../src/analysis/built-recorder.js'
import {analyseBootLog} from '../../src/analysis/read.js'
import {SAMPLES} from '../helpers/paths.js'

const log = (name: string) => analyseBootLog(join(SAMPLES, name, 'dmesg.txt'))

describe('debugSource: where DEBUG comes from', () => {
  it('real captures: a DEBUG-only message or lab counter (log, its line), the page_ext window (inferred, its line), nothing (default)', async () => {
    const pool = await log('linux-7.2-pool-c64-m1024')
    expect(pool.profiling.debugSource).toEqual({from: 'log', line: Number(/at line (\d+)/.exec(pool.profiling.debugReason)![1])})
    const numa = await log('linux-6.12-instr_smp064_2G_numa2')
    expect([numa.profiling.debug, numa.profiling.debugSource]).toEqual([true, {from: 'inferred', line: numa.host.pageExtWindow!.line}])
    const nodebug = await log('linux-6.12-nodebug_smp064_1G')
    expect([nodebug.profiling.debug, nodebug.profiling.debugSource]).toEqual(['unknown', {from: 'default'}])
  })

  it("the dump's tracking site: {from: 'dump', file, line}, which debugStatedIn names; an inferred DEBUG is replaced, a stated one kept", async () => {
    const site = {source: '/x/allocinfo.txt', line: 528}
    const numa = await log('linux-6.12-instr_smp064_2G_numa2')
    const taken = withDumpDebug(numa, site)
    expect(taken.profiling.debugSource).toEqual({from: 'dump', file: '/x/allocinfo.txt', line: 528})
    expect(debugStatedIn(taken.profiling, numa.source)).toBe('/x/allocinfo.txt:528')
    const pool = await log('linux-7.2-pool-c64-m1024')
    expect(withDumpDebug(pool, site)).toBe(pool)
    // The log's DEBUG: the log's line (was the log's path alone).
    expect(debugStatedIn(pool.profiling, pool.source)).toBe(`${pool.source}:${(pool.profiling.debugSource as {line: number}).line}`)
    expect(debugStatedIn({debugSource: {from: 'default'}}, pool.source)).toBe(pool.source)
  })

  it("DERIVED: a reason worded like another source is not read as one (the field decides, not the text)", async () => {
    const pool = await log('linux-7.2-pool-c64-m1024')
    // The log's DEBUG, its reason starting 'inferred' and naming a dump: still the log's word.
    const worded = {...pool, profiling: {...pool.profiling, debugReason: 'inferred: /y/allocinfo.txt:9: allocinfo lists __alloc_tag_add_early_pfn'}}
    expect(debugStatedIn(worded.profiling, pool.source)).toBe(`${pool.source}:${(pool.profiling.debugSource as {line: number}).line}`)
    expect(withDumpDebug(worded, {source: '/x/allocinfo.txt', line: 528})).toBe(worded)
  })
})
