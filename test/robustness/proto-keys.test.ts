// Keys that come from input are set as own properties, '__proto__' included (src/own.ts put):
// `o[k] = v` with that key calls the prototype setter and the value was lost without a word —
// a klab metric (and its "negative" warning), an inventory column passed through, an allocinfo
// key:value token. SYNTHETIC lines, each the shape its reader takes.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {analyseBootLogText} from '../../src/analysis/read.js'
import {parseInventory} from '../../src/model/inventory.js'
import {parseAllocInfoText} from '../../src/readers/allocinfo.js'
import {recordRank} from '../../src/batch/severity.js'
import type {BatchRecord} from '../../src/batch/schema.js'
import {parseKlab} from '../../src/lab/run.js'
import {SEVERITIES} from '../../src/types.js'
import {runCli} from '../helpers/cli.js'

const own = (o: object | undefined, k: string): unknown => (o && Object.hasOwn(o, k) ? (o as Record<string, unknown>)[k] : undefined)

describe("an input key named '__proto__'", () => {
  it('a klab metric keeps its value and its warning', () => {
    const log = ['[    0.000000] Linux version 7.2.13 (x@y) #1 SMP', '[    0.796321] klab: early_page_allocs calls=62 pages=132 __proto__=-5'].join('\n') + '\n'
    const a = analyseBootLogText(log, 'synthetic')
    const k = a.klab[0]!
    expect(own(k.values, '__proto__')).toBe(-5)
    expect(own(k.values, 'calls')).toBe(62)
    expect(Object.getPrototypeOf(k.values)).toBe(Object.prototype)
    expect(k.bad?.map((b) => b.metric)).toEqual(['__proto__'])
  })

  it("an inventory column is passed through, as one named after another Object.prototype property (was: 'set is not a function')", () => {
    const rows = parseInventory('name,cpus,__proto__,constructor\nweb-1,8,rack-7,ops\n', 'synthetic.csv')
    expect(own(rows[0]!.extra, '__proto__')).toBe('rack-7')
    expect(own(rows[0]!.extra, 'constructor')).toBe('ops')
    expect(rows[0]!.host.possibleCpus).toBe(8)
  })

  it("a lab console's klab metric is kept (capture's meta)", () => {
    const {klab} = parseKlab('[    0.796321] klab: early_page_allocs calls=62 __proto__=5\n')
    expect(own(klab, '__proto__')).toBe(5)
    expect(own(klab, 'calls')).toBe(62)
  })

  it('an allocinfo key:value token is kept on its site', () => {
    const info = parseAllocInfoText('allocinfo - version: 2.0\n#     <size>  <calls> <tag info>\n        4096        1 mm/a.c:1 func:f __proto__:x other:y \n', 'synthetic')
    expect(own(info.sites[0]!.extra, '__proto__')).toBe('x')
    expect(own(info.sites[0]!.extra, 'other')).toBe('y')
  })
})

// Reads of an input key on a plain object: own keys only (src/own.ts ownGet). Without that, a key
// named after an Object.prototype member ('constructor', 'toString') that the object lacks reads
// that member, not undefined.
describe("an input key named after an Object.prototype member, read where the object may lack it", () => {
  const T = mkdtempSync(join(tmpdir(), 'proto-keys-'))
  afterAll(() => rmSync(T, {recursive: true, force: true}))

  it("predict --hosts: a passed-through column a row leaves empty prints empty (was the source of Object / toString)", async () => {
    // SYNTHETIC inventory: web-1 leaves its constructor and toString cells empty.
    const csv = join(T, 'synthetic-inventory.csv')
    writeFileSync(csv, 'name,cpus,constructor,toString\nweb-1,8,,\nweb-2,4,ops,x\n')
    const r = await runCli(['predict', '--hosts', csv, '--format', 'csv'])
    expect(r.status).toBe(0)
    const lines = r.stdout.split('\n').filter((l) => /^(host|web-)/.test(l))
    expect(lines[0]!.split(',').slice(-2)).toEqual(['constructor', 'toString'])
    expect(lines[1]!.startsWith('web-1,')).toBe(true)
    expect(lines[1]!.split(',').slice(-2)).toEqual(['', ''])
    expect(lines[2]!.split(',').slice(-2)).toEqual(['ops', 'x'])
    expect(r.stdout).not.toContain('[native code]')
  })
})

describe('a flag named after an Object.prototype member (SYNTHETIC words: --toString, --constructor=1, --__proto__)', () => {
  // oclif looks flags up in a plain object: --toString was taken for a flag and analyse ran without
  // a word; --constructor was "Unexpected flag Object", --__proto__ "Unexpected flag undefined".
  for (const word of ['--toString', '--constructor=1', '--__proto__', '--hasOwnProperty']) {
    it(`${word} is an unknown flag, exit 2`, async () => {
      const r = await runCli(['analyse', '--sample', 'linux-7.2-pool-c64-m1024', word])
      expect(r.status).toBe(2)
      expect(r.stderr).toBe(`allocscope: unknown flag ${word} (see allocscope analyse --help)\n`)
      expect(r.stdout).toBe('')
    })
  }

  it('the word after a flag that takes a value is that value, not a flag', async () => {
    // SYNTHETIC: a --module named --toString, which matches no site (analyse has no --module: allocinfo does).
    const r = await runCli(['allocinfo', '--sample', 'linux-7.2-pool-c64-m1024', '--module', '--toString', '--json'])
    expect(r.stderr).not.toContain('unknown flag')
  })
})

describe('a klab kind named after an Object.prototype member, in a record batch --resume reads back', () => {
  // SYNTHETIC records (batch writes only the kinds its reader knows; a resume file is read as it is).
  const record = (kind: string) => ({input: {path: 'synthetic.log'}, klab: [{kind, values: {}, line: 1, bad: [{metric: 'calls', digits: '-1', problem: 'negative'}]}]}) as unknown as BatchRecord
  for (const kind of ['constructor', '__proto__', 'toString']) {
    it(`its impossible counter still grades the record a warning (kind ${kind})`, () => {
      expect(recordRank(record(kind))).toBe(SEVERITIES.indexOf('warning'))
    })
  }
})
