// The total's change in bloat-o-meter's last line is relative to |before|: a total going from
// -4096 to +4096 grew, so its change is +200 %, not -200 % (issue 14, "wrong numbers"). SYNTHETIC
// two-site dumps in the 2.0 layout; the negative total is what a wrapped or unbalanced counter
// gives (see the anomaly flags).
import {describe, expect, it} from 'vitest'
import {diffAllocInfo, totalLine} from '../../src/diff/allocinfo.js'
import {parseAllocInfoText} from '../../src/readers/allocinfo.js'

const dump = (bytes: number) =>
  `allocinfo - version: 2.0\n#     <size>  <calls> <tag info>\n ${bytes} 1 mm/synthetic.c:1 func:synthetic_a\n 0 0 mm/synthetic.c:2 func:synthetic_b\n`

describe('the total change of an allocinfo diff', () => {
  it.each([
    [-4096, 4096, 200],
    [4096, -4096, -200],
    [4096, 8192, 100],
    [-8192, -4096, 50],
  ])('%d -> %d is %d %%', (before, after, pct) => {
    const d = diffAllocInfo(parseAllocInfoText(dump(before), 'a'), parseAllocInfoText(dump(after), 'b'))
    expect(d.summary.changePct).toBe(pct)
    expect(totalLine(d.summary)).toContain(`chg ${pct >= 0 ? '+' : ''}${pct.toFixed(2)}%`)
  })

  it('from a zero total the change is not a number', () => {
    expect(diffAllocInfo(parseAllocInfoText(dump(0), 'a'), parseAllocInfoText(dump(4096), 'b')).summary.changePct).toBeNull()
  })
})
