// The peer measurement (issues 11 and 15): every syzkaller peer log through the reader and the
// analyser, compared with its upstream header, per crash class. The table is a committed
// expectation (testdata/peer/agreement.md) and each class has a floor (testdata/peer/floors.json)
// it must not drop below: raising a floor is how an improvement is kept.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {expectFile} from '../helpers/expectations.js'
import {agreement, agreementMarkdown, CLASSES, classOf, outcome, titleFunctions, type ClassRow} from '../helpers/peer-agreement.js'
import {TESTDATA} from '../helpers/paths.js'
import {peerFiles, readPeer} from '../helpers/peer.js'

interface Floors {
  classes: Record<string, Pick<ClassRow, 'found' | 'fnRight' | 'corruptedRight'>>
  untitledFalseFindingsMax: number
}

const FLOORS_PATH = join(TESTDATA, 'peer', 'floors.json')

describe('peer agreement with syzkaller pkg/report', () => {
  it('titles: class and named function', () => {
    expect(classOf('WARNING: possible circular locking dependency detected')).toBe('lockdep')
    expect(classOf('INFO: rcu detected stall in corrupted')).toBe('RCU stall')
    expect(classOf('BUG: soft lockup in snd_seq_write')).toBe('BUG')
    expect(titleFunctions('KASAN: use-after-free Read in binder_release_work')).toEqual(['binder_release_work'])
    expect(titleFunctions('WARNING in submit_rx_urb/usb_submit_urb')).toEqual(['submit_rx_urb', 'usb_submit_urb'])
    expect(titleFunctions('INFO: rcu detected stall in corrupted')).toEqual([])
    expect(titleFunctions('kernel panic: Attempted to kill init!')).toEqual([])
  })

  it('per class: the committed table, and no class below its floor', () => {
    const table = agreement(peerFiles().map(readPeer).map(outcome))
    const md = agreementMarkdown(table)
    console.log(md)
    expectFile(join(TESTDATA, 'peer', 'agreement.md'), md, 'peer agreement table')
    const floors = JSON.parse(readFileSync(FLOORS_PATH, 'utf8')) as Floors
    for (const c of CLASSES) {
      const f = floors.classes[c]
      expect(f, `floors.json has no row for ${c}`).toBeDefined()
      for (const k of ['found', 'fnRight', 'corruptedRight'] as const) expect(table[c][k], `${c}: ${k} below its floor`).toBeGreaterThanOrEqual(f![k])
    }
    expect(table.untitled.falseFindings, 'false findings on untitled logs').toBeLessThanOrEqual(floors.untitledFalseFindingsMax)
  })
})
