import {describe, expect, it} from 'vitest'
import {kernelCmdline, numaArgs, parseMemory, qemuArgs, shellJoin} from '../../src/lab/qemu.js'

const base = {accel: 'tcg' as const, cpus: 4, memoryMiB: 1024, kernel: '/k/bzImage', initrd: '/t/initramfs.cpio.gz', append: 'console=ttyS0 panic=-1', serial: '/c/console.log'}

/** The value following a flag (first occurrence). */
const after = (argv: string[], flag: string): string | undefined => argv[argv.indexOf(flag) + 1]

describe('qemuArgs', () => {
  it('matches the corpus boots: q35, -cpu max, -m, -smp, serial file, -no-reboot', () => {
    const a = qemuArgs(base)
    // Same option order as meta.json qemu_cmd of linux-7.2-pool-c4-m1024 (paths aside).
    expect(shellJoin(a)).toBe(
      "-accel tcg -machine q35 -cpu max -m 1024 -smp 4 -display none -monitor none -serial file:/c/console.log -no-reboot -kernel /k/bzImage -initrd /t/initramfs.cpio.gz -append 'console=ttyS0 panic=-1'",
    )
  })

  it('kvm accelerator and another cpu model', () => {
    const a = qemuArgs({...base, accel: 'kvm', cpuModel: 'qemu64'})
    expect(after(a, '-accel')).toBe('kvm')
    expect(after(a, '-cpu')).toBe('qemu64')
  })

  it('possible CPUs: QEMU gets -smp <possible> (maxcpus= goes on the kernel command line)', () => {
    expect(after(qemuArgs({...base, possible: 64}), '-smp')).toBe('64')
    expect(after(qemuArgs({...base, possible: 4}), '-smp')).toBe('4')
  })

  it('rejects impossible topologies', () => {
    expect(() => qemuArgs({...base, possible: 2})).toThrow(/possible CPUs/)
    expect(() => qemuArgs({...base, cpus: 0})).toThrow(/cpus/)
    expect(() => qemuArgs({...base, memoryMiB: 16})).toThrow(/memory/)
    expect(() => qemuArgs({...base, nodes: 8})).toThrow(/NUMA/)
  })

  it('NUMA: the 2-node layout of linux-6.12-instr_smp064_2G_numa2 (64 CPUs, 2 GiB)', () => {
    expect(numaArgs(2, 2048, 64)).toEqual([
      '-object', 'memory-backend-ram,id=m0,size=1024M',
      '-object', 'memory-backend-ram,id=m1,size=1024M',
      '-numa', 'node,nodeid=0,cpus=0-31,memdev=m0',
      '-numa', 'node,nodeid=1,cpus=32-63,memdev=m1',
    ])
  })

  it('NUMA: remainders go to the last node, nodes cover the possible CPUs', () => {
    const a = qemuArgs({...base, cpus: 3, possible: 5, memoryMiB: 1000, nodes: 3})
    expect(a.filter((x) => x.startsWith('memory-backend'))).toEqual([
      'memory-backend-ram,id=m0,size=333M', 'memory-backend-ram,id=m1,size=333M', 'memory-backend-ram,id=m2,size=334M',
    ])
    expect(a.filter((x) => x.startsWith('node,'))).toEqual([
      'node,nodeid=0,cpus=0,memdev=m0', 'node,nodeid=1,cpus=1,memdev=m1', 'node,nodeid=2,cpus=2-4,memdev=m2',
    ])
    expect(qemuArgs(base).some((x) => x === '-numa')).toBe(false)
  })
})

describe('kernel command line, memory sizes, quoting', () => {
  it('kernelCmdline puts the console first and keeps the extras', () => {
    expect(kernelCmdline()).toBe('console=ttyS0 panic=-1')
    expect(kernelCmdline(' sysctl.vm.mem_profiling=1 lpj=8384024 ')).toBe('console=ttyS0 panic=-1 sysctl.vm.mem_profiling=1 lpj=8384024')
  })
  it('kernelCmdline: maxcpus=<cpus> only when fewer CPUs than possible (corpus: c64-m1024-maxcpus4)', () => {
    expect(kernelCmdline('sysctl.vm.mem_profiling=1 lpj=8384024', 4, 64)).toBe('console=ttyS0 panic=-1 sysctl.vm.mem_profiling=1 lpj=8384024 maxcpus=4')
    expect(kernelCmdline(undefined, 4, 4)).toBe('console=ttyS0 panic=-1')
  })
  it('parseMemory', () => {
    expect(parseMemory('1024')).toBe(1024)
    expect(parseMemory('1G')).toBe(1024)
    expect(parseMemory('2GiB')).toBe(2048)
    expect(parseMemory('512M')).toBe(512)
    expect(() => parseMemory('lots')).toThrow(/expected a size/)
  })
  it('shellJoin quotes what a shell would split', () => {
    expect(shellJoin(['-append', "a b 'c'"])).toBe(`-append 'a b '\\''c'\\'''`)
  })
})
