// The fleet page's CPU bars say a count of 1 in the singular: '1 CPU, legacy max 8192 (1 boot)' (was
// '1 CPUs'). Input: the real one-CPU capture linux-6.12-instr_smp001_1G's log, through batch.
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {runCli} from '../helpers/cli.js'
import {captureDir} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-fleet-count-words-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

describe('fleet --html: counts of 1', () => {
  it("a one-CPU boot's bar: '1 CPU, legacy max 8192 (1 boot)'", async () => {
    const b = await runCli(['batch', join(captureDir('linux-6.12-instr_smp001_1G'), 'dmesg.txt')])
    const records = join(tmp, 'batch.ndjson')
    writeFileSync(records, b.stdout)
    const page = join(tmp, 'fleet.html')
    const r = await runCli(['fleet', records, '--html', page])
    expect(r.status, r.stderr).toBe(0)
    const html = readFileSync(page, 'utf8')
    expect(html).toContain('1 CPU, legacy max 8192 (1 boot)')
    expect(html).not.toContain('1 CPUs')
  })
})
