// A capture directory's allocinfo dump is read once, after the log's last boot: predict --from
// DIR --boot -1 (an earlier boot of a log holding several) must not take the recorder from it,
// and says so (a warning, and `allocinfo` in --json). It did: a 6.12 boot (no recorder exists
// before 7.0) was predicted with the pfn_pool recorder because the later 7.2 boot's dump lists
// its tracking site.
//
// batch used to give the dump to the last boot in its list, which with --boot=-1 is the earlier one:
// it now takes the same rule (dumpUse), tested below on the same DERIVED capture.
//
// The input is DERIVED, not a capture: two real samples' dmesg.txt concatenated (boot 1 the 6.12
// nodebug 64-CPU boot, boot 2 the 7.2 pool c64 boot with its klab lines removed, so that its dump
// is the recorder evidence), with the pool c64 sample's allocinfo.txt, as a capture of a machine
// that rebooted into another kernel would hold.
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {analyseBootLog} from '../../src/analysis/read.js'
import {dumpUse} from '../../src/model/from-boot.js'
import {REPO, SAMPLES} from '../helpers/paths.js'
import {cli, records} from '../batch/helpers.js'

const OLD = join(SAMPLES, 'linux-6.12-nodebug_smp064_1G')
const POOL = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
let tmp: string
let dir: string

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'allocscope-boot-dump-'))
  dir = join(tmp, 'derived-two-boots-capture')
  mkdirSync(dir)
  const last = readFileSync(join(POOL, 'dmesg.txt'), 'utf8').replace(/^.*klab:.*\n/gm, '')
  writeFileSync(join(dir, 'dmesg.txt'), readFileSync(join(OLD, 'dmesg.txt'), 'utf8') + last)
  writeFileSync(join(dir, 'allocinfo.txt'), readFileSync(join(POOL, 'allocinfo.txt')))
})
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

const predictJson = async (args: string[]) => JSON.parse((await runCommand(['predict', ...args, '--json'], {root: REPO})).stdout)

