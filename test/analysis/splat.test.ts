import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {guiltyFrame, isSkippedFrame, parseArmCaller, parseFrame, parsePcLine, stallFrame} from '../../src/analysis/frames.js'
import {parseSplats} from '../../src/analysis/splat.js'
import {analyseBootLogText} from '../../src/analysis/read.js'
import {parseBootLogText} from '../../src/readers/bootlog/index.js'
import {derivedInterleaved, derivedRetimed, derivedTruncated, derivedWithCaller} from '../helpers/derived-splats.js'
import {captureDir, PEER} from '../helpers/paths.js'
import {readPeer} from '../helpers/peer.js'
import type {LogRecord} from '../../src/types.js'
import {recordsFromFile, recordsFromText} from './records.js'

const NUMA2 = join(captureDir('linux-6.12-instr_smp064_2G_numa2'), 'dmesg.txt')
const NOTRACK = join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'dmesg.txt')
const LKML = join(captureDir('lkml-7.0-rc4-alloc-tag-not-set'), 'dmesg-excerpt.txt')

/** Line numbers (1-based) of lines matching re in a real file: the tests' own grep. */
function grepLines(path: string, re: RegExp): number[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((l, i) => (re.test(l) ? [i + 1] : []))
}

describe('splat parser on real splats', () => {
  it('6.12 old banner (numa2): the sched: line between cut-here and WARNING is the message', () => {
    const splats = parseSplats(recordsFromFile(NUMA2))
    expect(splats).toHaveLength(1)
    const s = splats[0]
    expect(s.startLine).toBe(grepLines(NUMA2, /cut here/)[0])
    expect(s.endLine).toBe(grepLines(NUMA2, /end trace/)[0])
    expect(s.banner).toBe('old')
    expect(s.message).toMatch(/^sched: CPU #32's llc-sibling CPU #0 is not on the same node!/)
    expect([s.file, s.fileLine, s.fn, s.offset]).toEqual(['arch/x86/kernel/smpboot.c', 350, 'topology_sane.isra.0', '0x62'])
    expect([s.cpu, s.pid, s.comm, s.taint, s.kernel]).toEqual([32, 0, 'swapper/32', 'Not tainted', '6.12.117'])
    expect(s.frames.map((f) => f.fn)).toEqual(['set_cpu_sibling_map', 'start_secondary', 'common_startup_64'])
    expect(s.guilty?.fn).toBe('set_cpu_sibling_map')
    expect(s.corrupted).toBe(false)
  })

  it('7.2 new banner (notrack): alloc_tag was not set, 19 frames (8 reliable), guilty past slab internals', () => {
    const [s, ...rest] = parseSplats(recordsFromFile(NOTRACK))
    expect(rest).toHaveLength(0)
    expect(s.banner).toBe('new')
    expect(s.message).toBe('alloc_tag was not set')
    expect([s.file, s.fileLine, s.fn, s.offset, s.cpu, s.comm, s.pid]).toEqual(['include/linux/alloc_tag.h', 166, '__pgalloc_tag_sub', '0x422', 0, 'init', 1])
    expect(s.kernel).toBe('7.2.13')
    // grep: frame lines between <TASK> and </TASK>
    expect(s.frames).toHaveLength(19)
    expect(s.frames.filter((f) => f.reliable)).toHaveLength(8)
    expect(s.frames[0]).toMatchObject({fn: '__schedule', offset: '0x8b5', size: '0x1640', reliable: false})
    // __free_frozen_pages (page allocator), __kmem_cache_do_shrink (slub) are skipped
    expect(s.guilty?.fn).toBe('shrink_store')
    expect(s.corrupted).toBe(false)
    expect(s.endLine).toBe(grepLines(NOTRACK, /end trace/)[0])
  })

  it('7.0-rc4 lkml excerpt: KASAN quarantine frames skipped, hardware from the splat', () => {
    const [s] = parseSplats(recordsFromFile(LKML))
    expect([s.banner, s.file, s.fileLine, s.cpu, s.comm, s.pid, s.kernel]).toEqual(['new', 'include/linux/alloc_tag.h', 164, 5, 'systemd', 1, '7.0.0-rc4'])
    expect(s.hardware).toBe('Red Hat KVM, BIOS rel-1.16.3-0-ga6ed6b701f0a-prebuilt.qemu.org 04/01/2014')
    expect(s.frames).toHaveLength(30)
    expect(s.frames.filter((f) => !f.reliable)).toHaveLength(20)
    // __free_frozen_pages, qlist_free_all, kasan_quarantine_reduce, __kasan_slab_alloc, kmem_cache_alloc_noprof
    expect(s.guilty?.fn).toBe('do_getname')
    expect(s.corrupted).toBe(false)
  })
})

describe('corrupted splats (derived from real ones) are kept, never dropped', () => {
  const recs = recordsFromFile(NOTRACK)
  const cut = grepLines(NOTRACK, /cut here/)[0]
  const end = grepLines(NOTRACK, /end trace/)[0]

  it('DERIVED truncation at every line inside the block: corrupted until its call trace is complete', () => {
    const traceEnd = grepLines(NOTRACK, /<\/TASK>/)[0]
    for (let last = cut; last < end; last++) {
      const splats = parseSplats(derivedTruncated(recs, last))
      expect(splats, `cut at ${last}`).toHaveLength(1)
      expect(splats[0].startLine).toBe(cut)
      // Cut after `</TASK>`, only the end-trace marker is missing: the report itself is whole.
      expect(splats[0].corrupted, `cut at ${last}`).toBe(last < traceEnd)
      if (last < traceEnd) expect(splats[0].corruptedReason).toMatch(/cut short by the end of the log|no WARNING\/BUG banner/)
    }
  })

  it('DERIVED non-splat line inside the call trace', () => {
    const taskLine = grepLines(NOTRACK, /<TASK>/)[0]
    const [s] = parseSplats(derivedInterleaved(recs, taskLine + 2, 'smpboot: CPU 1 is now offline'))
    expect(s.corrupted).toBe(true)
    expect(s.corruptedReason).toMatch(/non-splat line .* inside the call trace/)
    expect(s.guilty?.fn).toBe('shrink_store')
  })

  it('DERIVED second cut-here before the end', () => {
    const splats = parseSplats(derivedInterleaved(recs, cut + 5, '------------[ cut here ]------------'))
    expect(splats).toHaveLength(2)
    expect(splats[0].corrupted).toBe(true)
    expect(splats[0].corruptedReason).toMatch(/another cut-here/)
  })

  it('DERIVED different caller id in the middle: not part of the report, which stays whole', () => {
    const withCaller = derivedWithCaller(recs, 'T1')
    const [s] = parseSplats(derivedInterleaved(withCaller, cut + 4, 'random: crng reseeded', 'C3'))
    expect(s.corrupted).toBe(false)
    expect(s.caller).toBe('T1')
    expect(s.guilty?.fn).toBe('shrink_store')
    expect(s.message).toBe('alloc_tag was not set')
  })

  it('DERIVED time going backwards inside the block', () => {
    const [s] = parseSplats(derivedRetimed(recs, cut + 6, 1.0))
    expect(s.corrupted).toBe(true)
    expect(s.corruptedReason).toMatch(/time went backwards/)
  })
})

describe('time going backwards: explained by other CPUs\' NMI backtraces (real lab boot, 6.12 nodebug, 32 CPUs)', () => {
  // The TSC went unstable during this boot: CPUs 17 and 18 print their NMI backtraces with clocks
  // behind the reporting CPU 1's (`Sending NMI from CPU 1` at 70.109951, `NMI backtrace for cpu 17` at 70.008174).
  const C32 = captureDir('lab-6.12-instr-nodebug-c32-m1024')
  const DMESG = join(C32, 'dmesg.txt')
  const stalls = (recs: LogRecord[]) => parseSplats(recs).filter((s) => /rcu_sched detected stalls/.test(s.message ?? ''))

  it('the RCU stall reports of dmesg and of the console (which prints the dmesg again after the boot) are not corrupted', () => {
    const d = stalls(recordsFromFile(DMESG))
    expect(d.map((s) => s.startLine)).toEqual(grepLines(DMESG, /rcu: INFO: rcu_sched detected stalls/))
    for (const s of d) expect(s.corrupted, s.corruptedReason).toBe(false)
    const c = stalls(recordsFromFile(join(C32, 'console.log')))
    expect(c).toHaveLength(4)
    for (const s of c) expect(s.corrupted, s.corruptedReason).toBe(false)
    // The second stall has no end marker: the dump printed again from 0.000000 after it ends it.
    expect(c[1]!.endLine).toBeLessThan(grepLines(join(C32, 'console.log'), /Linux version/)[1]!)
  })

  it('DERIVED the reporter\'s own lines out of order (before any NMI was sent): still corrupted', () => {
    const start = grepLines(DMESG, /rcu: INFO: rcu_sched detected stalls/)[0]!
    const [s] = stalls(derivedRetimed(derivedRetimed(recordsFromFile(DMESG), start + 1, 70.2), start + 2, 70.15))
    expect(s!.corrupted).toBe(true)
    expect(s!.corruptedReason).toMatch(new RegExp(`time went backwards at line ${start + 2}`))
  })

  it('peer 196: the rule that closes a KASAN report, printed by another report at an earlier time, is not part of it', () => {
    const p = readPeer(join(PEER, '196'))
    const [s] = parseSplats(recordsFromText(p.log))
    expect(s!.corrupted, s!.corruptedReason).toBe(false)
  })
})

describe('lines without the printk prefix in a timed log (orphans): a report\'s continuation, never a report of their own', () => {
  const orphanSplats = (text: string) => parseSplats(parseBootLogText(text, {orphans: true}).records)
  const peerLog = (name: string) => readPeer(join(PEER, name)).log

  it('SYNTHETIC a call trace printed without its prefix is the report\'s; other output between its frames is not', () => {
    const log = [
      ' stray_frame_before+0x1/0x2',
      '[   10.000000] BUG: sleeping function called from invalid context at mm/slab.h:10',
      '[   10.000001] in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 1, name: swapper/0',
      '[   10.000002] CPU: 0 PID: 1 Comm: swapper/0 Not tainted 6.12.0 #1',
      '[   10.000003] Call Trace:',
      ' <TASK>',
      ' dump_stack_lvl+0x10/0x20',
      ' __might_resched+0x30/0x40',
      'syzkaller login: executing program 5:',
      ' bar_caller+0x20/0x40',
      ' baz+0x30/0x60',
      ' </TASK>',
      '[   10.000004] next kernel line',
    ].join('\n')
    const p = parseBootLogText(log, {orphans: true})
    // Still counted as skipped by the reader (the stats do not change), handed out as orphans.
    expect(p.format).toBe('console')
    expect(p.skippedByReason['no printk time stamp: not a kernel line']).toBe(8)
    expect(p.records.filter((r) => r.orphan)).toHaveLength(8)
    const splats = parseSplats(p.records)
    expect(splats).toHaveLength(1)
    const [s] = splats
    expect(s!.frames.map((f) => f.fn)).toEqual(['dump_stack_lvl', '__might_resched', 'bar_caller', 'baz'])
    expect(s!.guilty?.fn).toBe('bar_caller')
    expect(s!.corrupted, s!.corruptedReason).toBe(false)
    // Without orphans (what every other reader of records sees): the stack is lost.
    expect(parseSplats(parseBootLogText(log).records)[0]!.corrupted).toBe(true)
    expect(analyseBootLogText(log, 'synthetic').findings.map((f) => f.title)).toEqual(['BUG: sleeping function called from invalid context in bar_caller'])
  })

  it('peer 306: lines of the fuzzer\'s own output inside a KASAN trace are passed over, the trace goes on', () => {
    const withOrphans = orphanSplats(peerLog('306'))[0]!
    const without = parseSplats(recordsFromText(peerLog('306')))[0]!
    expect(withOrphans.frames.map((f) => f.fn)).toEqual(without.frames.map((f) => f.fn))
    expect(withOrphans.frames.map((f) => f.fn)).toContain('aa_label_parse')
    expect([withOrphans.guilty?.fn, withOrphans.corrupted]).toEqual([without.guilty?.fn, without.corrupted])
  })

  it('peer 346: a caller-id log\'s frames without prefix have no caller: not part of the T1194 report', () => {
    const [s] = orphanSplats(peerLog('346'))
    expect(s!.caller).toBe('T1194')
    expect(s!.frames.map((f) => f.fn)).not.toContain('should_fail.cold')
    expect(s!.corrupted).toBe(false)
  })
})

describe('frames', () => {
  it('parses module, unreliable and symbolised frames', () => {
    expect(parseFrame(' ? foo_bar+0x10/0x20 [e1000e]')).toMatchObject({fn: 'foo_bar', module: 'e1000e', reliable: false})
    expect(parseFrame('[<ffffffff8100a0b1>] dump_stack+0x5/0x9')).toMatchObject({fn: 'dump_stack', reliable: true})
    expect(parseFrame(' __dump_stack lib/dump_stack.c:77 [inline]')).toMatchObject({fn: '__dump_stack', reliable: true})
    expect(parseFrame('RIP: 0010:foo+0x1/0x2')).toBeUndefined()
  })
  it('skip table: allocator internals yes, callers no', () => {
    for (const fn of ['__free_pages', '__free_frozen_pages', 'free_unref_page_commit', '__pgalloc_tag_sub', 'alloc_tag_sub', 'kmem_cache_free', '__slab_free', 'kfree', 'kasan_quarantine_reduce', 'qlist_free_all', '__pfx_do_getname', 'kfree.cold']) {
      expect(isSkippedFrame(fn), fn).toBe(true)
    }
    for (const fn of ['do_getname', 'shrink_store', 'set_cpu_sibling_map', 'vfs_write']) expect(isSkippedFrame(fn), fn).toBe(false)
    expect(guiltyFrame([])).toBeUndefined()
  })
  it('skip table: the helpers a report passes through on behalf of its caller (syzkaller conventions), not the callers', () => {
    const skipped = ['simple_copy_to_iter', 'bpf_prog_array_copy_to_user', 'copy_page_to_iter', 'dpm_sysfs_remove', '__raw_readb', 'logic_inb', 'do_read_cache_folio', 'find_lock_entries', 'folio_unlock', 'iput', 'fast_dput', 'drop_nlink', 'lock_timer_base', '__queue_work', 'queue_delayed_work_on', 'mutex_optimistic_spin', '__mutex_lock_common', 'reiserfs_write_lock', '_raw_spin_lock_irqsave', 'trace_hardirqs_off', '__local_bh_enable_ip', 'walk_stackframe', 'stack_trace_consume_entry', 'arch_stack_walk', 'do_tag_check_fault', 'program_check_exception', 'assertfail.constprop.0', 'print_tainted', 'devres_release_all', 'device_release', 'kobject_put', 'perf_trace_init', 'flush_workqueue', 'down_trylock', '__might_fault']
    for (const fn of skipped) expect(isSkippedFrame(fn), fn).toBe(true)
    for (const fn of ['write_comp_data', 'wake_up_new_task', 'bpf_prog_array_copy_info', 'pvr2_i2c_core_done', 'ns558_init', 'udf_rmdir', 'ext4_fileattr_get', 'sk_clone_lock', 'pipe_lock', 'rtnl_lock']) {
      expect(isSkippedFrame(fn), fn).toBe(false)
    }
  })
  it('faulting-PC lines: powerpc interrupt, unsymbolised kernel PC (unreliable), never a user-space one', () => {
    expect(parsePcLine('--- interrupt: 700 at assert_slb_presence+0x2c/0x70')).toMatchObject({fn: 'assert_slb_presence', reliable: true, context: 'PC'})
    expect(parsePcLine('RIP: 0010:0xffffffffffffffff')).toMatchObject({fn: '0xffffffffffffffff', reliable: false, context: 'PC'})
    expect(parsePcLine('RIP: 0010:          (null)')).toMatchObject({reliable: false, context: 'PC'})
    expect(parsePcLine('RIP: 0033:0x43fcc9')).toBeUndefined()
  })
  it('32-bit arm frame lines name the caller too (after a noreturn call it is not the next line\'s frame)', () => {
    const line = '[<818e9a30>] (__fortify_panic) from [<8062a3b0>] (ext4_fileattr_get+0x0/0x78)'
    expect(parseFrame(line)?.fn).toBe('__fortify_panic')
    expect(parseArmCaller(line)).toMatchObject({fn: 'ext4_fileattr_get', offset: '0x0', reliable: true})
    expect(parseArmCaller(' ? foo+0x1/0x2')).toBeUndefined()
  })
  it('stall anchors: the frame before the dispatch point, syscall prefixes stripped (arm64 invoke_syscall, compat ioctl)', () => {
    const fr = (...fns: string[]) => fns.map((fn) => ({fn, reliable: true, raw: fn}))
    expect(stallFrame(fr('sk_msg_recvmsg', 'do_recvmmsg', '__arm64_sys_recvmmsg', 'invoke_syscall', 'el0_svc_common'))?.fn).toBe('sys_recvmmsg')
    expect(stallFrame(fr('lo_ioctl', 'lo_compat_ioctl', 'compat_blkdev_ioctl'))?.fn).toBe('lo_ioctl')
    // A fault in a syscall's user copy is part of the syscall: handle_mm_fault is no anchor.
    expect(stallFrame(fr('count_memcg_event_mm', 'handle_mm_fault', 'exc_page_fault', '__copy_msghdr_from_user', '__x64_sys_recvmmsg', 'do_syscall_64'))?.fn).toBe('sys_recvmmsg')
  })
})

describe('syzkaller console logs (peer corpus)', () => {
  it('every file parses without throwing; every cut-here starts a splat', () => {
    const files = readdirSync(PEER)
    expect(files.length).toBeGreaterThan(300)
    let splats = 0
    let cuts = 0
    for (const f of files) {
      const text = readFileSync(join(PEER, f), 'latin1')
      let recs
      try {
        recs = recordsFromText(text)
      } catch (e) {
        expect((e as Error).name, f).toBe('InputError') // not a kernel log at all
        continue
      }
      const out = parseSplats(recs)
      splats += out.length
      const c = recs.filter((r) => /^-+\[ cut here \]-+$/.test(r.text.trim())).length
      cuts += c
      expect(out.length, f).toBeGreaterThanOrEqual(c)
      for (const s of out) expect(s.endLine, f).toBeGreaterThanOrEqual(s.startLine)
    }
    expect(splats).toBeGreaterThanOrEqual(cuts)
  })
})

describe('real syzkaller splats (peer corpus)', () => {
  const splatsOf = (f: string) => parseSplats(recordsFromText(readFileSync(join(PEER, f), 'latin1')))

  it('4.x old banner under panic_on_warn: ends at "Rebooting in", not corrupted, ./ stripped', () => {
    const [s] = splatsOf('140')
    expect([s.banner, s.file, s.fileLine, s.fn, s.cpu, s.pid]).toEqual(['old', 'include/net/sock.h', 1508, 'strp_data_ready', 0, 5944])
    expect(s.corrupted).toBe(false)
    expect(s.endLine).toBe(134)
  })

  it('lines of other printk callers (T1234, T2345, none) inside a T1194 block are not part of it', () => {
    const [s] = splatsOf('346')
    expect(s.caller).toBe('T1194')
    expect(s.corrupted).toBe(false)
    expect(s.frames.map((f) => f.fn)).not.toContain('should_fail.cold')
  })

  it('KASAN report in IRQ context: <IRQ> frames carry the context, report machinery skipped', () => {
    const [s] = splatsOf('472')
    expect(s.banner).toBe('bug')
    expect(s.message).toBe('BUG: KASAN: use-after-free in pn533_send_complete.cold+0x47/0x6c')
    expect([s.cpu, s.pid, s.comm, s.kernel, s.caller]).toEqual([1, 0, 'swapper/1', '5.4.0-rc1+', 'C1'])
    const irq = s.frames.filter((f) => f.context === 'IRQ')
    expect(irq.map((f) => f.fn).slice(0, 3)).toEqual(['dump_stack', 'pn533_send_complete.cold', 'pn533_send_complete.cold'])
    expect(irq.at(-1)?.fn).toBe('apic_timer_interrupt')
    // dump_stack, print_address_description.constprop.0, __kasan_report.cold, kasan_report skipped
    expect(s.guilty?.fn).toBe('pn533_send_complete.cold')
    expect(s.guilty?.context).toBe('IRQ')
  })
})


describe('bounded splat memory (SYNTHETIC)', () => {
  it('a 100 000-character message line is clipped; the block still parses', () => {
    const recs = [
      {line: 1, text: '------------[ cut here ]------------'},
      {line: 2, text: 'x'.repeat(100_000)},
      {line: 3, text: 'WARNING: mm/foo.c:1 at foo+0x1/0x2, CPU#0: init/1'},
      {line: 4, text: '---[ end trace 0000000000000000 ]---'},
    ]
    const [s] = parseSplats(recs)
    expect(s.message!.length).toBeLessThanOrEqual(1024 + 3)
    expect([s.banner, s.file, s.fn, s.corruptedReason]).toEqual(['new', 'mm/foo.c', 'foo', 'no call trace in the report'])
  })
})
