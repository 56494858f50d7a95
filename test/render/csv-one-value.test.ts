// CSV is for machines: every cell of every CSV the commands emit over the real samples holds ONE
// value (issue 13: "64 possible, 64 online" is two columns; so is a site's "accurate:no"). The rule
// (multiValue below) names the forms people join values in: lists, "x of y", a value with another
// in parentheses, a range, a size in human units or a number with its unit, a flag or module appended to a name, non-ASCII.
// Only prose columns are exempt, and they are named here (PROSE): a new one must be added on purpose.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {parse} from 'csv-parse/sync'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {REPO, SAMPLES} from '../helpers/paths.js'

/** Why a cell holds more than one value, or undefined when it holds one. */
export function multiValue(cell: string): string | undefined {
  if (/[^\x20-\x7e]/.test(cell)) return 'not ASCII'
  if (cell.split(/[,;] +/).filter((p) => /\d/.test(p)).length >= 2) return 'a list of values'
  if (/\d\S*\s+of\s+\d|^\d+\/\d+\b/.test(cell)) return '"x of y"'
  if (/\d[^()]*\([^)]*\d[^)]*\)/.test(cell)) return 'a value with another in parentheses'
  if (/^\d+\s*-\s*\d+$/.test(cell)) return 'a range'
  if (/^[+-]?\d+(\.\d+)?\s*(B|KiB|MiB|GiB|TiB|PiB)(\/h)?$/.test(cell)) return 'a size in human units (CSV holds bytes)'
  if (/^[+-]?\d+(\.\d+)?\s+[A-Za-z]+$/.test(cell)) return 'a number with its unit (CSV holds the number)'
  if (/\saccurate:no\b|\s\[[\w.-]+\]$/.test(cell)) return 'a flag or module appended to a name'
  return undefined
}

/** Columns that hold prose (a sentence about the row), by header: the rule does not apply there. */
const PROSE = new Set(['note', 'finding', 'why', 'reason', 'detail', 'starts at'])

interface Csv {
  title: string
  header: string[]
  rows: string[][]
}

