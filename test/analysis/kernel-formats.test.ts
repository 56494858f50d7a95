// The kernel's own report formats, one SYNTHETIC log fragment each: the banner built from the
// format string the kernel prints it with (the source file is named per case), plausible values,
// and a short x86-64 or arm64 register dump and call trace. No fragment is a copy of a captured
// log: they test that the readers know the formats, not the logs we happen to have. Each report
// must be found with a sensible class and title, a guilty frame that is not the report's own
// machinery, and, being complete, not corrupted; informational lines must not be findings.
import {describe, expect, it} from 'vitest'
import {crashRow, X86_TRAPS} from '../../src/analysis/detectors.js'
import {analyseBootLogText} from '../../src/analysis/read.js'

/** How a console shows a record: printk's time stamp, with CONFIG_PRINTK_CALLER its caller id, or neither. */
const RENDERINGS: Record<string, (line: string, i: number) => string> = {
  'time stamps': (l, i) => `[${(100 + i / 1e4).toFixed(6).padStart(12)}] ${l}`,
  'caller ids': (l, i) => `[${(100 + i / 1e4).toFixed(6).padStart(12)}][  T234] ${l}`,
  'no time stamps': (l) => l,
  'journalctl -k': (l, i) => `Dec 05 18:${String(31 + Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} host kernel: ${l}`,
  'kern.log': (l, i) => `Dec  5 18:31:00 host kernel: [${(100 + i / 1e4).toFixed(6).padStart(12)}] ${l}`,
}

/** SYNTHETIC: a console log of the lines, rendered as a console shows them (time stamps by default). */
function log(lines: readonly string[], rendering = 'time stamps'): string {
  if (rendering === INTERLEAVED) return interleaved(lines)
  // Without stamps only the boot's banner says a log is the kernel's (a serial console shows it first).
  const boot = rendering === 'no time stamps' ? ['Linux version 6.12.0 (builder@host) (gcc (GCC) 13.2.0, GNU ld 2.41) #1 SMP PREEMPT_DYNAMIC'] : []
  return [...boot, ...lines].map((l, i) => RENDERINGS[rendering]!(l, i)).join('\n') + '\n'
}

/** With caller ids, another task's record after every third of the report's: no part of the report, no damage to it. */
const INTERLEAVED = 'caller ids, another task in between'
function interleaved(lines: readonly string[]): string {
  const other = 'audit: type=1400 audit(100.000:12): apparmor="DENIED" operation="open" profile="prog" name="/dev/foo" pid=999 comm="other"'
  const out = lines.flatMap((l, i) => (i % 3 === 2 ? [[l, 'T234'], [other, 'T999']] : [[l, 'T234']]))
  return out.map(([l, id], i) => `[${(100 + i / 1e4).toFixed(6).padStart(12)}][${id!.padStart(6)}] ${l}`).join('\n') + '\n'
}

const frame = (fn: string, i: number) => `${fn}+0x${(0x1c + 4 * i).toString(16)}/0x${(0x80 + 8 * i).toString(16)}`
const CUT = '------------[ cut here ]------------'
const END = '---[ end trace 0000000000000000 ]---'
const RULE = '=================================================================='
const MODULES = 'Modules linked in:'
const X86_CPU = 'CPU: 1 UID: 0 PID: 234 Comm: prog Not tainted 6.12.0 #1'
const X86_HW = 'Hardware name: QEMU Standard PC (i440FX + PIIX, 1996), BIOS 1.16.3-debian-1.16.3-2 04/01/2014'
const ARM_CPU = 'CPU: 0 UID: 0 PID: 234 Comm: prog Not tainted 6.12.0 #1'
const ARM_HW = 'Hardware name: linux,dummy-virt (DT)'
const X86_SYSCALL = ['__x64_sys_ioctl', 'do_syscall_64', 'entry_SYSCALL_64_after_hwframe']
const ARM_SYSCALL = ['__arm64_sys_ioctl', 'invoke_syscall', 'el0_svc_common.constprop.0', 'do_el0_svc', 'el0_svc', 'el0t_64_sync_handler', 'el0t_64_sync']

/** x86-64 show_regs(): the faulting PC (`RIP:`, or an unsymbolised address) and the registers. */
function x86Regs(pc: string): string[] {
  return [
    pc.startsWith('0x') ? `RIP: 0010:${pc}` : `RIP: 0010:${frame(pc, 0)}`,
    'Code: 48 89 df e8 d3 fe ff ff 48 8b 45 00 <48> 8b 40 08 48 85 c0 74 0a',
    'RSP: 0018:ffffc90000a3fd48 EFLAGS: 00010246',
    'RAX: 0000000000000000 RBX: ffff888012345678 RCX: 0000000000000000',
    'RBP: ffffc90000a3fd70 R08: 0000000000000001 R09: 0000000000000000',
    'FS:  00007f1234567740(0000) GS:ffff88807ec00000(0000) knlGS:0000000000000000',
    'CS:  0010 DS: 0000 ES: 0000 CR0: 0000000080050033',
    'CR2: 0000000000000008 CR3: 0000000012345000 CR4: 0000000000750ef0',
  ]
}

/** An x86-64 call trace (`<TASK>` section) of the functions, innermost first. */
function x86Trace(fns: readonly string[]): string[] {
  return ['Call Trace:', ' <TASK>', ...fns.map((f, i) => ` ${frame(f, i)}`), ' </TASK>']
}

/** arm64 show_regs() and its call trace (6.13+ marks the first frame's source, `(P)`). */
function arm64Regs(pc: string, lr: string): string[] {
  return [
    'pstate: 60400005 (nZCv daif +PAN -UAO -TCO -DIT -SSBS BTYPE=--)',
    `pc : ${frame(pc, 0)}`,
    `lr : ${frame(lr, 1)}`,
    'sp : ffff80008000bd90',
    'x29: ffff80008000bd90 x28: ffff000002b4c000 x27: 0000000000000000',
    'x2 : 0000000000000000 x1 : ffff000012345678 x0 : 0000000000000000',
  ]
}

function arm64Trace(fns: readonly string[]): string[] {
  return ['Call trace:', ...fns.map((f, i) => ` ${frame(f, i)}${i === 0 ? ' (P)' : ''}`)]
}

/** What x86 __warn() prints after the banner (with regs: the trap's) up to the end marker. */
const x86WarnBody = (pc: string, callers: readonly string[]) => [MODULES, X86_CPU, X86_HW, ...x86Regs(pc), ...x86Trace([pc, ...callers, ...X86_SYSCALL]), END]

interface Case {
  /** The kernel file that prints the banner, and what the fragment is. */
  name: string
  lines: string[]
  /** `corrupted`: the fragment is a report's tail by nature (its start is not in the log). */
  want: {id: string; title: string; guilty?: string; findings?: number; corrupted?: boolean; next?: Seen; last?: Seen}
}
/** A later finding as a case expects it: `next` the second, `last` the last. */
type Seen = {id: string; title: string; corrupted: boolean}

/** An x86 oops: what it prints before the CPU line, the registers (the PC in `pc`), the stack of the callers, the end marker. */
function x86Oops(head: readonly string[], pc: string, callers: readonly string[]): string[] {
  return [...head, X86_CPU, X86_HW, ...x86Regs(pc), ...x86Trace(callers), END]
}

/** An x86 die() for a trap, on its own: the header, the registers, the stack. */
function x86Die(name: string, header: string, pc: string, id: string, title: string): Case {
  return {name, lines: x86Oops([header], pc, ['foo_ioctl', ...X86_SYSCALL]), want: {id, title, guilty: pc}}
}

/** An arm64 kernel fault (`Unable to handle kernel ...`): the abort info, the oops header, the registers, the stack. */
function arm64Fault(name: string, banner: string, esr: string, pc: string, title: string): Case {
  const regs = [MODULES, ARM_CPU, ARM_HW, ...arm64Regs(pc, 'foo_ioctl'), ...arm64Trace([pc, 'foo_ioctl', ...ARM_SYSCALL]), END]
  return {name, lines: [banner, 'Mem abort info:', `  ESR = ${esr}`, `Internal error: Oops: ${esr.slice(2)} [#1] PREEMPT SMP`, ...regs], want: {id: 'bad-access', title, guilty: pc}}
}

const WARN_CASES: Case[] = [
  {
    name: 'kernel/panic.c __warn: `WARNING: CPU: %d PID: %d at %s:%d %pS`, message before the banner (4.19+)',
    lines: [CUT, 'foo: unexpected state 3', 'WARNING: CPU: 1 PID: 234 at drivers/foo/core.c:123 foo_check+0x1c/0x80', ...x86WarnBody('foo_check', ['foo_ioctl'])],
    want: {id: 'warning', title: 'WARNING in foo_check', guilty: 'foo_check'},
  },
  {
    name: 'kernel/panic.c __warn without file info: `WARNING: CPU: %d PID: %d at %pS`',
    lines: [CUT, 'WARNING: CPU: 1 PID: 234 at foo_check+0x1c/0x80', ...x86WarnBody('foo_check', ['foo_ioctl'])],
    want: {id: 'warning', title: 'WARNING in foo_check', guilty: 'foo_check'},
  },
  {
    name: 'kernel/panic.c __warn 7.0+: `WARNING: %s:%d at %pS, CPU#%d: %s/%d`',
    lines: [CUT, 'WARNING: drivers/foo/core.c:123 at foo_check+0x1c/0x80, CPU#1: prog/234', ...x86WarnBody('foo_check', ['foo_ioctl'])],
    want: {id: 'warning', title: 'WARNING in foo_check', guilty: 'foo_check'},
  },
  {
    name: 'kernel/panic.c __warn on arm64 (pc/lr registers, `Call trace:`)',
    lines: [CUT, 'WARNING: CPU: 0 PID: 234 at drivers/foo/core.c:123 foo_check+0x1c/0x80', MODULES, ARM_CPU, ARM_HW, ...arm64Regs('foo_check', 'foo_ioctl'), ...arm64Trace(['foo_check', 'foo_ioctl', ...ARM_SYSCALL]), END],
    want: {id: 'warning', title: 'WARNING in foo_check', guilty: 'foo_check'},
  },
  {
    name: 'kernel/panic.c check_panic_on_warn: `%s: panic_on_warn set ...` after the WARNING\'s registers',
    lines: [
      CUT,
      'WARNING: CPU: 1 PID: 234 at drivers/foo/core.c:123 foo_check+0x1c/0x80',
      MODULES,
      X86_CPU,
      X86_HW,
      ...x86Regs('foo_check'),
      ...x86Trace(['foo_check', 'foo_ioctl', ...X86_SYSCALL]),
      'Kernel panic - not syncing: kernel: panic_on_warn set ...',
      X86_CPU,
      X86_HW,
      ...x86Trace(['dump_stack_lvl', 'panic', 'check_panic_on_warn', '__warn', 'report_bug', 'handle_bug', 'exc_invalid_op', 'asm_exc_invalid_op', 'foo_check', 'foo_ioctl']),
      'Kernel Offset: disabled',
      'Rebooting in 86400 seconds..',
    ],
    // The panic is a finding of its own (the kernel went down), after the WARNING's.
    want: {id: 'warning', title: 'WARNING in foo_check', guilty: 'foo_check', findings: 2},
  },
  {
    name: 'lib/refcount.c refcount_warn_saturate: `refcount_t: underflow; use-after-free.`',
    lines: [CUT, 'refcount_t: underflow; use-after-free.', 'WARNING: CPU: 1 PID: 234 at lib/refcount.c:28 refcount_warn_saturate+0x1c/0x80', ...x86WarnBody('refcount_warn_saturate', ['foo_put', 'foo_release'])],
    want: {id: 'warning', title: 'WARNING: refcount bug in foo_put', guilty: 'foo_put'},
  },
  {
    name: 'lib/list_debug.c without BUG_ON_DATA_CORRUPTION: a WARN in the list check',
    lines: [
      CUT,
      'list_del corruption, ffff888012345678->next is LIST_POISON1 (dead000000000100)',
      'WARNING: CPU: 1 PID: 234 at lib/list_debug.c:56 __list_del_entry_valid_or_report+0x1c/0x80',
      ...x86WarnBody('__list_del_entry_valid_or_report', ['foo_remove', 'foo_release']),
    ],
    want: {id: 'warning', title: 'WARNING in foo_remove', guilty: 'foo_remove'},
  },
  {
    name: 'lib/debugobjects.c: `ODEBUG: %s %s (active state %u) object: %p object type: %s hint: %pS`',
    lines: [
      CUT,
      'ODEBUG: free active (active state 0) object: ffff888012345678 object type: timer_list hint: foo_timer_fn+0x0/0x40',
      'WARNING: CPU: 1 PID: 234 at lib/debugobjects.c:514 debug_print_object+0x1c/0x80',
      ...x86WarnBody('debug_print_object', ['debug_check_no_obj_freed', 'kfree', 'foo_release']),
    ],
    want: {id: 'warning', title: 'WARNING: ODEBUG bug in foo_release', guilty: 'foo_release'},
  },
  {
    name: 'fs/dcache.c umount_check: a WARN whose message starts `BUG: Dentry ... still in use`',
    lines: [
      CUT,
      'BUG: Dentry ffff888012345678{i=0,n=foo}  still in use (1) [unmount of tmpfs tmpfs]',
      'WARNING: CPU: 1 PID: 234 at fs/dcache.c:1546 umount_check+0x1c/0x80',
      ...x86WarnBody('umount_check', ['d_walk', 'shrink_dcache_for_umount', 'generic_shutdown_super']),
    ],
    want: {id: 'warning', title: 'WARNING in umount_check', guilty: 'umount_check'},
  },
  {
    name: 'lib/ubsan.c 6.6+: cut-here, `UBSAN: %s in %s:%d:%d`, dump_stack, `---[ end trace ]---`',
    lines: [
      CUT,
      'UBSAN: array-index-out-of-bounds in drivers/foo/core.c:123:45',
      "index 5 is out of range for type 'int [4]'",
      X86_CPU,
      X86_HW,
      ...x86Trace(['dump_stack_lvl', '__ubsan_handle_out_of_bounds', 'foo_get', 'foo_ioctl', ...X86_SYSCALL]),
      '---[ end trace ]---',
      'foo: device ready',
    ],
    want: {id: 'ubsan', title: 'UBSAN: array-index-out-of-bounds in foo_get', guilty: 'foo_get'},
  },
]

