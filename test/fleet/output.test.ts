// fleet's output as README promises it: the Fleet block's rows say what they count (`boots`: a log
// holding several boots counts each, `inputs` counts it once), `--block TITLE` picks the block of
// that whole title even when another title begins with it (`Kernels`), and an --html page that
// cannot be written is exit 74 when the write fails (a full disk) and exit 2 when the file cannot
// be opened as named. Input DERIVED: two real samples' dmesg.txt concatenated (two boots, one
// input) and a real capture directory, through batch.
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {SAMPLES} from '../helpers/paths.js'
import {cli} from '../batch/helpers.js'
import {runCli} from '../helpers/cli.js'

const POOL = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
const NOTRACK = join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink')
let dir: string
let run: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'allocscope-fleet-output-'))
  const log = join(dir, 'derived-two-boots.log')
  writeFileSync(log, readFileSync(join(POOL, 'dmesg.txt'), 'utf8') + readFileSync(join(NOTRACK, 'dmesg.txt'), 'utf8'))
  const r = await cli(['batch', '-j', '1', log, POOL])
  expect(r.status, r.stderr).toBe(0)
  run = join(dir, 'run.ndjson')
  writeFileSync(run, r.stdout)
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

const csvRows = (text: string) => text.trim().split('\n').map((l) => l.split(','))

describe('fleet output', () => {
  it("the Fleet block: 'boots' counts boots (was 'boot logs' 3 for 2 inputs), as the summary's boots", async () => {
    const s = JSON.parse((await cli(['fleet', run, '--json'])).stdout).result
    expect([s.inputs, s.boots]).toEqual([2, 3])
    const r = await cli(['fleet', run, '--block', 'Fleet', '--format', 'csv'])
    expect(r.status, r.stderr).toBe(0)
    const rows = new Map(csvRows(r.stdout).map(([k, v]) => [k, v]))
    expect([rows.get('inputs'), rows.get('boots'), rows.has('boot logs')]).toEqual(['2', '3', false])
    const page = join(dir, 'fleet.html')
    expect((await cli(['fleet', run, '--html', page])).status).toBe(0)
    expect(readFileSync(page, 'utf8')).not.toContain('boot logs')
  })

  it('--block Kernels --format csv: the Kernels table alone, plain (was two titled tables: also "Kernels each signature was seen on")', async () => {
    const r = await cli(['fleet', run, '--block', 'Kernels', '--format', 'csv'])
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).not.toContain('#')
    const rows = csvRows(r.stdout)
    expect(rows[0]).toEqual(['kernel', 'inputs', 'boots', 'findings', 'per 1000 boots', 'legacy', 'pool', 'none', 'unknown'])
    expect(rows.slice(1).map((x) => x.slice(0, 3))).toEqual([['7.2.13', '2', '3']])
    // A prefix still picks what it begins, whatever the case.
    const each = await cli(['fleet', run, '--block', 'kernels each', '--format', 'csv'])
    expect(csvRows(each.stdout)[0]).toEqual(['signature', 'kernel'])
  })

  it.skipIf(!existsSync('/dev/full'))('--html on a full disk: exit 74, one line naming the page (was exit 2)', async () => {
    const r = await cli(['fleet', run, '--html', '/dev/full'])
    expect(r.status).toBe(74)
    expect(r.stderr).toBe('allocscope: /dev/full: cannot write the HTML page (no space left on device)\n')
  })

  it('--html in a directory that does not exist: exit 2 (bad input: the file cannot be opened as named)', async () => {
    const page = join(dir, 'no-such-dir', 'fleet.html')
    const r = await cli(['fleet', run, '--html', page])
    expect(r.status).toBe(2)
    expect(r.stderr).toBe(`allocscope: ${page}: cannot write the HTML page (no such file or directory)\n`)
  })
})

describe('fleet first and last seen', () => {
  // SYNTHETIC records of one signature whose inputs' mtimes (a tar header can say any) lie outside
  // years 0-9999, where ISO 8601 text does not sort as time ('+' and '-' before digits).
  const times = ['2026-12-05T16:00:00.000Z', '+011476-08-01T12:00:00.000Z', '-001200-03-01T00:00:00.000Z']
  const rec = (mtime: string, i: number) =>
    JSON.stringify({schema: 'allocscope/batch-v1', input: {path: `m${i}.log`, mtime}, kind: 'bootlog', findings: [{id: 'oops', severity: 'critical', title: 't', signature: 'oops|f', line: 1, count: 1, corrupted: false}]})

  it('are the earliest and latest as times (were compared as text); the table shows the whole date, CSV the whole time', async () => {
    const f = join(dir, 'years.ndjson')
    writeFileSync(f, times.map(rec).join('\n') + '\n')
    const s = JSON.parse((await cli(['fleet', f, '--json'])).stdout).result
    expect([s.signatures['oops|f'].firstSeen, s.signatures['oops|f'].lastSeen]).toEqual([times[2], times[1]])
    const table = await runCli(['fleet', f, '--block', 'Findings by signature'], {env: {COLUMNS: '200'}})
    expect(table.stdout).toContain('-001200-03-01')
    expect(table.stdout).toContain('+011476-08-01')
    const csv = csvRows((await cli(['fleet', f, '--block', 'Findings by signature', '--format', 'csv', '--csv-formulas'])).stdout)
    const col = (name: string) => csv[1]![csv[0]!.indexOf(name)]
    expect([col('first seen'), col('last seen')]).toEqual([times[2], times[1]])
  })

  it('a record whose mtime is not a time is refused with its line (merge orders them as times)', async () => {
    const f = join(dir, 'not-a-time.ndjson')
    writeFileSync(f, rec('yesterday', 0) + '\n')
    const r = await cli(['fleet', f])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('not-a-time.ndjson:1: a batch record (allocscope/batch-v1): input.mtime: "yesterday"; expected an ISO 8601 time')
  })
})
