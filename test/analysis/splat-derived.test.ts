// DERIVED logs, each built here from the real notrack capture (its WARN "alloc_tag was not set",
// lines 270-316): two tasks' WARNs printed into each other with printk caller ids, a WARN whose
// cut-here line is gone, and the log cut in the middle of a frame. Through the whole reader and
// analyser, as `analyse` reads a file.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {analyseBootLogText} from '../../src/analysis/read.js'
import {parseSplats} from '../../src/analysis/splat.js'
import {derivedInTrace, derivedSelfInterleaved, DMESG_JSON_LINES, KMSG_LINES} from '../helpers/derived-splats.js'
import {captureDir} from '../helpers/paths.js'
import {recordsFromText} from './records.js'

const B = readFileSync(join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'dmesg.txt'), 'utf8')
const LINES = B.split('\n')
/** The WARN's lines, 1-based inclusive: cut-here to end trace. */
const CUT = 270
const END = 316

const withCaller = (l: string, id: string): string => l.replace(/^(\[[ 0-9.]+\])/, `$1[${id.padStart(6)}]`)

/** DERIVED: every line stamped by task T1; the WARN's lines alternate with a copy of them by T77 (guilty other_store). */
function twoTasks(): string {
  const t1 = LINES.map((l) => withCaller(l, 'T1'))
  const warn = t1.slice(CUT - 1, END)
  const other = warn.map((l) => l.replace('[    T1]', '[   T77]').replace('shrink_store', 'other_store'))
  return [...t1.slice(0, CUT - 1), ...warn.flatMap((l, i) => [l, other[i]!]), ...t1.slice(END)].join('\n')
}

describe('DERIVED from the notrack WARN', () => {
  it('two tasks\' WARNs interleaved line by line (caller ids T1, T77): two whole reports, each its own trace and lines', () => {
    const a = analyseBootLogText(twoTasks(), 'DERIVED two-tasks')
    const got = a.findings.map((f) => [f.id, f.line, f.splat?.caller, f.splat?.endLine, f.splat?.guilty?.fn, f.splat?.frames.length, f.corrupted])
    // T1's lines are CUT, CUT+2, ...; T77's one after each; the end-trace lines are the last pair.
    const span = 2 * (END - CUT + 1)
    expect(got).toEqual([
      ['alloc-tag-not-set', CUT, 'T1', CUT + span - 2, 'shrink_store', 19, false],
      ['alloc-tag-not-set', CUT + 1, 'T77', CUT + span - 1, 'other_store', 19, false],
    ])
  })

  it('a WARN whose cut-here line is gone: one finding, its message the line before the banner, marked', () => {
    const text = LINES.filter((_, i) => i !== CUT - 1).join('\n')
    const a = analyseBootLogText(text, 'DERIVED no-cut-here')
    expect(a.findings).toHaveLength(1)
    const f = a.findings[0]!
    expect([f.id, f.line, f.splat?.guilty?.fn, f.splat?.frames.length, f.splat?.message]).toEqual(['alloc-tag-not-set', CUT, 'shrink_store', 19, 'alloc_tag was not set'])
    expect([f.corrupted, f.splat?.corruptedReason]).toEqual([true, `no cut-here line before its message at line ${CUT}`])
    // The parser alone says the same (and which line it took).
    const [s] = parseSplats(recordsFromText(text))
    expect([s!.startLine, s!.message]).toEqual([CUT, 'alloc_tag was not set'])
  })

  it('a log cut in the middle of a frame line: cut short by the end of the log', () => {
    const text = [...LINES.slice(0, 289), '[    8.517390]  ? update_cu'].join('\n')
    const [f] = analyseBootLogText(text, 'DERIVED cut-mid-frame').findings
    expect([f!.corrupted, f!.splat?.corruptedReason]).toEqual([true, 'cut short by the end of the log'])
    // The same line with the log going on after it is a stranger inside the trace.
    const [g] = analyseBootLogText([...LINES.slice(0, 289), '[    8.517390]  ? update_cu', ...LINES.slice(289)].join('\n'), 'DERIVED stray').findings
    expect(g!.splat?.corruptedReason).toBe('non-splat line 290 inside the call trace')
  })
})

describe('DERIVED: many callers at once', () => {
  it('33 tasks each begin the notrack WARN (cut-here, message) and go quiet: the oldest is closed at the 33rd, said why', () => {
    const [cut, msg] = [LINES[CUT - 1]!, LINES[CUT]!]
    const lines = Array.from({length: 33}, (_, i) => [withCaller(cut, `T${i + 1}`), withCaller(msg, `T${i + 1}`)]).flat()
    const splats = parseSplats(recordsFromText(lines.join('\n')))
    expect(splats).toHaveLength(33)
    const first = splats.find((s) => s.caller === 'T1')!
    expect(first.corruptedReason).toBe('more than 32 reports open at once (printk caller ids) at line 65')
    expect(splats.filter((s) => s.corruptedReason?.startsWith('more than')).length).toBe(1)
  })
})

