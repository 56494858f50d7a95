// Call-trace frames: parsing one printed frame (and the faulting-PC line of a register dump), the
// table of frames that are never the guilty party, as data, and how a guilty frame is picked.
// The kinds of frames skipped follow what google/syzkaller's pkg/report skips so that a title
// names the function a kernel developer (and syzbot) would name; the rules here are our own.
import type {Frame} from '../types.js'

// ` ? func+0x12/0x40 [module]`, `[<ffffffff81000000>] func+0x12/0x40`, `func+0x12/0x40 mm/x.c:12`,
// powerpc `[c000000000f7bc30] [c0000000001e3f50] func+0x1c/0x60 (unreliable)`.
const FRAME = /^(\? )?(?:\[<?[0-9a-f]+>?\] ?){0,2}\s*(\? )?([A-Za-z_.$][\w.$]*)\+(0x[0-9a-f]+)\/(0x[0-9a-f]+)(?: \[([\w-]+)[^\]]*\])?(.*)$/
// 32-bit arm: `[<818df678>] (dump_backtrace) from [<818df774>] (show_stack+0x18/0x1c)`: the frame is the first.
const ARM_FRAME = /^\[<[0-9a-f]+>\] \(([A-Za-z_.$][\w.$]*)(?:\+(0x[0-9a-f]+)\/(0x[0-9a-f]+))?\) from \[<[0-9a-f]+>\]/
// 32-bit arm without CONFIG_BACKTRACE_VERBOSE (arch/arm/kernel/traps.c ` %ps from %pS`): `foo_read from foo_ioctl+0x30/0x60`.
const ARM_PLAIN_FRAME = /^([A-Za-z_.$][\w.$]*) from [A-Za-z_.$][\w.$]*\+0x[0-9a-f]+\/0x[0-9a-f]+/
// Symbolised syzkaller frames: ` __dump_stack lib/dump_stack.c:77 [inline]`.
const INLINE_FRAME = /^(\? )?([A-Za-z_.$][\w.$]*) (\S+:\d+) \[inline\]$/
/**
 * The faulting PC of a register dump: x86 `RIP: 0010:func+0x1/0x2` (or `IP: [<..>] func+...`, 32-bit
 * `EIP: func+0x1/0x2`), arm64 `pc : func+0x1/0x2`, riscv `epc : func+0x1/0x2`, arm `PC is at
 * func+0x1/0x2`, powerpc `NIP [c00..] func+0x1/0x2`, s390 `Krnl PSW : <mask> <addr> (func+0x1/0x2)`.
 */
