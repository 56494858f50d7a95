// The capture command's flags checked without oclif or QEMU (src/lab/request.ts), the default
// capture directory, the argv --then runs, and the report of a real lab boot's meta.json.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {InputError, NotImplementedError, UsageError} from '../../src/errors.js'
import {captureReport} from '../../src/lab/report.js'
import {type CaptureFlags, blockIsFollowUps, captureRequest, defaultCaptureDir, followUpArgv} from '../../src/lab/request.js'
import type {CaptureResult} from '../../src/lab/run.js'
import {captureDir} from '../helpers/paths.js'

/** capture's flag defaults, as oclif gives them. */
const FLAGS: CaptureFlags = {kernel: 'bzImage', cpus: 1, memory: '1G', nodes: 1, accel: 'auto', 'cpu-model': 'max', timeout: 600, force: false, qemu: 'qemu-system-x86_64', snapshots: 40, interval: 2}
const all = () => true
const NOW = new Date('2026-12-04T21:30:05.123Z')

describe('captureRequest', () => {
  it('memory in MiB, the default directory named after the boot\'s shape, no series', () => {
    const r = captureRequest({...FLAGS, cpus: 4, possible: 64, memory: '2G', nodes: 2}, all, NOW)
    expect(r.options).toMatchObject({cpus: 4, possible: 64, memoryMiB: 2048, nodes: 2, cpuModel: 'max', timeoutS: 600, out: 'capture-c4-p64-m2048-n2-20261204T213005'})
    expect(r.series).toBeUndefined()
    expect(captureRequest({...FLAGS, out: '/tmp/x'}, all).options.out).toBe('/tmp/x')
  })

  it('each refusal names the flag, in the order a user reads them', () => {
    const refuse = (f: Partial<CaptureFlags>, has = all) => () => captureRequest({...FLAGS, ...f}, has)
    expect(refuse({memory: 'lots'})).toThrow(new UsageError('--memory: memory "lots": expected a size like 1024, 1024M or 2G'))
    expect(refuse({cpus: 8, possible: 4})).toThrow('--possible 4 is below --cpus 8: possible CPUs include the present ones')
    expect(refuse({cpus: 2, nodes: 4})).toThrow('--nodes 4 needs at least as many CPUs (got 2)')
    expect(refuse({cpus: 2, possible: 4, nodes: 4})).not.toThrow()
    expect(refuse({baseline: 'b', then: 'analyse'})).toThrow('--baseline goes with --then diff')
    expect(refuse({then: 'diff'}, () => false)).toThrow(NotImplementedError)
    expect(refuse({series: 'leak'})).toThrow('--series leak needs --module klab_leak.ko')
    expect(refuse({series: 'leak', module: '/nonexistent/klab_leak.ko'})).toThrow(InputError)
    expect(refuse({series: 'leak', module: '/nonexistent/klab_leak.ko'})).toThrow(/klab_leak\.ko: .*expected the klab_leak\.ko kernel module/)
  })

  it('a series: busy needs no module; another reads it and carries snapshots and interval', () => {
    expect(captureRequest({...FLAGS, series: 'busy', snapshots: 6, interval: 1}, all).series).toEqual({kind: 'busy', snapshots: 6, intervalS: 1})
    // Any readable file stands for the module here; the guest is not booted.
    const r = captureRequest({...FLAGS, series: 'churn', module: join(captureDir('linux-7.2-pool-c64-m1024'), 'dmesg.txt')}, all)
    expect(r.module?.length).toBeGreaterThan(0)
    expect(r.series?.kind).toBe('churn')
  })
})

describe('defaultCaptureDir', () => {
  it('possible CPUs and nodes only when they differ from the plain boot', () => {
    expect(defaultCaptureDir({cpus: 1, nodes: 1}, 1024, NOW)).toBe('capture-c1-m1024-20261204T213005')
  })
})