/**
 * DERIVED (fuzz case analysis seed 898375955 #2277): lines 314-358 of a mutation interleaving two
 * copies of linux-6.12-instr_smp064_2G_numa2's boot, a console capture (no level, CRLF, some lines
 * coloured) and its dmesg -r (`<6>`, LF). The console's topology_sane WARNING (cut-here line 1) is
 * completed by the dmesg copy's registers, `Call Trace:` and frames (lines 6-23), while the
 * console's own trace (lines 30-44) has the dmesg's later records (Memory:, devtmpfs:, ...) in it.
 */
const TWO_LOGS = [
  '[    0.105930] ------------[ cut here ]------------\r',
  '[    0.105930] sched: CPU #32\'s llc-sibling CPU #0 is not on the same node! [node: 1 != 0]. Ignoring dependency.\r',
  '[    0.105930] WARNING: CPU: 32 PID: 0 at arch/x86/kernel/smpboot.c:350 topology_sane.isra.0+0x62/0x70\r',
  '[    0.105930] CPU: 32 UID: 0 PID: 0 Comm: swapper/32 Not tainted 6.12.117 #3 \r',
  '[    0.105930] RIP: 0010:topology_sane.isra.0+0x62/0x70\r',
  '<6>[    0.105930] FS:  0000000000000000(0000) GS:ff1100007e400000(0000) knlGS:0000000000000000',
  '<6>[    0.105930] CS:  0010 DS: 0000 ES: 0000 CR0: 0000000080050033',
  '<6>[    0.105930] CR2: 0000000000000000 CR3: 000000000182b000 CR4: 00000000007516b0',
  '<6>[    0.105930] PKRU: 55555554',
  '[    0.105930] Code: 80 3d bb b3 89 00 00 75 f6 48 83 ec 08 4c 89 da 44 89 d6 48 c7 c7 f8 58 6e 81 88 44 24 07 c6 05 9d b3 89 00 01 e8 7e 7b 01 00 <0f> 0b 0f b6 44 24 07 48 83 c4 08 c3 66 90 48 8b 0d 51 5f 8a 00 48\r',
  '<5>[    0.105930] Call Trace:',
  '[    0.105930] RSP: 0000:ffa00000004abed8 EFLAGS: 00000086\r',
  '[    0.105930] RAX: 0000000000000061 RBX: 0000000000000000 RCX: 00000000ffffbfff\r',
  '\x1b[0;33m[    0.105930] RDX: 0000000000000020 RSI: ffa00000004abda0 RDI: 0000000000000001\x1b[0m\r',
  '<6>[    0.105930]  <TASK>',
  '[    0.105930] RBP: 0000000000000020 R08: 0000000000013ffb R09: 00000000ffffbfff\r',
  '<6>[    0.105930]  set_cpu_sibling_map+0x164/0x610',
  '[    0.105930] R10: 00000000ffffbfff R11: ff1100007e240000 R12: 0000000000000020\r',
  '[    0.105930] R13: ff1100007e415080 R14: ff1100003e615080 R15: 0000000000000020\r',
  '<6>[    0.105930]  start_secondary+0x67/0xf0',
  '<6>[    0.105930]  common_startup_64+0x13b/0x148',
  '<2>[    0.105930]  </TASK>',
  '<6>[    0.105930] ---[ end trace 0000000000000000 ]---',
  '[    0.105930] FS:  0000000000000000(0000) GS:ff1100007e400000(0000) knlGS:0000000000000000\r',
  '<6>[    2.771525] smp: Brought up 2 nodes, 64 CPUs',
  '[    0.105930] CS:  0010 DS: 0000 ES: 0000 CR0: 0000000080050033\r',
  '<6>[    2.775228] smpboot: Total of 64 processors activated (268288.76 BogoMIPS)',
  '[    0.105930] CR2: 0000000000000000 CR3: 000000000182b000 CR4: 00000000007516b0\r',
  '[    0.105930] PKRU: 55555554\r',
  '[    0.105930] Call Trace:\r',
  '<6>[    2.911604] Memory: 2004076K/2096628K available (6144K kernel code, 912K rwdata, 1144K rodata, 956K init, 784K bss, 63440K reserved, 0K cma-reserved)',
  '<7>[    2.971891] devtmpfs: initialized',
  '\x1b[0;33m[    0.105930]  <TASK>\x1b[0m\r',
  '<6>[    3.039004] futex hash table entries: 16384 (order: 8, 1048576 bytes, vmalloc)',
  '[    0.105930]  set_cpu_sibling_map+0x164/0x610\r',
  '<6>[    3.057556] thermal_sys: Registered thermal governor \'step_wise\'',
  '<6>[    3.058587] thermal_sys: Registered thermal governor \'user_space\'',
  '<6>[    3.067466] cpuidle: using governor menu',
  '[    0.105930]  start_secondary+0x67/0xf0\r',
  '<4>[    3.095197] PCI: ECAM [mem 0xb0000000-0xbfffffff] (base 0xb0000000) for domain 0000 [bus 00-ff]',
  '<6>[    3.095781] PCI: ECAM [mem 0xb0000000-0xbfffffff] reserved as E820 entry',
  '[    0.105930]  common_startup_64+0x13b/0x148\r',
  '[    0.105930]  </TASK>\r',
  '[    0.105930] ---[ end trace 0000000000000000 ]---\r',
  '[    2.771525] smp: Brought up 2 nodes, 64 CPUs\r',
].join('\n')

