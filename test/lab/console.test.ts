// The console splitter on every real console.log of the golden corpus: the split must give back
// the capture's dmesg.txt and allocinfo.txt byte for byte (they were made by the same rule).
import {existsSync, readFileSync} from 'node:fs'
import {basename, join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {MARKERS, splitConsole} from '../../src/lab/console.js'
import {captureDirs} from '../helpers/paths.js'

const withConsole = captureDirs().filter((d) => existsSync(join(d, 'console.log')))
const read = (p: string): string => readFileSync(p, 'latin1')

describe('splitConsole on the real console logs', () => {
  it('covers the corpus (29 boots with a console.log)', () => {
    expect(withConsole.length).toBe(29)
  })

  for (const dir of withConsole) {
    it(`${basename(dir)}: reproduces dmesg.txt and allocinfo.txt byte for byte`, () => {
      const split = splitConsole(read(join(dir, 'console.log')))
      const meta = JSON.parse(read(join(dir, 'meta.json'))) as Record<string, unknown>
      for (const [file, got] of [['dmesg.txt', split.dmesg], ['allocinfo.txt', split.allocinfo]] as const) {
        const path = join(dir, file)
        if (existsSync(path)) expect(got, file).toBe(read(path))
        else expect(got, `${file} is absent, so the split must be too`).toBeUndefined()
      }
      expect(split.stage === 'complete').toBe(meta.complete)
      if (meta.cpuinfo_processors != null) expect(split.cpuinfoProcessors).toBe(meta.cpuinfo_processors)
      if (meta.vm_mem_profiling != null) expect(split.memProfiling).toBe(meta.vm_mem_profiling)
      if (Array.isArray(meta.meminfo_head)) expect(split.meminfoHead).toEqual(meta.meminfo_head)
      const release = (meta.kernel_release ?? meta.kernel_version) as string
      expect(split.kernelRelease).toBe(release)
    })
  }

  it('the truncated c255 boot stops in the kernel, before the init, with no sections', () => {
    const split = splitConsole(read(join(withConsole.find((d) => d.endsWith('linux-7.2-pool-c255-m1024'))!, 'console.log')))
    expect(split.stage).toBe('kernel')
    expect(split.markers).toEqual([])
    expect(split.dmesg).toBeUndefined()
    // It was killed while printing the secondary-CPU bring-up (x86: Booting SMP configuration).
    expect(split.lastLine).toMatch(/#198$/)
  })

  it('a complete boot shows every marker in the order the init prints them', () => {
    const split = splitConsole(read(join(withConsole[0], 'console.log')))
    expect(split.markers).toEqual(Object.values(MARKERS))
  })
})

describe('splitConsole on derived consoles', () => {
  const full = read(join(withConsole.find((d) => d.endsWith('linux-7.2-pool-c4-m1024'))!, 'console.log'))

  it('derived: cut inside allocinfo → dmesg kept, allocinfo absent, stage init', () => {
    const cut = full.slice(0, full.indexOf(MARKERS.allocinfoBegin) + 2000)
    const split = splitConsole(cut)
    expect(split.dmesg).toBe(splitConsole(full).dmesg)
    expect(split.allocinfo).toBeUndefined()
    expect(split.stage).toBe('init')
    expect(split.cutMidLine).toBe(!cut.endsWith('\n'))
  })

  it('derived: cut before /init → stage kernel; empty → no-output', () => {
    expect(splitConsole(full.slice(0, full.indexOf('Run /init'))).stage).toBe('kernel')
    expect(splitConsole('').stage).toBe('no-output')
  })
})
