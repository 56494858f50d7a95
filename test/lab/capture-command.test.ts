// `allocscope capture` input errors: one line on stderr naming the problem, exit 2, and no QEMU
// started. None of these needs QEMU or a kernel. Then what the command prints after a boot, with a
// stub QEMU that replays a real boot's console (e2e.test.ts boots real kernels).
import {chmodSync, existsSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {captureDir, REPO} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-capture-cmd-'))
// Synthetic: only the x86 boot-protocol magic of a bzImage, enough to pass the image check.
const fakeImage = join(tmp, 'synthetic-bzImage')
const hdr = Buffer.alloc(1024)
hdr.write('HdrS', 0x202, 'latin1')
writeFileSync(fakeImage, hdr)

const run = (args: string[]) => runCommand(['capture', ...args], {root: REPO})

describe('allocscope capture: errors', () => {
  it('missing kernel image → exit 2, names the file', async () => {
    const r = await run(['--kernel', join(tmp, 'nope'), '--out', join(tmp, 'o1')])
    expect(r.error?.oclif?.exit).toBe(2)
    expect(r.stderr).toMatch(/allocscope: .*nope: no such file or directory; expected a kernel bzImage/)
  })

  it('a file that is not a bzImage → exit 2', async () => {
    const notKernel = join(tmp, 'synthetic-text')
    writeFileSync(notKernel, 'not a kernel\n')
    const r = await run(['--kernel', notKernel, '--out', join(tmp, 'o2')])
    expect(r.error?.oclif?.exit).toBe(2)
    expect(r.stderr).toMatch(/not an x86 bzImage/)
  })

  it('QEMU missing → exit 2 with the Debian package name', async () => {
    const r = await run(['--kernel', fakeImage, '--qemu', join(tmp, 'qemu-system-x86_64'), '--out', join(tmp, 'o3')])
    expect(r.error?.oclif?.exit).toBe(2)
    expect(r.stderr).toMatch(/not found; install QEMU: apt-get install qemu-system-x86/)
  })

  it('busybox given but not a static binary → exit 2 with the package name', async () => {
    const r = await run(['--kernel', fakeImage, '--busybox', process.execPath, '--qemu', 'true', '--out', join(tmp, 'o4')])
    expect(r.error?.oclif?.exit).toBe(2)
    expect(r.stderr).toMatch(/not a statically linked .*apt-get install busybox-static/)
  })

  it('bad topology and sizes are usage errors', async () => {
    for (const [args, msg] of [
      [['--cpus', '8', '--possible', '4'], /--possible 4 is below --cpus 8/],
      [['--cpus', '2', '--nodes', '4'], /--nodes 4 needs at least as many CPUs/],
      [['--memory', 'lots'], /--memory: memory "lots": expected a size/],
      [['--baseline', 'x', '--then', 'analyse'], /--baseline goes with --then diff/],
    ] as const) {
      const r = await run(['--kernel', fakeImage, ...args])
      expect(r.error?.oclif?.exit, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(msg)
    }
  })
})

// Synthetic stand-ins, so the command runs end to end without QEMU or busybox: a 64-byte static
// x86-64 ELF header (no program headers, so no PT_INTERP) for busybox, and a QEMU that answers
// --version and copies a real boot's console.log to its -serial file:<path>, as the guest would.
const fakeBusybox = join(tmp, 'synthetic-busybox')
const elf = Buffer.alloc(64)
elf.write('\x7fELF', 0, 'latin1')
elf[4] = 2 // ELFCLASS64
elf.writeUInt16LE(62, 18) // EM_X86_64
writeFileSync(fakeBusybox, elf)
const realConsole = join(captureDir('linux-6.12-instr_smp001_1G'), 'console.log')
const stubQemu = join(tmp, 'synthetic-qemu-system-x86_64')
writeFileSync(stubQemu, [
  '#!/bin/sh',
  `[ "$1" = --version ] && { echo 'QEMU emulator version 0 (synthetic stub)'; exit 0; }`,
  `while [ $# -gt 0 ]; do [ "$1" = -serial ] && cp '${realConsole}' "\${2#file:}"; shift; done`,
  '',
].join('\n'))
chmodSync(stubQemu, 0o755)
const booted = (out: string, ...args: string[]) =>
  run(['--kernel', fakeImage, '--busybox', fakeBusybox, '--qemu', stubQemu, '--accel', 'tcg', '--out', join(tmp, out), ...args])

describe.skipIf(process.platform !== 'linux')('allocscope capture: what it prints after a boot (stub QEMU replaying a real console.log)', () => {
  it('without --then, its own report: the capture complete, the replayed kernel\'s release', async () => {
    const r = await booted('b1')
    expect(r.error?.message).toBeUndefined()
    expect(r.stdout).toMatch(/^Capture .*b1\n/)
    expect(r.stdout).toMatch(/status +│ complete/)
    expect(r.stdout).toContain('6.12.117')
  })

  it("--block findings --then analyse: analyse's Findings block alone, capture's own report left out (it was printed first, and its blocks have no 'findings': 'no such block')", async () => {
    const r = await booted('b2', '--then', 'analyse', '--block', 'findings')
    expect(r.stderr).not.toMatch(/no such block/)
    expect(r.error?.message).toBeUndefined()
    expect(existsSync(join(tmp, 'b2', 'allocinfo.txt'))).toBe(true)
    expect(r.stdout).toMatch(/^Findings\n/)
    expect(r.stdout).not.toContain('Capture ')
    expect(r.stdout).not.toContain('complete')
  })
})
