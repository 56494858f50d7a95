// trend over plain snapshot files some of which are left out (review of 2026-12-06): the input file
// count is every file given or found, the snapshot count those used, each left-out file warned
// about once, in --json and every --format alike. The snapshots are DERIVED from the real leak
// series (testdata/trend/leak/recording.arec.gz), rebuilt whole and written out as plain dumps
// named by their times: one emptied, one cut 10 bytes short, one gzip-compressed.
import {mkdtempSync, readFileSync, unlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {runCommand} from '@oclif/test'
import {beforeAll, describe, expect, it} from 'vitest'
import {formatAllocInfo} from '../../src/readers/allocinfo.js'
import {snapshotsOf} from '../../src/readers/recording.js'
import {runTrend, type TrendFlags} from '../../src/trend/run.js'
import {REPO, TESTDATA} from '../helpers/paths.js'

const REC = join(TESTDATA, 'trend', 'leak', 'recording.arec.gz')
const FLAGS: TrendFlags = {top: 20, 'min-rate': '64K/h', alpha: '0.01', 'time-from': 'auto'}
const run = (args: string[]) => runCommand(['trend', ...args], {root: REPO})
let dir: string
let files: string[]
let emptied: string
let cut: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'allocscope-trend-left-out-'))
  const {total, snapshots} = await snapshotsOf(REC, Array.from({length: 40}, (_, i) => i))
  expect(total).toBe(40)
  files = snapshots.map((s) => join(dir, `DERIVED-allocinfo-${s.time}.txt`))
  snapshots.forEach((s, i) => writeFileSync(files[i]!, formatAllocInfo(s.allocinfo)))
  emptied = files[5]!
  writeFileSync(emptied, '')
  cut = files[10]!
  const whole = readFileSync(cut)
  writeFileSync(cut, whole.subarray(0, whole.length - 10))
  const gz = `${files[20]!}.gz`
  writeFileSync(gz, gzipSync(readFileSync(files[20]!)))
  unlinkSync(files[20]!)
  files[20] = gz
})

/** The warnings that name `file` as left out of the series. */
const leftOut = (warnings: readonly string[], file: string): string[] => warnings.filter((w) => w.startsWith(`${file}: `) && w.endsWith('left out of the series'))

describe('trend: files left out of the series are input files all the same', () => {
  it('a directory and its 40 files named: 40 input files, 38 snapshots, the empty and the cut one warned about once each', async () => {
    for (const inputs of [[dir], files]) {
      const r = await runTrend(inputs, FLAGS, {ascii: true})
      const input = (r.result as {input: {sourceCount: number; snapshots: number; timeSources: Record<string, number>}}).input
      expect([input.sourceCount, input.snapshots, input.timeSources]).toEqual([40, 38, {name: 38}])
      expect(leftOut(r.warnings, emptied)).toEqual([`${emptied}: empty: left out of the series`])
      expect(leftOut(r.warnings, cut)).toEqual([expect.stringContaining('the dump is cut short')])
      expect(r.warnings.filter((w) => w.includes('left out of the series'))).toHaveLength(2)
    }
  })

  it('--json and every --format say the same counts', async () => {
    const json = await run([dir, '--json'])
    expect(JSON.parse(json.stdout).result.input).toMatchObject({sourceCount: 40, snapshots: 38})
    const rows: Record<string, [RegExp, RegExp]> = {
      text: [/^input files +40 \(snapshots\)$/m, /^snapshots +38 /m],
      csv: [/^input files,40,/m, /^snapshots,38,/m],
      markdown: [/^\| input files \| 40 \(snapshots\) \|$/m, /^\| snapshots \| 38 /m],
      table: [/│ input files +│ 40 \(snapshots\) +│/, /│ snapshots +│ 38 /],
    }
    for (const [format, [inputFiles, snaps]] of Object.entries(rows)) {
      const {stdout, stderr} = await run([dir, '--format', format])
      expect(stdout, format).toMatch(inputFiles)
      expect(stdout, format).toMatch(snaps)
      expect(stderr.split('\n').filter((l) => l.includes('left out of the series')), format).toHaveLength(2)
    }
  })
})
