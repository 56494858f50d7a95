// The host a predict request describes (src/model/host-input.ts), in-process: the flags' host, a
// real capture's (--from), and the CPU and --kernel flags over either, each fact naming its origin.
import {copyFileSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {InputError, UsageError} from '../../src/errors.js'
import {checkRelease} from '../../src/model/host-flags.js'
import {type HostFlags, hostFromCapture, hostFromFlags, hostInput} from '../../src/model/host-input.js'
import {gzipSync} from 'node:zlib'
import {SAMPLES, TESTDATA_CAPTURES} from '../helpers/paths.js'
import {PREDICT_FLAGS as FLAGS} from '../helpers/predict-flags.js'


const cpus = (f: Pick<HostFlags, 'cpus' | 'possible' | 'online'>) => {
  const host = hostFromFlags({...FLAGS, ...f})
  return {possible: host.possibleCpus, online: host.onlineCpus, origins: host.origins}
}
const CPU_ORIGINS = {memoryBytes: '--memory 1G', nodes: '--nodes 1'}

describe('hostFromFlags: the CPU flags', () => {
  it('--cpus sets possible and online, each naming --cpus', () => {
    expect(cpus({cpus: 64})).toEqual({possible: 64, online: 64, origins: {...CPU_ORIGINS, possibleCpus: '--cpus 64', onlineCpus: '--cpus 64'}})
  })

  it('--possible and --online each win over --cpus for their own count', () => {
    expect(cpus({cpus: 8, possible: 64})).toEqual({possible: 64, online: 8, origins: {...CPU_ORIGINS, possibleCpus: '--possible 64', onlineCpus: '--cpus 8'}})
    expect(cpus({possible: 64, online: 4})).toEqual({possible: 64, online: 4, origins: {...CPU_ORIGINS, possibleCpus: '--possible 64', onlineCpus: '--online 4'}})
    // --possible alone: online follows it.
    expect(cpus({possible: 16})).toMatchObject({possible: 16, online: 16})
  })

  it('--online alone keeps possible, so validateHost can refuse online > possible naming --online', () => {
    expect(cpus({online: 4})).toEqual({possible: 1, online: 4, origins: {...CPU_ORIGINS, onlineCpus: '--online 4'}})
  })
})

describe('hostFromFlags', () => {
  it('sizes and word bits become bytes; memory and nodes name their flags', () => {
    const h = hostFromFlags({...FLAGS, memory: '2T', nodes: 4, 'page-size': '16K', 'word-bits': '32', debug: false})
    expect([h.memoryBytes, h.nodes, h.pageSize, h.wordBytes, h.debug]).toEqual([2 * 2 ** 40, 4, 16384, 4, false])
    expect(h.origins).toEqual({memoryBytes: '--memory 2T', nodes: '--nodes 4'})
  })

  it('a memory that is not a size is refused naming the flag and the value', () => {
    expect(() => hostFromFlags({...FLAGS, memory: 'lots'})).toThrow(new UsageError('--memory lots: expected a size such as 64G or 512M'))
  })
})

describe('checkRelease', () => {
  it('takes what uname -r prints and refuses the rest', () => {
    for (const r of ['7.2', '6.12.117', '6.13.0-rc4-debug', '6.10.0-27-amd64']) expect(checkRelease(r)).toBe(r)
    // A release, but before profiling: the one rule (releases.ts unsupportedRelease) says why.
    expect(() => checkRelease('6.1.0-27-amd64')).toThrow('--kernel 6.1.0-27-amd64: CONFIG_MEM_ALLOC_PROFILING does not exist before 6.10')
    for (const r of ['banana', '7', '7.2 ', 'v7.2']) expect(() => checkRelease(r)).toThrow(/not a kernel release; expected one such as 7\.2/)
  })
})

describe('hostInput', () => {
  it('flags only: a --kernel is a stated guess of the recorder; no --kernel, no recorder', async () => {
    const a = await hostInput({...FLAGS, cpus: 8, kernel: '7.2.13'})
    expect(a.host.kernel).toBe('7.2.13')
    expect(a.recorder?.recorder).toBe('pool')
    expect(a.recorder?.recorderReason).toMatch(/^a guess from --kernel 7\.2\.13 .*--recorder if you know$/)
    expect((await hostInput({...FLAGS, cpus: 8})).recorder).toBeUndefined()
  })

  it('--from a real capture: its host, its klab count and its recorder evidence; --cpus overrides the log', async () => {
    const from = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
    const a = await hostInput({...FLAGS, from})
    expect([a.host.possibleCpus, a.host.kernel?.startsWith('7.2')]).toEqual([64, true])
    expect(a.measured).toMatchObject({kind: 'early_pfn', calls: 142})
    expect(a.recorder?.recorder).toBe('pool')
    expect(a.recorder?.recorderReason.startsWith(join(from, 'dmesg.txt'))).toBe(true)
    const b = await hostInput({...FLAGS, from, cpus: 128})
    expect([b.host.possibleCpus, b.host.onlineCpus]).toEqual([128, 128])
    expect(b.host.origins?.possibleCpus).toBe('--cpus 128')
    // The memory still comes from the log, with its line.
    expect(b.host.origins?.memoryBytes).toMatch(/dmesg\.txt:\d+$/)
  })

  it('--from a capture directory with an allocinfo but no boot log is refused naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'allocscope-host-input-'))
    copyFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt'), join(dir, 'allocinfo.txt'))
    await expect(hostFromCapture(dir, undefined)).rejects.toThrow(InputError)
    await expect(hostFromCapture(dir, undefined)).rejects.toThrow(`${dir}: no boot log to take the host from`)
  })

  it('--from a DERIVED boot of 6.1 (a real 7.2 log with its Linux version line changed): refused, the feature is newer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'allocscope-host-input-'))
    const log = readFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'dmesg.txt'), 'utf8').replace(/Linux version 7\.2\.\d+/, 'Linux version 6.1.0')
    writeFileSync(join(dir, 'dmesg.txt'), log)
    await expect(hostInput({...FLAGS, from: join(dir, 'dmesg.txt')})).rejects.toThrow(/dmesg\.txt: the boot's kernel 6\.1\.0: CONFIG_MEM_ALLOC_PROFILING does not exist before 6\.10: nothing to predict$/)
    await expect(hostInput({...FLAGS, cpus: 4, kernel: '6.9'})).rejects.toThrow(UsageError)
  })
})