describe('predict --from a capture whose log holds several boots: the dump goes with the last', () => {
  it('--boot=-1 (the 6.12 boot): the recorder from its own log, the dump not used, said in the warnings and in result.allocinfo', async () => {
    const doc = await predictJson(['--from', dir, '--boot=-1'])
    const r = doc.result
    expect(r.host.kernel).toBe('6.12.117')
    expect(r.recorder).toBe('none')
    expect(r.recorderReason).toMatch(/dmesg\.txt: a guess from the release 6\.12\.117 alone \(before 7\.0/)
    expect(r.recorderReason).not.toMatch(/allocinfo/)
    expect(r.allocinfo).toEqual({path: join(dir, 'allocinfo.txt'), used: false, reason: expect.stringMatching(/read after the log's last boot \(boot 0, 2 of 2\) and this is boot -1 \(1 of 2, lines 1-\d+\)/)})
    expect(doc.warnings).toContain(`${join(dir, 'allocinfo.txt')}: not used: ${r.allocinfo.reason}`)
    // The text output says it on stderr.
    const text = await runCommand(['predict', '--from', dir, '--boot=-1'], {root: REPO})
    expect(text.stderr).toContain('allocinfo.txt: not used: the dump was read after the log\'s last boot')
  })

  it('the last boot (the default, or --boot 0): the dump is its evidence (the pool tracking site), and result.allocinfo says it was used', async () => {
    for (const args of [[], ['--boot', '0']]) {
      const doc = await predictJson(['--from', dir, ...args])
      expect(doc.result.host.kernel).toBe('7.2.13')
      expect(doc.result.recorder).toBe('pool')
      expect(doc.result.recorderReason).toMatch(/allocinfo\.txt:\d+: allocinfo lists the pfn_pool recorder's tracking site/)
      expect(doc.result.allocinfo).toMatchObject({used: true})
      expect(doc.warnings.join('\n')).not.toMatch(/not used/)
    }
  })

  it('dumpUse, the rule: an earlier boot of the log does not get the dump; the last boot, or a log of one boot, does', async () => {
    const log = join(dir, 'dmesg.txt')
    const path = join(dir, 'allocinfo.txt')
    expect(dumpUse(await analyseBootLog(log, {boot: -1}), path).used).toBe(false)
    expect(dumpUse(await analyseBootLog(log, {boot: 1}), path).used).toBe(false)
    expect(dumpUse(await analyseBootLog(log, {boot: 0}), path).used).toBe(true)
    expect(dumpUse(await analyseBootLog(log, {boot: 2}), path).used).toBe(true)
    expect(dumpUse(await analyseBootLog(join(POOL, 'dmesg.txt')), join(POOL, 'allocinfo.txt')).used).toBe(true)
  })
})

describe('batch of the same capture: the dump goes with the log\'s last boot (dumpUse, as predict --from)', () => {
  it('--boot=-1: the 6.12 boot\'s record has neither the dump\'s allocinfo summary nor its recorder (was: both)', async () => {
    const r = await cli(['batch', '-j', '1', '--boot=-1', dir])
    const recs = records(r.stdout)
    expect(recs.map((x) => x.host?.release?.value)).toEqual(['6.12.117'])
    expect(recs[0]!.allocinfo).toBeUndefined()
    expect(recs[0]!.prediction).toMatchObject({recorder: 'none'})
  })

  it('all boots, and --boot 0: the 7.2 boot\'s record has the dump and the pool recorder it shows; the 6.12 one neither', async () => {
    const all = records((await cli(['batch', '-j', '1', dir])).stdout)
    expect(all.map((x) => [x.host?.release?.value, x.allocinfo !== undefined, (x.prediction as {recorder?: string}).recorder])).toEqual([
      ['6.12.117', false, 'none'],
      ['7.2.13', true, 'pool'],
    ])
    const last = records((await cli(['batch', '-j', '1', '--boot', '0', dir])).stdout)
    expect(last.map((x) => [x.allocinfo !== undefined, (x.prediction as {recorder?: string}).recorder])).toEqual([[true, 'pool']])
  })
})

describe('analyse of the same capture: the dump goes with the log\'s last boot (dumpUse, as predict --from, diff and batch)', () => {
  const analyse = (args: string[]) => runCommand(['analyse', dir, ...args], {root: REPO})
  const exitCode = (e: {oclif?: {exit?: number}} | undefined) => (e === undefined ? 0 : (e.oclif?.exit ?? -1))

  it('--boot=-1 (the 6.12 boot): the dump is not summarised nor gated on (its duplicate key tripped --fail-on info), and the output says why', async () => {
    const r = await analyse(['--boot=-1', '--json', '--fail-on', 'info'])
    expect(exitCode(r.error)).toBe(0)
    const doc = JSON.parse(r.stdout)
    expect(doc.result.host.release.value).toBe('6.12.117')
    expect(doc.result.allocinfo).toBeUndefined()
    expect(doc.result.dump).toEqual({path: join(dir, 'allocinfo.txt'), used: false, reason: expect.stringMatching(/read after the log's last boot \(boot 0, 2 of 2\) and this is boot -1 .*not summarised/)})
    expect(doc.warnings).toContain(`${join(dir, 'allocinfo.txt')}: not used: ${doc.result.dump.reason}`)
    const text = await analyse(['--boot=-1', '--format', 'text', '--block', 'allocinfo'])
    expect(text.stdout.replace(/\n +/g, ' ')).toMatch(/allocinfo\.txt: not used: the dump was read after the log's last boot/)
  })

  it('the last boot (--boot 0), or every boot: the dump is summarised and gated on, with the last boot', async () => {
    const last = await analyse(['--boot', '0', '--json', '--fail-on', 'info'])
    expect(exitCode(last.error)).toBe(1)
    expect(JSON.parse(last.stdout).result).toMatchObject({allocinfo: {anomalyCounts: {'duplicate-key': 1}}})
    expect(JSON.parse(last.stdout).result.dump).toBeUndefined()
    const all = JSON.parse((await analyse(['--json'])).stdout).result
    expect([all.boots.length, all.allocinfo.anomalyCounts]).toEqual([2, {'duplicate-key': 1}])
  })

  it('every boot (the default): the dump\'s summary and anomalies are the last boot\'s, in the JSON and the text, not the 6.12 boot\'s', async () => {
    const all = await analyse(['--json', '--fail-on', 'info'])
    expect(exitCode(all.error)).toBe(1)
    const r = JSON.parse(all.stdout).result
    expect(r.boots.map((b: {boot: {offset: number}; allocinfo?: {anomalyCounts: object}}) => [b.boot.offset, b.allocinfo?.anomalyCounts])).toEqual([
      [-1, undefined],
      [0, {'duplicate-key': 1}],
    ])
    // Kept at the top for readers of before, naming the boot it goes with.
    expect([r.allocinfoBoot, r.allocinfo.source]).toEqual([0, join(dir, 'allocinfo.txt')])
    const text = (await analyse(['--format', 'text'])).stdout
    const lines = text.split('\n')
    const titles = lines.filter((l, i) => /^-+$/.test(lines[i + 1] ?? '') && /allocinfo|sites/.test(l))
    expect(titles).toEqual(['Boot 0: allocinfo', 'Boot 0: Top 10 sites by bytes', 'Boot 0: accurate:no sites (counters known to be incomplete)', 'Boot 0: Accounting anomalies in allocinfo (by kind, the first of each)'])
    const block = (await analyse(['--format', 'text', '--block', 'allocinfo'])).stdout
    expect(block).toMatch(/^Boot 0: allocinfo\n/)
    expect(block).not.toMatch(/Boot -1/)
  })

  it('every boot, --fail-on info: the Boots table says what trips the gate (was: exit 1 beside 0 findings on every row and nothing else in the table); the JSON\'s boots the same', async () => {
    const r = await analyse(['--format', 'csv', '--block', 'boots', '--fail-on', 'info'])
    expect(exitCode(r.error)).toBe(1)
    const [head, ...rows] = r.stdout.trim().split('\n').map((l) => l.split(','))
    const col = (name: string) => rows.map((row) => row[head!.indexOf(name)])
    expect(col('boot')).toEqual(['-1', '0'])
    expect(col('findings')).toEqual(['0', '0'])
    // The dump (read after boot 0) has one summed duplicate key, an info anomaly: boot 0's severity.
    expect(col('allocinfo anomalies')).toEqual(['', '1'])
    expect(col('severity')).toEqual(['', 'info'])
    const doc = JSON.parse((await analyse(['--json', '--fail-on', 'info'])).stdout)
    expect(doc.result.boots.map((b: {severity?: string}) => b.severity)).toEqual([undefined, 'info'])
    // At notice nothing in either boot reaches the gate: exit 0, as the table's severities say.
    expect(exitCode((await analyse(['--fail-on', 'notice'])).error)).toBe(0)
  })
})
