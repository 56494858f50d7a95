// The non-booting parts of a capture run: klab parsing (checked against the corpus meta.json),
// input checks and failure messages.
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {basename, join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {splitConsole} from '../../src/lab/console.js'
import {type CaptureMeta, checkBzImage, chooseAccel, failureMessage, parseKlab, qemuVersion} from '../../src/lab/run.js'
import {captureDirs} from '../helpers/paths.js'

describe('parseKlab on the real console logs', () => {
  const dirs = captureDirs().filter((d) => existsSync(join(d, 'console.log')))
  for (const dir of dirs) {
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as {klab?: Record<string, unknown>; klab_walk?: Record<string, unknown>}
    it(`${basename(dir)}: same klab numbers as meta.json`, () => {
      const got = parseKlab(readFileSync(join(dir, 'console.log'), 'latin1'))
      expect(got.klab).toEqual(meta.klab ?? undefined)
      if (meta.klab_walk) expect(got.klab_walk).toEqual(meta.klab_walk)
    })
  }
})

describe('input checks', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'allocscope-lab-test-'))

  it('checkBzImage: missing file and a file without the HdrS boot header', () => {
    expect(() => checkBzImage(join(tmp, 'nope'))).toThrow(/no such file or directory; expected a kernel bzImage/)
    const notKernel = join(tmp, 'synthetic-not-a-kernel')
    writeFileSync(notKernel, Buffer.alloc(4096))
    expect(() => checkBzImage(notKernel)).toThrow(/not an x86 bzImage/)
  })

  it('checkBzImage: accepts the HdrS magic at 0x202 (synthetic header)', () => {
    const img = Buffer.alloc(1024)
    img.write('HdrS', 0x202, 'latin1')
    writeFileSync(join(tmp, 'synthetic-bzImage'), img)
    expect(() => checkBzImage(join(tmp, 'synthetic-bzImage'))).not.toThrow()
  })

  it('qemuVersion names the package when QEMU is missing', () => {
    expect(() => qemuVersion(join(tmp, 'qemu-system-x86_64'))).toThrow(/not found; install QEMU: apt-get install qemu-system-x86/)
  })

  it('chooseAccel: what was asked, else KVM only with /dev/kvm and vmx/svm', () => {
    expect(chooseAccel('tcg')).toEqual({accel: 'tcg', reason: '--accel tcg'})
    expect(chooseAccel('kvm')).toEqual({accel: 'kvm', reason: '--accel kvm'})
    const noVmx = join(tmp, 'synthetic-cpuinfo')
    writeFileSync(noVmx, 'processor\t: 0\nflags\t\t: fpu vme de pse tsc msr pae\n')
    // Whatever /dev/kvm says, a CPU without vmx/svm cannot run a KVM guest.
    expect(chooseAccel('auto', noVmx).accel).toBe('tcg')
    expect(chooseAccel('auto', noVmx).reason).toMatch(/dev\/kvm/)
  })
})

describe('failureMessage', () => {
  const c255 = captureDirs().find((d) => d.endsWith('linux-7.2-pool-c255-m1024'))!
  const meta = (over: Partial<CaptureMeta>) => ({complete: false, timed_out: true, timeout_s: 600, qemu_rc: null, qemu_signal: 'SIGTERM', kernel_image: '/k/bzImage', ...over}) as CaptureMeta

  it('the real truncated c255 boot: timed out before the init, last line quoted', () => {
    const split = splitConsole(readFileSync(join(c255, 'console.log'), 'latin1'))
    const msg = failureMessage({dir: '/out', meta: meta({stage: split.stage}), split})
    expect(msg).toMatch(/timed out after 600 s .* before the kernel reached the init; last console line: ".*#198"/)
    expect(msg).toMatch(/kept|captured is in \/out/)
  })

  it('QEMU killed by a signal: says QEMU crashed, not the guest (synthetic meta)', () => {
    const split = splitConsole('[    2.384781] pci 0000:00:01.0: BAR 2 [mem 0xfebd4000-0xfebd4fff]\r\n')
    const msg = failureMessage({dir: '/out', meta: meta({stage: split.stage, timed_out: false, qemu_signal: 'SIGSEGV'}), split})
    expect(msg).toMatch(/QEMU was killed by SIGSEGV \(QEMU itself crashed, not the guest.*before the kernel reached the init; last console line: ".*BAR 2/)
  })

  it('no output and complete', () => {
    const split = splitConsole('')
    expect(failureMessage({dir: '/out', meta: meta({stage: 'no-output', timed_out: false, qemu_rc: 1}), split})).toMatch(/printed nothing on ttyS0/)
    expect(failureMessage({dir: '/out', meta: meta({complete: true, stage: 'complete'}), split})).toBeUndefined()
  })
})
