// `trend DIR` where DIR holds series or captures rather than being one series: testdata/trend
// (a README.md and four lab series directories) said 'testdata/trend/README.md:1: not
// /proc/allocinfo text …', reading its README as a snapshot. It now says the directory is not one
// series, what a series is, and names a few of the series (or capture) directories under it.
// Runs the BUILT CLI (npm test builds it).
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {refusalLine as refusal, runCli} from '../helpers/cli.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

let tmp: string
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'allocscope-notoneseries-'))
})
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

const A_SERIES = 'a series is a recording, a capture directory holding one (recording.arec.gz), or a directory of allocinfo snapshots'


describe('trend of a directory that is not one series', () => {
  it('testdata/trend (REAL: four lab series and a README) names a few series directories and one to give', async () => {
    const line = refusal(await runCli(['trend', 'testdata/trend']))
    expect(line).toMatch(/^allocscope: testdata\/trend: not one series but a directory holding 4 series directories \(busy, churn, leak and 1 more\): name one of them \(trend testdata\/trend\/busy\)/)
    expect(line).toContain(A_SERIES)
    expect(line).not.toMatch(/README|not \/proc\/allocinfo text/)
  })

  it('the same from another directory, by its absolute path', async () => {
    const abs = join(REPO, 'testdata', 'trend')
    const line = refusal(await runCli(['trend', abs], {cwd: tmp}))
    expect(line).toContain(`${abs}: not one series but a directory holding 4 series directories`)
    expect(line).toContain(`(trend ${join(abs, 'busy')})`)
  })

  it('a directory of captures without recordings (REAL: samples/) is one snapshot each, no series', async () => {
    const line = refusal(await runCli(['trend', 'samples']))
    expect(line).toMatch(/^allocscope: samples: not one series but a directory holding \d+ capture directories \(.* and \d+ more\), each one snapshot, no series; /)
    expect(line).toContain(A_SERIES)
  })

  it('a directory of snapshots with a subdirectory that is no capture is still one series (DERIVED: the sample dump, timed by name)', async () => {
    const dir = join(tmp, 'snaps')
    mkdirSync(join(dir, 'old'), {recursive: true})
    const dump = readFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt'))
    for (let k = 0; k < 6; k++) writeFileSync(join(dir, `allocinfo-2026-12-04T18-0${k}-00Z.txt`), dump)
    const r = await runCli(['trend', dir, '--json'])
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).result.input.snapshots).toBe(6)
  })

  // testdata/ holds its series one level deeper (trend/busy, …) and a README at its top, which was
  // read as a malformed snapshot: 'testdata/README.md:1: not /proc/allocinfo text …'.
  it('testdata (REAL: a README, series directories under trend/) says it is no series and names a few below it', async () => {
    const line = refusal(await runCli(['trend', 'testdata']))
    expect(line).toMatch(/^allocscope: testdata: not one series: README\.md in it is no allocinfo snapshot \(no line parses\)/)
    expect(line).toContain('series directories below it: trend/busy, trend/churn, trend/leak and 1 more: name one of them (trend testdata/trend/busy)')
    expect(line).toContain(A_SERIES)
    expect(line).not.toContain('not /proc/allocinfo text')
  })

  it('the same from another directory, by its absolute path with a trailing slash', async () => {
    const abs = join(REPO, 'testdata')
    const line = refusal(await runCli(['trend', `${abs}/`], {cwd: tmp}))
    expect(line).toContain('not one series: README.md in it is no allocinfo snapshot')
    expect(line).toContain(`(trend ${join(abs, 'trend', 'busy')})`)
  })

  it('snapshots beside a file that is none, no series below (DERIVED: the sample dump and a notes file)', async () => {
    const dir = join(tmp, 'with-notes')
    mkdirSync(join(dir, 'old', 'older'), {recursive: true})
    const dump = readFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt'))
    for (let k = 0; k < 3; k++) writeFileSync(join(dir, `allocinfo-2026-12-04T18-0${k}-00Z.txt`), dump)
    writeFileSync(join(dir, 'notes.txt'), 'taken by hand\n')
    const line = refusal(await runCli(['trend', dir]))
    expect(line).toContain(`${dir}: not one series: notes.txt in it is no allocinfo snapshot (no line parses): name its snapshot files instead; ${A_SERIES}`)
  })
})
