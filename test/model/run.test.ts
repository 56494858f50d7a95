// The predict command's work without oclif (src/model/run.ts), in-process: which question the flags
// ask, the sweep range, the severities --fail-on gates on, the measured block and the fleet.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {UsageError} from '../../src/errors.js'
import {parseInventory} from '../../src/model/inventory.js'
import {predict} from '../../src/model/predict.js'
import {chooseProfile, fittedCapture, kernelFallbackNote, loadProfile} from '../../src/model/profile.js'
import {checkModes, parseSweep, runPredict} from '../../src/model/run.js'
import {predictionGrade, predictionSeverity, sweepGrade} from '../../src/model/severity.js'
import {runCli} from '../helpers/cli.js'
import {REPO, SAMPLES} from '../helpers/paths.js'
import {PREDICT_FLAGS as FLAGS, predictRun} from '../helpers/predict-flags.js'

const OUT = {format: 'table', width: 80}
const titles = (r: {report: {blocks: {title?: string}[]}}) => r.report.blocks.map((b) => b.title)

describe('checkModes', () => {
  it('--sweep with --hosts, and --plot or --svg without --sweep, are refused', () => {
    expect(() => checkModes({sweep: '1..8', hosts: 'a.csv', plot: false})).toThrow('--sweep and --hosts are different questions')
    expect(() => checkModes({plot: true})).toThrow('--plot and --svg draw a sweep: add --sweep LO..HI')
    expect(() => checkModes({plot: false, svg: 'x.svg'})).toThrow(UsageError)
    expect(() => checkModes({sweep: '1..8', plot: true, svg: 'x.svg'})).not.toThrow()
  })

  it('--sweep with a CPU flag is refused (the sweep sets the CPUs: --cpus was silently ignored)', () => {
    expect(() => checkModes({sweep: '1..8', plot: false, cpus: 4})).toThrow('--cpus 4 with --sweep 1..8: the sweep sets the CPUs (possible = online) at each point; give one')
    expect(() => checkModes({sweep: '1..8', plot: false, online: 2})).toThrow(UsageError)
  })

  it("a sweep's JSON host has no CPU counts of its own (was possibleCpus: 1), the range instead", async () => {
    const r = await predictRun({...FLAGS, sweep: '1..64', points: 4}, OUT)
    const host = (r.result as {host: Record<string, unknown>}).host
    expect(host.possibleCpus).toBeUndefined()
    expect(host.onlineCpus).toBeUndefined()
    expect(host.sweptCpus).toEqual([1, 64])
  })

  it('--seed beyond 32 bits is refused (mulberry32 would alias it: 2^32 + 1 ran as 1), exit 2', async () => {
    const r = await runCli(['predict', '--cpus', '4', '--seed', String(2 ** 32 + 1)])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/--seed.*less than or equal to 4294967295/)
    expect((await runCli(['predict', '--cpus', '4', '--seed', String(2 ** 32 - 1)])).status).toBe(0)
  })
})

describe('parseSweep', () => {
  it('LO..HI with 1 ≤ LO ≤ HI ≤ 65536; an error names what was typed', () => {
    expect(parseSweep('1..8192')).toEqual([1, 8192])
    expect(parseSweep('7..7')).toEqual([7, 7])
    for (const bad of ['0..8', '9..8', '1-8', '..8', '1..'])
      expect(() => parseSweep(bad)).toThrow(`--sweep ${bad}: expected LO..HI with 1 ≤ LO ≤ HI, e.g. 1..8192`)
    expect(() => parseSweep('1..65537')).toThrow('--sweep 1..65537: HI must be at most 65536 CPUs')
  })
})

