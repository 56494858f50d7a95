// `allocscope record` end to end (built commands in dist/). The source is the real sample
// allocinfo (and DERIVED copies of it rewritten between samples); the errors a user meets first
// (no file, profiling switched off) name the cause and the fix.
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {readRecording} from '../../src/trend/input.js'
import {SeriesStore} from '../../src/trend/store.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

const REAL = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt')
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-record-'))
const run = (args: string[]) => runCommand(['record', ...args], {root: REPO})
const exitCode = (e: {oclif?: {exit?: number}} | undefined) => (e === undefined ? 0 : (e.oclif?.exit ?? -1))

describe('record', () => {
  it('samples --count times into a recording trend reads', async () => {
    const out = join(tmp, 'r.arec.gz')
    const {stdout, error} = await run(['--source', REAL, '--interval', '50ms', '--count', '4', '--out', out, '--json'])
    expect(exitCode(error)).toBe(0)
    const res = JSON.parse(stdout).result
    expect(res.samples).toBe(4)
    expect(res.stoppedBy).toBe('count')
    const store = new SeriesStore()
    await readRecording(out, store)
    expect(store.snapshots).toBe(4)
    expect(store.sites).toHaveLength(930)
    expect(store.last?.readMs).toBeGreaterThanOrEqual(0)
  })

  it('--duration takes samples at 0, interval, … up to the duration', async () => {
    const out = join(tmp, 'd.arec.gz')
    const {stdout} = await run(['--source', REAL, '--interval', '100ms', '--duration', '300ms', '--out', out, '--json'])
    expect(JSON.parse(stdout).result).toMatchObject({samples: 4, stoppedBy: 'duration'})
  })

  it('a missing /proc/allocinfo means no CONFIG_MEM_ALLOC_PROFILING', async () => {
    const {stderr, error} = await run(['--source', join(tmp, 'nope'), '--count', '1', '--out', join(tmp, 'x.gz')])
    expect(exitCode(error)).toBe(2)
    expect(stderr).toContain('no such file')
  })

  it('profiling switched off (vm.mem_profiling 0) is said, with how to turn it on', async () => {
    const ctl = join(tmp, 'mem_profiling')
    writeFileSync(ctl, '0\n')
    const {stderr, error} = await run(['--source', REAL, '--profiling-sysctl', ctl, '--count', '1', '--out', join(tmp, 'y.gz')])
    expect(exitCode(error)).toBe(2)
    expect(stderr).toMatch(/is 0: memory allocation profiling is switched off.*sysctl -w vm.mem_profiling=1/)
  })

  it('a killed recorder leaves every sample it finished readable', async () => {
    const out = join(tmp, 'k.arec.gz')
    const src = join(tmp, 'live.txt')
    writeFileSync(src, readFileSync(REAL))
    const child = spawn(process.execPath, [join(REPO, 'bin', 'run.js'), 'record', '--source', src, '--interval', '100ms', '--count', '1000', '--out', out], {stdio: 'ignore'})
    const exited = new Promise((r) => child.on('exit', r))
    // Kill once at least 3 samples are on disk (start-up time varies with the machine's load).
    for (let i = 0; i < 300; i++) {
      await new Promise((r) => setTimeout(r, 100))
      const probe = new SeriesStore()
      if (existsSync(out) && (await readRecording(out, probe).then(() => probe.snapshots, () => 0)) >= 3) break
    }
    child.kill('SIGKILL')
    await exited
    const store = new SeriesStore()
    const {warnings} = await readRecording(out, store)
    expect(store.snapshots).toBeGreaterThanOrEqual(3)
    expect(warnings.length).toBeLessThanOrEqual(1)
  }, 60_000)
})
