// Cells wrap as header words do: at a space, else after punctuation (the field separator `|` of a
// finding's signature too), and inside a word only when the word is longer than the column. fleet
// --format text showed `warning|WARNING in topology_sane|...` as `warning|WAR` / `NING in` and
// `topolo` / `gy_sane`: `|` was not a place to break, so a 11-column cell was cut hard.
// A piece ends at a break the rule allows: the punctuation stays on the line it ends (`topology_sane|`
// is what must fit for `topology_sane` to stay whole before a `|`).
// Records: DERIVED in the test, by `batch` over a real sample whose boot log holds that WARNING.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {renderReport} from '../../src/render/format.js'
import {wrapCell} from '../../src/render/layout.js'
import {runCli} from '../helpers/cli.js'

const SIGNATURE = 'warning|WARNING in topology_sane|arch/x86/kernel/smpboot.c|topology_sane|topology_sane'
const count = (s: string, word: string) => s.split(word).length - 1

describe('cells wrap at spaces and punctuation, not inside a word', () => {
  it('the reviewer\'s signature: `WARNING` whole at every width from 7, `topology_sane` from 14', () => {
    for (let w = 7; w <= 100; w++) {
      const pieces = wrapCell(SIGNATURE, w)
      expect(count(pieces.join('\n'), 'WARNING'), `width ${w}: ${JSON.stringify(pieces)}`).toBe(1)
      if (w >= 'topology_sane|'.length) expect(count(pieces.join('\n'), 'topology_sane'), `width ${w}: ${JSON.stringify(pieces)}`).toBe(3)
    }
    expect(wrapCell(SIGNATURE, 11)).toEqual(['warning|', 'WARNING in', 'topology_', 'sane|arch/', 'x86/kernel/', 'smpboot.c|', 'topology_', 'sane|', 'topology_', 'sane'])
    expect(wrapCell(SIGNATURE, 14)).toEqual(['warning|', 'WARNING in', 'topology_sane|', 'arch/x86/', 'kernel/', 'smpboot.c|', 'topology_sane|', 'topology_sane'])
  })

  it('a cut may follow the first character: `/abcdefg/xyz` in 8 is `/`, `abcdefg/`, `xyz`', () => {
    expect(wrapCell('/abcdefg/xyz', 8)).toEqual(['/', 'abcdefg/', 'xyz'])
    expect(wrapCell('|WARNING in', 7)).toEqual(['|', 'WARNING', 'in'])
  })

  it('table and text renderers: the signature cell in an 11- and a 15-column column', () => {
    // Beside it a number (never wrapped) as wide as leaves the signature `col` columns: text is 79
    // wide whatever the terminal (77 for the cells), a boxed table of two columns takes 7 for its rules.
    for (const [col, holdsTopology] of [[11, false], [15, true]] as const) {
      for (const format of ['table', 'text'] as const) {
        const digits = format === 'text' ? 77 - col : 6
        const rows = [{s: SIGNATURE, n: '7'.repeat(digits)}]
        const report = {blocks: [{kind: 'table' as const, columns: [{key: 's', header: 'signature'}, {key: 'n', header: 'n', align: 'right' as const}], rows}]}
        const out = renderReport(report, format, {width: col + digits + 7})
        const rule = format === 'text' ? /^(-+)  -+$/m : /^├(─+)┼─+┤$/m
        expect(rule.exec(out)?.[1].length, out).toBe(format === 'text' ? col : col + 2)
        expect(count(out, 'WARNING'), `${format} in ${col}:\n${out}`).toBe(1)
        if (holdsTopology) expect(count(out, 'topology_sane'), `${format} in ${col}:\n${out}`).toBe(3)
      }
    }
  })
})

describe('fleet over DERIVED batch records of samples/linux-6.12-instr_smp064_2G_numa2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'allocscope-cell-wrap-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('text (79 columns) and table at 100 and 120: as many whole `WARNING` and `topology_sane` as the CSV holds', async () => {
    const b = await runCli(['batch', 'samples/linux-6.12-instr_smp064_2G_numa2'])
    expect(b.status, b.stderr).toBe(0)
    const file = join(dir, 'records.ndjson')
    writeFileSync(file, b.stdout)
    const csv = await runCli(['fleet', file, '--format', 'csv'])
    expect(csv.status, csv.stderr).toBe(0)
    expect(count(csv.stdout, SIGNATURE)).toBe(2) // the findings table and the kernels table
    for (const [format, columns] of [['text', '80'], ['table', '100'], ['table', '120']]) {
      const r = await runCli(['fleet', file, '--format', format], {env: {COLUMNS: columns}})
      expect(r.status, r.stderr).toBe(0)
      expect(count(r.stdout, 'WARNING'), `${format} at ${columns}:\n${r.stdout}`).toBe(count(csv.stdout, 'WARNING'))
      // In text the signature column is 11 wide: `topology_sane|` (14) cannot fit, its `_` is a break.
      if (format === 'table') expect(count(r.stdout, 'topology_sane'), `${format} at ${columns}:\n${r.stdout}`).toBe(count(csv.stdout, 'topology_sane'))
    }
  }, 60_000)
})
