// The initramfs is checked by parsing our own cpio back (and, when the cpio tool is installed,
// by GNU cpio itself).
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {gunzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {MARKERS, splitConsole} from '../../src/lab/console.js'
import {readCpio, S_IFCHR, S_IFDIR, S_IFLNK, S_IFREG, writeCpio, file} from '../../src/lab/cpio.js'
import {APPLETS, buildInitramfs, initScript, isStaticElf, WORKLOAD_MARKER, WORKLOADS} from '../../src/lab/initramfs.js'
import {SAMPLES} from '../helpers/paths.js'

const SYNTHETIC_BUSYBOX = Buffer.from('synthetic busybox bytes\0\x7f') // odd length: exercises padding
const entries = readCpio(gunzipSync(buildInitramfs(SYNTHETIC_BUSYBOX)))
const byName = new Map(entries.map((e) => [e.name, e]))
const type = (name: string): number => byName.get(name)!.mode & 0o170000

describe('initramfs contents', () => {
  it('has /init (executable script), /bin/busybox and the applet links', () => {
    expect(type('init')).toBe(S_IFREG)
    expect(byName.get('init')!.mode & 0o777).toBe(0o755)
    expect(byName.get('init')!.data!.toString()).toBe(initScript())
    expect(byName.get('bin/busybox')!.data!.equals(SYNTHETIC_BUSYBOX)).toBe(true)
    for (const a of APPLETS) {
      expect(type(`bin/${a}`), a).toBe(S_IFLNK)
      expect(byName.get(`bin/${a}`)!.data!.toString()).toBe('busybox')
    }
  })

  it('has the mount points and /dev/console (char 5:1) the kernel opens for init', () => {
    for (const d of ['bin', 'dev', 'proc', 'sys']) expect(type(d), d).toBe(S_IFDIR)
    expect(type('dev/console')).toBe(S_IFCHR)
    expect([byName.get('dev/console')!.rdevMajor, byName.get('dev/console')!.rdevMinor]).toEqual([5, 1])
  })

  it('the init mounts proc/sys/devtmpfs, prints every marker the splitter knows, then powers off', () => {
    const s = initScript()
    expect(s.startsWith('#!/bin/sh\n')).toBe(true)
    for (const m of ['mount -t proc proc /proc', 'mount -t sysfs sysfs /sys', 'mount -t devtmpfs devtmpfs /dev', 'cat /proc/allocinfo', '\ndmesg\n']) expect(s).toContain(m)
    const echoed = [...s.matchAll(/^echo (===KLAB-[A-Z-]+===)$/gm)].map((m) => m[1])
    expect(echoed).toEqual(Object.values(MARKERS))
    expect(s.trimEnd().endsWith('poweroff -f')).toBe(true)
  })

  it('is reproducible (mtime 0 everywhere, gzip without a timestamp)', () => {
    expect(buildInitramfs(SYNTHETIC_BUSYBOX).equals(buildInitramfs(SYNTHETIC_BUSYBOX))).toBe(true)
  })

  it('the init output, fed to the splitter as a console would show it, splits back (synthetic)', () => {
    // Synthetic console: what the init's echo lines + sample bodies look like on ttyS0 (CRLF).
    const body: Record<string, string> = {[MARKERS.dmesgBegin]: '[    0.000000] Linux version 6.12.117 (synthetic)\n', [MARKERS.allocinfoBegin]: 'allocinfo - version: 1.0\n'}
    const lf = Object.values(MARKERS).map((m) => `${m}\n${body[m] ?? ''}`).join('')
    const split = splitConsole(lf.replace(/\n/g, '\r\n'))
    expect(split.stage).toBe('complete')
    expect(split.dmesg).toBe(body[MARKERS.dmesgBegin])
    expect(split.allocinfo).toBe(body[MARKERS.allocinfoBegin])
  })
})

describe('cpio newc writer/reader', () => {
  it('round-trips names and data of every length modulo 4', () => {
    const list = [0, 1, 2, 3, 4, 5].map((n) => file(`f${'x'.repeat(n)}`, Buffer.alloc(n, 0x41 + n)))
    expect(readCpio(writeCpio(list)).map((e) => [e.name, e.data!.toString()])).toEqual(list.map((e) => [e.name, e.data!.toString()]))
  })

  it('rejects a non-newc archive', () => {
    expect(() => readCpio(Buffer.from('070707' + '0'.repeat(200)))).toThrow(/bad magic/)
  })

  const cpioTool = spawnSync('cpio', ['--version']).status === 0
  it.skipIf(!cpioTool)('GNU cpio lists the same entries (skipped: cpio not installed)', () => {
    const r = spawnSync('cpio', ['-it', '--quiet'], {input: gunzipSync(buildInitramfs(SYNTHETIC_BUSYBOX))})
    expect(r.stdout.toString().trim().split('\n')).toEqual(entries.map((e) => e.name))
  })
})

describe('isStaticElf', () => {
  it.skipIf(!existsSync('/bin/busybox'))('busybox-static is static (skipped: /bin/busybox absent)', () => {
    expect(isStaticElf('/bin/busybox')).toBe(true)
  })
  it('node itself is dynamically linked', () => {
    expect(isStaticElf(process.execPath)).toBe(false)
  })
})

describe('init workloads', () => {
  const NOTRACK = join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink')

  it('shrink prints the same workload line as the real notrack-shrink boot, before the dump', () => {
    const s = initScript('shrink')
    const line = `${WORKLOAD_MARKER} ${WORKLOADS.shrink.title}`
    expect(s).toContain(`echo ${line}\n`)
    // The sample's console.log carries that line (printed by its init before the dump).
    const real = readFileSync(join(NOTRACK, 'console.log'), 'latin1').split('\r\n')
    expect(real).toContain(line)
    expect(real.indexOf(line)).toBeLessThan(real.indexOf(MARKERS.dmesgBegin))
    // Workload before the loglevel drop (its kernel messages reach the console), dump after.
    expect(s.indexOf(line)).toBeLessThan(s.indexOf('dmesg -n 1'))
    expect(s.indexOf('dmesg -n 1')).toBeLessThan(s.indexOf(MARKERS.dmesgBegin))
    for (const step of ['/sys/kernel/slab/*/shrink', '/sys/devices/system/cpu/cpu$i/online', 'cpus 0\ncpus 1\n', '/proc/sys/vm/drop_caches']) expect(s).toContain(step)
  })

  it('the workload line is not a section marker: a console with it still splits the same', () => {
    const real = readFileSync(join(NOTRACK, 'console.log'), 'latin1')
    const split = splitConsole(real)
    expect(split.stage).toBe('complete')
    expect(split.markers).not.toContain(WORKLOAD_MARKER)
    expect(split.dmesg).toBe(readFileSync(join(NOTRACK, 'dmesg.txt'), 'latin1'))
  })

  it('without a workload the init has none; the scripts are valid sh', () => {
    expect(initScript()).not.toContain(WORKLOAD_MARKER)
    for (const s of [initScript(), initScript('shrink')]) {
      const r = spawnSync('sh', ['-n'], {input: s})
      expect(r.status, r.stderr.toString()).toBe(0)
    }
    const withWork = readCpio(gunzipSync(buildInitramfs(SYNTHETIC_BUSYBOX, 'shrink'))).find((e) => e.name === 'init')!
    expect(withWork.data!.toString()).toBe(initScript('shrink'))
  })
})