const PC_LINE = /^(?:[RE]?IP: (?:[0-9a-f]{4}:)?(?:\[<[0-9a-f]+>\]\s+)*|e?pc ?: (?:\[<[0-9a-f]+>\]\s+)?|PC is at |Krnl PSW : [0-9a-f]+ [0-9a-f]+ \(|NIP:? +(?:\[[0-9a-f]+\] )?|--- interrupt: [0-9a-f]+ at )([A-Za-z_.$][\w.$]*)\+(0x[0-9a-f]+)\/(0x[0-9a-f]+)/

export function parseFrame(text: string, line?: number, context?: string): Frame | undefined {
  const t = text.trim()
  let m = FRAME.exec(t)
  if (m) {
    const f: Frame = {fn: m[3]!, offset: m[4], size: m[5], reliable: !(m[1] || m[2] || m[7]?.includes('(unreliable)')), raw: t}
    if (m[6]) f.module = m[6]
    return where(f, line, context)
  }
  m = INLINE_FRAME.exec(t)
  if (m) return where({fn: m[2]!, reliable: !m[1], raw: t}, line, context)
  m = ARM_FRAME.exec(t) ?? ARM_PLAIN_FRAME.exec(t)
  if (m) return where({fn: m[1]!, ...(m[2] ? {offset: m[2], size: m[3]} : {}), reliable: true, raw: t}, line, context)
  return undefined
}

/**
 * A faulting PC the kernel could not symbolise (a jump to a bad address): `RIP: 0010:0xffffffffffffffff`,
 * `RIP: 0010:          (null)`. Not a user-space one (code segment 0033, 0023, 0073: where the
 * syscall returns to), printed with every syscall's register dump; 32-bit x86's `EIP: 0x..` has
 * no segment to tell the two apart, so it is none.
 */
const PC_ADDRESS = /^(?:R?IP: (?!00[237]3:)(?:[0-9a-f]{4}:)?|pc ?: )\s*(0x[0-9a-f]+|\(null\))$/
/** The caller half of a 32-bit arm frame line: `... from [<818df774>] (show_stack+0x18/0x1c)`. */
const ARM_CALLER = / from (?:\[<[0-9a-f]+>\] \(([A-Za-z_.$][\w.$]*)(?:\+(0x[0-9a-f]+)\/(0x[0-9a-f]+))?\)|([A-Za-z_.$][\w.$]*)\+(0x[0-9a-f]+)\/(0x[0-9a-f]+))/

/**
 * The function of a faulting-PC line (`RIP:`, `pc :`, `PC is at`, powerpc's `--- interrupt: 700
 * at f+0x..`), as a frame in context `PC`. An unsymbolised PC is an unreliable frame named by its
 * address: it marks where the faulting context's stack starts, and is never the culprit.
 */
export function parsePcLine(text: string, line?: number): Frame | undefined {
  const t = text.trim()
  const m = PC_LINE.exec(t)
  if (m) return where({fn: m[1]!, offset: m[2], size: m[3], reliable: true, raw: t}, line, 'PC')
  const a = PC_ADDRESS.exec(t)
  return a ? where({fn: a[1]!, reliable: false, raw: t}, line, 'PC') : undefined
}

/** The caller a 32-bit arm frame line names after `from`, as a frame of its own. */
export function parseArmCaller(text: string, line?: number, context?: string): Frame | undefined {
  const t = text.trim()
  const m = ARM_FRAME.test(t) || ARM_PLAIN_FRAME.test(t) ? ARM_CALLER.exec(t) : null
  if (!m) return undefined
  // The verbose form's groups come first, the plain form's after them.
  const [fn, offset, size] = m[1] ? [m[1], m[2], m[3]] : [m[4]!, m[5], m[6]]
  return where({fn, ...(offset ? {offset, size} : {}), reliable: true, raw: t}, line, context)
}

function where(f: Frame, line: number | undefined, context: string | undefined): Frame {
  if (context) f.context = context
  if (line !== undefined) f.line = line
  return f
}

/** `topology_sane.isra.0` → `topology_sane`: GCC/LLVM clone suffixes change between builds. */
export function baseName(fn: string): string {
  return fn.replace(/\.(isra|constprop|part|cold|llvm|lto_priv|localalias)(\.\d+)*/g, '')
}

/**
 * Frames skipped when looking for the guilty frame, by group. The first groups are allocator
 * internals (a profiling WARN fires inside them on behalf of a caller); the rest are what every
 * crash report passes through on its way to the printer: sanitizer runtimes, the report and trap
 * machinery, lock and lockdep internals, printk and formatting, string/memory/user-copy helpers,
 * list and refcount checks, and teardown helpers that only ever wait for or release the culprit's
 * objects. Matched against the name without clone suffixes.
 */
export const SKIPPED_FRAMES: readonly {group: string; re: RegExp}[] = [
  {group: 'page allocator (mm/page_alloc.c)', re: /^(__)?free_(pages\w*|frozen_pages|unref_\w+|one_page|pcppages_bulk|the_page|pages_ok)$|^__free_pages\w*$|^__free_frozen_pages$|^free_unref_\w+$/},
  {group: 'page and vmalloc allocation (an allocation WARN fires on behalf of its caller)', re: /^_*alloc_pages\w*$|^__alloc_frozen_pages\w*$|^alloc_pages_(current|vma|mpol)\w*$|^__get_free_pages$|^_*v[mz]alloc\w*$|^__vmalloc_node\w*$|^kvmalloc\w*$|^kvfree$|^free_large_kmalloc$|^warn_alloc\w*$/},
  {group: 'page refcount helpers', re: /^(__folio_put|folio_put\w*|put_page|__put_page|folios_put\w*|release_pages)$/},
  {group: 'alloc_tag hooks', re: /^(__)?pgalloc_tag_\w+$|^_*alloc_tag_\w+$|^__?pgalloc_tag\w*$/},
  {group: 'slab allocator (mm/slub.c)', re: /^_*kmem_cache_\w+$|^_*slab_\w+$|^__slab_\w+$|^_*kfree\w*$|^_*free_slab$|^discard_slab$|^do_slab_free$|^_*kmalloc\w*$|^_*slab_alloc\w*$|^_*slab_free\w*$/},
  // KCOV's write_comp_data is not listed: a fault inside it is KCOV's own bug, and named as such.
  {group: 'sanitizer runtime (KASAN, KMSAN, KCSAN, UBSAN, KCOV callbacks)', re: /kasan|kmsan|kcsan|hwasan|^_*(sanitizer|asan|msan|tsan|ubsan)_|^ubsan_|^check_memory_region|^read_word_at_a_time|^qlist_\w+$|^quarantine_\w+$|^(read|write)_once_\w*nocheck$/},
  {group: 'ftrace padding and retpolines', re: /^__pfx_|_indirect_thunk_/},
  {group: 'report and trap machinery', re: /dump_stack|^dump_backtrace$|^unwind_backtrace$|^_*show_(stack|trace_log_lvl|regs)$|^warn_bogus_irq_restore$|^_*do_kernel_fault$|^do_(mem_abort|DataAbort|PrefetchAbort|bad_area|page_fault)$|^do_translation_fault$|^el1h?_\w+$|^_*bad_area\w*$|^ref_tracker_\w+$|print_address_description|^print_report$|^_*report_bug$|^handle_bug$|invalid_op$|^fixup_bug$|^do_error_trap$|_trap$|panic|^_*warn(_slowpath\w*|_alloc\w*)?$|^_*warn_printk$|^end_report$|^start_report$|^bad_page$|^print_bad_(pte|page_map)$|^spin_dump$|^(spin|rwlock)_bug$|^_*might_(sleep|resched|fault)$|^_*schedule_bug$|^check_preemption_disabled$|^debug_smp_processor_id$|^_*fortify_(report|panic)$|^nmi_cpu_backtrace\w*$|^nmi_trigger_cpumask_backtrace$|^arch_trigger_cpumask_backtrace$|^__die\w*$|^die$|^oops_\w+$|^print_tainted$|^bug_handler$|^__kfence_\w+$|^kfence_\w+$/},
  // The trap entry of a fault the report is about: powerpc's program check (a WARN/BUG trap),
  // arm64's memory-tagging check fault (KASAN hardware tags), an assertion helper that only BUG()s.
  {group: 'trap entries and assertion helpers', re: /^program_check_(exception|common)$|tag_check|assertfail/},
  // The report unwinding its own stack (KASAN saving a stack, show_stack walking it).
  {group: 'stack walking', re: /walk_stack|^arch_stack_walk$|^stack_trace_(save\w*|consume_entry\w*)$|^stack_depot_\w+$/},
  {group: 'irq-state tracing (trace_hardirqs_on/off, lockdep_hardirqs_on)', re: /^(trace|lockdep)_(hard|soft)irqs?_/},
  // Substrings, as lock wrappers are named after what they wrap (`reiserfs_write_lock`, `__task_rq_lock` aside: see the rows).
  {group: 'lock and lockdep internals', re: /lockdep|^_*lock_(acquire\w*|release|acquired|contended|is_held\w*)$|^lock_class|^look_up_lock_class$|^register_lock_class$|^(reacquire|mark)_held_locks$|^mark_lock\w*$|raw_spin_rq|(spin|read|write)_(try)?(un)?lock|^do_raw_\w+$|^queued_(spin|read|write)_\w+$|^native_queued_spin_lock_slowpath$|^(down|up)(_read|_write)?(_trylock|_killable|_interruptible|_nested)?$|^down_trylock$|^_*(rt_)?mutex_\w+$|^_*rwsem_\w+$|^osq_(lock|unlock)$|^owner_on_cpu$|^debug_check_no_locks_freed$|^print_(circular_bug|usage_bug|unlock_imbalance_bug|lock\w*|held_locks_bug)$|^check_(noncircular|prev_add|prevs_add|irq_usage|usage\w*|deadlock|flags)$|^validate_chain$|^_*atomic_dec_and_(raw_)?lock\w*$/},
  {group: 'bottom-half enable/disable (a WARN in it is about its caller)', re: /bh_(enable|disable)/},
  {group: 'printk and formatting', re: /printk|^vprintk|^console_unlock$|^dev_(printk|info|notice|warn|err|alert|crit|emerg)\w*$|^_*dev_printk$|^v?sc?n?printf$|^v?kv?asprintf$|^string\w*$|^pointer$|^format_decode$|va_format|hex_dump/},
  {group: 'string and memory helpers', re: /^_*mem(cpy|set|cmp|chr|move|dup\w*)\w*$|^_*str(cmp|ncmp|cpy|lcpy|ncpy|scpy|len|nstr|str|nlen|chr|rchr|casecmp|ncasecmp|dup|ndup)$/},
  // Substrings: the iterator helpers wrap the copy (`simple_copy_to_iter`, `bpf_..._copy_to_user`).
  {group: 'user copy helpers', re: /copy_(to|from)_(user|iter)|^copy_(page|folio)_(to|from)_iter$|^_*(put|get)_user\w*$|^instrument_copy_\w+$|^copyout|^copyin|^_*might_fault$|^_copy_\w+$/},
  {group: 'MMIO and port accessors (the driver that calls them is the culprit)', re: /(read|write)[bwlq]$|^logic_(in|out)/},
  {group: 'library data structures and bit operations (lib/)', re: /^_*rb_(erase|insert\w*|first|last|next|prev|replace\w*)$|^__rb_\w+$|^klist_\w+$|^xas_\w+$|^_*xa_\w+$|^_*idr_\w+$|^ida_free$|^crc\w*$|^_*(test_and_)?(set|clear|change)_bit\w*$|^_*find_(next|first)_\w*bit$|^atomic(64)?_(dec|inc|read|set|or|xor|and|add|sub|fetch|xchg|cmpxchg|try)|rhashtable_lookup/},
  {group: 'skb helpers (net/core/skbuff.c)', re: /^skb_(put|push|pull|over_panic|under_panic|panic)$/},
  {group: 'list and reference-count checks', re: /^_*list_(add|del|replace|move|splice)\w*$|^_*refcount_\w+$|^kref_\w+$/},
  // A page cache helper faults or warns on a page or mapping its filesystem caller handed it.
  {group: 'page cache lookups and folio helpers (mm/filemap.c, mm/truncate.c)', re: /^do_read_cache_(folio|page)$|^read_cache_page\w*$|^_*filemap_(get|alloc)_folio\w*$|^find_or_create_page$|^pagecache_get_page$|^grab_cache_page_write_begin$|^find_lock_entries$|^truncate_inode_pages_range$|^folio_(alloc|unlock)\w*$|^(un)?lock_page\w*$/},
  // Dropping the last reference (or a link count) warns or faults about a count its caller got wrong.
  {group: 'inode and dentry reference drops', re: /^iput(_final)?$|^ihold$|^(fast_)?dput$|^drop_nlink$/},
  {group: 'timer API internals', re: /^lock_timer_base$|^__mod_timer$|^__timer_delete_sync$|^sk_stop_timer_sync$/},
  {group: 'workqueue queueing', re: /queue_work|^insert_work$|queue_delayed_work/},
  {group: 'debug objects', re: /^_*debug_object\w*$|^debug_print_object$|^(timer|work)_is_static_object$|^_*debug_check_\w+$/},
  {group: 'wakeup and teardown helpers', re: /^__wake_up\w*$|^del_timer\w*$|^_*flush_work$|^_*cancel_work\w*$|^try_to_grab_pending$|^(flush|drain|destroy)_workqueue$|^finish_wait$|^kthread_stop$|^kobject_\w+$|^add_uevent_var$|^get_device_parent$|^device_(add|del|unregister|destroy|release|remove_file|for_each_child)$|^put_device$|^devres_release_all$|sysfs_remove|^rollback_registered\w*$|^unregister_netdev\w*$|^perf_trace\w*$|^usb_(kill_urb|kill_anchored_urbs|control_msg|hcd_submit_urb|submit_urb)$|^dummy_urb_enqueue$|^hwrng_unregister$|^tty_unregister_device$|^i2c_del_adapter$|^__unregister_client$|^wait_for_completion\w*$|^complete$|^kfree_skb\w*$|^cleanup_srcu_struct$/},
]

/** Skipped by the shared table, or by the report kind's own `extra` rule. */
export function isSkippedFrame(fn: string, extra?: RegExp): boolean {
  const b = baseName(fn)
  return SKIPPED_FRAMES.some((s) => s.re.test(b)) || (extra !== undefined && extra.test(b))
}

/** First reliable frame outside SKIPPED_FRAMES (and `extra`), in print order (innermost first). */
export function guiltyFrame(frames: readonly Frame[], extra?: RegExp): Frame | undefined {
  return frames.find((f) => f.reliable && !isSkippedFrame(f.fn, extra))
}

/**
 * Where a stall or lockup was spinning is random within the looping code; the stable identity is
 * the caller of the first dispatch point (syscall entry, workqueue, softirq, timer, kthread, a
 * file/socket operation, a page fault or task-work entry) found going outwards.
 */
const STALL_ANCHORS = new RegExp([
  // Generic dispatchers: syscall entry (x86, arm64, arm), workqueues, softirqs, timers, tasklets, kthreads.
  /process_one_work|do_syscall_|do_fast_syscall_|sysenter_dispatch|tracesys_phase2|invoke_syscall|el0_svc_handler|ret_fast_syscall/,
  /netif_receive_skb|do_softirq|call_timer_fn|_run_timers|run_timer_softirq|hrtimer_run|run_ksoftirqd|tasklet_(hi_)?action/,
  /smpboot_thread_fn|^kthread$|start_secondary|cpu_startup_entry|ret_from_fork/,
  // File, block and socket operations: the caller is the driver or protocol the call was dispatched to.
  /vfs_(write|read|iter_read|iter_write|ioctl|open)|do_iter_(read|write|readv_writev)|new_sync_(read|write)|^call_(read|write)_iter|ksys_ioctl|compat_ioctl/,
  /blkdev_(driver_)?ioctl|^call_mmap|mmap_region|do_mmap|do_dentry_open/,
  /^_*sock_(sendmsg|recvmsg|release|mmap|do_ioctl|ioctl)$|^compat_sock_ioctl$|__sys_(setsockopt|listen|accept)|kernel_(setsockopt|listen|accept)|sock_common_setsockopt|sk_common_release/,
  /^nfnetlink_rcv_msg|^rtnetlink_rcv_msg|^netlink_dump|^(compat_)?(SYSC|SyS|__sys|___sys|__do_sys|__se_sys|__x64_sys)_(socketpair|connect|ioctl)/,
  // Page faults taken from user space, and the work run on the way back to it. A fault inside a
  // syscall's user copy is not an anchor (handle_mm_fault is not listed): the syscall is.
  /__do_fault|do_page_fault|^page_fault$|__fput|task_work_run|exit_to_user_?mode/,
].map((r) => r.source).join('|'))
const SYSCALL_PREFIX = /^(__x64_|__ia32_|__arm64_|SYSC_|SyS_|compat_SYSC_|compat_SyS_|__se_|__do_)/

export function stallFrame(frames: readonly Frame[], extra?: RegExp): Frame | undefined {
  // Spinning in a cross-CPU call waits for another CPU: the wait itself is the identity.
  const ipi = frames.find((f) => f.reliable && /^smp_call_function/.test(baseName(f.fn)))
  if (ipi) return {...ipi, fn: 'smp_call_function'}
  const kept = frames.filter((f) => f.reliable && !isSkippedFrame(f.fn, extra))
  for (let i = 1; i < kept.length; i++) {
    if (STALL_ANCHORS.test(baseName(kept[i]!.fn))) {
      const prev = kept[i - 1]!
      return {...prev, fn: prev.fn.replace(SYSCALL_PREFIX, '')}
    }
  }
  return undefined
}

/**
 * A hung task shows a victim's stack: it waits in the scheduler, a lock, a completion. Waits on
 * the RTNL lock or an RCU grace period are grouped under that wait; otherwise the first frame
 * that is not waiting machinery.
 */
const HUNG_GROUPS: readonly [RegExp, string | undefined][] = [
  [/^rtnl_lock/, undefined],
  [/^synchronize_(rcu|srcu|net|sched)/, 'synchronize_rcu'],
]
const HUNG_SKIP = /sched|_lock|_slowlock|down|rwsem|completion|kthread|wait|synchronize|context_switch|__switch_to|cancel_delayed_work|rcu_barrier/

export function hungFrame(frames: readonly Frame[]): Frame | undefined {
  const reliable = frames.filter((f) => f.reliable)
  for (const f of reliable) {
    for (const [re, as] of HUNG_GROUPS) if (re.test(baseName(f.fn))) return as ? {...f, fn: as} : f
  }
  return guiltyFrame(reliable, HUNG_SKIP)
}
