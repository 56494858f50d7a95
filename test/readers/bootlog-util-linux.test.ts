// The converters' shapes checked against the real util-linux dmesg when it is installed:
// `dmesg -F <file>` re-reads a `<pri>[time] text` file, and prints it with -r, -x and --json.
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {analyseBootLogText} from '../../src/analysis/read.js'
import {parseBootLogText} from '../../src/readers/bootlog/index.js'
import {dmesgLines, syntheticFacility, syntheticLevel, toDmesgDecode, toDmesgRaw} from '../helpers/convert.js'
import {captureDir} from '../helpers/paths.js'

function hasDmesgFile(): boolean {
  try {
    return /util-linux/.test(execFileSync('dmesg', ['--version'], {encoding: 'utf8'}))
  } catch {
    return false
  }
}

const original = readFileSync(join(captureDir('linux-7.2-pool-c64-m1024'), 'dmesg.txt'), 'utf8')
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-ul-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

describe.skipIf(!hasDmesgFile())('util-linux dmesg (installed here)', () => {
  const raw = join(tmp, 'raw.txt')
  writeFileSync(raw, toDmesgRaw(original))
  const dmesg = (...args: string[]): string => execFileSync('dmesg', ['-F', raw, ...args], {encoding: 'utf8', maxBuffer: 1 << 30})

  it('dmesg -r prints exactly what toDmesgRaw makes', () => {
    expect(dmesg('-r')).toBe(toDmesgRaw(original))
  })

  it('dmesg -x prints exactly what toDmesgDecode makes', () => {
    expect(dmesg('-x')).toBe(toDmesgDecode(original))
  })

  it('dmesg -T (wall clock instead of kernel time): the texts, without times', () => {
    const r = parseBootLogText(dmesg('-T'))
    expect(r.format).toBe('dmesg')
    expect(r.records.map((x) => x.text)).toEqual(dmesgLines(original).map((l) => l.text))
    expect(r.records.every((x) => x.time === undefined)).toBe(true)
  })

  // What the issue saw: these were "not a kernel log", and a forced --input-format dmesg on the ISO
  // form lost the release and the memory.
  for (const [form, args, keepsTime] of [
    ['iso', ['--time-format', 'iso'], false],
    ['reltime', ['--time-format', 'reltime'], false],
    ['delta', ['--time-format', 'delta'], false],
    ['-d (time and delta)', ['-d'], true],
  ] as const) {
    it(`dmesg ${args.join(' ')} (${form}): detected, every text, the host facts of the plain log`, () => {
      const r = parseBootLogText(dmesg(...args))
      expect(r.format, r.formatReason).toBe('dmesg')
      expect(r.records.map((x) => x.text)).toEqual(dmesgLines(original).map((l) => l.text))
      expect(r.records.map((x) => x.time)).toEqual(dmesgLines(original).map((l) => (keepsTime ? l.time : undefined)))
      const a = analyseBootLogText(dmesg(...args), 'x')
      const plain = analyseBootLogText(original, 'x')
      expect(a.host.release?.value).toBe(plain.host.release?.value)
      expect(a.host.memoryTotalKiB?.value).toBe(plain.host.memoryTotalKiB?.value)
      expect(a.host.possibleCpus?.value).toBe(plain.host.possibleCpus?.value)
    })
  }

  it('dmesg --json and --json -x: the reader gets time, level and the first line of each message', () => {
    // util-linux 2.38 -F: each "msg" runs on to the end of the file (fixed later), and numeric
    // "pri" is fac|level instead of fac<<3|level for non-kernel facilities (fixed in 2.39):
    // compare the first line of the text, and levels of kernel-facility records.
    const want = dmesgLines(original)
    for (const args of [['--json'], ['--json', '-x']]) {
      const r = parseBootLogText(dmesg(...args))
      expect(r.format).toBe('dmesg-json')
      expect(r.records.length).toBe(want.length)
      r.records.forEach((rec, i) => {
        expect(rec.time).toBe(want[i]!.time)
        expect(rec.text.split('\n')[0]).toBe(want[i]!.text)
        if (syntheticFacility(i) === 0 || args.includes('-x')) expect(rec.level).toBe(syntheticLevel(i))
      })
    }
  })
})