const BUG_CASES: Case[] = [
  {
    name: 'lib/bug.c report_bug: `kernel BUG at %s:%u!` then x86 6.9+ `Oops: invalid opcode: %04lx [#%d]`',
    lines: x86Oops(['kernel BUG at fs/foo/inode.c:42!', 'Oops: invalid opcode: 0000 [#1] PREEMPT SMP KASAN NOPTI'], 'foo_evict', ['evict', 'iput', 'foo_unlink', ...X86_SYSCALL]),
    want: {id: 'kernel-bug', title: 'kernel BUG in foo_evict', guilty: 'foo_evict'},
  },
  {
    name: 'lib/bug.c report_bug before 6.9: `invalid opcode: %04lx [#%d]` after the banner',
    lines: x86Oops(['kernel BUG at fs/foo/inode.c:42!', 'invalid opcode: 0000 [#1] SMP'], 'foo_evict', ['evict', 'iput', 'foo_unlink', ...X86_SYSCALL]),
    want: {id: 'kernel-bug', title: 'kernel BUG in foo_evict', guilty: 'foo_evict'},
  },
  {
    name: 'lib/bug.c report_bug without BUGVERBOSE: `Kernel BUG at %pB [verbose debug info unavailable]`',
    lines: x86Oops(['Kernel BUG at foo_evict+0x1c/0x80 [verbose debug info unavailable]', 'Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI'], 'foo_evict', ['evict', 'iput', 'foo_unlink', ...X86_SYSCALL]),
    want: {id: 'kernel-bug', title: 'kernel BUG in foo_evict', guilty: 'foo_evict'},
  },
  {
    name: 'lib/bug.c on arm64: `kernel BUG at` then `Internal error: Oops - BUG: %08x [#%d]`',
    lines: ['kernel BUG at fs/foo/inode.c:42!', 'Internal error: Oops - BUG: 00000000f2000800 [#1] PREEMPT SMP', MODULES, ARM_CPU, ARM_HW, ...arm64Regs('foo_evict', 'evict'), ...arm64Trace(['foo_evict', 'evict', 'iput', ...ARM_SYSCALL]), 'Code: d65f03c0 d503201f d503233f a9be7bfd (d4210000)', END],
    want: {id: 'kernel-bug', title: 'kernel BUG in foo_evict', guilty: 'foo_evict'},
  },
  {
    name: 'lib/list_debug.c with BUG_ON_DATA_CORRUPTION: the message, then `kernel BUG at lib/list_debug.c`',
    lines: x86Oops(
      [
        'list_add corruption. next->prev should be prev (ffff888012345678), but was ffff888087654321. (next=ffff888011111111).',
        'kernel BUG at lib/list_debug.c:29!',
        'Oops: invalid opcode: 0000 [#1] PREEMPT SMP KASAN NOPTI',
      ],
      '__list_add_valid_or_report',
      ['foo_add', 'foo_ioctl', ...X86_SYSCALL],
    ),
    want: {id: 'kernel-bug', title: 'BUG: corrupted list in foo_add', guilty: 'foo_add'},
  },
  {
    name: 'mm/usercopy.c: `usercopy: Kernel memory exposure attempt detected ...` then `kernel BUG at mm/usercopy.c`',
    lines: x86Oops(
      [
        "usercopy: Kernel memory exposure attempt detected from SLUB object 'kmalloc-64' (offset 0, size 128)!",
        'kernel BUG at mm/usercopy.c:102!',
        'Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI',
      ],
      'usercopy_abort',
      ['__check_heap_object', '__check_object_size', 'foo_read', 'vfs_read', ...X86_SYSCALL],
    ),
    want: {id: 'kernel-bug', title: 'BUG: bad usercopy in foo_read', guilty: 'foo_read'},
  },
]

const FAULT_CASES: Case[] = [
  {
    name: 'arch/x86/mm/fault.c 5.1+: `BUG: kernel NULL pointer dereference, address: %px` and 6.9+ `Oops: Oops: %04lx`',
    lines: x86Oops(
      [
        'BUG: kernel NULL pointer dereference, address: 0000000000000008',
        '#PF: supervisor read access in kernel mode',
        '#PF: error_code(0x0000) - not-present page',
        'PGD 0 P4D 0',
        'Oops: Oops: 0000 [#1] PREEMPT SMP NOPTI',
      ],
      'foo_read',
      ['foo_ioctl', ...X86_SYSCALL],
    ),
    want: {id: 'bad-access', title: 'BUG: unable to handle kernel NULL pointer dereference in foo_read', guilty: 'foo_read'},
  },
  {
    name: 'arch/x86/mm/fault.c 5.1+: `BUG: unable to handle page fault for address: %px`, `Oops: %04lx` before 6.9',
    lines: x86Oops(['BUG: unable to handle page fault for address: ffffc90000a3f000', '#PF: supervisor write access in kernel mode', '#PF: error_code(0x0002) - not-present page', 'Oops: 0002 [#1] SMP'], 'foo_write', ['foo_ioctl', ...X86_SYSCALL]),
    want: {id: 'bad-access', title: 'BUG: unable to handle kernel paging request in foo_write', guilty: 'foo_write'},
  },
  {
    name: 'arch/x86/mm/fault.c before 5.1: `BUG: unable to handle kernel paging request at %px`, `IP:`',
    lines: ['BUG: unable to handle kernel paging request at ffffc90000a3f000', `IP: ${frame('foo_write', 0)}`, 'PGD 12345067 P4D 12345067 PUD 0', 'Oops: 0002 [#1] SMP', X86_CPU, X86_HW, ...x86Regs('foo_write'), ...x86Trace(['foo_ioctl', ...X86_SYSCALL]), END],
    want: {id: 'bad-access', title: 'BUG: unable to handle kernel paging request in foo_write', guilty: 'foo_write'},
  },
  {
    name: 'arch/x86/mm/fault.c show_fault_oops: `kernel tried to execute NX-protected page - exploit attempt? (uid: %d)` before the BUG line',
    lines: x86Oops(
      [
        'kernel tried to execute NX-protected page - exploit attempt? (uid: 0)',
        'BUG: unable to handle page fault for address: ffff888012345000',
        '#PF: supervisor instruction fetch in kernel mode',
        '#PF: error_code(0x0011) - permissions violation',
        'Oops: Oops: 0011 [#1] PREEMPT SMP NOPTI',
      ],
      '0xffff888012345000',
      ['foo_call', 'foo_ioctl', ...X86_SYSCALL],
    ),
    want: {id: 'bad-access', title: 'BUG: unable to handle kernel paging request in foo_call', guilty: 'foo_call'},
  },
  {
    name: 'arch/x86/kernel/dumpstack.c 6.9+ die(): `Oops: general protection fault, probably for non-canonical address`',
    lines: x86Oops(
      [
        'Oops: general protection fault, probably for non-canonical address 0xdffffc0000000001: 0000 [#1] PREEMPT SMP KASAN NOPTI',
        'KASAN: null-ptr-deref in range [0x0000000000000008-0x000000000000000f]',
      ],
      'foo_read',
      ['foo_ioctl', ...X86_SYSCALL],
    ),
    want: {id: 'gpf', title: 'general protection fault in foo_read', guilty: 'foo_read'},
  },
  x86Die('arch/x86/kernel/traps.c before 6.9: `general protection fault: %04lx [#%d]`', 'general protection fault: 0000 [#1] SMP KASAN', 'foo_read', 'gpf', 'general protection fault in foo_read'),
  x86Die('arch/x86/kernel/traps.c die("divide error") 6.9+: `Oops: divide error: %04lx [#%d]`', 'Oops: divide error: 0000 [#1] PREEMPT SMP NOPTI', 'foo_ratio', 'oops', 'divide error in foo_ratio'),
  x86Die('arch/x86/kernel/traps.c die("divide error") before 6.9: `divide error: %04lx [#%d]`', 'divide error: 0000 [#1] SMP', 'foo_ratio', 'oops', 'divide error in foo_ratio'),
  x86Die('arch/x86/kernel/traps.c handle_invalid_op (no BUG() before it): `invalid opcode: %04lx [#%d]`', 'invalid opcode: 0000 [#1] SMP', 'foo_jump', 'oops', 'invalid opcode in foo_jump'),
  x86Die('arch/x86/kernel/traps.c handle_invalid_op 6.9+: `Oops: invalid opcode: %04lx [#%d]`', 'Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI', 'foo_jump', 'oops', 'invalid opcode in foo_jump'),
  x86Die('arch/x86/kernel/traps.c die("stack segment") 6.9+: `Oops: stack segment: %04lx [#%d]`', 'Oops: stack segment: 0000 [#1] PREEMPT SMP KASAN NOPTI', 'foo_read', 'oops', 'stack segment fault in foo_read'),
  x86Die('arch/x86/kernel/traps.c die("int3") before 6.9: `int3: %04lx [#%d]`', 'int3: 0000 [#1] PREEMPT SMP', 'foo_patched', 'oops', 'int3 in foo_patched'),
  {
    name: 'arch/x86/kernel/traps.c handle_stack_overflow 5.16+: `BUG: %s stack guard page was hit at %p (stack is %p..%p)` (IRQ stack)',
    lines: x86Oops(
      [
        'BUG: IRQ stack guard page was hit at ffffc90000003ff8 (stack is ffffc90000004000..ffffc90000007fff)',
        'Oops: stack guard page: 0000 [#1] PREEMPT SMP NOPTI',
      ],
      'foo_recurse',
      ['foo_recurse', 'foo_recurse', 'foo_recurse', 'foo_rx', '__netif_receive_skb_core', 'process_backlog', 'net_rx_action', 'handle_softirqs', 'do_softirq'],
    ),
    // A recursion is named by where it was entered from (the caller of the first dispatch point).
    want: {id: 'oops', title: 'BUG: stack guard page was hit in foo_rx', guilty: 'foo_rx'},
  },
  {
    name: 'arch/arm64/mm/fault.c die_kernel_fault: `Unable to handle kernel paging request at virtual address %016lx`',
    lines: [
      'Unable to handle kernel paging request at virtual address ffff800012345678',
      'Mem abort info:',
      '  ESR = 0x0000000096000007',
      '  EC = 0x25: DABT (current EL), IL = 32 bits',
      '  FSC = 0x07: level 3 translation fault',
      'swapper pgtable: 4k pages, 48-bit VAs, pgdp=0000000041234000',
      '[ffff800012345678] pgd=1000000041fff003, p4d=1000000041fff003, pud=1000000041ffe003, pmd=0000000000000000',
      'Internal error: Oops: 0000000096000007 [#1] PREEMPT SMP',
      MODULES,
      ARM_CPU,
      ARM_HW,
      ...arm64Regs('foo_read', 'foo_ioctl'),
      ...arm64Trace(['foo_read', 'foo_ioctl', ...ARM_SYSCALL]),
      'Code: f9400000 d65f03c0 d503201f d503233f (f9400400)',
      END,
    ],
    want: {id: 'bad-access', title: 'BUG: unable to handle kernel paging request in foo_read', guilty: 'foo_read'},
  },
  arm64Fault('arch/arm64/mm/fault.c: `Unable to handle kernel NULL pointer dereference at virtual address %016lx`', 'Unable to handle kernel NULL pointer dereference at virtual address 0000000000000008', '0x0000000096000005', 'foo_read', 'BUG: unable to handle kernel NULL pointer dereference in foo_read'),
  arm64Fault('arch/arm64/mm/fault.c: `Unable to handle kernel execute from non-executable memory at virtual address %016lx`', 'Unable to handle kernel execute from non-executable memory at virtual address ffff000012345000', '0x000000008600000f', 'foo_call', 'BUG: unable to handle kernel paging request in foo_call'),
  arm64Fault('arch/arm64/mm/fault.c: `Unable to handle kernel write to read-only memory at virtual address %016lx`', 'Unable to handle kernel write to read-only memory at virtual address ffff800081234000', '0x000000009600004f', 'foo_write', 'BUG: unable to handle kernel paging request in foo_write'),
]

const SANITIZER_CASES: Case[] = [
  {
    name: 'mm/kasan/report.c: `BUG: KASAN: %s in %pS`, `%s of size %zu at addr %px by task %s/%d`',
    lines: [
      RULE,
      'BUG: KASAN: slab-use-after-free in foo_read+0x1c/0x80',
      'Read of size 8 at addr ffff888012345678 by task prog/234',
      '',
      X86_CPU,
      X86_HW,
      ...x86Trace(['dump_stack_lvl', 'print_address_description.constprop.0', 'print_report', 'kasan_report', 'foo_read', 'foo_ioctl', ...X86_SYSCALL]),
      '',
      'Allocated by task 234:',
      ' kasan_save_stack+0x1c/0x40',
      ' kasan_save_track+0x14/0x30',
      ' __kasan_kmalloc+0x7f/0x90',
      ' foo_open+0x1c/0x80',
      '',
      'Freed by task 234:',
      ' kasan_save_stack+0x1c/0x40',
      ' kfree+0x10e/0x380',
      ' foo_release+0x1c/0x80',
      '',
      'The buggy address belongs to the object at ffff888012345600',
      ' which belongs to the cache kmalloc-256 of size 256',
      'Memory state around the buggy address:',
      ' ffff888012345600: fa fb fb fb fb fb fb fb fb fb fb fb fb fb fb fb',
      '>ffff888012345680: fb fb fb fb fb fb fb fb fb fb fb fb fb fb fb fb',
      '                                                                ^',
      RULE,
    ],
    want: {id: 'kasan', title: 'KASAN: slab-use-after-free Read in foo_read', guilty: 'foo_read'},
  },
  {
    name: 'mm/kasan/report.c invalid free: `BUG: KASAN: double-free in %pS` naming kfree',
    lines: [
      RULE,
      'BUG: KASAN: double-free in kfree+0x10e/0x380',
      'Free of addr ffff888012345600 by task prog/234',
      '',
      X86_CPU,
      X86_HW,
      ...x86Trace(['dump_stack_lvl', 'print_report', 'kasan_report_invalid_free', 'check_slab_allocation', 'kfree', 'foo_release', '__fput', 'task_work_run']),
      RULE,
    ],
    want: {id: 'kasan', title: 'KASAN: invalid-free in foo_release', guilty: 'foo_release'},
  },
  {
    name: 'mm/kasan/report.c on arm64 (`Call trace:` with dump_backtrace/show_stack)',
    lines: [
      RULE,
      'BUG: KASAN: slab-out-of-bounds in foo_write+0x1c/0x80',
      'Write of size 4 at addr ffff000012345678 by task prog/234',
      '',
      ARM_CPU,
      ARM_HW,
      ...arm64Trace(['dump_backtrace', 'show_stack', 'dump_stack_lvl', 'print_report', 'kasan_report', '__asan_store4', 'foo_write', 'foo_ioctl', ...ARM_SYSCALL]),
      RULE,
    ],
    want: {id: 'kasan', title: 'KASAN: slab-out-of-bounds Write in foo_write', guilty: 'foo_write'},
  },
  {
    name: 'mm/kfence/report.c: `BUG: KFENCE: use-after-free %s in %pS`, the stack printed without a header',
    lines: [
      RULE,
      'BUG: KFENCE: use-after-free read in foo_read+0x1c/0x80',
      '',
      'Use-after-free read at 0x000000001234abcd (in kfence-#12):',
      ` ${frame('foo_read', 0)}`,
      ` ${frame('foo_ioctl', 1)}`,
      ` ${frame('__x64_sys_ioctl', 2)}`,
      ` ${frame('do_syscall_64', 3)}`,
      '',
      'kfence-#12: 0x000000001234abcd-0x000000005678ef01, size=32, cache=kmalloc-32',
      '',
      'allocated by task 234 on cpu 1 at 99.123456s (0.876544s ago):',
      ` ${frame('__kmalloc_cache_noprof', 0)}`,
      ` ${frame('foo_open', 1)}`,
      '',
      X86_CPU,
      X86_HW,
      RULE,
    ],
    want: {id: 'kfence', title: 'KFENCE: use-after-free read in foo_read', guilty: 'foo_read'},
  },
  {
    name: 'kernel/kcsan/report.c: `BUG: KCSAN: %s in %ps / %ps`, two stacks without headers',
    lines: [
      RULE,
      'BUG: KCSAN: data-race in foo_read / foo_write',
      '',
      'write to 0xffff888012345678 of 4 bytes by task 235 on cpu 0:',
      ` ${frame('foo_write', 0)}`,
      ` ${frame('foo_ioctl', 1)}`,
      '',
      'read to 0xffff888012345678 of 4 bytes by task 234 on cpu 1:',
      ` ${frame('foo_read', 0)}`,
      ` ${frame('foo_ioctl', 1)}`,
      '',
      'value changed: 0x00000000 -> 0x00000001',
      '',
      'Reported by Kernel Concurrency Sanitizer on:',
      X86_CPU,
      X86_HW,
      RULE,
    ],
    want: {id: 'kcsan', title: 'KCSAN: data-race in foo_read', guilty: 'foo_read'},
  },
  {
    name: 'mm/kmsan/report.c: `BUG: KMSAN: %s in %pSr`, stack without a header, `Uninit was created at:`',
    lines: [
      '=====================================================',
      'BUG: KMSAN: uninit-value in foo_parse+0x1c/0x80',
      ` ${frame('foo_parse', 0)}`,
      ` ${frame('foo_ioctl', 1)}`,
      ` ${frame('__x64_sys_ioctl', 2)}`,
      '',
      'Uninit was created at:',
      ` ${frame('__kmalloc_cache_noprof', 0)}`,
      ` ${frame('foo_open', 1)}`,
      '',
      X86_CPU,
      X86_HW,
      '=====================================================',
    ],
    want: {id: 'kmsan', title: 'KMSAN: uninit-value in foo_parse', guilty: 'foo_parse'},
  },
  {
    name: 'mm/kmsan/report.c kernel-infoleak: the user-copy helpers passed over',
    lines: [
      '=====================================================',
      'BUG: KMSAN: kernel-infoleak in instrument_copy_to_user+0x1c/0x80',
      ` ${frame('instrument_copy_to_user', 0)}`,
      ` ${frame('_copy_to_user', 1)}`,
      ` ${frame('foo_read', 2)}`,
      ` ${frame('vfs_read', 3)}`,
      '',
      'Bytes 4-7 of 8 are uninitialized',
      X86_CPU,
      X86_HW,
      '=====================================================',
    ],
    want: {id: 'kmsan', title: 'KMSAN: kernel-infoleak in foo_read', guilty: 'foo_read'},
  },
  {
    name: 'lib/ubsan.c 5.10-6.5: framed by `=` rules, `UBSAN: %s in %s:%d:%d`',
    lines: [
      '================================================================================',
      'UBSAN: shift-out-of-bounds in drivers/foo/core.c:77:12',
      "shift exponent 64 is too large for 64-bit type 'long unsigned int'",
      X86_CPU,
      X86_HW,
      ...x86Trace(['dump_stack_lvl', 'ubsan_epilogue', '__ubsan_handle_shift_out_of_bounds', 'foo_mask', 'foo_ioctl', ...X86_SYSCALL]),
      '================================================================================',
    ],
    want: {id: 'ubsan', title: 'UBSAN: shift-out-of-bounds in foo_mask', guilty: 'foo_mask'},
  },
  {
    name: 'lib/ubsan.c before 5.10: `UBSAN: Undefined behaviour in %s:%d:%d`',
    lines: [
      '================================================================================',
      'UBSAN: Undefined behaviour in drivers/foo/core.c:77:12',
      'signed integer overflow:',
      '2147483647 + 1 cannot be represented in type \'int\'',
      'CPU: 1 PID: 234 Comm: prog Not tainted 5.4.0 #1',
      X86_HW,
      ...x86Trace(['dump_stack', 'ubsan_epilogue', 'handle_overflow', '__ubsan_handle_add_overflow', 'foo_sum', 'foo_ioctl', ...X86_SYSCALL]),
      '================================================================================',
    ],
    want: {id: 'ubsan', title: 'UBSAN: undefined-behaviour in foo_sum', guilty: 'foo_sum'},
  },
]

