// `allocscope capture` input errors: one line on stderr naming the problem, exit 2, and no QEMU
// started. None of these needs QEMU or a kernel.
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {REPO} from '../helpers/paths.js'

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