describe('severities', () => {
  const drops = (legacy: number, pool: number, untagged = 0) => ({legacy: {dropped: legacy} as never, pool: {dropped: pool} as never, kernel: {leftUntaggedCalls: {value: untagged}} as never})
  // A sweep of 1..8192 overflowing from overflowAt on (none: never).
  const swept = (s: {overflowAt?: number}) => ({overflows: s.overflowAt === undefined ? [] : [[s.overflowAt, 8192] as [number, number]], swept: [1, 8192] as [number, number]})
  const sweepSeverity = (debug: boolean, recorder: Parameters<typeof sweepGrade>[1], s: {overflowAt?: number}) => sweepGrade(debug, recorder, swept(s))?.severity
  it("the kernel's own recorder dropping is a warning on a DEBUG host, a notice elsewhere, nothing without a drop", () => {
    expect(predictionSeverity(true, {recorder: 'legacy', ...drops(3, 0)})).toBe('warning')
    expect(predictionSeverity(false, {recorder: 'legacy', ...drops(3, 0)})).toBe('notice')
    expect(predictionSeverity(true, {recorder: 'pool', ...drops(0, 1)})).toBe('warning')
    expect(predictionSeverity(true, {recorder: 'legacy', ...drops(0, 0)})).toBeUndefined()
    expect(sweepSeverity(true, 'legacy', {overflowAt: 290})).toBe('warning')
    expect(sweepSeverity(false, 'legacy', {overflowAt: 290})).toBe('notice')
    expect(sweepSeverity(true, 'legacy', {overflowAt: undefined})).toBeUndefined()
  })

  it('a recorder the kernel does not carry (a what-if) is a notice even on a DEBUG host (README: a legacy array that would overflow on a kernel with another recorder)', () => {
    // Was: any drop of either run, so `predict --cpus 16384 --recorder pool --fail-on warning` exited 1
    // while the kernel itself would warn about nothing (a review).
    expect(predictionSeverity(true, {recorder: 'pool', ...drops(8000, 0)})).toBe('notice')
    expect(predictionSeverity(true, {recorder: 'legacy', ...drops(0, 5)})).toBe('notice')
    expect(sweepSeverity(true, 'pool', {overflowAt: 290})).toBe('notice')
  })

  it('a kernel without a recorder leaves its early calls untagged: a warning on DEBUG, a notice elsewhere, at every CPU count of a sweep', () => {
    // Was: a notice ("the kernel itself drops none") beside "would warn if freed 87903 pages" (a review).
    expect(predictionSeverity(true, {recorder: 'none', ...drops(8000, 2, 9850)})).toBe('warning')
    expect(predictionSeverity(false, {recorder: 'none', ...drops(0, 0, 61)})).toBe('notice')
    expect(predictionGrade(true, {recorder: 'none', ...drops(0, 0, 61)})!.why).toMatch(/^the kernel carries no early-PFN recorder/)
    expect(sweepSeverity(true, 'none', {overflowAt: undefined})).toBe('warning')
    expect(sweepSeverity(false, 'none', {overflowAt: 290})).toBe('notice')
  })

  it("recorder not known: both runs count as the kernel's", () => {
    expect(predictionSeverity(true, {recorder: 'unknown', ...drops(3, 0)})).toBe('warning')
    expect(predictionSeverity(false, {recorder: 'unknown', ...drops(0, 1)})).toBe('notice')
    expect(sweepSeverity(true, 'unknown', {overflowAt: 290})).toBe('warning')
    expect(sweepGrade(true, 'unknown', swept({overflowAt: 290}))!.why).toMatch(/^the legacy array overflows from 290 CPUs on within 1–8192 \(not at 289\): the recorders \(the kernel's not known\) drop early PFNs/)
  })
})

describe('kernelFallbackNote', () => {
  it('only when the profile was not fitted on the host kernel', () => {
    const p = {name: 'linux-7.2-before-smp', kernel: '7.2'}
    expect(kernelFallbackNote('7.2.13', p)).toBeUndefined()
    // Not known: said (it was silent, and the interval the 7.2 one alone).
    expect(kernelFallbackNote(undefined, p, [{kernel: '6.12'}])).toMatch(/^kernel not known .*using linux-7\.2-before-smp .*widened as for another series; the intervals also cover the 6\.12 series' predictions$/)
    expect(kernelFallbackNote('8.0', p)).toMatch(/^no shipped profile for kernel 8\.0: using linux-7\.2-before-smp .*extrapolation to 8\.0$/)
    expect(kernelFallbackNote('7.20', p)).toMatch(/^no shipped profile for kernel 7\.20/)
  })
})

describe('runPredict', () => {
  it('a sweep through the overflow: the table and summary, the plot first when asked, the severity', async () => {
    const r = await predictRun({...FLAGS, sweep: '600..1000', points: 5, debug: false, plot: true}, {format: 'text', width: 200})
    expect(titles(r)[0]).toBe('Recorded PFNs against CPUs')
    const plot = r.report.blocks[0] as {lines: string[]}
    // --format text: 76 ASCII columns whatever the terminal's width.
    expect(Math.max(...plot.lines.map((l) => l.length))).toBeLessThanOrEqual(76)
    expect(plot.lines.join('').match(/[^\x20-\x7e]/)).toBeNull()
    expect((r.result as {overflowAt?: number}).overflowAt).toBeGreaterThan(600)
    expect(r.severities).toEqual(['notice'])
  })

  it('--svg writes the chart; an unwritable path is an input error naming it', async () => {
    const svg = join(mkdtempSync(join(tmpdir(), 'allocscope-run-')), 'c.svg')
    await predictRun({...FLAGS, sweep: '1..64', points: 4, svg}, OUT)
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg[\s\S]*Early PFNs against CPUs/)
    const bad = join(svg, 'no', 'such.svg')
    await expect(runPredict({...FLAGS, sweep: '1..64', points: 4, svg: bad}, OUT)).rejects.toThrow(`${bad}: cannot write the SVG (a path component is not a directory)`)
  })

  it('--from a lab capture the profile was fitted on: the measured block says it is no independent check', async () => {
    const r = await predictRun({...FLAGS, from: join(SAMPLES, 'linux-7.2-pool-c64-m1024')}, OUT)
    expect(titles(r)).toContain('Measured on this boot')
    expect((r.report.blocks.find((b) => b.title === 'Measured on this boot') as {lines: string[]}).lines[0]).toMatch(/^klab early_pfn \(line \d+\): 142 early PFNs, predicted \d+ \(\d+-\d+\): inside the 90 % interval; delta -?\d+, rel .*an in-sample check, not an independent one$/)
    expect((r.result as {measured?: {calls: number}}).measured?.calls).toBe(142)
  })

  it('--from a file inside a fitted capture is in-sample too (the same rule as diff); a capture outside the fit is not', async () => {
    const file = await predictRun({...FLAGS, from: join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'dmesg.txt')}, OUT)
    expect((file.report.blocks.find((b) => b.title === 'Measured on this boot') as {lines: string[]}).lines[0]).toMatch(/an in-sample check, not an independent one$/)
    const prof = loadProfile('linux-7.2-before-smp')
    expect(fittedCapture(prof, join(SAMPLES, 'linux-7.2-pool-c64-m1024') + '/')).toBe('linux-7.2-pool-c64-m1024')
    expect(fittedCapture(prof, join(SAMPLES, 'lkml-7.0-rc4-alloc-tag-not-set', 'dmesg-excerpt.txt'))).toBeUndefined()
  })

  it('a kernel no profile was fitted on: the stand-in is a warning after the host notes', async () => {
    const r = await predictRun({...FLAGS, cpus: 8, kernel: '8.0'}, OUT)
    expect(r.warnings.at(-1)).toMatch(/^no shipped profile for kernel 8\.0/)
  })

  it('--hosts: a stream of one row per inventory host, its severity among those gated on once read', async () => {
    const drain = async (r: Awaited<ReturnType<typeof runPredict>>) => {
      if (!('stream' in r)) throw new Error('--hosts is streamed')
      const rows: {severity?: string}[] = []
      for await (const batch of r.stream.rows) rows.push(...batch.map((b) => b.value as {severity?: string}))
      return {rows, severities: r.severities(), title: r.stream.table().title}
    }
    const {rows, severities, title} = await drain(await runPredict({...FLAGS, hosts: join(SAMPLES, 'inventory.csv')}, OUT))
    expect(rows.length).toBeGreaterThan(1)
    expect(severities).toEqual([...new Set(rows.flatMap((x) => x.severity ?? []))])
    expect(title).toBe('Fleet')
    await expect(drain(await runPredict({...FLAGS, hosts: join(SAMPLES, 'no-such.csv')}, OUT))).rejects.toThrow(/no-such\.csv: cannot read the inventory \(no such file or directory\)/)
  })
})

describe('--hosts rows carry the early count\'s 90 % interval (README: every count has one)', () => {
  it('each row: eventsLow/eventsHigh are the single-host prediction\'s calls interval, in JSON and as CSV columns', async () => {
    const inventory = join(SAMPLES, 'inventory.csv')
    const hosts = parseInventory(readFileSync(inventory, 'utf8'), inventory)
    const doc = JSON.parse((await runCli(['predict', '--hosts', inventory, '--json'])).stdout)
    const rows: {name: string; events: number; eventsLow: number; eventsHigh: number}[] = doc.result.hosts
    expect(rows.length).toBe(hosts.length)
    let widened = 0
    rows.forEach((r, i) => {
      const one = predict(hosts[i].host, chooseProfile(hosts[i].host, hosts[i].profile))
      expect([r.events, r.eventsLow, r.eventsHigh], r.name).toEqual([one.calls.value, one.calls.low, one.calls.high])
      if (r.eventsHigh > r.events) widened++
    })
    // Not a degenerate interval: the shipped profiles have one, so every row's is wider than its value.
    expect(widened).toBe(rows.length)
    const csv = (await runCli(['predict', '--hosts', inventory, '--format', 'csv'])).stdout.split('\n')
    expect(csv[1]).toMatch(/^host,CPUs,window,profile,recorder,early PFNs,early PFNs low,early PFNs high,interval widened,/)
    expect(csv[2].split(',').slice(5, 8).map(Number)).toEqual([rows[0].events, rows[0].eventsLow, rows[0].eventsHigh])
  })
})

describe('predict: what it says of its own defaults and of bad paths (new-user review)', () => {
  it('no CPU count given: predicted for 1 CPU, and said; a CPU count given (a flag, the --from log) or swept: not said', async () => {
    const NOTE = 'no CPU count given (--cpus, --possible, --online) nor in a --from log (nr_cpu_ids): predicted for 1 CPU'
    const bare = await predictRun({...FLAGS}, OUT)
    expect(bare.warnings).toContain(NOTE)
    for (const f of [{cpus: 2}, {online: 1}, {from: join(SAMPLES, 'linux-7.2-pool-c64-m1024')}, {sweep: '1..4'}]) {
      const given = await predictRun({...FLAGS, ...f}, OUT)
      expect(given.warnings.join('\n'), JSON.stringify(f)).not.toMatch(/no CPU count given/)
    }
    // A real syzkaller report (no nr_cpu_ids line): it said only "default used", not which.
    const syz = await predictRun({...FLAGS, from: join(REPO, 'testdata', 'peer', 'syzkaller', '10')}, OUT)
    expect(syz.warnings).toContain(NOTE)
    const syzGiven = await predictRun({...FLAGS, from: join(REPO, 'testdata', 'peer', 'syzkaller', '10'), cpus: 4}, OUT)
    expect(syzGiven.warnings.join('\n')).not.toMatch(/no CPU count given/)
  })

  it('--profile naming a file that is no profile reads it as one and says why it is not (was: "no such profile")', () => {
    expect(() => loadProfile('/bin/sh')).toThrow(/^\/bin\/sh: not valid JSON .*; expected an allocscope profile$/)
    expect(() => loadProfile('no-such-name')).toThrow(/^no-such-name: no such profile; shipped profiles: /)
  })

  it('--profile FILE: a file in the working directory named without ./ or .json is read (was: "no such profile")', () => {
    const dir = mkdtempSync(join(tmpdir(), 'allocscope-SYNTHETIC-profile-name-'))
    const cwd = process.cwd()
    // A copy of a shipped profile under a name a user gives `calibrate --out`.
    writeFileSync(join(dir, 'bin2.dat'), readFileSync(join(REPO, 'profiles', 'linux-7.2-before-smp.json')))
    try {
      process.chdir(dir)
      const p = loadProfile('bin2.dat')
      expect(p.name).toBe('linux-7.2-before-smp (user profile bin2.dat)')
      // A shipped profile's name still names the shipped profile, whatever file shares it.
      writeFileSync(join(dir, 'linux-7.2-after-smp'), '{}')
      expect(loadProfile('linux-7.2-after-smp').name).toBe('linux-7.2-after-smp')
    } finally {
      process.chdir(cwd)
    }
  })
})

describe('extrapolation near the fitted edge', () => {
  it('1 GiB against a largest calibrated 1023.49 MiB (what the kernel reported on a 1 GiB VM) is inside: the tolerance for MemTotal < RAM (was "outside, 1.000× beyond it")', async () => {
    const {extrapolation, MEMORY_REPORT_SLACK} = await import('../../src/model/interval.js')
    const host = (memoryBytes: number) => ({possibleCpus: 4, onlineCpus: 4, memoryBytes, nodes: 1}) as never
    const range = {cpuKind: 'possible', cpus: [1, 8], memoryBytes: [1073205248, 17179332608], nodes: [1, 1], normalZone: [false, true]} as never
    const check = {kernelMatches: true, profileKernel: '7.2', facts: ['possibleCpus', 'memoryBytes', 'nodes'] as const}
    for (const m of [2 ** 30, 16 * 2 ** 30, 1073205248, 1000 * 2 ** 20]) expect(extrapolation(host(m), range, check).outside, String(m)).toEqual([])
    expect(MEMORY_REPORT_SLACK).toBe(0.03)
    // Beyond the slack: said, with the ratio to the calibrated end (three decimals near 1).
    expect(extrapolation(host(17 * 2 ** 30), range, check).outside).toEqual(['memory 17 GiB is above the largest calibrated (16383.49 MiB), 1.063× beyond it'])
    expect(extrapolation(host(512 * 2 ** 20), range, check).outside).toEqual(['memory 512 MiB is below the smallest calibrated (1023.49 MiB), 2× below it'])
  })
})