/** Lockdep's header: the rule, the banner, the kernel's identity, the dashes. */
const lockdep = (banner: string) => ['======================================================', banner, '6.12.0 #1 Not tainted', '------------------------------------------------------']
const LOCK_TAIL = ['stack backtrace:', X86_CPU, X86_HW]

const UBSAN_TRAP_CASES: Case[] = [
  {
    name: 'arch/x86/kernel/traps.c handle_bug with CONFIG_UBSAN_TRAP: `%s at %pS` (report_ubsan_failure), then the oops',
    lines: x86Oops(['UBSAN: array index out of bounds at foo_get+0x1c/0x80', 'Oops: invalid opcode: 0000 [#1] PREEMPT SMP NOPTI'], 'foo_get', ['foo_ioctl', ...X86_SYSCALL]),
    want: {id: 'ubsan-trap', title: 'UBSAN: array-index-out-of-bounds in foo_get', guilty: 'foo_get'},
  },
  {
    name: 'arch/arm64/kernel/traps.c ubsan_handler: die(report_ubsan_failure()) `Internal error: UBSAN: %s: %08x [#%d]`',
    lines: [
      'Internal error: UBSAN: shift out of bounds: 00000000f2005514 [#1] PREEMPT SMP',
      MODULES,
      ARM_CPU,
      ARM_HW,
      ...arm64Regs('foo_mask', 'foo_ioctl'),
      ...arm64Trace(['foo_mask', 'foo_ioctl', ...ARM_SYSCALL]),
      END,
    ],
    want: {id: 'ubsan-trap', title: 'UBSAN: shift-out-of-bounds in foo_mask', guilty: 'foo_mask'},
  },
]

const LOCK_CASES: Case[] = [
  {
    name: 'kernel/locking/lockdep.c print_circular_bug_header: `WARNING: possible circular locking dependency detected`',
    lines: [
      ...lockdep('WARNING: possible circular locking dependency detected'),
      'prog/234 is trying to acquire lock:',
      'ffff888012345678 (&dev->lock_b){+.+.}-{4:4}, at: foo_b+0x2a/0x80',
      '',
      'but task is already holding lock:',
      'ffff888012345700 (&dev->lock_a){+.+.}-{4:4}, at: foo_a+0x1c/0x80',
      '',
      'which lock already depends on the new lock.',
      '',
      'the existing dependency chain (in reverse order) is:',
      '',
      '-> #1 (&dev->lock_b){+.+.}-{4:4}:',
      `       ${frame('lock_acquire', 0)}`,
      `       ${frame('__mutex_lock', 1)}`,
      `       ${frame('foo_c', 2)}`,
      '',
      '-> #0 (&dev->lock_a){+.+.}-{4:4}:',
      `       ${frame('__lock_acquire', 0)}`,
      `       ${frame('lock_acquire', 1)}`,
      `       ${frame('foo_b', 2)}`,
      '',
      'other info that might help us debug this:',
      ' *** DEADLOCK ***',
      '',
      '1 lock held by prog/234:',
      ' #0: ffff888012345700 (&dev->lock_a){+.+.}-{4:4}, at: foo_a+0x1c/0x80',
      '',
      ...LOCK_TAIL,
      ...x86Trace(['dump_stack_lvl', 'print_circular_bug', 'check_noncircular', '__lock_acquire', 'lock_acquire', '__mutex_lock', 'foo_b', 'foo_a', 'foo_ioctl']),
    ],
    want: {id: 'lockdep', title: 'possible deadlock in foo_b', guilty: 'foo_b'},
  },
  {
    name: 'kernel/locking/lockdep.c print_deadlock_bug: `WARNING: possible recursive locking detected`',
    lines: [
      ...lockdep('WARNING: possible recursive locking detected'),
      'prog/234 is trying to acquire lock:',
      'ffff888012345678 (&dev->lock){+.+.}-{4:4}, at: foo_relock+0x2a/0x80',
      '',
      'but task is already holding lock:',
      'ffff888012345678 (&dev->lock){+.+.}-{4:4}, at: foo_ioctl+0x1c/0x80',
      '',
      ...LOCK_TAIL,
      ...x86Trace(['dump_stack_lvl', 'print_deadlock_bug', '__lock_acquire', 'lock_acquire', '__mutex_lock', 'foo_relock', 'foo_ioctl']),
    ],
    want: {id: 'lockdep', title: 'possible deadlock in foo_relock', guilty: 'foo_relock'},
  },
  {
    name: 'kernel/locking/lockdep.c print_usage_bug: `WARNING: inconsistent lock state`',
    lines: [
      ...lockdep('WARNING: inconsistent lock state'),
      'inconsistent {SOFTIRQ-ON-W} -> {IN-SOFTIRQ-W} usage.',
      'swapper/1/0 [HC0[0]:SC1[1]:HE1:SE0] takes:',
      'ffff888012345678 (&dev->lock){+.?.}-{3:3}, at: foo_timer+0x2a/0x80',
      '{SOFTIRQ-ON-W} state was registered at:',
      `  ${frame('lock_acquire', 0)}`,
      `  ${frame('_raw_spin_lock', 1)}`,
      `  ${frame('foo_ioctl', 2)}`,
      ...LOCK_TAIL,
      ...x86Trace(['dump_stack_lvl', 'mark_lock', '__lock_acquire', 'lock_acquire', '_raw_spin_lock', 'foo_timer', 'call_timer_fn']),
    ],
    want: {id: 'lockdep', title: 'inconsistent lock state in foo_timer', guilty: 'foo_timer'},
  },
  {
    name: 'kernel/locking/lockdep.c print_irq_inversion_bug: `WARNING: possible irq lock inversion dependency detected`',
    lines: [
      ...lockdep('WARNING: possible irq lock inversion dependency detected'),
      'swapper/1/0 just changed the state of lock:',
      'ffff888012345678 (&dev->lock){..-.}-{3:3}, at: foo_timer+0x2a/0x80',
      'but this lock took another, SOFTIRQ-unsafe lock in the past:',
      ' (&dev->other){+.+.}-{3:3}',
      ...LOCK_TAIL,
      ...x86Trace(['dump_stack_lvl', 'print_irq_inversion_bug', 'mark_lock', '__lock_acquire', 'lock_acquire', '_raw_spin_lock', 'foo_timer', 'call_timer_fn']),
    ],
    want: {id: 'lockdep', title: 'possible deadlock in foo_timer', guilty: 'foo_timer'},
  },
  {
    name: 'kernel/locking/lockdep.c print_unlock_imbalance_bug: `WARNING: bad unlock balance detected!`',
    lines: [
      ...lockdep('WARNING: bad unlock balance detected!'),
      'prog/234 is trying to release lock (&dev->lock) at:',
      `[<ffffffff81234567>] ${frame('foo_unlock', 0)}`,
      'but there are no more locks to release!',
      '',
      'other info that might help us debug this:',
      'no locks held by prog/234.',
      ...LOCK_TAIL,
      ...x86Trace(['dump_stack_lvl', 'print_unlock_imbalance_bug', 'lock_release', '__mutex_unlock_slowpath', 'foo_unlock', 'foo_ioctl']),
    ],
    want: {id: 'lockdep', title: 'WARNING: bad unlock balance in foo_unlock', guilty: 'foo_unlock'},
  },
  {
    name: 'kernel/locking/lockdep.c print_held_locks_bug: `WARNING: %s/%d still has locks held!`',
    lines: [
      ...lockdep('WARNING: prog/234 still has locks held!'),
      '1 lock held by prog/234:',
      ' #0: ffff888012345678 (&dev->lock){+.+.}-{4:4}, at: foo_exit+0x2a/0x80',
      '',
      ...LOCK_TAIL,
      ...x86Trace(['dump_stack_lvl', 'debug_check_no_locks_held', 'do_exit', 'do_group_exit']),
    ],
    want: {id: 'lockdep', title: 'WARNING: still has locks held in foo_exit', guilty: 'foo_exit'},
  },
  {
    name: 'kernel/locking/lockdep.c lockdep_sys_exit: `WARNING: lock held when returning to user space!` (no stack)',
    lines: [
      ...lockdep('WARNING: lock held when returning to user space!'),
      'prog/234 is leaving the kernel with locks still held!',
      '1 lock held by prog/234:',
      ' #0: ffff888012345678 (&dev->lock){+.+.}-{4:4}, at: foo_ioctl+0x2a/0x80',
      'foo: device ready',
    ],
    want: {id: 'lockdep', title: 'WARNING: lock held when returning to user space in foo_ioctl', guilty: 'foo_ioctl'},
  },
  {
    name: 'kernel/locking/lockdep.c lockdep_rcu_suspicious: `WARNING: suspicious RCU usage`',
    lines: [
      '=============================',
      'WARNING: suspicious RCU usage',
      '6.12.0 #1 Not tainted',
      '-----------------------------',
      'net/foo/core.c:123 suspicious rcu_dereference_check() usage!',
      '',
      'other info that might help us debug this:',
      'rcu_scheduler_active = 2, debug_locks = 1',
      'no locks held by prog/234.',
      '',
      ...LOCK_TAIL,
      ...x86Trace(['dump_stack_lvl', 'lockdep_rcu_suspicious', 'foo_lookup', 'foo_ioctl', ...X86_SYSCALL]),
    ],
    want: {id: 'lockdep', title: 'WARNING: suspicious RCU usage in foo_lookup', guilty: 'foo_lookup'},
  },
  {
    name: 'kernel/locking/lockdep.c register_lock_class: `INFO: trying to register non-static key.`',
    lines: [
      'INFO: trying to register non-static key.',
      'The code is fine but needs lockdep annotation, or maybe',
      "you didn't initialize this object before use?",
      'turning off the locking correctness validator.',
      X86_CPU,
      X86_HW,
      ...x86Trace(['dump_stack_lvl', 'register_lock_class', '__lock_acquire', 'lock_acquire', '_raw_spin_lock_irqsave', 'foo_start', 'foo_ioctl', ...X86_SYSCALL]),
    ],
    want: {id: 'lockdep', title: 'INFO: trying to register non-static key in foo_start', guilty: 'foo_start'},
  },
  {
    name: 'kernel/locking/spinlock_debug.c spin_dump: `BUG: spinlock %s on CPU#%d, %s/%d`',
    lines: [
      'BUG: spinlock bad magic on CPU#1, prog/234',
      ' lock: 0xffff888012345678, .magic: 00000000, .owner: <none>/-1, .owner_cpu: 0',
      X86_CPU,
      X86_HW,
      ...x86Trace(['dump_stack_lvl', 'spin_bug', 'do_raw_spin_lock', '_raw_spin_lock', 'foo_start', 'foo_ioctl', ...X86_SYSCALL]),
    ],
    want: {id: 'bug', title: 'BUG: spinlock bad magic in foo_start', guilty: 'foo_start'},
  },
  {
    name: 'kernel/locking/spinlock_debug.c rwlock_bug: `BUG: rwlock %s on CPU#%d, %s/%d, %p`',
    lines: [
      'BUG: rwlock wrong owner on CPU#1, prog/234, ffff888012345678',
      X86_CPU,
      X86_HW,
      ...x86Trace(['dump_stack_lvl', 'rwlock_bug', 'do_raw_write_unlock', '_raw_write_unlock', 'foo_stop', 'foo_ioctl', ...X86_SYSCALL]),
    ],
    want: {id: 'bug', title: 'BUG: rwlock wrong owner in foo_stop', guilty: 'foo_stop'},
  },
]

