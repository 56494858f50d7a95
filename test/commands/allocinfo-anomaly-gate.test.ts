// A dump's accounting anomalies read beside a boot log (analyse --allocinfo, diff's one capture)
// are shown by kind with their severity, so the output says what tripped --fail-on (README
// Severity): analyse exited 1 under "No findings." with only "anomalies 2", and diff exited 0 on
// the same pair.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {dataLine, derivedModuleTags, derivedNegativeBytes, realText} from '../helpers/allocinfo-derived.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

const run = (args: string[]) => runCommand(args, {root: REPO})
const exitCode = (e: {oclif?: {exit?: number}} | undefined) => (e === undefined ? 0 : (e.oclif?.exit ?? -1))
const LOG = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'dmesg.txt')

/** DERIVED: the real sample dump with its first site line's bytes -4096 (its duplicate key kept). */
function negativeDump(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'anomaly-gate-')), 'neg.txt')
  writeFileSync(path, derivedNegativeBytes(realText(), 0))
  return path
}

const NEGATIVE = {kind: 'negative-bytes', severity: 'warning', count: 1, example: {line: 3, key: 'init/main.c:1423 do_initcalls', detail: 'bytes -4096 < 0'}}
const DUPLICATE = {kind: 'duplicate-key', severity: 'info', count: 1}

