// ZONE_NORMAL populated or empty, read from the zone ranges printed at boot (grep: the 4G boot's
// `  Normal   [mem 0x0000000100000000-0x000000017fffffff]` at dmesg line 48; 1 GiB boots print
// `  Normal   empty`). Calibration reads it through the same analysis (capture-facts.ts).
import {existsSync, readFileSync} from 'node:fs'
import {basename, join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {analyseBootLogText} from '../../src/analysis/read.js'
import {readCaptureFacts} from '../../src/model/capture-facts.js'
import {scaleCount} from '../../src/readers/count.js'
import {captureDir, captureDirs} from '../helpers/paths.js'

describe('normalZone fact', () => {
  it('the 4 GiB boot: populated, at the zone-range line', () => {
    const f = analyseBootLogText(readFileSync(join(captureDir('linux-6.12-instr_smp008_4G'), 'dmesg.txt'), 'utf8'), '4G').host.normalZone
    expect(f).toMatchObject({value: true, line: 48})
  })

  it('on every corpus boot it agrees with the memory above the 32-bit hole (> 3 GiB), and calibration sees the same', () => {
    for (const d of captureDirs().filter((x) => existsSync(join(x, 'dmesg.txt')))) {
      const text = readFileSync(join(d, 'dmesg.txt'), 'utf8')
      const a = analyseBootLogText(text, basename(d))
      const mem = scaleCount(a.host.memoryTotalKiB!.value, 1024)
      expect(a.host.normalZone?.value, d).toBe(mem > 3 * 2 ** 30)
      expect(readCaptureFacts(d).host.normalZone, d).toBe(a.host.normalZone?.value)
    }
  })
})