const HANG_CASES: Case[] = [
  {
    name: 'kernel/watchdog.c watchdog_timer_fn: `BUG: soft lockup - CPU#%d stuck for %us! [%s:%d]`',
    lines: [
      'watchdog: BUG: soft lockup - CPU#1 stuck for 26s! [prog:234]',
      MODULES,
      'irq event stamp: 12345',
      X86_CPU,
      X86_HW,
      ...x86Regs('foo_spin'),
      'Call Trace:',
      ' <IRQ>',
      ` ? ${frame('watchdog_timer_fn', 0)}`,
      ` ? ${frame('__hrtimer_run_queues', 1)}`,
      ' </IRQ>',
      ' <TASK>',
      ` ${frame('foo_spin', 0)}`,
      ` ${frame('foo_write', 1)}`,
      ` ${frame('vfs_write', 2)}`,
      ` ${frame('ksys_write', 3)}`,
      ` ${frame('do_syscall_64', 4)}`,
      ' </TASK>',
    ],
    want: {id: 'soft-lockup', title: 'BUG: soft lockup in foo_write', guilty: 'foo_write'},
  },
  {
    name: 'kernel/watchdog.c watchdog_hardlockup_check 6.5+: `CPU%u: Watchdog detected hard LOCKUP on cpu %u`',
    lines: [
      'watchdog: CPU1: Watchdog detected hard LOCKUP on cpu 1',
      MODULES,
      'irq event stamp: 12345',
      X86_CPU,
      X86_HW,
      ...x86Regs('foo_spin'),
      ...x86Trace(['foo_spin', 'foo_write', 'vfs_write', 'ksys_write', 'do_syscall_64']),
    ],
    want: {id: 'hard-lockup', title: 'BUG: hard lockup in foo_write', guilty: 'foo_write'},
  },
  {
    name: 'kernel/watchdog_hld.c before 6.5: `NMI watchdog: Watchdog detected hard LOCKUP on cpu %d`',
    lines: ['NMI watchdog: Watchdog detected hard LOCKUP on cpu 1', MODULES, 'CPU: 1 PID: 234 Comm: prog Not tainted 5.4.0 #1', X86_HW, ...x86Regs('foo_spin'), ...x86Trace(['foo_spin', 'foo_write', 'vfs_write', 'ksys_write', 'do_syscall_64'])],
    want: {id: 'hard-lockup', title: 'BUG: hard lockup in foo_write', guilty: 'foo_write'},
  },
  {
    name: 'kernel/rcu/tree_stall.h print_cpu_stall: `rcu: INFO: %s self-detected stall on CPU`',
    lines: [
      'rcu: INFO: rcu_preempt self-detected stall on CPU',
      'rcu: \t1-....: (10500 ticks this GP) idle=1234/1/0x4000000000000000 softirq=100/100 fqs=5000',
      'rcu: \t(t=10501 jiffies g=1234 q=56 ncpus=2)',
      X86_CPU,
      X86_HW,
      ...x86Regs('foo_spin'),
      'Call Trace:',
      ' <IRQ>',
      ` ${frame('rcu_sched_clock_irq', 0)}`,
      ` ${frame('update_process_times', 1)}`,
      ` ${frame('hrtimer_interrupt', 2)}`,
      ` ${frame('__sysvec_apic_timer_interrupt', 3)}`,
      ` ${frame('sysvec_apic_timer_interrupt', 4)}`,
      ' </IRQ>',
      ' <TASK>',
      ` ${frame('asm_sysvec_apic_timer_interrupt', 0)}`,
      `RIP: 0010:${frame('foo_spin', 0)}`,
      'RSP: 0018:ffffc90000a3fd48 EFLAGS: 00000246',
      ` ${frame('foo_write', 1)}`,
      ` ${frame('vfs_write', 2)}`,
      ` ${frame('ksys_write', 3)}`,
      ` ${frame('do_syscall_64', 4)}`,
      ' </TASK>',
    ],
    want: {id: 'rcu-stall', title: 'INFO: rcu detected stall in foo_write', guilty: 'foo_write'},
  },
  {
    name: 'kernel/hung_task.c check_hung_task: `INFO: task %s:%d blocked for more than %ld seconds.`',
    lines: [
      'INFO: task prog:234 blocked for more than 143 seconds.',
      '      Not tainted 6.12.0 #1',
      '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
      'task:prog            state:D stack:0     pid:234   tgid:234   ppid:1      flags:0x00004002',
      ...x86Trace(['__schedule', 'schedule', 'schedule_preempt_disabled', '__mutex_lock', 'mutex_lock_nested', 'foo_flush', 'foo_ioctl', ...X86_SYSCALL]),
      'Showing all locks held in the system:',
      'foo: device ready',
    ],
    want: {id: 'hung-task', title: 'INFO: task hung in foo_flush', guilty: 'foo_flush'},
  },
  {
    name: 'kernel/workqueue.c wq_watchdog_timer_fn: `BUG: workqueue lockup - pool cpus=%*pbl node=%d flags=0x%x nice=%d stuck for %us!` (no stack)',
    lines: ['BUG: workqueue lockup - pool cpus=0 node=0 flags=0x0 nice=0 stuck for 32s!', 'Showing busy workqueues and worker pools:', 'workqueue events: flags=0x0', 'foo: device ready'],
    want: {id: 'workqueue-lockup', title: 'BUG: workqueue lockup'},
  },
]

/** mm/slub.c print_tracking (SLAB_STORE_USER): `Allocated in %pS age=..`, `Freed in ..`, each with its stack depot's stack. */
const SLUB_TRACKS = [
  `Allocated in ${frame('foo_open', 0)} age=12 cpu=1 pid=234`,
  ...['__kmalloc_cache_noprof', 'foo_open', 'do_dentry_open', 'vfs_open'].map((f, i) => ` ${frame(f, i)}`),
  `Freed in ${frame('foo_release', 0)} age=5 cpu=1 pid=234`,
  ...['kfree', 'foo_release', '__fput', 'task_work_run'].map((f, i) => ` ${frame(f, i)}`),
]

/**
 * A SLUB debug report: slab_bug's banner, what it found, print_trailer's tracks, slab and object
 * (print_hex_dump of the redzones, the object, the padding), dump_stack()'s trace, slab_fix's lines.
 */
function slubReport(what: string, found: readonly string[], tracks: readonly string[], stack: readonly string[], fixes: readonly string[], info = ''): string[] {
  const hex = (a: number, b: string, n = 16) => `${(a.toString(16) + ': ').padStart(18, 'f')}${Array(n).fill(b).join(' ')}  ${'.'.repeat(n)}`
  return [
    '=============================================================================',
    `BUG kmalloc-64 (Tainted: G    B             ): ${what}`,
    '-----------------------------------------------------------------------------',
    '',
    ...found.map((l) => info + l),
    ...tracks,
    `${info}Slab 0xffffea0000123400 objects=32 used=31 fp=0xffff888012345640 flags=0x4000000000000200(slab|zone=1)`,
    `${info}Object 0xffff888012345640 @offset=1600 fp=0x0000000000000000`,
    '',
    `Redzone  ${hex(0x888012345638, 'cc', 8)}`,
    ...[0, 16, 32, 48].map((o) => `Object   ${hex(0x888012345640 + o, '6b')}`),
    `Redzone  ${hex(0x888012345680, 'cc', 8)}`,
    `Padding  ${hex(0x888012345690, '5a')}`,
    X86_CPU,
    X86_HW,
    ...x86Trace(stack),
    ...fixes,
  ]
}

const MISC_CASES: Case[] = [
  {
    name: 'kernel/sched/core.c __might_resched: `BUG: sleeping function called from invalid context at %s:%d`',
    lines: [
      'BUG: sleeping function called from invalid context at kernel/locking/mutex.c:580',
      'in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 234, name: prog',
      'preempt_count: 1, expected: 0',
      'RCU nest depth: 0, expected: 0',
      '1 lock held by prog/234:',
      ' #0: ffff888012345678 (&dev->spin){+.+.}-{3:3}, at: foo_ioctl+0x1c/0x80',
      'Preemption disabled at:',
      `[<ffffffff81234567>] ${frame('foo_ioctl', 0)}`,
      X86_CPU,
      X86_HW,
      ...x86Trace(['dump_stack_lvl', '__might_resched', '__mutex_lock', 'foo_wait', 'foo_ioctl', ...X86_SYSCALL]),
    ],
    want: {id: 'bug', title: 'BUG: sleeping function called from invalid context in foo_wait', guilty: 'foo_wait'},
  },
  {
    name: 'kernel/sched/core.c __schedule_bug: `BUG: scheduling while atomic: %s/%d/0x%08x`',
    lines: ['BUG: scheduling while atomic: prog/234/0x00000002', MODULES, X86_CPU, X86_HW, ...x86Trace(['dump_stack_lvl', '__schedule_bug', '__schedule', 'schedule', 'schedule_timeout', 'foo_wait', 'foo_ioctl', ...X86_SYSCALL])],
    want: {id: 'bug', title: 'BUG: scheduling while atomic in foo_wait', guilty: 'foo_wait'},
  },
  {
    name: 'lib/smp_processor_id.c: `BUG: using %s%s() in preemptible [%08x] code: %s/%d`',
    lines: [
      'BUG: using smp_processor_id() in preemptible [00000000] code: prog/234',
      `caller is ${frame('foo_percpu', 0)}`,
      X86_CPU,
      X86_HW,
      ...x86Trace(['dump_stack_lvl', 'check_preemption_disabled', 'foo_percpu', 'foo_ioctl', ...X86_SYSCALL]),
    ],
    want: {id: 'bug', title: 'BUG: using smp_processor_id() in preemptible code in foo_percpu', guilty: 'foo_percpu'},
  },
  {
    name: 'mm/page_alloc.c bad_page: `BUG: Bad page state in process %s  pfn:%05lx`',
    lines: [
      'BUG: Bad page state in process prog  pfn:12345',
      'page: refcount:0 mapcount:1 mapping:0000000000000000 index:0x0 pfn:0x12345',
      'flags: 0x4000000000000000(zone=1)',
      'page dumped because: nonzero mapcount',
      MODULES,
      X86_CPU,
      X86_HW,
      ...x86Trace(['dump_stack_lvl', 'bad_page', 'free_page_is_bad_report', '__free_pages_ok', 'foo_release', '__fput', 'task_work_run']),
    ],
    want: {id: 'bug', title: 'BUG: Bad page state in foo_release', guilty: 'foo_release'},
  },
  {
    name: 'mm/memory.c print_bad_pte: `BUG: Bad page map in process %s  pte:%08llx pmd:%08llx`',
    lines: [
      'BUG: Bad page map in process prog  pte:8000000012345067 pmd:12345067',
      'page: refcount:1 mapcount:-1 mapping:0000000000000000 index:0x0 pfn:0x12345',
      'addr:00007f1234567000 vm_flags:08100073 anon_vma:ffff888012345678 mapping:0000000000000000 index:7f1234567',
      MODULES,
      X86_CPU,
      X86_HW,
      ...x86Trace(['dump_stack_lvl', 'print_bad_pte', 'zap_pte_range', 'unmap_page_range', 'unmap_vmas', 'exit_mmap', '__mmput', 'do_exit']),
    ],
    want: {id: 'bug', title: 'BUG: Bad page map in zap_pte_range', guilty: 'zap_pte_range'},
  },
  {
    name: 'kernel/fork.c check_mm: `BUG: Bad rss-counter state mm:%p type:%s val:%ld` (no stack)',
    lines: ['BUG: Bad rss-counter state mm:ffff888012345678 type:MM_ANONPAGES val:1', 'foo: device ready'],
    want: {id: 'bug', title: 'BUG: Bad rss-counter state'},
  },
  {
    name: 'kernel/fork.c check_mm 4.19+: `BUG: non-zero pgtables_bytes on freeing mm: %ld` (no stack)',
    lines: ['BUG: non-zero pgtables_bytes on freeing mm: 4096', 'foo: device ready'],
    want: {id: 'bug', title: 'BUG: non-zero pgtables_bytes on freeing mm'},
  },
  {
    name: 'mm/slub.c slab_bug: `BUG %s (%s): %pV` (the taint is no part of the title)',
    lines: [
      '=============================================================================',
      'BUG kmalloc-64 (Tainted: G    B             ): Poison overwritten',
      '-----------------------------------------------------------------------------',
      '',
      '0xffff888012345640-0xffff888012345640 @offset=1600. First byte 0x6a instead of 0x6b',
      `Allocated in ${frame('foo_open', 0)} age=12 cpu=1 pid=234`,
      ` ${frame('__kmalloc_cache_noprof', 0)}`,
      ` ${frame('foo_open', 1)}`,
      `Freed in ${frame('foo_release', 0)} age=5 cpu=1 pid=234`,
      ` ${frame('kfree', 0)}`,
      ` ${frame('foo_release', 1)}`,
      'Slab 0xffffea0000123400 objects=32 used=32 fp=0x0000000000000000 flags=0x4000000000000200(slab|zone=1)',
      'Object 0xffff888012345640 @offset=1600 fp=0x0000000000000000',
      '',
      'Object   ffff888012345640: 6a 6b 6b 6b 6b 6b 6b 6b 6b 6b 6b 6b 6b 6b 6b 6b  jkkkkkkkkkkkkkkk',
      X86_CPU,
      X86_HW,
      ...x86Trace(['dump_stack_lvl', 'check_bytes_and_report', 'check_object', 'alloc_debug_processing', '___slab_alloc', '__kmalloc_cache_noprof', 'bar_open', 'bar_ioctl']),
      'FIX kmalloc-64: Restoring Poison 0xffff888012345640-0xffff888012345640=0x6b',
      'FIX kmalloc-64: Marking all objects used',
    ],
    // The first stack is the object's allocation (its owner); the taint is no part of the title.
    want: {id: 'bug', title: 'BUG: Poison overwritten in foo_open', guilty: 'foo_open'},
  },
  {
    name: 'mm/slub.c free_consistency_checks: object_err(`Object already free`): the tracks, the object, then dump_stack() of the second free',
    lines: slubReport('Object already free', [], SLUB_TRACKS, ['dump_stack_lvl', 'print_trailer', 'free_to_partial_list', '__slab_free', 'kfree', 'foo_cleanup', 'foo_ioctl', ...X86_SYSCALL], ['FIX kmalloc-64: Object at 0xffff888012345640 not freed']),
    // As KASAN's double-free: the function freeing it again, not where it was allocated or first freed.
    want: {id: 'bug', title: 'BUG: Object already free', guilty: 'foo_cleanup'},
  },
  {
    name: 'mm/slub.c check_bytes_and_report at free: `Right Redzone overwritten`, the tracks without stacks (no stack depot)',
    lines: slubReport(
      'Right Redzone overwritten',
      ['0xffff888012345680-0xffff888012345683 @offset=1664. First byte 0x0 instead of 0xcc'],
      ['Allocated in foo_open+0x1c/0x80 age=12 cpu=1 pid=234', 'Freed in foo_init+0x2c/0x90 age=40 cpu=1 pid=1'],
      ['dump_stack_lvl', 'print_trailer', 'check_bytes_and_report', 'check_object', 'free_to_partial_list', '__slab_free', 'kfree', 'foo_release', '__fput', 'task_work_run'],
      ['FIX kmalloc-64: Restoring Right Redzone 0xffff888012345680-0xffff888012345683=0xcc', 'FIX kmalloc-64: Object at 0xffff888012345640 not freed'],
    ),
    // The damage is found by whoever allocates or frees the object next: the owner is the allocation's caller.
    want: {id: 'bug', title: 'BUG: Right Redzone overwritten in foo_open', guilty: 'foo_open'},
  },
  {
    name: 'mm/slub.c check_object, older kernels: `INFO: Allocated in %pS ...` tracks (`\\t%pS` stacks), `Freepointer corrupt` found at allocation',
    lines: slubReport(
      'Freepointer corrupt',
      [],
      ['INFO: Allocated in foo_open+0x1c/0x80 age=12 cpu=1 pid=234', `\t${frame('___slab_alloc', 0)}`, `\t${frame('kmem_cache_alloc_trace', 1)}`, `\t${frame('foo_open', 2)}`, 'INFO: Freed in foo_release+0x1c/0x80 age=5 cpu=1 pid=234', `\t${frame('kfree', 0)}`, `\t${frame('foo_release', 1)}`],
      ['dump_stack', 'print_trailer', 'object_err', 'check_object', 'alloc_debug_processing', '___slab_alloc', '__kmalloc', 'bar_open', 'bar_ioctl'],
      ['FIX kmalloc-64: Marking all objects used'],
      'INFO: ',
    ),
    want: {id: 'bug', title: 'BUG: Freepointer corrupt in foo_open', guilty: 'foo_open'},
  },
  {
    name: 'mm/kmemleak.c print_unreferenced (kmemleak.verbose): `unreferenced object 0x%08lx (size %zu):`',
    lines: [
      'unreferenced object 0xffff888012345600 (size 64):',
      '  comm "prog", pid 234, jiffies 4294893456',
      '  hex dump (first 32 bytes):',
      '    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................',
      '  backtrace (crc 1234abcd):',
      `    ${frame('kmemleak_alloc', 0)}`,
      `    ${frame('__kmalloc_cache_noprof', 1)}`,
      `    ${frame('foo_open', 2)}`,
      `    ${frame('do_dentry_open', 3)}`,
      'foo: device ready',
    ],
    want: {id: 'memory-leak', title: 'memory leak in foo_open', guilty: 'foo_open'},
  },
  {
    name: 'net/core/dev.c netdev_wait_allrefs_any: `unregister_netdevice: waiting for %s to become free. Usage count = %d`',
    lines: ['unregister_netdevice: waiting for veth0 to become free. Usage count = 2', 'foo: device ready'],
    want: {id: 'bug', title: 'unregister_netdevice: waiting for DEV to become free'},
  },
  {
    name: 'kernel/panic.c panic(): `Kernel panic - not syncing: %s` with its own stack',
    lines: [
      'Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)',
      X86_CPU,
      X86_HW,
      ...x86Trace(['dump_stack_lvl', 'panic', 'mount_root_generic', 'prepare_namespace', 'kernel_init_freeable', 'kernel_init', 'ret_from_fork']),
      'Kernel Offset: disabled',
      '---[ end Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0) ]---',
    ],
    want: {id: 'kernel-panic', title: 'Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)', guilty: 'mount_root_generic'},
  },
  {
    name: 'kernel/panic.c check_panic_on_warn alone: `%s: panic_on_warn set ...` whose report is not in the log (corrupted)',
    lines: ['Kernel panic - not syncing: kernel: panic_on_warn set ...', X86_CPU, X86_HW, ...x86Trace(['dump_stack_lvl', 'panic', 'check_panic_on_warn', '__warn', 'foo_check']), 'Kernel Offset: disabled'],
    want: {id: 'kernel-panic', title: 'kernel panic: panic_on_warn set', guilty: 'foo_check', corrupted: true},
  },
]