describe('allocinfo anomalies beside a boot log', () => {
  it('analyse --allocinfo: JSON carries each kind with its severity, most severe first; --fail-on warning exits 1', async () => {
    const neg = negativeDump()
    const r = await run(['analyse', LOG, '--allocinfo', neg, '--fail-on', 'warning', '--json'])
    expect(exitCode(r.error)).toBe(1)
    const a = JSON.parse(r.stdout).result.allocinfo
    expect(a.anomalies).toBe(2)
    expect(a.anomalyCounts).toEqual({'negative-bytes': 1, 'duplicate-key': 1})
    expect(a.anomalyKinds).toMatchObject([NEGATIVE, DUPLICATE])
  })

  it('analyse --allocinfo: the text report names the kind and severity that tripped the gate', async () => {
    const r = await run(['analyse', LOG, '--allocinfo', negativeDump(), '--fail-on', 'warning', '--format', 'text', '--block', 'accounting'])
    expect(exitCode(r.error)).toBe(1)
    expect(r.stdout).toMatch(/^warning +negative-bytes +1 +3 +init\/main\.c:1423/m)
    expect(r.stdout).toMatch(/^info +duplicate-key +1 +163 /m)
  })

  it('analyse on the bundled sample: --fail-on info shows the duplicate key it trips on', async () => {
    const r = await run(['analyse', join(SAMPLES, 'linux-7.2-pool-c64-m1024'), '--fail-on', 'info', '--format', 'csv', '--block', 'accounting'])
    expect(exitCode(r.error)).toBe(1)
    expect(r.stdout.split('\n')[0]).toBe('severity,kind,count,line,site,detail')
    expect(r.stdout).toContain('info,duplicate-key,1,163,')
  })

  it('diff <log> --allocinfo gates as analyse does on the same pair, and shows why', async () => {
    const neg = negativeDump()
    const d = await run(['diff', LOG, '--allocinfo', neg, '--fail-on', 'warning', '--json'])
    const a = await run(['analyse', LOG, '--allocinfo', neg, '--fail-on', 'warning', '--json'])
    expect([exitCode(d.error), exitCode(a.error)]).toEqual([1, 1])
    expect(JSON.parse(d.stdout).result.anomalyKinds).toMatchObject([NEGATIVE, DUPLICATE])
    const real = await run(['diff', LOG, '--allocinfo', join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt'), '--fail-on', 'warning', '--json'])
    expect(exitCode(real.error)).toBe(0)
  })

  it('allocinfo: each anomaly row carries its severity', async () => {
    const r = await run(['allocinfo', negativeDump(), '--format', 'csv', '--block', 'anomalies'])
    expect(r.stdout.split('\n')[0]).toBe('severity,line,kind,site,detail')
    expect(r.stdout).toContain('warning,3,negative-bytes,init/main.c:1423 do_initcalls,bytes -4096 < 0')
  })
})

/** DERIVED: the real sample dump with every fs/ site tagged [foo] (a module), and negative bytes at the first init/ site (built-in) and, when `inModule`, at the first fs/ site too. */
function moduleDump(inModule: boolean): string {
  let text = derivedNegativeBytes(realText(), 0)
  if (inModule) {
    let n = 0
    while (!/ fs\//.test(dataLine(text, n))) n++
    text = derivedNegativeBytes(text, n)
  }
  const path = join(mkdtempSync(join(tmpdir(), 'anomaly-scope-')), 'derived-module.txt')
  writeFileSync(path, derivedModuleTags(text, 'fs/', 'foo'))
  return path
}

describe('allocinfo --module/--file/--function scope the anomalies: listed and gated on only at the sites they keep', () => {
  it('--module foo: the built-in site\'s negative bytes is not listed nor gated on, and the output says so', async () => {
    const dump = moduleDump(false)
    const r = await run(['allocinfo', dump, '--module', 'foo', '--fail-on', 'warning', '--json'])
    expect(exitCode(r.error)).toBe(0)
    const res = JSON.parse(r.stdout).result
    expect([res.anomalies, res.anomalyCounts, res.anomaliesOutsideFilters]).toEqual([[], {}, 2])
    const text = await run(['allocinfo', dump, '--module', 'foo', '--format', 'text'])
    expect(text.stdout).toContain('2 anomalies outside --module (not gated on)')
    // Unfiltered, the same dump trips the gate.
    expect(exitCode((await run(['allocinfo', dump, '--fail-on', 'warning', '--json'])).error)).toBe(1)
  })

  it('--module foo with a negative site in foo: that one is listed and gates; --file ^init/ keeps the built-in one', async () => {
    const dump = moduleDump(true)
    const foo = await run(['allocinfo', dump, '--module', 'foo', '--fail-on', 'warning', '--json'])
    expect(exitCode(foo.error)).toBe(1)
    const res = JSON.parse(foo.stdout).result
    expect(res.anomalies.map((a: {kind: string; key: string}) => [a.kind, a.key.endsWith('[foo]')])).toEqual([['negative-bytes', true]])
    expect([res.anomalyCounts, res.anomaliesOutsideFilters]).toEqual([{'negative-bytes': 1}, 2])
    const init = JSON.parse((await run(['allocinfo', dump, '--file', '^init/', '--json'])).stdout).result
    expect(init.anomalies.map((a: {key: string}) => a.key)).toEqual(['init/main.c:1423 do_initcalls'])
    expect(init.anomaliesOutsideFilters).toBe(2)
  })

  it('--min and --accurate-no select rows only: every anomaly is still listed and gated on', async () => {
    const r = await run(['allocinfo', moduleDump(false), '--min', '1M', '--fail-on', 'warning', '--json'])
    expect(exitCode(r.error)).toBe(1)
    const res = JSON.parse(r.stdout).result
    expect([res.anomalies.length, res.anomaliesOutsideFilters]).toEqual([2, undefined])
  })
})

describe('diff of one capture applies --module/--file/--function as the two-dump diff does: the rules and anomalies of the sites they keep', () => {
  it('--module foo: a built-in site\'s negative bytes is neither shown nor gated on, and the result says the filter and what it left out', async () => {
    const r = await run(['diff', LOG, '--allocinfo', moduleDump(false), '--module', 'foo', '--fail-on', 'warning', '--json'])
    expect(exitCode(r.error)).toBe(0)
    const res = JSON.parse(r.stdout).result
    expect([res.filter, res.anomalyKinds, res.anomaliesOutsideFilters]).toEqual([{module: 'foo'}, undefined, 2])
    const text = await run(['diff', LOG, '--allocinfo', moduleDump(false), '--module', 'foo', '--format', 'text'])
    expect(text.stdout.replace(/\n +/g, ' ')).toMatch(/filter +module=foo \(the allocinfo-side rules and anomalies: the sites it keeps; 2 anomalies outside --module \(not gated on\)\)/)
  })

  it('--module foo with a negative site in foo: that one is shown and gates', async () => {
    const r = await run(['diff', LOG, '--allocinfo', moduleDump(true), '--module', 'foo', '--fail-on', 'warning', '--json'])
    expect(exitCode(r.error)).toBe(1)
    const res = JSON.parse(r.stdout).result
    expect(res.anomalyKinds).toMatchObject([{kind: 'negative-bytes', count: 1, example: {key: expect.stringMatching(/^fs\/.* \[foo\]$/)}}])
    expect(res.anomaliesOutsideFilters).toBe(2)
  })

  it('the allocinfo-side rules judge the kept sites only: no accurate:no site in foo, the tracking site outside it', async () => {
    const outcome = (res: {outcomes: {rule: string; status: string; message: string; data?: Record<string, unknown>}[]}, rule: string) => res.outcomes.find((o) => o.rule === rule)!
    const all = JSON.parse((await run(['diff', LOG, '--allocinfo', moduleDump(false), '--json'])).stdout).result
    const foo = JSON.parse((await run(['diff', LOG, '--allocinfo', moduleDump(false), '--module', 'foo', '--json'])).stdout).result
    expect([outcome(all, 'inaccurate-counters').data?.inaccurate, outcome(foo, 'inaccurate-counters').data?.inaccurate]).toEqual([6, 0])
    expect(outcome(all, 'leaked-accounting').status).toBe('ok')
    expect(outcome(foo, 'leaked-accounting')).toMatchObject({status: 'n/a', message: 'no tracking allocation site among the sites the filters keep (module=foo)'})
  })
})

// The two-dump diff kept only the anomalies of the sites --module/--file/--function keep, without a
// word about the others, where allocinfo, trend and one capture's diff count them (anomaliesOutsideFilters).
describe('diff of two dumps counts the anomalies outside --module/--file/--function, as allocinfo, trend and one capture do', () => {
  it("--file '^mm/': the built-in negative site and the duplicate key are counted, in words naming --file alone", async () => {
    const [a, b] = [join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt'), negativeDump()]
    const r = await run(['diff', a, b, '--file', '^mm/', '--fail-on', 'warning', '--json'])
    expect(exitCode(r.error)).toBe(0)
    const d = JSON.parse(r.stdout).result.allocinfo
    // negative-bytes at init/main.c (b only) and the duplicate key (both dumps), each once.
    expect([d.anomalies.appeared, d.anomalies.both, d.anomaliesOutsideFilters]).toEqual([[], 0, 2])
    const text = await run(['diff', a, b, '--file', '^mm/', '--format', 'text'])
    expect(text.stdout).toContain('2 anomalies outside --file (not gated on)')
    const unfiltered = JSON.parse((await run(['diff', a, b, '--json'])).stdout).result.allocinfo
    expect(unfiltered.anomaliesOutsideFilters).toBeUndefined()
  })

  it("--file '^init/' keeps the negative site: shown and gated on; one anomaly outside, in the singular", async () => {
    const [a, b] = [join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt'), negativeDump()]
    const r = await run(['diff', a, b, '--file', '^init/', '--module', '^$', '--fail-on', 'warning', '--json'])
    expect(exitCode(r.error)).toBe(1)
    const d = JSON.parse(r.stdout).result.allocinfo
    expect([d.anomalies.appeared.map((x: {kind: string}) => x.kind), d.anomaliesOutsideFilters]).toEqual([['negative-bytes'], 1])
    const text = await run(['diff', a, b, '--file', '^init/', '--module', '^$', '--format', 'text'])
    expect(text.stdout).toContain('1 anomaly outside --module/--file (not gated on)')
  })
})