describe('followUpArgv', () => {
  const out = {json: false, format: 'table', 'fail-on': 'never'}
  it('the fresh capture, after --baseline for a diff, and the output flags as given', () => {
    expect(followUpArgv({...out, then: 'analyse'}, 'c1')).toEqual(['c1', '--format', 'table', '--fail-on', 'never'])
    expect(followUpArgv({...out, then: 'diff', baseline: 'base', json: true, color: false, 'fail-on': 'warning'}, 'c1')).toEqual(['base', 'c1', '--json', '--no-color', '--fail-on', 'warning'])
    expect(followUpArgv({...out, then: 'analyse', baseline: 'base', color: true}, 'c1')).toEqual(['c1', '--format', 'table', '--color', '--fail-on', 'never'])
  })

  it('a CSV follow-up gets the CSV options as given (they were dropped); other formats get none', () => {
    const csv = {...out, format: 'csv', 'csv-units': true, 'csv-summary': 'omit', 'csv-formulas': true}
    expect(followUpArgv({...csv, then: 'analyse'}, 'c1')).toEqual(['c1', '--format', 'csv', '--csv-units', '--csv-summary', 'omit', '--csv-formulas', '--fail-on', 'never'])
    expect(followUpArgv({...csv, then: 'analyse', 'csv-units': false, 'csv-summary': 'mark', 'csv-formulas': false}, 'c1')).toEqual(['c1', '--format', 'csv', '--fail-on', 'never'])
    expect(followUpArgv({...csv, then: 'analyse', json: true}, 'c1')).toEqual(['c1', '--json', '--fail-on', 'never'])
  })

  it("--block is passed on, in every format (it was dropped: 'capture --block findings --then analyse' picked among capture's own blocks and stopped on 'no such block'), and blockIsFollowUps says when capture's own report is left out (the command leaving it out: capture-command.test.ts)", () => {
    expect(followUpArgv({...out, then: 'analyse', block: 'findings'}, 'c1')).toEqual(['c1', '--format', 'table', '--block', 'findings', '--fail-on', 'never'])
    const csv = {...out, format: 'csv', 'csv-units': true, block: 'Boot 0: Findings'}
    expect(followUpArgv({...csv, then: 'diff', baseline: 'base'}, 'c1')).toEqual(['base', 'c1', '--format', 'csv', '--block', 'Boot 0: Findings', '--csv-units', '--fail-on', 'never'])
    expect(blockIsFollowUps({then: 'analyse', block: 'findings'})).toBe(true)
    // Without --then, --block picks among capture's own blocks, as before; no --block, nothing left out.
    expect(blockIsFollowUps({block: 'capture'})).toBe(false)
    expect(blockIsFollowUps({then: 'analyse'})).toBe(false)
  })
})

describe('captureReport', () => {
  it('a real lab boot\'s meta.json: complete, its release, accelerator, CPUs, files and klab line', () => {
    const dir = captureDir('lab-7.2-legacylate-c1-m1024')
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'))
    const block = captureReport({dir, meta} as CaptureResult).blocks[0] as {title: string; rows: {key: string; value: unknown}[]}
    const row = (k: string) => block.rows.find((r) => r.key === k)?.value
    expect(block.title).toBe(`Capture ${dir}`)
    expect(row('status')).toEqual({text: 'complete', style: 'good'})
    expect([row('kernel'), row('accelerator'), row('CPUs'), row('memory')]).toEqual(['7.2.13', 'TCG', '1', '1024 MiB'])
    expect([row('dmesg.txt'), row('allocinfo.txt')]).toEqual(['257 lines', '932 lines'])
    expect(row('series')).toBeUndefined()
  })

  it("a file of one line: '1 line' (was '1 lines')", () => {
    const dir = captureDir('lab-7.2-legacylate-c1-m1024')
    const meta = {...JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')), dmesg_lines: 1, allocinfo_lines: 2}
    const block = captureReport({dir, meta} as CaptureResult).blocks[0] as {rows: {key: string; value: unknown}[]}
    expect(['dmesg.txt', 'allocinfo.txt'].map((k) => block.rows.find((r) => r.key === k)?.value)).toEqual(['1 line', '2 lines'])
  })
})