const MORE_LOCK_CASES: Case[] = [
  {
    name: 'kernel/locking/lockdep.c DEBUG_LOCKS_WARN_ON: a WARNING in lockdep itself',
    lines: [CUT, 'DEBUG_LOCKS_WARN_ON(1)', 'WARNING: CPU: 1 PID: 234 at kernel/locking/lockdep.c:232 __lock_acquire+0x1c/0x80', ...x86WarnBody('__lock_acquire', ['lock_acquire', '_raw_spin_lock', 'foo_start'])],
    want: {id: 'lockdep', title: 'WARNING: locking bug in foo_start', guilty: 'foo_start'},
  },
  {
    name: 'kernel/locking/lockdep.c print_lock_contention_bug (lock_stat): `WARNING: bad contention detected!`',
    lines: [
      ...lockdep('WARNING: bad contention detected!'),
      'prog/234 is trying to contend lock (&dev->lock) at:',
      `[<ffffffff81234567>] ${frame('foo_start', 0)}`,
      'but there are no locks held!',
      '',
      'other info that might help us debug this:',
      'no locks held by prog/234.',
      ...LOCK_TAIL,
      ...x86Trace(['dump_stack_lvl', 'print_lock_contention_bug', '__lock_contended', 'lock_contended', '_raw_spin_lock', 'foo_start', 'foo_ioctl']),
    ],
    want: {id: 'lockdep', title: 'WARNING: bad contention in foo_start', guilty: 'foo_start'},
  },
  {
    name: 'kernel/locking/lockdep.c print_lock_invalid_wait_context: `[ BUG: Invalid wait context ]`',
    lines: [
      '=============================',
      '[ BUG: Invalid wait context ]',
      '6.12.0 #1 Not tainted',
      '-----------------------------',
      'swapper/1/0 is trying to lock:',
      'ffff888012345678 (&dev->mutex){+.+.}-{4:4}, at: foo_irq+0x2a/0x80',
      'other info that might help us debug this:',
      'context-{2:2}',
      'no locks held by swapper/1/0.',
      ...LOCK_TAIL,
      ...x86Trace(['dump_stack_lvl', '__lock_acquire', 'lock_acquire', '__mutex_lock', 'foo_irq', '__handle_irq_event_percpu']),
    ],
    want: {id: 'lockdep', title: 'BUG: Invalid wait context in foo_irq', guilty: 'foo_irq'},
  },
  {
    name: 'kernel/locking/lockdep.c: `BUG: MAX_LOCKDEP_KEYS too low!` (a limit, with the stack that hit it)',
    lines: ['BUG: MAX_LOCKDEP_KEYS too low!', 'turning off the locking correctness validator.', X86_CPU, X86_HW, ...x86Trace(['dump_stack_lvl', 'register_lock_class', '__lock_acquire', 'lock_acquire', 'foo_start', 'foo_ioctl'])],
    want: {id: 'bug', title: 'BUG: MAX_LOCKDEP_KEYS too low!', guilty: 'foo_start'},
  },
]

const MORE_HANG_CASES: Case[] = [
  {
    name: 'kernel/rcu/tree_stall.h print_other_cpu_stall: `rcu: INFO: %s detected stalls on CPUs/tasks:` and the stalled CPU\'s NMI backtrace',
    lines: [
      'rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:',
      'rcu: \t1-...!: (1 GPs behind) idle=1234/1/0x4000000000000000 softirq=100/101 fqs=1',
      'rcu: \t(detected by 0, t=10502 jiffies, g=1234, q=5 ncpus=2)',
      'Sending NMI from CPU 0 to CPUs 1:',
      'NMI backtrace for cpu 1',
      'CPU: 1 UID: 0 PID: 234 Comm: prog Not tainted 6.12.0 #1',
      X86_HW,
      ...x86Regs('foo_spin'),
      ...x86Trace(['foo_spin', 'foo_write', 'vfs_write', 'ksys_write', 'do_syscall_64']),
      'rcu: rcu_preempt kthread starved for 10500 jiffies! g1234 f0x0 RCU_GP_WAIT_FQS(5) ->state=0x0 ->cpu=0',
      'foo: device ready',
    ],
    want: {id: 'rcu-stall', title: 'INFO: rcu detected stall in foo_write', guilty: 'foo_write'},
  },
  {
    name: 'kernel/watchdog.c soft lockup on arm64 (pc/lr registers, `Call trace:`)',
    lines: [
      'watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [prog:234]',
      MODULES,
      'irq event stamp: 12345',
      ARM_CPU,
      ARM_HW,
      ...arm64Regs('foo_spin', 'foo_write'),
      ...arm64Trace(['foo_spin', 'foo_write', 'vfs_write', 'ksys_write', '__arm64_sys_write', 'invoke_syscall']),
    ],
    want: {id: 'soft-lockup', title: 'BUG: soft lockup in foo_write', guilty: 'foo_write'},
  },
  {
    name: 'kernel/hung_task.c on arm64 (`Call trace:` from __switch_to)',
    lines: [
      'INFO: task prog:234 blocked for more than 122 seconds.',
      '      Not tainted 6.12.0 #1',
      '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
      'task:prog            state:D stack:0     pid:234   tgid:234   ppid:1      flags:0x00000008',
      ...arm64Trace(['__switch_to', '__schedule', 'schedule', 'schedule_timeout', 'wait_for_completion', 'foo_flush', 'foo_ioctl', ...ARM_SYSCALL]),
      'foo: device ready',
    ],
    want: {id: 'hung-task', title: 'INFO: task hung in foo_flush', guilty: 'foo_flush'},
  },
]

// kernel/rcu/tree_stall.h without NMI backtraces (rcu_dump_cpu_stacks falls back to the stalled task's dump).
MORE_HANG_CASES.push(
  {
    name: 'kernel/rcu/tree_stall.h: `rcu: INFO: %s detected stalls on CPUs/tasks:` with `Task dump for CPU %d:` (sched_show_task)',
    lines: [
      'rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:',
      'rcu: \t1-...!: (0 ticks this GP) idle=1234/1/0x4000000000000000 softirq=100/100 fqs=0',
      'rcu: \t(detected by 0, t=10502 jiffies, g=1234, q=5 ncpus=2)',
      'Task dump for CPU 1:',
      'task:prog            state:R  running task     stack:0     pid:234   tgid:234   ppid:1      flags:0x00004008',
      ...x86Trace(['foo_spin', 'foo_write', 'vfs_write', 'ksys_write', 'do_syscall_64']),
      'rcu: rcu_preempt kthread starved for 10500 jiffies! g1234 f0x0 RCU_GP_WAIT_FQS(5) ->state=0x0 ->cpu=0',
      'foo: device ready',
    ],
    want: {id: 'rcu-stall', title: 'INFO: rcu detected stall in foo_write', guilty: 'foo_write'},
  },
  {
    name: 'kernel/rcu/tree_exp.h: `rcu: INFO: %s detected expedited stalls on CPUs/tasks: {` and the NMI backtrace',
    lines: [
      'rcu: INFO: rcu_preempt detected expedited stalls on CPUs/tasks: { 1-.... } 10503 jiffies s: 1234 root: 0x2/.',
      'rcu: blocking rcu_node structures (internal RCU debug):',
      'Sending NMI from CPU 0 to CPUs 1:',
      'NMI backtrace for cpu 1',
      'CPU: 1 UID: 0 PID: 234 Comm: prog Not tainted 6.12.0 #1',
      X86_HW,
      ...x86Regs('foo_spin'),
      ...x86Trace(['foo_spin', 'foo_write', 'vfs_write', 'ksys_write', 'do_syscall_64']),
      'foo: device ready',
    ],
    want: {id: 'rcu-stall', title: 'INFO: rcu detected stall in foo_write', guilty: 'foo_write'},
  },
)

const MORE_MISC_CASES: Case[] = [
  {
    name: 'arch/x86/kernel/traps.c exc_double_fault: `PANIC: double fault, error_code: 0x%lx` then 6.9+ `Oops: double fault: %04lx [#%d]`',
    lines: x86Oops(['PANIC: double fault, error_code: 0x0', 'Oops: double fault: 0000 [#1] PREEMPT SMP NOPTI'], 'foo_deep', ['foo_ioctl', ...X86_SYSCALL]),
    want: {id: 'oops', title: 'PANIC: double fault in foo_deep', guilty: 'foo_deep'},
  },
  {
    name: 'mm/page_alloc.c warn_alloc path: a WARNING in the page allocator names the allocating caller',
    lines: [CUT, 'WARNING: CPU: 1 PID: 234 at mm/page_alloc.c:4500 __alloc_pages_noprof+0x1c/0x80', ...x86WarnBody('__alloc_pages_noprof', ['alloc_pages_mpol_noprof', '__kmalloc_large_node_noprof', 'foo_alloc', 'foo_ioctl'])],
    want: {id: 'warning', title: 'WARNING in foo_alloc', guilty: 'foo_alloc'},
  },
  {
    name: 'mm/kmemleak.c before 6.7: backtrace frames as `[<%pK>] %pS`',
    lines: [
      'unreferenced object 0xffff888012345600 (size 64):',
      '  comm "prog", pid 234, jiffies 4294893456 (age 12.345s)',
      '  hex dump (first 32 bytes):',
      '    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00  ................',
      '  backtrace:',
      `    [<ffffffff81234567>] ${frame('kmemleak_alloc', 0)}`,
      `    [<ffffffff81234568>] ${frame('kmalloc_trace', 1)}`,
      `    [<ffffffff81234569>] ${frame('foo_open', 2)}`,
      `    [<ffffffff8123456a>] ${frame('do_dentry_open', 3)}`,
      'foo: device ready',
    ],
    want: {id: 'memory-leak', title: 'memory leak in foo_open', guilty: 'foo_open'},
  },
  {
    name: 'kernel/panic.c: `Kernel panic - not syncing: Fatal exception` right after the oops it ends (x86 reprints the registers between)',
    lines: [
      ...x86Oops(['general protection fault: 0000 [#1] PREEMPT SMP NOPTI'], 'foo_read', ['foo_ioctl', ...X86_SYSCALL]),
      ...x86Regs('foo_read'),
      'Kernel panic - not syncing: Fatal exception',
      'Kernel Offset: disabled',
      '---[ end Kernel panic - not syncing: Fatal exception ]---',
    ],
    want: {id: 'gpf', title: 'general protection fault in foo_read', guilty: 'foo_read', findings: 2, next: {id: 'kernel-panic', title: 'kernel panic: Fatal exception', corrupted: false}},
  },
  {
    name: 'kernel/panic.c: `Kernel panic - not syncing: Fatal exception` alone (its oops is not in the log: corrupted)',
    lines: ['foo: device ready', 'Kernel panic - not syncing: Fatal exception', 'Kernel Offset: disabled', '---[ end Kernel panic - not syncing: Fatal exception ]---'],
    want: {id: 'kernel-panic', title: 'kernel panic: Fatal exception', corrupted: true},
  },
  {
    name: 'arch/arm64/kernel/traps.c die(): `Kernel panic - not syncing: Oops - BUG: Fatal exception` alone (corrupted)',
    lines: ['Kernel panic - not syncing: Oops - BUG: Fatal exception', 'SMP: stopping secondary CPUs', 'Kernel Offset: disabled', '---[ end Kernel panic - not syncing: Oops - BUG: Fatal exception ]---'],
    want: {id: 'kernel-panic', title: 'kernel panic: Fatal exception', corrupted: true},
  },
  {
    name: 'kernel/watchdog.c nmi_panic(regs, "Hard LOCKUP") alone (its lockup report is not in the log: corrupted)',
    lines: ['Kernel panic - not syncing: Hard LOCKUP', 'Kernel Offset: disabled'],
    want: {id: 'kernel-panic', title: 'kernel panic: Hard LOCKUP', corrupted: true},
  },
  {
    name: 'kernel/exit.c: `Kernel panic - not syncing: Attempted to kill init! exitcode=0x%08x`',
    lines: ['Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009', X86_CPU, X86_HW, ...x86Trace(['dump_stack_lvl', 'panic', 'do_exit', 'do_group_exit', '__x64_sys_exit_group', 'do_syscall_64']), 'Kernel Offset: disabled'],
    want: {id: 'kernel-panic', title: 'Kernel panic - not syncing: Attempted to kill init! exitcode=ADDR', guilty: 'do_exit'},
  },  {
    name: 'kernel/workqueue.c process_one_work: `BUG: workqueue leaked lock or atomic: %s/0x%08x/%d/%d` and `last function: %ps`',
    lines: [
      'BUG: workqueue leaked lock or atomic: kworker/1:2/0x00000000/234',
      '     last function: foo_work_fn',
      '1 lock held by kworker/1:2/234:',
      ' #0: ffff888012345678 (&dev->lock){+.+.}-{4:4}, at: foo_work_fn+0x2a/0x80',
      X86_CPU,
      X86_HW,
      ...x86Trace(['dump_stack_lvl', 'process_one_work', 'worker_thread', 'kthread', 'ret_from_fork']),
    ],
    want: {id: 'bug', title: 'BUG: workqueue leaked lock or atomic in foo_work_fn', guilty: 'foo_work_fn'},
  },
  {
    name: 'mm/kasan/report.c with hardware tags (arm64 MTE): `BUG: KASAN: invalid-access in %pS`',
    lines: [
      RULE,
      'BUG: KASAN: invalid-access in foo_read+0x1c/0x80',
      'Read of size 8 at addr f2ff000012345678 by task prog/234',
      'Pointer tag: [f2], memory tag: [fe]',
      '',
      ARM_CPU,
      ARM_HW,
      ...arm64Trace(['dump_backtrace', 'show_stack', 'dump_stack_lvl', 'print_report', 'kasan_report', 'do_tag_recovery', 'do_tag_check_fault', 'do_mem_abort', 'el1_abort', 'el1h_64_sync_handler', 'el1h_64_sync', 'foo_read', 'foo_ioctl', ...ARM_SYSCALL]),
      RULE,
    ],
    want: {id: 'kasan', title: 'KASAN: invalid-access Read in foo_read', guilty: 'foo_read'},
  },
  {
    name: 'arch/x86/mm/fault.c page_fault_oops: `Oops: %04lx [#%d]` whose `BUG: unable to handle` line is not in the log (corrupted)',
    lines: x86Oops(['Oops: 0002 [#1] PREEMPT SMP NOPTI'], 'foo_write', ['foo_ioctl', ...X86_SYSCALL]),
    want: {id: 'oops', title: 'Oops in foo_write', guilty: 'foo_write', corrupted: true},
  },  {
    name: 'kernel/panic.c __stack_chk_fail: `Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: %pB`',
    lines: [`Kernel panic - not syncing: stack-protector: Kernel stack is corrupted in: ${frame('foo_parse', 0)}`, X86_CPU, X86_HW, ...x86Trace(['dump_stack_lvl', 'panic', '__stack_chk_fail', 'foo_parse', 'foo_ioctl']), 'Kernel Offset: disabled'],
    want: {id: 'kernel-panic', title: 'kernel panic: stack is corrupted in foo_parse', guilty: 'foo_parse'},
  },
  {
    name: 'kernel/sched/core.c schedule_debug: `Kernel panic - not syncing: corrupted stack end detected inside scheduler`',
    lines: ['Kernel panic - not syncing: corrupted stack end detected inside scheduler', X86_CPU, X86_HW, ...x86Trace(['dump_stack_lvl', 'panic', '__schedule', 'schedule', 'foo_wait', 'foo_ioctl', ...X86_SYSCALL]), 'Kernel Offset: disabled'],
    // A stack run over its end is named as a recursion is: by the caller of the dispatch point it was entered from.
    want: {id: 'kernel-panic', title: 'kernel panic: corrupted stack end in foo_ioctl', guilty: 'foo_ioctl'},
  },
  {
    name: 'mm/usercopy.c usercopy_warn: `Bad or missing usercopy whitelist? Kernel memory exposure attempt detected ...` and its WARNING',
    lines: [
      CUT,
      "Bad or missing usercopy whitelist? Kernel memory exposure attempt detected from SLUB object 'foo_cache' (offset 12, size 34)!",
      'WARNING: CPU: 1 PID: 234 at mm/usercopy.c:77 usercopy_warn+0x1c/0x80',
      ...x86WarnBody('usercopy_warn', ['__check_heap_object', '__check_object_size', 'foo_read', 'vfs_read']),
    ],
    want: {id: 'warning', title: 'WARNING: bad usercopy in foo_read', guilty: 'foo_read'},
  },
  {
    name: 'fs/proc/generic.c proc_register: `proc_dir_entry \'%s/%s\' already registered` and its WARNING',
    lines: [CUT, "proc_dir_entry 'net/foo' already registered", 'WARNING: CPU: 1 PID: 234 at fs/proc/generic.c:376 proc_register+0x1c/0x80', ...x86WarnBody('proc_register', ['proc_create_net_data', 'foo_net_init', 'ops_init'])],
    want: {id: 'warning', title: 'WARNING: proc registration bug in foo_net_init', guilty: 'foo_net_init'},
  },
  {
    name: 'drivers/usb/core/urb.c usb_submit_urb: `usb %s: BOGUS urb xfer, pipe %x != type %x` and its WARNING',
    lines: [CUT, 'usb 1-1: BOGUS urb xfer, pipe 1 != type 3', 'WARNING: CPU: 1 PID: 234 at drivers/usb/core/urb.c:504 usb_submit_urb+0x1c/0x80', ...x86WarnBody('usb_submit_urb', ['foo_start_rx', 'foo_probe', 'usb_probe_interface'])],
    want: {id: 'warning', title: 'WARNING in foo_start_rx/usb_submit_urb', guilty: 'foo_start_rx'},
  },
]

