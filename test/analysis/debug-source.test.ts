// A boot's DEBUG provenance is a field (ProfilingState.debugSource), set where debugReason is set:
// what reads it (built-recorder.ts withDumpDebug and debugStatedIn, model/host-override.ts) reads
// the field, not the reason's words. Inputs: the bundled real captures; one profiling state below
// is DERIVED from a real one, its reason reworded to read like another source.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {debugStatedIn, withDumpDebug} from '../../src/analysis/built-recorder.js'
import {analyseBootLog} from '../../src/analysis/read.js'
import {hostFromAnalysis} from '../../src/model/from-boot.js'
import {LAB_CAPTURES, SAMPLES, TESTDATA_CAPTURES} from '../helpers/paths.js'

const log = (name: string) => analyseBootLog(join(SAMPLES, name, 'dmesg.txt'))

describe('debugSource: where DEBUG comes from', () => {
  it('real captures: a DEBUG-only message or lab counter (log, its line), the page_ext window (inferred, its line), nothing (default)', async () => {
    const pool = await log('linux-7.2-pool-c64-m1024')
    expect(pool.profiling.debugSource).toEqual({from: 'log', line: Number(/at line (\d+)/.exec(pool.profiling.debugReason)![1])})
    const numa = await log('linux-6.12-instr_smp064_2G_numa2')
    expect([numa.profiling.debug, numa.profiling.debugSource]).toEqual([true, {from: 'inferred', line: numa.host.pageExtWindow!.line}])
    const nodebug = await log('linux-6.12-nodebug_smp064_1G')
    expect([nodebug.profiling.debug, nodebug.profiling.debugSource]).toEqual([false, {from: 'inferred', line: nodebug.host.pageExtWindow!.line}])
  })

  // README: an after-SMP page_ext with no DEBUG-only message is `{from: "inferred", line}`, DEBUG
  // most likely off, which predict takes (debug: false); analyse said `unknown` from `default`
  // while its reason said "most likely off". The real 6.12 nodebug captures, wherever they live.
  const NODEBUG = [
    ...['linux-6.12-nodebug_smp001_1G', 'linux-6.12-nodebug_smp004_1G', 'linux-6.12-nodebug_smp016_1G'].map((n) => join(TESTDATA_CAPTURES, n)),
    join(SAMPLES, 'linux-6.12-nodebug_smp064_1G'),
    ...['c2', 'c8', 'c32'].map((c) => join(LAB_CAPTURES, `lab-6.12-instr-nodebug-${c}-m1024`)),
  ]
  it.each(NODEBUG.map((d) => [d.split('/').pop()!, d]))('6.12 nodebug %s: DEBUG false, inferred from the page_ext line, as predict takes it', async (_name, dir) => {
    const a = await analyseBootLog(join(dir, 'dmesg.txt'))
    const line = readFileSync(join(dir, 'dmesg.txt'), 'utf8').split('\n').findIndex((l) => l.includes('bytes of page_ext')) + 1
    expect(line).toBeGreaterThan(0)
    expect(a.profiling.debug).toBe(false)
    expect(a.profiling.debugSource).toEqual({from: 'inferred', line})
    expect(a.profiling.debugReason).toMatch(new RegExp(`^inferred: page_ext came up after SMP \\(line ${line}\\), so DEBUG is most likely off`))
    const {host} = hostFromAnalysis(a)
    expect([host.debug, host.debugInferred]).toEqual([false, `page_ext came up after SMP (line ${line}), so DEBUG is most likely off`])
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
