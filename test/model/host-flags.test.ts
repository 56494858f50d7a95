// Every host flag of predict is read by one parser (src/model/host-flags.ts), with and without
// --from: a bad value is refused the same way (the flag, the value, what was expected; exit 2) and
// a good one sets the same fact. A review found --memory lots refused without --from and silently
// ignored over a capture (the capture's memory predicted, exit 0).
import {existsSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {UsageError} from '../../src/errors.js'
import {type HostFlags, hostInput} from '../../src/model/host-input.js'
import {type PredictFlags, runPredict} from '../../src/model/run.js'
import {runCli} from '../helpers/cli.js'
import {REPO, SAMPLES, TESTDATA_CAPTURES} from '../helpers/paths.js'
import {PREDICT_FLAGS as FLAGS} from '../helpers/predict-flags.js'

/** A real capture: 64 possible CPUs, 1023 MiB, 1 node, a 7.2 kernel. */
const FROM = join(SAMPLES, 'linux-7.2-pool-c64-m1024')

/** Each host flag with a value it refuses, the refusal, a value it takes, and the fact that value sets. */
const CASES: {flag: string; bad: unknown; refusal: string; good: unknown; fact: string; value: unknown}[] = [
  {flag: 'cpus', bad: 0, refusal: '--cpus 0: expected a whole number of at least 1', good: 8, fact: 'possibleCpus', value: 8},
  {flag: 'possible', bad: 2.5, refusal: '--possible 2.5: expected a whole number of at least 1', good: 128, fact: 'possibleCpus', value: 128},
  {flag: 'online', bad: -1, refusal: '--online -1: expected a whole number of at least 1', good: 1, fact: 'onlineCpus', value: 1},
  {flag: 'memory', bad: 'lots', refusal: '--memory lots: expected a size such as 64G or 512M', good: '4G', fact: 'memoryBytes', value: 4 * 2 ** 30},
  {flag: 'nodes', bad: 0, refusal: '--nodes 0: expected a whole number of at least 1', good: 2, fact: 'nodes', value: 2},
  {flag: 'page-size', bad: '8K', refusal: '--page-size 8K: expected 4K, 16K or 64K', good: '16K', fact: 'pageSize', value: 16384},
  {flag: 'word-bits', bad: '16', refusal: '--word-bits 16: expected 64 or 32', good: '32', fact: 'wordBytes', value: 4},
  {flag: 'debug', bad: 'yes', refusal: '--debug yes: expected --debug or --no-debug', good: false, fact: 'debug', value: false},
  {flag: 'early-page-ext', bad: 1, refusal: '--early-page-ext 1: expected --early-page-ext or --no-early-page-ext', good: true, fact: 'earlyPageExt', value: true},
  {flag: 'deferred-init', bad: 'no', refusal: '--deferred-init no: expected --deferred-init or --no-deferred-init', good: false, fact: 'deferredInit', value: false},
  {flag: 'compressed', bad: 'on', refusal: '--compressed on: expected --compressed or --no-compressed', good: true, fact: 'compressed', value: true},
  {flag: 'gb-pages', bad: 0, refusal: '--gb-pages 0: expected --gb-pages or --no-gb-pages', good: false, fact: 'gbPages', value: false},
  {flag: 'kasan', bad: 'y', refusal: '--kasan y: expected --kasan or --no-kasan', good: true, fact: 'kasan', value: true},
  {flag: 'kmemleak', bad: 'y', refusal: '--kmemleak y: expected --kmemleak or --no-kmemleak', good: true, fact: 'kmemleak', value: true},
  {flag: 'kernel', bad: 'banana', refusal: '--kernel banana: not a kernel release; expected one such as 7.2 or 6.12.117 (as uname -r prints it)', good: '6.12', fact: 'kernel', value: '6.12'},
]

const flags = (flag: string, v: unknown, from?: string): HostFlags => ({...FLAGS, [flag]: v, given: [flag], ...(from ? {from} : {})}) as HostFlags

describe('host flags: one parser with and without --from', () => {
  it('covers every host flag of predict (HostFlags but from, boot and given)', () => {
    const hostFlags = ['cpus', 'possible', 'online', ...Object.keys(FLAGS).filter((k) => !['tracker', 'seed', 'points', 'plot'].includes(k)), 'kernel']
    expect(CASES.map((c) => c.flag).sort()).toEqual([...new Set(hostFlags)].sort())
  })

  for (const c of CASES) {
    it(`--${c.flag} ${String(c.bad)} is refused the same way without and with --from`, async () => {
      await expect(hostInput(flags(c.flag, c.bad))).rejects.toThrow(new UsageError(c.refusal))
      await expect(hostInput(flags(c.flag, c.bad, FROM))).rejects.toThrow(new UsageError(c.refusal))
    })

    it(`--${c.flag} ${String(c.good)} sets ${c.fact} without and with --from`, async () => {
      // --online 1 needs no --possible: the flags' host has 1 CPU, the capture 64.
      expect((await hostInput(flags(c.flag, c.good))).host).toMatchObject({[c.fact]: c.value})
      expect((await hostInput(flags(c.flag, c.good, FROM))).host).toMatchObject({[c.fact]: c.value})
    })
  }

  it('a value beyond physical sense names the flag either way (validateHost, from the origin the parser records)', async () => {
    for (const [flag, v, why] of [
      ['memory', '128P', '--memory 128P: memory must be at most 4P'],
      ['cpus', 70000, '--cpus 70000: possible CPUs must be an integer 1..65536'],
      ['nodes', 5000, '--nodes 5000: NUMA nodes must be an integer 1..1024'],
    ] as const) {
      const out = {format: 'json', width: 80}
      await expect(runPredict(flags(flag, v) as PredictFlags, out), flag).rejects.toThrow(why)
      await expect(runPredict(flags(flag, v, FROM) as PredictFlags, out), flag).rejects.toThrow(why)
    }
  })
})

describe('CPU flags over a capture', () => {
  const MAXCPUS4 = join(TESTDATA_CAPTURES, 'linux-7.2-pool-c64-m1024-maxcpus4')

  it('--possible alone keeps the online CPUs the capture states (maxcpus=4), at most the possible ones; each change said by its flag', async () => {
    const up = await hostInput({...FLAGS, from: MAXCPUS4, possible: 128, given: ['possible']})
    expect([up.host.possibleCpus, up.host.onlineCpus]).toEqual([128, 4])
    expect(up.overrides).toEqual([expect.stringMatching(/^--possible 128 overrides the capture's possible CPUs \(64, /)])
    const down = await hostInput({...FLAGS, from: MAXCPUS4, possible: 2, given: ['possible']})
    expect([down.host.possibleCpus, down.host.onlineCpus]).toEqual([2, 2])
    // Was "dmesg.txt:153 overrides the capture's online CPUs (4, dmesg.txt:153)": the log line as the flag.
    expect(down.overrides).toEqual([expect.stringMatching(/^--possible 2 overrides the capture's possible CPUs \(64, /), expect.stringMatching(/^--possible 2 overrides the capture's online CPUs \(4, .*dmesg\.txt:\d+\): predicted for 2,/)])
  })

  it('without --from, --possible alone: online follows it; --cpus gives both; --possible and --online win over --cpus', async () => {
    const h = async (f: Partial<HostFlags>) => (await hostInput({...FLAGS, ...f})).host
    expect(await h({possible: 16})).toMatchObject({possibleCpus: 16, onlineCpus: 16})
    expect(await h({cpus: 64})).toMatchObject({possibleCpus: 64, onlineCpus: 64, origins: {possibleCpus: '--cpus 64', onlineCpus: '--cpus 64'}})
    expect(await h({cpus: 8, possible: 64})).toMatchObject({possibleCpus: 64, onlineCpus: 8, origins: {possibleCpus: '--possible 64', onlineCpus: '--cpus 8'}})
  })
})

describe.skipIf(!existsSync(join(REPO, 'dist', 'commands')))('predict --memory lots (built CLI)', () => {
  it('exit 2 and the same one line with and without --from (was exit 0 over a capture, the capture\'s memory predicted)', async () => {
    const bare = await runCli(['predict', '--memory', 'lots'])
    const over = await runCli(['predict', '--memory', 'lots', '--from', FROM])
    for (const r of [bare, over]) {
      expect(r.status).toBe(2)
      expect(r.stderr).toBe('allocscope: --memory lots: expected a size such as 64G or 512M\n')
    }
  })
})