describe('the kernel\'s report formats (SYNTHETIC fragments built from the format strings), as consoles show them', () => {
  for (const [group, cases] of [['WARN', WARN_CASES], ['BUG', BUG_CASES], ['faults', FAULT_CASES], ['sanitizers', SANITIZER_CASES], ['UBSAN_TRAP', UBSAN_TRAP_CASES], ['panics after their report', PANIC_AFTER_CASES], ['locking', LOCK_CASES], ['hangs', HANG_CASES], ['other', MISC_CASES], ['more locking', MORE_LOCK_CASES], ['more hangs', MORE_HANG_CASES], ['more other', MORE_MISC_CASES], ['other architectures', OTHER_ARCH_CASES]] as const) {
    describe(group, () => {
      for (const c of cases) {
        for (const rendering of [...Object.keys(RENDERINGS), INTERLEAVED]) {
          it(`${c.name} (${rendering})`, () => {
            const a = analyseBootLogText(log(c.lines, rendering), 'SYNTHETIC')
            const titles = a.findings.map((f) => `${f.title}${f.corrupted ? ' (corrupted)' : ''}`)
            expect(titles.length, titles.join(' | ')).toBe(c.want.findings ?? 1)
            const f = a.findings[0]!
            expect({id: f.id, title: f.title, guilty: f.splat?.guilty?.fn, corrupted: f.corrupted}).toEqual({id: c.want.id, title: c.want.title, guilty: c.want.guilty, corrupted: c.want.corrupted ?? false})
            const g = a.findings[1]
            if (c.want.next) expect({id: g?.id, title: g?.title, corrupted: g?.corrupted}).toEqual(c.want.next)
            const z = a.findings.at(-1)
            if (c.want.last) expect({id: z?.id, title: z?.title, corrupted: z?.corrupted}).toEqual(c.want.last)
          })
        }
      }
    })
  }
})

const OTHER_ARCH_CASES: Case[] = [
  {
    name: 'arch/x86 32-bit: show_ip() prints `EIP: %pS`, and the user EIP after the syscall\'s trace',
    lines: [
      'BUG: kernel NULL pointer dereference, address: 00000008',
      '#PF: supervisor read access in kernel mode',
      '#PF: error_code(0x0000) - not-present page',
      '*pde = 00000000',
      'Oops: 0000 [#1] PREEMPT SMP',
      'CPU: 0 PID: 234 Comm: prog Not tainted 6.1.0 #1',
      X86_HW,
      `EIP: ${frame('foo_read', 0)}`,
      'Code: 89 d8 5b 5d c3 8d 76 00 <8b> 40 08 85 c0 74 0a',
      'EAX: 00000000 EBX: c1234567 ECX: 00000000 EDX: 00000000',
      'ESI: c2345678 EDI: 00000000 EBP: c3456789 ESP: c345677c',
      'DS: 007b ES: 007b FS: 00d8 GS: 0000 SS: 0068 EFLAGS: 00010246',
      'CR0: 80050033 CR2: 00000008 CR3: 01234000 CR4: 00150ef0',
      'Call Trace:',
      ` ${frame('foo_ioctl', 1)}`,
      ` ${frame('__ia32_sys_ioctl', 2)}`,
      ` ${frame('__do_fast_syscall_32', 3)}`,
      ` ${frame('do_fast_syscall_32', 4)}`,
      ` ${frame('do_SYSENTER_32', 5)}`,
      ` ${frame('entry_SYSENTER_32', 6)}`,
      'EIP: 0xb7f1e549',
      'Code: Unable to access opcode bytes at 0xb7f1e51f.',
      'EAX: ffffffda EBX: 00000003 ECX: 00005401 EDX: bfb2c0f8',
      END,
    ],
    want: {id: 'bad-access', title: 'BUG: unable to handle kernel NULL pointer dereference in foo_read', guilty: 'foo_read'},
  },
  {
    name: 'arch/riscv: die() `Oops [#%d]`, __show_regs() `epc : %pS` and ` ra : %pS`, frames `[<%px>] %pS`',
    lines: [
      'Unable to handle kernel NULL pointer dereference at virtual address 0000000000000008',
      'Oops [#1]',
      MODULES,
      'CPU: 0 UID: 0 PID: 234 Comm: prog Not tainted 6.12.0 #1',
      'Hardware name: riscv-virtio,qemu (DT)',
      `epc : ${frame('foo_read', 0)}`,
      ` ra : ${frame('foo_ioctl', 1)}`,
      'epc : ffffffff80812345 ra : ffffffff80812399 sp : ff20000000a3bd40',
      ' gp : ffffffff8282dce8 tp : ff60000002b4c000 t0 : 0000000000000000',
      'status: 0000000200000120 badaddr: 0000000000000008 cause: 000000000000000d',
      'Call Trace:',
      `[<ffffffff80812345>] ${frame('foo_read', 0)}`,
      `[<ffffffff80812399>] ${frame('foo_ioctl', 1)}`,
      `[<ffffffff80812400>] ${frame('__riscv_sys_ioctl', 2)}`,
      `[<ffffffff80812466>] ${frame('do_trap_ecall_u', 3)}`,
      `[<ffffffff80812488>] ${frame('handle_exception', 4)}`,
      'Code: 8522 6402 0141 8082 1141 e422 0800 (6508) 8082 1141',
      END,
    ],
    want: {id: 'bad-access', title: 'BUG: unable to handle kernel NULL pointer dereference in foo_read', guilty: 'foo_read'},
  },
  {
    name: 'arch/riscv: a WARNING (`epc : %pS` after the banner)',
    lines: [
      CUT,
      'WARNING: CPU: 0 PID: 234 at drivers/foo/core.c:123 foo_check+0x1c/0x80',
      MODULES,
      'CPU: 0 UID: 0 PID: 234 Comm: prog Not tainted 6.12.0 #1',
      'Hardware name: riscv-virtio,qemu (DT)',
      `epc : ${frame('foo_check', 0)}`,
      ` ra : ${frame('foo_ioctl', 1)}`,
      'epc : ffffffff80812345 ra : ffffffff80812399 sp : ff20000000a3bd40',
      'Call Trace:',
      `[<ffffffff80812345>] ${frame('foo_check', 0)}`,
      `[<ffffffff80812399>] ${frame('foo_ioctl', 1)}`,
      END,
    ],
    want: {id: 'warning', title: 'WARNING in foo_check', guilty: 'foo_check'},
  },
  {
    name: 'arch/arm (32-bit) 5.17+: `8<--- cut here ---`, `PC is at %pS`, frames ` %ps from %pS` (no BACKTRACE_VERBOSE)',
    lines: [
      '8<--- cut here ---',
      'Unable to handle kernel NULL pointer dereference at virtual address 00000008 when read',
      '[00000008] *pgd=00000000',
      'Internal error: Oops: 5 [#1] SMP ARM',
      MODULES,
      'CPU: 0 PID: 234 Comm: prog Not tainted 6.1.0 #1',
      'Hardware name: ARM-Versatile Express',
      `PC is at ${frame('foo_read', 0)}`,
      `LR is at ${frame('foo_ioctl', 1)}`,
      'pc : [<8052a1c4>]    lr : [<8052a2f0>]    psr: 60000013',
      'sp : 8a3bdd40  ip : 00000000  fp : 8a3bdd7c',
      'Flags: nZCv  IRQs on  FIQs on  Mode SVC_32  ISA ARM  Segment none',
      'Process prog (pid: 234, stack limit = 0x(ptrval))',
      'Call trace: ',
      ` foo_read from ${frame('foo_ioctl', 1)}`,
      ` foo_ioctl from ${frame('sys_ioctl', 2)}`,
      ` sys_ioctl from ${frame('ret_fast_syscall', 3)}`,
      'Exception stack(0x8a3bdfa8 to 0x8a3bdff0)',
      'dfa0:                   00000000 00000000 00000003 00005401 7eb2c0f8 00000000',
      'Code: e5900008 e12fff1e e92d4010 e1a04000 (e5930008)',
      END,
    ],
    want: {id: 'bad-access', title: 'BUG: unable to handle kernel NULL pointer dereference in foo_read', guilty: 'foo_read'},
  },
  {
    name: 'arch/arm (32-bit) 5.17+: a WARNING whose stack is ` %ps from %pS` frames (no faulting PC: __warn\'s dump_stack)',
    lines: [
      CUT,
      'WARNING: CPU: 0 PID: 234 at drivers/foo/core.c:123 foo_check+0x1c/0x80',
      MODULES,
      'CPU: 0 PID: 234 Comm: prog Not tainted 6.1.0 #1',
      'Hardware name: ARM-Versatile Express',
      'Call trace: ',
      ` unwind_backtrace from ${frame('show_stack', 1)}`,
      ` show_stack from ${frame('dump_stack_lvl', 2)}`,
      ` dump_stack_lvl from ${frame('__warn', 3)}`,
      ` __warn from ${frame('warn_slowpath_fmt', 4)}`,
      ` warn_slowpath_fmt from ${frame('foo_check', 5)}`,
      ` foo_check from ${frame('foo_ioctl', 6)}`,
      ` foo_ioctl from ${frame('sys_ioctl', 7)}`,
      END,
    ],
    want: {id: 'warning', title: 'WARNING in foo_check', guilty: 'foo_check'},
  },
  {
    name: 'arch/s390/mm/fault.c: `Unable to handle kernel pointer dereference in virtual kernel address space`, `Krnl PSW : %px %px (%pSR)`',
    lines: [
      'Unable to handle kernel pointer dereference in virtual kernel address space',
      'Failing address: 0000000000000000 TEID: 0000000000000483',
      'Fault in home space mode while using kernel ASCE.',
      'AS:0000000001234007 R3:00000001ffff0007 S:00000001fffef800 P:000000000000003d',
      'Oops: 0004 ilc:3 [#1] SMP',
      MODULES,
      'CPU: 0 UID: 0 PID: 234 Comm: prog Not tainted 6.12.0 #1',
      'Hardware name: IBM 3931 A01 703 (KVM/Linux)',
      `Krnl PSW : 0704c00180000000 000000000012345a (${frame('foo_read', 0)})`,
      '           R:0 T:1 IO:1 EX:1 Key:0 M:1 W:0 P:0 AS:3 CC:0 PM:0 RI:0 EA:3',
      'Krnl GPRS: 0000000000000000 0000000000000008 0000000000000000 0000000000000003',
      'Call Trace:',
      ` [<000000000012345a>] ${frame('foo_read', 0)}`,
      `([<0000000000123499>] ${frame('foo_ioctl', 1)})`,
      ` [<00000000001234aa>] ${frame('__s390x_sys_ioctl', 2)}`,
      ` [<00000000001234bb>] ${frame('__do_syscall', 3)}`,
      ` [<00000000001234cc>] ${frame('system_call', 4)}`,
      'Last Breaking-Event-Address:',
      ` [<0000000000123499>] ${frame('foo_ioctl', 1)}`,
      END,
    ],
    want: {id: 'bad-access', title: 'BUG: unable to handle kernel paging request in foo_read', guilty: 'foo_read'},
  },
  {
    name: 'arch/powerpc/mm/fault.c: `BUG: Kernel NULL pointer dereference on read at 0x%08lx`, `NIP [%lx] %pS`, frames `[%lx] [%lx] %pS`',
    lines: [
      'BUG: Kernel NULL pointer dereference on read at 0x00000008',
      'Faulting instruction address: 0xc000000000123456',
      'Oops: Kernel access of bad area, sig: 11 [#1]',
      'LE PAGE_SIZE=64K MMU=Radix SMP NR_CPUS=2048 NUMA pSeries',
      MODULES,
      'CPU: 0 UID: 0 PID: 234 Comm: prog Not tainted 6.12.0 #1',
      'Hardware name: IBM pSeries (emulated by qemu) POWER10 (raw) 0x800200 0xf000006 of:SLOF,HEAD pSeries',
      'NIP:  c000000000123456 LR: c000000000123499 CTR: 0000000000000000',
      'REGS: c00000000a3bf9a0 TRAP: 0300   Not tainted  (6.12.0)',
      'MSR:  800000000280b033 <SF,VEC,VSX,EE,FP,ME,IR,DR,RI,LE>  CR: 24002222  XER: 00000000',
      'GPR00: c000000000123499 c00000000a3bfc40 c000000002a4c700 0000000000000000',
      `NIP [c000000000123456] ${frame('foo_read', 0)}`,
      `LR [c000000000123499] ${frame('foo_ioctl', 1)}`,
      'Call Trace:',
      `[c00000000a3bfc40] [c000000000123499] ${frame('foo_ioctl', 1)} (unreliable)`,
      `[c00000000a3bfc80] [c0000000001234aa] ${frame('sys_ioctl', 2)}`,
      `[c00000000a3bfcc0] [c0000000001234bb] ${frame('system_call_exception', 3)}`,
      '--- interrupt: 3000 at 0x7fff12345678',
      'Code: 7c0802a6 fbe1fff8 f8010010 f821ffd1 <e9230008> 2c290000 4182000c',
      END,
    ],
    want: {id: 'bad-access', title: 'BUG: unable to handle kernel NULL pointer dereference in foo_read', guilty: 'foo_read'},
  },
]
// powerpc's die() header alone (its `BUG: Kernel NULL pointer dereference` line lost): an oops no row
// knows, still named where it faulted (`NIP [..] f`), not by the caller its stack starts with.
OTHER_ARCH_CASES.push({
  name: 'arch/powerpc die(): `Oops: Kernel access of bad area, sig: %ld [#%d]` alone: a BUG no row knows, named by its faulting PC',
  lines: OTHER_ARCH_CASES.find((c) => c.name.startsWith('arch/powerpc'))!.lines.slice(2),
  want: {id: 'bug', title: 'Oops: Kernel access of bad area, sig: 11 [#N]', guilty: 'foo_read'},
})

