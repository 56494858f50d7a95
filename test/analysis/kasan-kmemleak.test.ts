// KASAN and kmemleak as host facts: on the corpus only the notrack boot has them (a debugging
// build), and the lab's calibration boots of that kernel too. Line numbers verified with grep.
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {basename, join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {analyseBootLogText} from '../../src/analysis/read.js'
import {readCaptureFacts} from '../../src/model/capture-facts.js'
import {hostFromAnalysis} from '../../src/model/from-boot.js'
import {captureDir, captureDirs, LAB_CAPTURES} from '../helpers/paths.js'

const NOTRACK = 'linux-7.2-notrack-c8-m1024-shrink'
const read = (dir: string) => readFileSync(join(dir, 'dmesg.txt'), 'utf8')

describe('KASAN and kmemleak facts', () => {
  it('the corpus notrack boot: KASAN generic at line 51, kmemleak on at line 258; --from and calibration see both', () => {
    const text = read(captureDir(NOTRACK))
    const a = analyseBootLogText(text, NOTRACK)
    expect(a.host.kasan).toMatchObject({value: 'generic', line: 51})
    expect(a.host.kmemleak).toMatchObject({value: true, line: 258})
    const {host} = hostFromAnalysis(a)
    expect([host.kasan, host.kmemleak]).toEqual([true, true])
    const f = readCaptureFacts(captureDir(NOTRACK))
    expect([f.host.kasan, f.host.kmemleak]).toEqual([true, true])
  })

  it('no other corpus boot has either (their kernels were not debugging builds)', () => {
    for (const d of captureDirs().filter((x) => existsSync(join(x, 'dmesg.txt')) && basename(x) !== NOTRACK)) {
      const a = analyseBootLogText(read(d), d)
      expect(a.host.kasan, d).toBeUndefined()
      expect(a.host.kmemleak, d).toBeUndefined()
      expect(hostFromAnalysis(a).host.kasan, d).toBe(false)
    }
  })

  it('the other KASAN modes and kmemleak=off (synthetic lines, the kernel strings of mm/kasan and mm/kmemleak.c)', () => {
    const sw = analyseBootLogText('[    0.000000] KernelAddressSanitizer initialized (sw-tags, stacktrace=on)\n', 'synthetic')
    expect(sw.host.kasan?.value).toBe('sw-tags')
    const hw = analyseBootLogText('[    0.000000] KernelAddressSanitizer initialized (hw-tags, mode=sync, vmalloc=on, stacktrace=on, write_only=off)\n', 'synthetic')
    expect(hw.host.kasan?.value).toBe('hw-tags')
    const off = analyseBootLogText('[    1.000000] kmemleak: Kernel memory leak detector disabled\n', 'synthetic')
    expect(off.host.kmemleak?.value).toBe(false)
    expect(hostFromAnalysis(off).host.kmemleak).toBe(false)
  })

  it('the lab notrack calibration boots carry both', () => {
    const dirs = readdirSync(LAB_CAPTURES).filter((n) => n.includes('notrack')).map((n) => join(LAB_CAPTURES, n))
    expect(dirs.length).toBe(4)
    for (const d of dirs) expect([readCaptureFacts(d).host.kasan, readCaptureFacts(d).host.kmemleak], d).toEqual([true, true])
  })
})
