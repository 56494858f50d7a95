// The format registry is the one home of the boot-log formats: each row's example is detected as
// that row and read into records; the --input-format options, the "tried" list and the README's
// table are made from the rows.
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {parseBootLogText} from '../../src/readers/bootlog/index.js'
import {BOOT_LOG_FORMATS, FORMAT_IDS, FORMATS_TRIED, formatTableMarkdown, inputFormatHelp} from '../../src/readers/bootlog/formats.js'
import Analyse from '../../src/commands/analyse.js'
import Diff from '../../src/commands/diff.js'
import {expectMarkedBlock} from '../helpers/expectations.js'
import {REPO} from '../helpers/paths.js'

describe('boot-log format registry', () => {
  for (const f of BOOT_LOG_FORMATS) {
    it(`${f.id}: its example is detected as ${f.id} and read (the banner gives the release)`, () => {
      const r = parseBootLogText(f.example)
      expect(r.format, r.formatReason).toBe(f.id)
      expect(r.records.some((x) => x.text.startsWith('Linux version 7.2.13 '))).toBe(true)
    })
  }

  it('ids are unique; the flags, the help and the error list come from the rows', () => {
    expect(new Set(FORMAT_IDS).size).toBe(FORMAT_IDS.length)
    for (const cmd of [Analyse, Diff]) {
      const flag = cmd.flags['input-format'] as {options?: readonly string[]; description?: string}
      expect(flag.options).toEqual(FORMAT_IDS)
      expect(flag.description).toBe(inputFormatHelp())
    }
    for (const f of BOOT_LOG_FORMATS) expect(FORMATS_TRIED).toContain(f.name)
  })

  it("the README's format table is the registry's", () => {
    expectMarkedBlock(join(REPO, 'README.md'), 'formats', formatTableMarkdown(), 'README format table')
  })
})