/** What khungtaskd prints after a hung task's stack with hung_task_all_cpu_backtrace: the locks, every CPU's backtrace. */
const ALL_CPUS_AFTER_HUNG = [
  'Showing all locks held in the system:',
  '1 lock held by prog/234:',
  ' #0: ffff888012345678 (&dev->mutex){+.+.}-{4:4}, at: foo_flush+0x2a/0x80',
  '=============================================',
  ...[0, 1, 2, 3].flatMap((cpu) => [`NMI backtrace for cpu ${cpu}`, `CPU: ${cpu} UID: 0 PID: ${cpu ? 0 : 30} Comm: ${cpu ? `swapper/${cpu}` : 'khungtaskd'} Not tainted 6.12.0 #1`, X86_HW, ...x86Regs('default_idle'), ...x86Trace(['default_idle', 'default_idle_call', 'do_idle', 'cpu_startup_entry', 'start_secondary'])]),
]

/** Ordinary output between a report and a panic, none of it a report's (time stamps go on increasing). */
const UNRELATED = Array.from({length: 300}, () => 'systemd[1]: Started foo.service.')
/** A WARNING in foo_probe, complete with its end marker. */
const FOO_PROBE_WARN = [CUT, 'WARNING: CPU: 0 PID: 1 at drivers/foo/foo.c:10 foo_probe+0x1c/0x80', ...x86WarnBody('foo_probe', ['really_probe', 'driver_probe_device'])]
const ARM64_BUG = BUG_CASES.find((c) => c.name.startsWith('lib/bug.c on arm64'))!
const FATAL = ['Kernel panic - not syncing: Fatal exception', 'Kernel Offset: disabled', '---[ end Kernel panic - not syncing: Fatal exception ]---']

/** An x86 NULL-pointer oops in foo_read, complete with its end marker. */
const NULL_OOPS = x86Oops(['BUG: kernel NULL pointer dereference, address: 0000000000000000', '#PF: supervisor read access in kernel mode', '#PF: error_code(0x0000) - not-present page', 'PGD 0 P4D 0', 'Oops: 0000 [#1] PREEMPT SMP NOPTI'], 'foo_read', ['foo_ioctl', ...X86_SYSCALL])
/** lib/ubsan.c's report (6.6+): it goes on after it, as a WARNING does. */
const UBSAN_REPORT = WARN_CASES.find((c) => c.name.startsWith('lib/ubsan.c'))!
const FATAL_PANIC = (corrupted: boolean): Seen => ({id: 'kernel-panic', title: 'kernel panic: Fatal exception', corrupted})

const PANIC_AFTER_CASES: Case[] = [
  {
    name: 'arch/x86/kernel/dumpstack.c oops_end: `Fatal exception` after an oops and then a WARNING of the same task: the oops\'s end, the WARNING its own',
    lines: [...NULL_OOPS, ...FOO_PROBE_WARN, ...FATAL],
    want: {id: 'bad-access', title: 'BUG: unable to handle kernel NULL pointer dereference in foo_read', guilty: 'foo_read', findings: 3, next: {id: 'warning', title: 'WARNING in foo_probe', corrupted: false}, last: FATAL_PANIC(false)},
  },
  {
    name: 'kernel/panic.c: `Fatal exception` after a WARNING and another WARNING: neither causes it, the oops that did is not in the log (corrupted)',
    lines: [...FOO_PROBE_WARN, ...WARN_CASES[0]!.lines, ...FATAL],
    want: {id: 'warning', title: 'WARNING in foo_probe', guilty: 'foo_probe', findings: 3, next: {id: 'warning', title: 'WARNING in foo_check', corrupted: false}, last: FATAL_PANIC(true)},
  },
  {
    name: 'kernel/panic.c: `Fatal exception` 300 lines after a WARNING: a WARNING causes no Fatal exception, the oops that did is not in the log (corrupted)',
    lines: [...FOO_PROBE_WARN, ...UNRELATED, ...FATAL],
    want: {id: 'warning', title: 'WARNING in foo_probe', guilty: 'foo_probe', findings: 2, next: {id: 'kernel-panic', title: 'kernel panic: Fatal exception', corrupted: true}},
  },
  {
    name: 'kernel/panic.c: `Fatal exception` right after a WARNING: still not its end (corrupted)',
    lines: [...FOO_PROBE_WARN, ...FATAL],
    want: {id: 'warning', title: 'WARNING in foo_probe', guilty: 'foo_probe', findings: 2, next: {id: 'kernel-panic', title: 'kernel panic: Fatal exception', corrupted: true}},
  },
  {
    name: 'mm/kasan/report.c: `Fatal exception` right after a KASAN report, which reports and goes on (corrupted)',
    lines: [...SANITIZER_CASES[0]!.lines, ...FATAL],
    want: {id: 'kasan', title: 'KASAN: slab-use-after-free Read in foo_read', guilty: 'foo_read', findings: 2, next: {id: 'kernel-panic', title: 'kernel panic: Fatal exception', corrupted: true}},
  },
  {
    name: 'arch/x86/kernel/dumpstack.c oops_end: `Fatal exception` 300 lines after the oops: its end',
    lines: [...x86Oops(['general protection fault: 0000 [#1] PREEMPT SMP NOPTI'], 'foo_read', ['foo_ioctl', ...X86_SYSCALL]), ...UNRELATED, ...FATAL],
    want: {id: 'gpf', title: 'general protection fault in foo_read', guilty: 'foo_read', findings: 2, next: {id: 'kernel-panic', title: 'kernel panic: Fatal exception', corrupted: false}},
  },
  {
    name: 'arch/arm64/kernel/traps.c die(): `Oops - BUG: Fatal exception` 300 lines after a kernel BUG: its end',
    lines: [...ARM64_BUG.lines, ...UNRELATED, 'Kernel panic - not syncing: Oops - BUG: Fatal exception', 'Kernel Offset: disabled'],
    want: {...ARM64_BUG.want, findings: 2, next: {id: 'kernel-panic', title: 'kernel panic: Fatal exception', corrupted: false}},
  },
  {
    name: 'lib/ubsan.c ubsan_epilogue: `Fatal exception` right after a UBSAN report, which reports and goes on (corrupted)',
    lines: [...UBSAN_REPORT.lines, ...FATAL],
    want: {...UBSAN_REPORT.want, findings: 2, next: FATAL_PANIC(true)},
  },
  {
    name: 'arch/x86/kernel/traps.c handle_bug, CONFIG_UBSAN_TRAP: `Fatal exception` 300 lines after the trap\'s oops: its end',
    lines: [...UBSAN_TRAP_CASES[0]!.lines, ...UNRELATED, ...FATAL],
    want: {...UBSAN_TRAP_CASES[0]!.want, findings: 2, next: FATAL_PANIC(false)},
  },
  {
    name: 'mm/kasan/report.c end_report: check_panic_on_warn("KASAN") after the closing rule: the panic ends the KASAN report',
    lines: [...SANITIZER_CASES[0]!.lines, 'Kernel panic - not syncing: KASAN: panic_on_warn set ...', X86_CPU, X86_HW, ...x86Trace(['dump_stack_lvl', 'panic', 'check_panic_on_warn', 'end_report', 'kasan_report', 'foo_read']), 'Kernel Offset: disabled'],
    want: {id: 'kasan', title: 'KASAN: slab-use-after-free Read in foo_read', guilty: 'foo_read', findings: 2, next: {id: 'kernel-panic', title: 'kernel panic: panic_on_warn set', corrupted: false}},
  },
  {
    name: 'kernel/hung_task.c: `hung_task: blocked tasks` panic after the report, the locks and every CPU\'s backtrace',
    lines: [...HANG_CASES.find((c) => c.want.id === 'hung-task')!.lines.slice(0, -1), ...ALL_CPUS_AFTER_HUNG, 'Kernel panic - not syncing: hung_task: blocked tasks', 'Kernel Offset: disabled'],
    want: {id: 'hung-task', title: 'INFO: task hung in foo_flush', guilty: 'foo_flush', findings: 2, next: {id: 'kernel-panic', title: 'kernel panic: hung_task: blocked tasks', corrupted: false}},
  },
]

/** Every case, in table order. */
const ALL_CASES: readonly Case[] = [PANIC_AFTER_CASES, WARN_CASES, BUG_CASES, FAULT_CASES, SANITIZER_CASES, UBSAN_TRAP_CASES, LOCK_CASES, HANG_CASES, MISC_CASES, MORE_LOCK_CASES, MORE_HANG_CASES, MORE_MISC_CASES, OTHER_ARCH_CASES].flat()
/** A second report of another task after each fragment: the first must end where the second begins. */
const NEXT = WARN_CASES[0]!

describe('each report ends where the next begins (SYNTHETIC: a fragment, then a WARNING)', () => {
  for (const c of ALL_CASES) {
    it(c.name, () => {
      const a = analyseBootLogText(log([...c.lines, ...NEXT.lines]), 'SYNTHETIC')
      const f = a.findings[0]!
      const last = a.findings.at(-1)!
      expect([a.findings.length, f.id, f.title, f.corrupted]).toEqual([(c.want.findings ?? 1) + 1, c.want.id, c.want.title, c.want.corrupted ?? false])
      expect([last.title, last.corrupted]).toEqual([NEXT.want.title, false])
    })
  }
})

/** How a stack's frame lines can look besides ` f+0x1c/0x80`: the same report must read the same. */
const FRAME_STYLES: Record<string, (frame: string) => string> = {
  'with addresses (before 4.14)': (f) => `[<ffffffff81234567>] ${f}`,
  'in a module': (f) => `${f} [foo_mod]`,
  'with build ids (CONFIG_STACKTRACE_BUILD_ID)': (f) => `${f} [foo_mod 0123456789abcdef0123456789abcdef01234567]`,
  'symbolised with file and line': (f) => `${f} drivers/foo/core.c:123`,
}
const FRAME_LINE = /^( +)((?:\? )?[A-Za-z_][\w.]*\+0x[0-9a-f]+\/0x[0-9a-f]+)$/

describe('frame lines in other styles (SYNTHETIC: each fragment\'s frames restyled)', () => {
  for (const [style, restyle] of Object.entries(FRAME_STYLES)) {
    it(style, () => {
      const got = ALL_CASES.map((c) => {
        const lines = c.lines.map((l) => l.replace(FRAME_LINE, (_m, pad: string, f: string) => pad + restyle(f)))
        const f = analyseBootLogText(log(lines), 'SYNTHETIC').findings[0]
        return `${c.name}: ${f?.title} / ${f?.splat?.guilty?.fn} / ${f?.corrupted}`
      })
      expect(got).toEqual(ALL_CASES.map((c) => `${c.name}: ${c.want.title} / ${c.want.guilty} / ${c.want.corrupted ?? false}`))
    })
  }
})

/** SYNTHETIC: records of several callers (printk caller ids: `T<pid>` a task, `C<cpu>` a CPU in interrupt or NMI context). */
function logOf(records: readonly (readonly [string, string])[]): string {
  return records.map(([id, l], i) => `[${(100 + i / 1e4).toFixed(6).padStart(12)}][${id.padStart(6)}] ${l}`).join('\n') + '\n'
}
const on = (id: string, lines: readonly string[]) => lines.map((l) => [id, l] as const)

describe('reports another CPU completes (SYNTHETIC, printk caller ids)', () => {
  it('kernel/rcu/tree_stall.h: CPU 0 reports the stall, CPU 1 prints its NMI backtrace (caller C1): one report, named from CPU 1\'s stack', () => {
    const text = logOf([
      ...on('C0', ['rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:', 'rcu: \t1-...!: (1 GPs behind) idle=1234/1/0x4000000000000000 softirq=100/101 fqs=1', 'Sending NMI from CPU 0 to CPUs 1:']),
      ...on('C1', ['NMI backtrace for cpu 1', 'CPU: 1 UID: 0 PID: 234 Comm: prog Not tainted 6.12.0 #1', X86_HW, ...x86Regs('foo_spin'), ...x86Trace(['foo_spin', 'foo_write', 'vfs_write', 'ksys_write', 'do_syscall_64'])]),
      ...on('C0', ['rcu: rcu_preempt kthread starved for 10500 jiffies! g1234 f0x0 RCU_GP_WAIT_FQS(5) ->state=0x0 ->cpu=0']),
      ...on('T1', ['foo: device ready']),
    ])
    const fs = analyseBootLogText(text, 'SYNTHETIC').findings
    expect(fs.map((f) => [f.id, f.title, f.corrupted])).toEqual([['rcu-stall', 'INFO: rcu detected stall in foo_write', false]])
  })

  it('kernel/watchdog.c buddy detector 6.5+: CPU 0 reports CPU 1\'s hard lockup, CPU 1 prints its NMI backtrace (caller C1)', () => {
    const text = logOf([
      ...on('C0', ['watchdog: CPU0: Watchdog detected hard LOCKUP on cpu 1', MODULES, 'Sending NMI from CPU 0 to CPUs 1:']),
      ...on('C1', ['NMI backtrace for cpu 1', 'CPU: 1 UID: 0 PID: 234 Comm: prog Not tainted 6.12.0 #1', X86_HW, ...x86Regs('foo_spin'), ...x86Trace(['foo_spin', 'foo_write', 'vfs_write', 'ksys_write', 'do_syscall_64'])]),
      ...on('T1', ['foo: device ready']),
    ])
    const fs = analyseBootLogText(text, 'SYNTHETIC').findings
    expect(fs.map((f) => [f.id, f.title, f.corrupted])).toEqual([['hard-lockup', 'BUG: hard lockup in foo_write', false]])
  })
})

