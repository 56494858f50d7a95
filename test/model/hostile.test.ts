// Issue 14, model side: the model's cost does not grow with the host it is asked about, hosts
// outside physical sense are refused in one line naming the input (flag, or file:line of a log),
// and calibrate refuses absurd facts. Every log here is SYNTHETIC: a real sample with one line
// changed, written to a temporary directory.
import {mkdtempSync, mkdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {readCaptureFacts} from '../../src/model/capture-facts.js'
import {defaultHost, validateHost} from '../../src/model/host.js'
import {predict, sweep, sweepCpus} from '../../src/model/predict.js'
import {loadProfile} from '../../src/model/profile.js'
import {MAX_REPLAY_EVENTS, buildWorkload} from '../../src/model/workload.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

const run = (args: string[]) => runCommand(args, {root: REPO})
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-hostile-model-'))

/** A copy of a real sample's dmesg.txt with one line rewritten (synthetic). */
function derivedLog(sample: string, from: RegExp, to: string): string {
  const text = readFileSync(join(SAMPLES, sample, 'dmesg.txt'), 'utf8')
  expect(from.test(text)).toBe(true)
  const dir = join(tmp, `${sample}-synthetic-${Math.random().toString(36).slice(2, 8)}`)
  mkdirSync(dir)
  writeFileSync(join(dir, 'dmesg.txt'), text.replace(from, to))
  return dir
}

describe('predict: cost bounded by what the recorders hold, not by the host', () => {
  const profile = loadProfile('linux-7.2-before-smp')

  it('a petabyte host keeps no per-section array: the workload is the same size as at 8 GiB', () => {
    const small = buildWorkload({...defaultHost(), possibleCpus: 64, onlineCpus: 64, memoryBytes: 2 ** 33}, profile)
    const huge = buildWorkload({...defaultHost(), possibleCpus: 64, onlineCpus: 64, memoryBytes: 2 ** 50}, profile)
    expect(huge.nSections).toBe(2 ** 50 / 2 ** 27)
    expect(Object.values(huge).filter((v) => ArrayBuffer.isView(v)).reduce((s, a) => s + (a as Uint8Array).byteLength, 0)).toBeLessThanOrEqual(
      Object.values(small).filter((v) => ArrayBuffer.isView(v)).reduce((s, a) => s + (a as Uint8Array).byteLength, 0) + 64,
    )
  })

  it('a profile claiming 3e8 base calls (SYNTHETIC) is counted, not replayed: legacy exact, pool without races, in well under a second', () => {
    const huge = {...profile, name: 'synthetic-huge', terms: profile.terms.map((t) => (t.id === 'base' ? {...t, calls: 3e8, pages: 3e8} : t))}
    const t0 = performance.now()
    const p = predict({...defaultHost(), possibleCpus: 64, onlineCpus: 64}, huge)
    expect(performance.now() - t0).toBeLessThan(1000)
    expect(p.mode).toBe('counted')
    expect(p.events).toBeGreaterThan(MAX_REPLAY_EVENTS)
    expect(p.legacy!.recorded).toBe(8192)
    expect(p.legacy!.dropped).toBe(p.events - 8192)
    expect(p.pool!.recorded).toBe(p.events)
    expect(p.pool!.poolsPublished).toBe(Math.ceil(p.events / 510))
    expect(p.notes.some((n) => n.includes('exceed the 1048576 the model replays'))).toBe(true)
  })

  it('--sweep 1..65536 --points 512 on a 1 PiB host (in-process): every point, the overflow found, in seconds', () => {
    const t0 = performance.now()
    const s = sweep({...defaultHost(), memoryBytes: 2 ** 50}, profile, sweepCpus(1, 65536, 512))
    expect(s.points.length).toBe(512)
    expect(s.overflowAt).toBeGreaterThan(255)
    // Was 2 minutes (a 8M-entry section array per point); generous for a loaded 2-core machine.
    expect(performance.now() - t0).toBeLessThan(60_000)
  }, 120_000)
})

describe('hosts outside physical sense: one line naming the input', () => {
  it('flags: --memory 128P and 99999999T, --cpus 100000, --sweep 1..99999999999 (never a number the user did not type)', async () => {
    const cases: [string[], RegExp][] = [
      [['--memory', '128P'], /^--memory 128P: memory must be at most 4P/],
      // The value in exact digits (99999999 * 2^40), not JavaScript's rounded 109951161678088370000.
      [['--memory', '99999999T'], /^--memory 99999999T: memory must be at most 4P \(52-bit physical addresses\), got 109951161678088372224 bytes$/m],
      [['--cpus', '100000'], /^--cpus 100000: possible CPUs must be an integer 1\.\.65536, got 100000/],
      [['--sweep', '1..99999999999'], /^--sweep 1\.\.99999999999: HI must be at most 65536 CPUs/],
    ]
    for (const [args, want] of cases) {
      const r = await run(['predict', ...args])
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1)
      expect(r.stderr.replace(/^allocscope: /, ''), args.join(' ')).toMatch(want)
      expect(r.stderr).not.toMatch(/internal error|Invalid typed array/)
      expect(r.error?.message).toBe('EEXIT: 2')
    }
  })

  it('a boot log whose Memory: line claims 16 PiB (SYNTHETIC) is refused at its file and line, by predict --from and calibrate', async () => {
    const dir = derivedLog('linux-7.2-pool-c64-m1024', /Memory: \d+K\/\d+K available/, 'Memory: 17179869184000K/17179869184000K available')
    const line = readFileSync(join(dir, 'dmesg.txt'), 'utf8').split('\n').findIndex((l) => l.includes('Memory: 17179869184000K')) + 1
    const r = await run(['predict', '--from', dir])
    expect(r.stderr.trim()).toBe(`allocscope: ${join(dir, 'dmesg.txt')}:${line}: memory must be at most 4P (52-bit physical addresses), got ${17179869184000 * 1024} bytes`)
    expect(() => readCaptureFacts(dir)).toThrow(`${join(dir, 'dmesg.txt')}:${line}: memory must be at most 4P`)
  })

  it('calibrate refuses nr_cpu_ids:99999999999 (SYNTHETIC), naming the line', () => {
    const dir = derivedLog('linux-7.2-pool-c64-m1024', /nr_cpu_ids:64 /, 'nr_cpu_ids:99999999999 ')
    expect(() => readCaptureFacts(dir)).toThrow(/dmesg\.txt:84: possible CPUs must be an integer 1\.\.65536, got 99999999999/)
  })

  it('calibrate refuses a klab count beyond 2^53 (SYNTHETIC), showing the kernel\'s digits exactly', () => {
    const dir = derivedLog('linux-7.2-pool-c64-m1024', /untagged_calls=143 /, 'untagged_calls=9007199254740993 ')
    expect(() => readCaptureFacts(dir)).toThrow(/dmesg\.txt:\d+: klab early calls outside physical sense \(.*untagged_calls=9007199254740993 /)
  })

  it('validateHost names the origin it is given, and says the limit', () => {
    expect(() => validateHost({...defaultHost(), nodes: 5000}, {nodes: '--nodes 5000'})).toThrow(/^--nodes 5000: NUMA nodes must be an integer 1\.\.1024, got 5000$/)
  })
})

describe('a --profile that is no profile file (SYNTHETIC): refused before it is read', () => {
  it('a 5 MiB file, and a .json name that is a character device, are one line each, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'allocscope-profile-'))
    const big = join(dir, 'big.json')
    writeFileSync(big, Buffer.alloc(5 * 2 ** 20, ' '))
    const r = await run(['predict', '--profile', big])
    expect(r.stderr.trim()).toBe(`allocscope: ${big}: ${5 * 2 ** 20} bytes, more than any profile (at most 4 MiB); expected a profile JSON file (calibrate --out)`)
    expect(r.error?.message).toBe('EEXIT: 2')
    const dev = join(dir, 'zero.json')
    symlinkSync('/dev/zero', dev)
    const z = await run(['predict', '--profile', dev])
    expect(z.stderr.trim()).toBe(`allocscope: ${dev}: not a regular file; expected a profile JSON file (calibrate --out)`)
    expect(z.error?.message).toBe('EEXIT: 2')
  })
})
