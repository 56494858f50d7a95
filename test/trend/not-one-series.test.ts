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


/** `n` snapshots (the sample dump, timed by name) beside baseline/, a capture directory (dmesg.txt, allocinfo.txt). */
function snapshotsBesideCapture(name: string, n: number): {dir: string} {
  const dir = join(tmp, name)
  const sample = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
  mkdirSync(join(dir, 'baseline'), {recursive: true})
  for (const f of ['dmesg.txt', 'allocinfo.txt']) writeFileSync(join(dir, 'baseline', f), readFileSync(join(sample, f)))
  const dump = readFileSync(join(sample, 'allocinfo.txt'))
  for (let k = 0; k < n; k++) writeFileSync(join(dir, `allocinfo-2026-12-04T18-0${k}-00Z.txt`), dump)
  return {dir}
}

describe('trend of a directory that is not one series', () => {
  it('testdata/trend (REAL: four lab series and a README) names a few series directories and one to give', async () => {
    const line = refusal(await runCli(['trend', 'testdata/trend']))
    // Its README is a file of its own, read as a snapshot (a directory with files is read: 9c76e90's refusal).
    expect(line).toMatch(/^allocscope: testdata\/trend: not one series: README\.md in it is no allocinfo snapshot \(no line parses\); series directories below it: busy, churn, leak and 1 more: name one of them \(trend testdata\/trend\/busy\)/)
    expect(line).toContain(A_SERIES)
    expect(line).not.toMatch(/not \/proc\/allocinfo text/)
  })

  it('the same from another directory, by its absolute path', async () => {
    const abs = join(REPO, 'testdata', 'trend')
    const line = refusal(await runCli(['trend', abs], {cwd: tmp}))
    expect(line).toContain(`${abs}: not one series: README.md in it is no allocinfo snapshot`)
    expect(line).toContain(`(trend ${join(abs, 'busy')})`)
  })

  it('a directory of captures without recordings (REAL: samples/, and its PROVENANCE.md) names them, each one snapshot', async () => {
    const line = refusal(await runCli(['trend', 'samples']))
    expect(line).toMatch(/^allocscope: samples: not one series: PROVENANCE\.md in it is no allocinfo snapshot \(no line parses\); it holds 7 capture directories \(.* and 4 more\), each one snapshot, not a series: /)
    expect(line).toContain(A_SERIES)
  })

  // 5a470cd refused a directory of snapshots beside one capture directory (exit 2: '… holding 1
  // capture directories (baseline), each one snapshot, no series'); it read them before.
  it('snapshots beside a capture directory are read, the capture left out with one warning (DERIVED: the sample capture)', async () => {
    const {dir} = snapshotsBesideCapture('beside-capture', 3)
    const r = await runCli(['trend', dir, '--json'])
    expect(r.status, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout)
    expect(doc.result.input.snapshots).toBe(3)
    expect(doc.warnings.filter((w: string) => w.includes('baseline'))).toEqual([`${dir}: 1 capture directory in it (baseline) left out: only its own snapshot files are read`])
  })

  it('a directory holding only one capture directory is refused in the singular (DERIVED)', async () => {
    const {dir} = snapshotsBesideCapture('only-capture', 0)
    const line = refusal(await runCli(['trend', dir]))
    expect(line).toBe(`allocscope: ${dir}: not one series but a directory holding 1 capture directory (baseline), one snapshot, not a series; ${A_SERIES}`)
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