/** The titled blocks of one CSV output (README: `# title`, then a CSV table; blocks split by a blank line). */
function blocks(out: string): Csv[] {
  return out
    .split(/\n\n(?=# )/)
    .filter((b) => b.trim())
    .map((b) => {
      const [first, ...rest] = b.split('\n')
      const records = parse(rest.join('\n'), {relax_quotes: false}) as string[][]
      return {title: first.replace(/^# /, ''), header: records[0], rows: records.slice(1)}
    })
}

const SAMPLE_DIRS = ['linux-6.12-instr_smp064_2G_numa2', 'linux-6.12-nodebug_smp064_1G', 'linux-7.2-legacylate-c255-m1024', 'linux-7.2-notrack-c8-m1024-shrink', 'linux-7.2-pool-c255-m1024', 'linux-7.2-pool-c64-m1024', 'lkml-7.0-rc4-alloc-tag-not-set']
const WITH_ALLOCINFO = SAMPLE_DIRS.filter((d) => !/pool-c255|lkml/.test(d))
const WITH_LOG = SAMPLE_DIRS.filter((d) => !/lkml/.test(d))
const s = (d: string) => `samples/${d}`

let trendDir: string
let batchOut: string
/** Every command that writes CSV, over the samples (and a series DERIVED from one sample's allocinfo). */
function commands(): string[][] {
  return [
    ...SAMPLE_DIRS.map((d) => ['analyse', s(d)]),
    ['analyse', `${trendDir}-two-boots.log`],
    ...WITH_ALLOCINFO.map((d) => ['allocinfo', s(d), '--top', '5']),
    ...WITH_LOG.map((d) => ['predict', '--from', s(d)]),
    ['predict', '--cpus', '1024', '--kernel', '7.2.13'],
    ['predict', '--sweep', '1..2048', '--points', '8', '--kernel', '6.12', '--no-debug'],
    ['predict', '--hosts', 'samples/inventory.csv'],
    ...WITH_LOG.map((d) => ['diff', s(d)]),
    ['diff', '--predicted', s('linux-7.2-pool-c64-m1024'), s('linux-7.2-legacylate-c255-m1024')],
    ['diff', `${s('linux-7.2-pool-c64-m1024')}/dmesg.txt`, `${s('linux-7.2-notrack-c8-m1024-shrink')}/dmesg.txt`, '--all'],
    ['diff', `${s('linux-6.12-instr_smp064_2G_numa2')}/dmesg.txt`, `${s('linux-7.2-pool-c255-m1024')}/console.log`, '--all'],
    ['diff', `${s('linux-7.2-pool-c64-m1024')}/allocinfo.txt`, `${s('linux-7.2-legacylate-c255-m1024')}/allocinfo.txt`, '--top', '20'],
    ['diff', `${s('linux-6.12-nodebug_smp064_1G')}/allocinfo.txt`, `${s('linux-7.2-pool-c64-m1024')}/allocinfo.txt`, '--key', 'func', '--metric', 'calls'],
    ['diff', '--rules'],
    ['calibrate', s('linux-6.12-nodebug_smp064_1G'), 'testdata/captures/linux-6.12-nodebug_smp001_1G', 'testdata/captures/linux-6.12-nodebug_smp004_1G', 'testdata/captures/linux-6.12-nodebug_smp016_1G'],
    ['trend', trendDir],
    ['fleet', batchOut],
  ]
}

beforeAll(async () => {
  // DERIVED, not a capture: the pool-c64 sample's allocinfo with its first site grown 4 KiB a minute.
  trendDir = mkdtempSync(join(tmpdir(), 'allocscope-csv-trend-'))
  const lines = readFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt'), 'utf8').split('\n')
  const i = lines.findIndex((l) => /^\s*\d+\s+\d+\s/.test(l))
  const [, b, c, rest] = /^\s*(\d+)\s+(\d+)\s(.*)$/.exec(lines[i])!
  for (let k = 0; k < 8; k++) {
    lines[i] = `${BigInt(b) + BigInt(4096 * k)} ${BigInt(c) + BigInt(k)} ${rest}`
    writeFileSync(join(trendDir, `allocinfo-2026-12-04T18:0${k}:00Z.txt`), lines.join('\n'))
  }
  batchOut = `${trendDir}.ndjson`
  // DERIVED, not a capture: two real boots concatenated, as kern.log holds a reboot.
  writeFileSync(`${trendDir}-two-boots.log`, ['linux-7.2-pool-c64-m1024', 'linux-7.2-notrack-c8-m1024-shrink'].map((d) => readFileSync(join(SAMPLES, d, 'dmesg.txt'), 'utf8')).join(''))
  const {error} = await runCommand(['batch', ...SAMPLE_DIRS.map(s), '-j', '1', '--out', batchOut], {root: REPO})
  if (error) throw error
}, 120_000)
afterAll(() => {
  rmSync(trendDir, {recursive: true, force: true})
  rmSync(batchOut, {force: true})
  rmSync(`${trendDir}-two-boots.log`, {force: true})
})

describe('CSV: one value per cell', () => {
  it('the rule catches the forms issue 13 found', () => {
    for (const bad of ['64 possible, 64 online', '272 of 272 lines', '145 (137-153)', '0 (<= 1) = 0 B', '142 PFNs, 1 page: 27.8% of 510 slots', 'mm/slub.c:3282 alloc_slab_page accurate:no', '240 KiB/h', 'yes (line 270, 1x)', '5-300', '7/7 within max(10%,8)', '4096 bytes', '192 pages', '\u2581\u2582']) {
      expect(multiValue(bad), bad).toBeDefined()
    }
    for (const good of ['64', '1073205248', '7.2.13', 'mm/slub.c:3282 alloc_slab_page', 'Red Hat KVM, BIOS rel-1.16.3-0-ga6ed6b701f0a-prebuilt.qemu.org 04/01/2014', 'before SMP bring-up (boot CPU only)', '2026-12-04T18:00:00.000Z', '-3478464', '']) {
      expect(multiValue(good), good).toBeUndefined()
    }
  })

  it('holds for every CSV every command writes over the samples', async () => {
    const bad: string[] = []
    let cells = 0
    for (const argv of commands()) {
      const {stdout, stderr, error} = await runCommand([...argv, '--format', 'csv'], {root: REPO})
      if (error && error.oclif?.exit !== 1) throw new Error(`${argv.join(' ')}: ${stderr}`)
      for (const b of blocks(stdout)) {
        for (const r of b.rows) {
          r.forEach((v, i) => {
            if (PROSE.has(b.header[i])) return
            cells++
            const why = multiValue(v)
            if (why) bad.push(`${argv.join(' ')} | ${b.title} | ${b.header[i]}: ${JSON.stringify(v)} (${why})`)
          })
        }
      }
    }
    expect(bad).toEqual([])
    expect(cells).toBeGreaterThan(2000)
  }, 300_000)
})
