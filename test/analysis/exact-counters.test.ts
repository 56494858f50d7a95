// Counters as the kernel printed them (issue 14, "Wrong numbers"): `analyse --json` writes a
// counter beyond 2^53 as its exact decimal digits (README: "counters beyond 2^53 are decimal
// strings"), not a rounded double (1e+23, 18446744073709552000); a klab counter no kernel can print
// (negative, beyond 64 bits) is flagged with its line, a warning, instead of "pool use -5 PFNs".
// The logs are DERIVED from the real sample linux-7.2-pool-c64-m1024: its klab: and Memory: lines
// rewritten with the hostile numbers, nothing else changed.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {afterAll, describe, expect, it} from 'vitest'
import {analyseBootLogText, counterWarnings} from '../../src/analysis/read.js'
import {buildAnalyseReport} from '../../src/analysis/report.js'
import {parseCount} from '../../src/readers/count.js'
import {renderReport} from '../../src/render/format.js'
import {toJson} from '../../src/render/json.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

const LOG = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'dmesg.txt')
const REAL = readFileSync(LOG, 'utf8')
const KLAB = 'klab: early_pfn recorded=142 pools=1 '
const MEMORY = 'Memory: 982156K/1048052K available'
const U64_MAX = '18446744073709551615'
const T = mkdtempSync(join(tmpdir(), 'allocscope-counters-'))
afterAll(() => rmSync(T, {recursive: true, force: true}))

/** The real log with its klab: early_pfn and Memory: lines rewritten (DERIVED). */
function derived(klab: string, memory = MEMORY): string {
  expect(REAL).toContain(KLAB)
  expect(REAL).toContain(MEMORY)
  return REAL.replace(KLAB, klab).replace(MEMORY, memory)
}
const klabLine = REAL.split('\n').findIndex((l) => l.includes(KLAB)) + 1

describe('parseCount: one exact path', () => {
  it('a number while exact, a bigint beyond 2^53, both ways round the edge', () => {
    expect(parseCount('9007199254740991')).toBe(9007199254740991)
    expect(parseCount('9007199254740993')).toBe(9007199254740993n)
    expect(parseCount(U64_MAX)).toBe(18446744073709551615n)
    expect(parseCount('-9007199254740993')).toBe(-9007199254740993n)
    expect(parseCount('-5')).toBe(-5)
  })
})

describe('analyse --json: counters beyond 2^53 as exact decimal strings', () => {
  const a = analyseBootLogText(derived(`klab: early_pfn recorded=${U64_MAX} pools=1 `, 'Memory: 100000000000000000000000K/100000000000000000000001K available'), 'derived.log')
  const json = JSON.parse(toJson('analyse', a)) as {result: {klab: {kind: string; values: Record<string, unknown>}[]; host: Record<string, {value: unknown}>}}

  it('the klab counter u64 max: "18446744073709551615", not 18446744073709552000', () => {
    expect(json.result.klab.find((k) => k.kind === 'early_pfn')!.values.recorded).toBe(U64_MAX)
    // A counter within 2^53 stays a JSON number.
    expect(json.result.klab.find((k) => k.kind === 'early_pfn')!.values.pools).toBe(1)
  })

  it('the Memory: line\'s KiB: exact digits, not 1e+23', () => {
    expect(json.result.host.memoryAvailableKiB.value).toBe('100000000000000000000000')
    expect(json.result.host.memoryTotalKiB.value).toBe('100000000000000000000001')
    expect(json.result.host.possibleCpus.value).toBe(64)
  })

  it('the text report prints the kernel\'s digits', () => {
    const text = renderReport(buildAnalyseReport(a, {traces: false, bytes: true}), 'text', {width: 79})
    expect(text).toContain(`recorded=${U64_MAX}`)
    expect(text).toContain('102400000000000000000001024') // 100000000000000000000001 KiB in bytes, exact
    expect(counterWarnings(a)).toEqual([])
  })
})

describe('a klab counter no kernel can print is flagged with its line', () => {
  it('recorded=-5: a warning naming file:line, "not computed" instead of "pool use -5 PFNs", the anomaly in --json', () => {
    const a = analyseBootLogText(derived('klab: early_pfn recorded=-5 pools=1 '), 'derived.log')
    const k = a.klab.find((x) => x.kind === 'early_pfn')!
    expect(k.line).toBe(klabLine)
    expect(k.bad).toEqual([{metric: 'recorded', digits: '-5', problem: 'negative'}])
    expect(counterWarnings(a)).toEqual([`derived.log:${klabLine}: klab early_pfn recorded=-5 is negative, which no kernel counter can be (a damaged line or broken instrumentation)`])
    const text = renderReport(buildAnalyseReport(a, {traces: false, bytes: false}), 'text', {width: 200})
    expect(text).toMatch(/pool recorded +not computed: recorded=-5 is negative/)
    expect(text).not.toContain('-5 PFNs')
  })

  it('beyond 64 bits (u64 max + 1) is flagged too; u64 max itself is not', () => {
    const a = analyseBootLogText(derived('klab: early_pfn recorded=18446744073709551616 pools=1 '), 'derived.log')
    expect(a.klab.find((x) => x.kind === 'early_pfn')!.bad).toEqual([{metric: 'recorded', digits: '18446744073709551616', problem: 'beyond 64 bits'}])
  })

  it('the CLI: the warning on stderr, and --fail-on warning exits 1 on it alone', async () => {
    const p = join(T, 'negative.log')
    writeFileSync(p, derived('klab: early_pfn recorded=-5 pools=1 '))
    const clean = await runCommand(['analyse', join(SAMPLES, 'linux-7.2-pool-c64-m1024'), '--fail-on', 'warning'], {root: REPO})
    expect(clean.error).toBeUndefined()
    const {stderr, error} = await runCommand(['analyse', p, '--fail-on', 'warning'], {root: REPO})
    expect(stderr).toContain(`${p}:${klabLine}: klab early_pfn recorded=-5 is negative`)
    expect(error?.oclif?.exit).toBe(1)
  })
})
