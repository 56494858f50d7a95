// The progress line (src/batch/progress.ts) on a fake TTY with a fake clock: done/total, files/s
// and ETA once the total is known; done and files/s only while an archive is not counted yet.
import {describe, expect, it} from 'vitest'
import {progress} from '../../src/batch/progress.js'

describe('progress', () => {
  it('no ETA while the total is unknown; done/total and ETA after; at most one line per 500 ms; cleared at the end', () => {
    const out: string[] = []
    let now = 1000
    const p = progress({isTTY: true, write: (s: string) => out.push(s)}, () => now)
    now += 2000
    p.update(40, undefined)
    now += 100
    p.update(50, 200)
    now += 2000
    p.update(80, 200)
    p.end()
    expect(out).toEqual([
      '\rallocscope: batch 40 inputs (archives not counted yet), 20.0 files/s   ',
      '\rallocscope: batch 80/200 inputs, 19.5 files/s, ETA 6 s   ',
      '\r\x1b[K',
    ])
  })

  it("one input: 'batch 1 input (archives not counted yet)', 'batch 0/1 input' (were '1 inputs', '0/1 inputs')", () => {
    const lines = (updates: [number, number | undefined][]) => {
      const out: string[] = []
      let now = 0
      const p = progress({isTTY: true, write: (s: string) => out.push(s)}, () => (now += 1000))
      for (const [done, total] of updates) p.update(done, total)
      return out
    }
    expect(lines([[1, undefined], [0, 1]])).toEqual(['\rallocscope: batch 1 input (archives not counted yet), 1.0 files/s   ', '\rallocscope: batch 0/1 input, 0.0 files/s   '])
  })

  it('nothing when stderr is not a TTY', () => {
    const out: string[] = []
    const p = progress({isTTY: false, write: (s: string) => out.push(s)})
    p.update(1, 2)
    p.end()
    expect(out).toEqual([])
  })
})