describe('hostInput --from: the flags over a capture', () => {
  const NO_LINES = join(SAMPLES, 'lkml-7.0-rc4-alloc-tag-not-set')

  it('a fact a typed flag supplies drops the note that the log lacks it; the others stay', async () => {
    const bare = await hostInput({...FLAGS, from: NO_LINES})
    expect(bare.notes.filter((n) => /CPUs|NUMA nodes|Memory: line/.test(n))).toHaveLength(4)
    const a = await hostInput({...FLAGS, from: NO_LINES, cpus: 8, memory: '4G', nodes: 2, given: ['cpus', 'memory', 'nodes']})
    expect(a.notes.filter((n) => /CPUs|NUMA nodes|Memory: line/.test(n))).toEqual([])
    expect(a.notes.some((n) => n.startsWith('GB pages unknown'))).toBe(true)
    // --possible alone: online still follows it, not read from the log, and the note stays.
    const p = await hostInput({...FLAGS, from: NO_LINES, possible: 8})
    expect(p.notes.filter((n) => /CPUs/.test(n))).toEqual(['online CPUs not in the log (boot cut short?): taken equal to possible CPUs'])
  })

  it('KASAN frames (lines 25-26) without its init line: the default (no) is said, as the CPU default is (CPU#5: at least 6); --kasan fills it in without a word', async () => {
    const bare = await hostInput({...FLAGS, from: NO_LINES})
    expect(bare.host.kasan).toBe(false)
    expect(bare.notes).toContainEqual(expect.stringMatching(/^KASAN not in the log .*: default no used, though its stacks show KASAN frames \(kasan_quarantine_reduce, line 25; __kasan_slab_alloc, line 26\)/))
    expect(bare.notes).toContainEqual(expect.stringMatching(/^possible CPUs \(nr_cpu_ids\) not in the log: default used, though the report at line 1 ran on CPU#5: at least 6 CPUs$/))
    const k = await hostInput({...FLAGS, from: NO_LINES, kasan: true, given: ['kasan']})
    expect(k.host.kasan).toBe(true)
    expect(k.notes.some((n) => n.startsWith('KASAN'))).toBe(false)
    expect(k.overrides ?? []).toEqual([])
    // A log whose KASAN line is absent from the start of the boot (no KASAN frames): no note, as before.
    const c4 = await hostInput({...FLAGS, from: join(TESTDATA_CAPTURES, 'linux-7.2-pool-c4-m1024')})
    expect(c4.notes.some((n) => n.startsWith('KASAN'))).toBe(false)
  })

  it('--no-debug over a log whose DEBUG is inferred drops the inference note', async () => {
    const from = join(SAMPLES, 'linux-6.12-nodebug_smp064_1G')
    expect((await hostInput({...FLAGS, from})).notes.some((n) => n.startsWith('DEBUG inferred off'))).toBe(true)
    expect((await hostInput({...FLAGS, from, debug: false, given: ['debug']})).notes.some((n) => n.startsWith('DEBUG inferred off'))).toBe(false)
  })

  it('--memory 1G over a capture whose kernel reported 1023 MiB is the same host (MEMORY_REPORT_SLACK); 2G is another', async () => {
    const from = join(TESTDATA_CAPTURES, 'linux-7.2-legacylate-c8-m1024')
    const bare = await hostInput({...FLAGS, from})
    const same = await hostInput({...FLAGS, from, memory: '1G', given: ['memory']})
    expect(same.overrides).toBeUndefined()
    expect([same.host.memoryBytes, same.host.origins?.memoryBytes]).toEqual([bare.host.memoryBytes, bare.host.origins?.memoryBytes])
    const other = await hostInput({...FLAGS, from, memory: '2G', given: ['memory']})
    expect(other.overrides).toEqual([expect.stringMatching(/^--memory 2G overrides the capture's memory \(1023 MiB, .*dmesg\.txt:\d+\)/)])
    // A memory the log does not state is the flag's, however near the default.
    expect((await hostInput({...FLAGS, from: NO_LINES, memory: '1000M', given: ['memory']})).host.memoryBytes).toBe(1000 * 2 ** 20)
  })

  /** DERIVED: the real pool capture's log without its klab: lines, and its allocinfo gzipped and cut at `bytes`. */
  const cutCapture = (bytes: number): string => {
    const dir = mkdtempSync(join(tmpdir(), 'allocscope-host-input-'))
    const src = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
    writeFileSync(join(dir, 'dmesg.txt'), readFileSync(join(src, 'dmesg.txt'), 'utf8').split('\n').filter((l) => !l.includes('klab:')).join('\n'))
    writeFileSync(join(dir, 'allocinfo.txt.gz'), gzipSync(readFileSync(join(src, 'allocinfo.txt'))).subarray(0, bytes))
    return dir
  }

  it('a cut allocinfo dump is said, with the line it ends at; the tracking site may lie beyond it', async () => {
    const a = await hostInput({...FLAGS, from: cutCapture(6000)})
    expect(a.notes).toEqual([expect.stringMatching(/allocinfo\.txt\.gz: cut short \(the gzip stream ends early.*\) after line \d+: only lines 1-\d+ read .*__alloc_tag_add_early_pfn is not among them, and may lie beyond the cut$/)])
    expect(a.dump).toMatchObject({used: true, reason: expect.stringMatching(/; cut short .* after line \d+: only lines 1-\d+ read for the recorder evidence$/)})
    expect(a.recorder?.recorderReason).toMatch(/dmesg\.txt: a guess from the release/)
  })

  it('the tracking site read before the cut counts as evidence', async () => {
    const a = await hostInput({...FLAGS, from: cutCapture(10000)})
    expect(a.notes).toEqual([expect.stringMatching(/cut short .* the pfn_pool recorder's tracking site is among them$/)])
    expect(a.recorder).toMatchObject({recorder: 'pool', recorderReason: expect.stringMatching(/allocinfo\.txt\.gz:528: allocinfo lists/)})
  })
  it('a dump that cannot be read is not used, and said (DERIVED: the real log beside an xz-compressed file)', async () => {
    const dir = cutCapture(6000)
    writeFileSync(join(dir, 'allocinfo.txt.gz'), Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04]))
    const a = await hostInput({...FLAGS, from: dir})
    expect(a.dump).toMatchObject({used: false, reason: expect.stringMatching(/^not read: .*allocinfo\.txt\.gz: /)})
    expect(a.notes).toEqual([expect.stringMatching(/allocinfo\.txt\.gz: not used: not read: /)])
  })
})