describe('a panic after its report and another caller\'s (SYNTHETIC, printk caller ids)', () => {
  it('kernel/panic.c: an oops of T234, a WARNING of T999, then T234\'s `Fatal exception`: the oops\'s end', () => {
    const text = logOf([...on('T234', NULL_OOPS), ...on('T999', FOO_PROBE_WARN), ...on('T234', FATAL)])
    const fs = analyseBootLogText(text, 'SYNTHETIC').findings
    expect(fs.map((f) => [f.id, f.corrupted])).toEqual([['bad-access', false], ['warning', false], ['kernel-panic', false]])
  })

  // printk's caller id is the task's only in task context (kernel/printk/printk.c printk_caller_id):
  // the oops and the panic oops_end() calls for it can be printed under different ids.
  const FATAL_IRQ = ['Kernel panic - not syncing: Fatal exception in interrupt', 'Kernel Offset: disabled', '---[ end Kernel panic - not syncing: Fatal exception in interrupt ]---']
  const panicsOf = (records: readonly (readonly [string, string])[]) => analyseBootLogText(logOf(records), 'SYNTHETIC').findings.map((f) => [f.id, f.corrupted])

  it('arch/x86/kernel/dumpstack.c oops_end: the oops of T234, then `Fatal exception` of C1: the oops\'s end', () => {
    expect(panicsOf([...on('T234', NULL_OOPS), ...on('C1', FATAL)])).toEqual([['bad-access', false], ['kernel-panic', false]])
  })

  it('oops_end in interrupt: the oops of T234, a WARNING of T999, `Fatal exception in interrupt` of C1, 300 lines on: the oops\'s end', () => {
    const text = [...on('T234', NULL_OOPS), ...on('T999', FOO_PROBE_WARN), ...on('T1', UNRELATED), ...on('C1', FATAL_IRQ)]
    expect(panicsOf(text)).toEqual([['bad-access', false], ['warning', false], ['kernel-panic', false]])
  })

  it('the oops of T234 still open (no end marker yet) when C1 prints `Fatal exception`: the oops\'s end', () => {
    expect(panicsOf([...on('T234', NULL_OOPS.slice(0, -1)), ...on('C1', FATAL)])).toEqual([['bad-access', false], ['kernel-panic', false]])
  })

  it('`Fatal exception` of C1 after oopses of two other tasks: which one caused it cannot be told (corrupted)', () => {
    expect(panicsOf([...on('T234', NULL_OOPS), ...on('T999', NULL_OOPS), ...on('C1', FATAL)])).toEqual([['bad-access', false], ['bad-access', false], ['kernel-panic', true]])
  })

  it('`Fatal exception` of C1 after another task\'s WARNING only: a WARNING causes none (corrupted)', () => {
    expect(panicsOf([...on('T999', FOO_PROBE_WARN), ...on('C1', FATAL)])).toEqual([['warning', false], ['kernel-panic', true]])
  })

  it('`Fatal exception` of C1 after another task\'s oops and its own WARNING: the oops\'s end', () => {
    expect(panicsOf([...on('T234', NULL_OOPS), ...on('C1', FOO_PROBE_WARN), ...on('C1', FATAL)])).toEqual([['bad-access', false], ['warning', false], ['kernel-panic', false]])
  })

  it('a second `Fatal exception` of another caller after the one that ended the oops: the oops is no end of it (corrupted)', () => {
    expect(panicsOf([...on('T234', NULL_OOPS), ...on('C1', FATAL), ...on('C2', FATAL)])).toEqual([['bad-access', false], ['kernel-panic', false], ['kernel-panic', true]])
  })
})

describe('a trapping UBSAN is not a reporting one (SYNTHETIC)', () => {
  it('CONFIG_UBSAN_TRAP\'s oops (x86 handle_bug, arm64 ubsan_handler) and lib/ubsan.c\'s report of one check in one function: one title, two ids and signatures, the trap critical', () => {
    const first = (lines: readonly string[]) => analyseBootLogText(log(lines), 'SYNTHETIC').findings[0]!
    const report = first(UBSAN_REPORT.lines)
    const trap = first(UBSAN_TRAP_CASES[0]!.lines)
    expect(trap.title).toBe(report.title)
    expect([report.id, report.severity, trap.id, trap.severity]).toEqual(['ubsan', 'error', 'ubsan-trap', 'critical'])
    expect(trap.signature).not.toBe(report.signature)
  })
})

describe('printk messages the console dropped (SYNTHETIC: kernel/printk/printk.c console_prepend_dropped)', () => {
  const stamped = (lines: readonly string[]) => lines.map((l, i) => `[${(100 + i / 1e4).toFixed(6).padStart(12)}] ${l}`)
  const corrupted = (text: string) => analyseBootLogText(text, 'SYNTHETIC').findings.map((f) => [f.id, f.corrupted, f.splat?.corruptedReason])
  it('`** N printk messages dropped **` glued before a line of an oops, or on a line of its own inside it: the oops may have lost lines (corrupted)', () => {
    const lines = stamped(NULL_OOPS)
    const glued = [...lines.slice(0, 6), `** 12 printk messages dropped ** ${lines[6]}`, ...lines.slice(7)]
    const own = [...lines.slice(0, 6), '** 12 printk messages dropped **', ...lines.slice(6)]
    for (const [l, at] of [[glued, 7], [own, 8]] as const) expect(corrupted(l.join('\n') + '\n')).toEqual([['bad-access', true, `12 printk messages dropped before line ${at}: the report may have lost lines`]])
  })

  it('the notice after a complete report, or before a report begins: no damage to it', () => {
    const after = [...stamped([...NULL_OOPS, 'foo: device ready']).slice(0, -1), '** 3 printk messages dropped ** [  100.999999] foo: device ready']
    expect(corrupted(after.join('\n') + '\n')).toEqual([['bad-access', false, undefined]])
    const before = ['[   99.000000] foo: device ready', `** 3 printk messages dropped ** ${stamped(NULL_OOPS)[0]}`, ...stamped(NULL_OOPS).slice(1)]
    expect(corrupted(before.join('\n') + '\n')).toEqual([['bad-access', false, undefined]])
  })
})

describe('x86 die() trap headers (SYNTHETIC: arch/x86/kernel/traps.c `<trap>: %04lx [#%d]`)', () => {
  const TRAP_ROW = 'another x86 trap the kernel could not handle (int3, overflow, bounds, ...)'
  it('the traps without a row of their own are the shared row\'s, each a report of its own; invalid opcode is its own row\'s only', () => {
    for (const t of X86_TRAPS) {
      expect(crashRow(`${t}: 0000 [#1] PREEMPT SMP`)?.means, t).toBe(TRAP_ROW)
      const f = analyseBootLogText(log(x86Die(t, `Oops: ${t}: 0000 [#1] PREEMPT SMP NOPTI`, 'foo_step', 'oops', '').lines), 'SYNTHETIC').findings
      expect(f.map((x) => [x.id, x.title, x.corrupted])).toEqual([['oops', `${t} in foo_step`, false]])
    }
    expect(X86_TRAPS).not.toContain('invalid opcode')
    expect(crashRow('invalid opcode: 0000 [#1] SMP')?.means).toBe('the kernel executed an invalid instruction')
  })
})

/** The same report on another boot: other pids, CPUs, addresses, times, offsets. */
function anotherBoot(l: string): string {
  return l
    .replace(/\b234\b/g, '5678')
    .replace(/(CPU#?|cpu |CPU: |CPUs )1\b/g, '$13')
    .replace(/\bffff888012345([0-9a-f]{3})\b/g, 'ffff88807abcd$1')
    .replace(/\+0x([0-9a-f]+)\/0x([0-9a-f]+)/g, (_m, off: string, size: string) => `+0x${(parseInt(off, 16) + 0x12).toString(16)}/0x${(parseInt(size, 16) + 0x40).toString(16)}`)
    .replace(/stuck for \d+s/g, 'stuck for 48s')
    .replace(/for more than \d+ seconds/g, 'for more than 245 seconds')
}

describe('a report\'s signature is the same on another boot (SYNTHETIC: pids, CPUs, addresses and offsets changed)', () => {
  it('every fragment', () => {
    const sig = (lines: readonly string[]) => analyseBootLogText(log(lines), 'SYNTHETIC').findings[0]?.signature
    // (the substitutions change all but the few fragments that print no such value)
    expect(ALL_CASES.filter((c) => c.lines.every((l) => anotherBoot(l) === l)).length).toBeLessThan(8)
    const got = ALL_CASES.map((c) => `${c.name}: ${sig(c.lines.map(anotherBoot))}`)
    expect(got).toEqual(ALL_CASES.map((c) => `${c.name}: ${sig(c.lines)}`))
  })
})

/** A call trace's header, or its first frame where it has none. */
const TRACE_START = /^(Call [Tt]race:|Backtrace:|stack backtrace:)|^ +(\? )?[A-Za-z_][\w.]*\+0x[0-9a-f]+\/0x[0-9a-f]+( \(P\))?$|^ +\[</

describe('a report cut short before its stack is kept, corrupted (SYNTHETIC: each fragment up to its first stack)', () => {
  it('every fragment with a stack', () => {
    const first = (lines: readonly string[]) => analyseBootLogText(log(lines), 'SYNTHETIC').findings[0]
    // (a fragment with a kind that may come without a stack, a panic say, is left out: whole without one)
    const withStack = ALL_CASES.filter((c) => (first(c.lines)?.splat?.frames.length ?? 0) > 0 && !c.lines.some((l) => crashRow(l)?.shape?.noStack))
    expect(withStack.length).toBeGreaterThan(ALL_CASES.length * 0.7)
    const got = withStack.map((c) => {
      const f = first(c.lines.slice(0, c.lines.findIndex((l) => TRACE_START.test(l))))
      return `${c.name}: ${f?.id} ${f?.corrupted}`
    })
    expect(got).toEqual(withStack.map((c) => `${c.name}: ${c.want.id} true`))
  })
})

describe('where a report ends (SYNTHETIC)', () => {
  it('lib/ubsan.c 6.6+: the report ends at its bare `---[ end trace ]---` (no oops id), not at the line after it', () => {
    const c = WARN_CASES.find((k) => k.name.startsWith('lib/ubsan.c 6.6+'))!
    const [f] = analyseBootLogText(log(c.lines), 'SYNTHETIC').findings
    expect(f?.splat?.endLine).toBe(c.lines.indexOf('---[ end trace ]---') + 1)
  })
})

/** Informational lines the kernel prints that are no report: never a finding. */
const NOT_FINDINGS: [string, string[]][] = [
  ['arch/x86/kernel/traps.c: a user-space `general protection fault` (traps: %s[%d] ... ip:%lx)', ['traps: prog[234] general protection fault ip:401136 sp:7ffd12345678 error:0 in prog[401000+1000]']],
  ['arch/x86/kernel/traps.c: a user-space `trap divide error` / `trap invalid opcode`', ['traps: prog[234] trap divide error ip:401136 sp:7ffd12345678 error:0 in prog[401000+1000]', 'traps: prog[234] trap invalid opcode ip:401136 sp:7ffd12345678 error:0 in prog[401000+1000]']],
  ['arch/x86/mm/fault.c show_signal_msg: a user-space segfault', ['prog[234]: segfault at 0 ip 0000000000401136 sp 00007ffd12345678 error 4 in prog[401000+1000] likely on CPU 1 (core 1, socket 0)']],
  ['mm/kmemleak.c kmemleak_scan: the count of new suspected leaks (the objects are in debugfs)', ['kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)']],
  ['kernel/workqueue.c wq_cpu_intensive_report: a work item hogging the CPU', ['workqueue: foo_work_fn hogged CPU for >10000us 4 times, consider switching to WQ_UNBOUND']],
  ['arch/x86/events/core.c / kernel/events: `INFO: NMI handler (%ps) took too long to run`', ['INFO: NMI handler (perf_event_nmi_handler) took too long to run: 1.234 msecs']],
  ['kernel/time/hrtimer.c: `hrtimer: interrupt took %llu ns`', ['hrtimer: interrupt took 1234567 ns']],
  ['arch/x86/kernel/cpu/bugs.c: a mitigation notice that starts `WARNING:`', ['WARNING: Spectre v2 mitigation leaves CPU vulnerable to RETBleed attacks, data leaks possible!']],
  [
    'the sanitizers\' and detectors\' boot lines (mm/kfence, kernel/kcsan, mm/kasan, mm/kmemleak, kernel/watchdog)',
    [
      'kfence: initialized - using 2097152 bytes for 255 objects at 0x(____ptrval____)-0x(____ptrval____)',
      'kcsan: enabled early',
      'kcsan: strict mode configured',
      'kasan: KernelAddressSanitizer initialized (generic)',
      'kmemleak: Kernel memory leak detector initialized (mem pool available: 15839)',
      'NMI watchdog: Enabled. Permanently consumes one hw-PMU counter.',
      'rcu: RCU CPU stall warnings timeout set to 100 (rcu_cpu_stall_timeout).',
      'INFO: lockdep is turned off.',
    ],
  ],
  [
    'fs/namespace.c warn_mandlock: a deprecation notice framed like a report',
    ['=======================================================', 'WARNING: The mand mount option has been deprecated and', '         and is ignored by this kernel. Remove the mand', '         option from the mount to silence this warning.', '======================================================='],
  ],
  [
    'drivers/tty/sysrq.c: `sysrq: Show backtrace of all active CPUs` and the NMI backtraces it asks for',
    ['sysrq: Show backtrace of all active CPUs', 'NMI backtrace for cpu 1', X86_CPU, X86_HW, ...x86Regs('foo_idle'), ...x86Trace(['foo_idle', 'do_idle', 'cpu_startup_entry'])],
  ],
  [
    'mm/oom_kill.c: an OOM kill with its dump_stack (memory pressure, not a kernel bug)',
    [
      'prog invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0',
      X86_CPU,
      X86_HW,
      ...x86Trace(['dump_stack_lvl', 'dump_header', 'oom_kill_process', 'out_of_memory', '__alloc_pages_slowpath', 'foo_alloc']),
      'Mem-Info:',
      'Out of memory: Killed process 234 (prog) total-vm:123456kB, anon-rss:12345kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:100kB oom_score_adj:0',
    ],
  ],
]

describe('informational kernel messages are no finding (SYNTHETIC)', () => {
  for (const [name, lines] of NOT_FINDINGS) {
    it(name, () => {
      expect(analyseBootLogText(log(lines), 'SYNTHETIC').findings.map((f) => f.title)).toEqual([])
    })
  }
})
