// Crash reports a fleet sees (issue 15), one class per case: real peer logs (testdata/peer/syzkaller,
// syzkaller's expected title in their header) through the reader and the analyser, plus SYNTHETIC
// lines for console damage the corpus shows only mixed with other things.
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {analyseBootLogText} from '../../src/analysis/read.js'
import {parseSplats} from '../../src/analysis/splat.js'
import type {LogRecord} from '../../src/types.js'
import {PEER} from '../helpers/paths.js'
import {readPeer} from '../helpers/peer.js'

/** The first finding of a peer log, and syzkaller's title for it. */
function first(name: string) {
  const p = readPeer(join(PEER, name))
  const f = analyseBootLogText(p.log, name).findings[0]
  return {f, want: p.header.TITLE}
}

const recs = (lines: string[]): LogRecord[] => lines.map((text, i) => ({line: i + 1, text}))

describe('crash classes on real peer logs: our title is syzkaller\'s', () => {
  const cases: [string, string, string][] = [
    ['268', 'rcu-stall', 'rcu: INFO: rcu_preempt self-detected stall; the stack after the timer interrupt, caller of the ioctl dispatch'],
    ['70', 'hung-task', 'INFO: task blocked for more than 120 seconds; past scheduler and wait frames'],
    ['188', 'lockdep', 'possible circular locking dependency; the lock taken at `at:`'],
    ['36', 'lockdep', 'BUG: still has locks held'],
    ['52', 'memory-leak', 'kmemleak object in an untimed log, banner after a date; allocator frames skipped'],
    ['626', 'kmsan', 'KMSAN report whose frames have no Call Trace header'],
    ['266', 'soft-lockup', '`watchdog: BUG: soft lockup`'],
  ]
  for (const [name, id, what] of cases) {
    it(`${name}: ${what}`, () => {
      const {f, want} = first(name)
      expect(f?.id).toBe(id)
      expect(f?.title).toBe(want)
      expect(f?.corrupted).toBe(false)
    })
  }

  it('30: a lockdep report cut before its stack is kept, corrupted, with the reason', () => {
    const {f, want} = first('30')
    expect(f?.title).toBe(want)
    expect(f?.corrupted).toBe(true)
    expect(f?.splat?.corruptedReason).toMatch(/before its call trace/)
  })

  it('618: an ordinary pr_warn starting with `WARNING:` is not a finding', () => {
    expect(first('618').f).toBeUndefined()
  })

  it('714: 32-bit arm backtrace frames (`[<pc>] (f) from [<pc>] (g+0x..)`) are parsed', () => {
    const {f} = first('714')
    expect(f?.splat?.frames.length).toBeGreaterThan(5)
    expect(f?.splat?.frames[0]?.fn).toBe('dump_backtrace')
  })
})

describe('console damage (SYNTHETIC lines in the kernel\'s formats)', () => {
  const gpf = [
    'general protection fault: 0000 [#1] SMP KASAN',
    'CPU: 0 PID: 1 Comm: init Not tainted 5.4.0 #1',
    'RIP: 0010:foo_bar+0x10/0x20',
    'RSP: 0018:ffff888000000000 EFLAGS: 00010246',
  ]

  it('`Call Trace:` glued to the end of a hex-dump line still starts the trace', () => {
    const [s] = parseSplats(recs([...gpf, 'Code: 48 89 df e8 00 00 00 00 Call Trace:', ' baz_qux+0x1/0x2', ' do_syscall_64+0x1/0x2', 'random: crng init done']))
    expect(s!.frames.map((f) => f.fn)).toEqual(['baz_qux', 'do_syscall_64'])
    expect(s!.corrupted).toBe(false)
  })

  it('a report without a call trace is kept, corrupted: no call trace in the report', () => {
    const [s] = parseSplats(recs([...gpf, 'BUG: scheduling while atomic: x/1/0x00000002']))
    expect(s!.corruptedReason).toMatch(/a new report at line 5|no call trace/)
  })

  it('a banner glued mid-line after another message: kept, corrupted, the glue named', () => {
    const [s] = parseSplats(recs(['ata1: link is slow to respondBUG: KASAN: use-after-free in foo+0x1/0x2', 'Call Trace:', ' foo+0x1/0x2', ' bar+0x1/0x2', 'x']))
    expect(s!.message).toBe('BUG: KASAN: use-after-free in foo+0x1/0x2')
    expect(s!.corruptedReason).toMatch(/banner glued to other output/)
  })

  it('lockdep before 4.14 brackets its banner: `[ INFO: possible circular locking dependency detected ]`', () => {
    const a = analyseBootLogText(
      [
        '[    1.000000] [ INFO: possible circular locking dependency detected ]',
        '[    1.000001] syz/1 is trying to acquire lock:',
        '[    1.000002]  (&a->lock){+.+.}, at: [<ffffffff81000000>] foo_lock_user+0x10/0x20',
        '[    1.000003] stack backtrace:',
        '[    1.000004] Call Trace:',
        '[    1.000005]  dump_stack+0x1/0x2',
        '[    1.000006]  foo_lock_user+0x10/0x20',
      ].join('\n'),
      'SYNTHETIC',
    )
    expect(a.findings[0]).toMatchObject({id: 'lockdep', title: 'possible deadlock in foo_lock_user', corrupted: false})
  })

  it('printk caller ids: another task\'s lines inside a report are not part of it', () => {
    const [s] = parseSplats([
      {line: 1, caller: 'T5', text: 'BUG: KASAN: use-after-free in foo+0x1/0x2'},
      {line: 2, caller: 'T5', text: 'Call Trace:'},
      {line: 3, caller: 'T9', text: ' other_task+0x1/0x2'},
      {line: 4, caller: 'T5', text: ' foo+0x1/0x2'},
      {line: 5, caller: 'T5', text: 'Allocated by task 1:'},
    ])
    expect(s!.frames.map((f) => f.fn)).toEqual(['foo'])
    expect(s!.corrupted).toBe(false)
  })
})
