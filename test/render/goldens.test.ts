// Render goldens: each command × each output format on one or two samples, so a layout change is
// one reviewable diff. The facts themselves are held by the per-capture expectations
// (test/corpus/expectations.test.ts); these files only pin the layout. Width is fixed (COLUMNS=100,
// no colour) so the goldens do not depend on the terminal. Update: `npm run update-expectations`.
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {expectFile} from '../helpers/expectations.js'
import {REPO} from '../helpers/paths.js'

const GOLDEN = join(REPO, 'test', 'render', 'golden')
const FORMATS = ['table', 'markdown', 'csv', 'text', 'json'] as const

/** Each case: a name and the command line as a user types it from the repository. */
const CASES: [string, string[]][] = [
  ['analyse.notrack-shrink', ['analyse', 'samples/linux-7.2-notrack-c8-m1024-shrink', '--traces']],
  ['analyse.numa2', ['analyse', 'samples/linux-6.12-instr_smp064_2G_numa2']],
  ['allocinfo.pool-c64', ['allocinfo', 'samples/linux-7.2-pool-c64-m1024', '--top', '8']],
  ['predict.c1024', ['predict', '--cpus', '1024']],
  ['predict.sweep', ['predict', '--sweep', '1..512', '--points', '6']],
  ['diff.capture-notrack', ['diff', 'samples/linux-7.2-notrack-c8-m1024-shrink']],
  ['diff.allocinfo-c64-c255', ['diff', 'samples/linux-7.2-pool-c64-m1024/allocinfo.txt', 'samples/linux-7.2-legacylate-c255-m1024/allocinfo.txt', '--top', '8']],
  ['diff.allocinfo-func-calls', ['diff', 'samples/linux-6.12-nodebug_smp064_1G/allocinfo.txt', 'samples/linux-7.2-pool-c64-m1024/allocinfo.txt', '--top', '12', '--key', 'func', '--metric', 'calls']],
  ['diff.bootlogs', ['diff', 'samples/linux-7.2-pool-c64-m1024/dmesg.txt', 'samples/linux-7.2-notrack-c8-m1024-shrink/dmesg.txt']],
]

const saved = {columns: process.env.COLUMNS, noColor: process.env.NO_COLOR}
beforeAll(() => {
  process.env.COLUMNS = '100'
  process.env.NO_COLOR = '1'
})
afterAll(() => {
  for (const [k, v] of [['COLUMNS', saved.columns], ['NO_COLOR', saved.noColor]] as const) {
    if (v === undefined) delete process.env[k]
    else process.env[k] = v
  }
})

describe('render goldens (test/render/golden)', () => {
  for (const [name, argv] of CASES) {
    it.each(FORMATS)(`${name} --format %s`, async (format) => {
      const args = format === 'json' ? [...argv, '--json'] : [...argv, '--format', format, '--no-color']
      const {stdout, error} = await runCommand(args, {root: REPO})
      if (error && error.oclif?.exit !== 1) throw error
      // Text is for a mail: plain ASCII under 80 columns, whatever the terminal.
      if (format === 'text') for (const l of stdout.split('\n')) expect(l.length, l).toBeLessThan(80)
      expectFile(join(GOLDEN, `${name}.${format === 'markdown' ? 'md' : format === 'table' ? 'table.txt' : format === 'text' ? 'txt' : format}`), stdout, `${argv.join(' ')} (${format})`)
    })
  }
})