describe('DERIVED: two logs of one boot interleaved', () => {
  it('a WARNING whose lines switch between levelled and unlevelled records is marked corrupted, said why', () => {
    const a = analyseBootLogText(TWO_LOGS, 'DERIVED interleave-two-logs')
    const f = a.findings.find((g) => g.line === 1)!
    expect([f.splat?.guilty?.fn, f.corrupted]).toEqual(['topology_sane.isra.0', true])
    expect(f.splat?.corruptedReason).toBe("line 6 has a printk level, unlike the report's: another log interleaved")
  })
})

/**
 * DERIVED (fuzz case analysis seed 898375955 #2945): the numa2 sample's topology_sane WARNING
 * (dmesg.txt lines 150-172) as syslog writes it (`Nov 26 00:52:36 vm kernel: [time] text`) and as
 * util-linux dmesg prints it, with a /dev/kmsg log's record and its dictionary line (` SUBSYSTEM=pci`)
 * interleaved after `</TASK>` (lines 23-24). Both readers skip the kmsg record but took the dictionary
 * line for the indented continuation of `</TASK>` (line 22): the report closed clean with the other
 * log's line in its trace.
 */
const NUMA2_LINES = readFileSync(join(captureDir('linux-6.12-instr_smp064_2G_numa2'), 'dmesg.txt'), 'utf8').split('\n')
const NUMA2 = NUMA2_LINES.slice(149, 172)

/**
 * And (fuzz case analysis seed 7009 #2734): the same WARNING as util-linux dmesg -x prints it
 * (`kern  :warn  : [time] text`), as dmesg and as syslog, with two lines of a dmesg --json document
 * (`      },{`, `         "pri": 6,`) interleaved after `</TASK>` (lines 23-24). The readers took
 * both for indented continuations of `</TASK>`: the report closed clean with them in its trace.
 */
const SYSLOG = 'Nov 26 00:52:36 vm kernel: '
/** Another log's lines put after `</TASK>`, the shapes the report is read in, and the line the mark names. */
const OTHER_FORMS = [
  {form: '/dev/kmsg', lines: KMSG_LINES, shapes: [[SYSLOG, 'syslog'], ['', 'dmesg']], line: 24},
  {form: 'dmesg --json', lines: DMESG_JSON_LINES, shapes: [['kern  :warn  : ', 'dmesg-decode'], ['', 'dmesg'], [SYSLOG, 'syslog']], line: 23},
] as const

describe('DERIVED: a /dev/kmsg or dmesg --json log interleaved into a syslog, dmesg or dmesg -x one', () => {
  it.each(OTHER_FORMS)('a WARNING whose trace holds $form lines is marked corrupted, said why', ({form, lines, shapes, line}) => {
    for (const [prefix, format] of shapes) {
      const a = analyseBootLogText(derivedInTrace(NUMA2, lines, prefix), `DERIVED ${form}-into-${format}`, {format})
      const f = a.findings.find((g) => g.line === 1)!
      expect([format, f.splat?.guilty?.fn, f.splat?.endLine, f.corrupted]).toEqual([format, 'topology_sane.isra.0', 25, true])
      expect(f.splat?.corruptedReason).toBe(`line ${line} is in ${form} form, unlike the report's: another log interleaved`)
    }
  })
})

/**
 * DERIVED (fuzz case analysis seed 7001 #3835): the numa2 sample's topology_sane WARNING and the two
 * lines after it (dmesg.txt lines 150-174) interleaved with a copy of themselves 4 lines behind: the
 * copy's report (cut-here line 5) takes the first's lines, each the same bytes and time as its own,
 * and the first's `---[ end trace ]---` (line 42) closes it while the copy's `<TASK>` (line 39) is
 * open; the copy's `</TASK>` and end marker (lines 47, 48) come after the first's `smp: Brought up`.
 */
describe('DERIVED: a log interleaved with another copy of itself', () => {
  it("a WARNING closed by the other copy's end marker inside its call trace's <TASK> is marked corrupted, said why", () => {
    const a = analyseBootLogText(derivedSelfInterleaved(NUMA2_LINES.slice(149, 174), 4), 'DERIVED self-interleaved')
    const f = a.findings.find((g) => g.line === 5)!
    expect([f.splat?.guilty?.fn, f.splat?.endLine, f.corrupted]).toEqual(['topology_sane.isra.0', 42, true])
    expect(f.splat?.corruptedReason).toBe("line 42 ends the report inside the call trace's <TASK>: another log interleaved, or lines lost")
  })
})
