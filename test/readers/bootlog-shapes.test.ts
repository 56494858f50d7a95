// SYNTHETIC one-line shapes of each format (as printed by the kernel and the tools), as a table:
// input text, forced format (or detection), the records expected.
import {describe, expect, it} from 'vitest'
import {parseBootLogText} from '../../src/readers/bootlog/index.js'
import {detectFormat} from '../../src/readers/bootlog/detect.js'
import type {BootLogFormat, LogRecord} from '../../src/types.js'

type Row = [name: string, text: string, format: BootLogFormat | undefined, want: Array<Partial<LogRecord>>]

const ROWS: Row[] = [
  ['time only', '[    1.234567] hello\n', undefined, [{line: 1, time: 1.234567, text: 'hello'}]],
  ['caller glued', '[    1.234567][    T1] hello\n', undefined, [{time: 1.234567, caller: 'T1', text: 'hello'}]],
  ['caller after a space', '[    1.234567] [  C0] hello\n', undefined, [{time: 1.234567, caller: 'C0', text: 'hello'}]],
  ['caller tight', '[ 5.5][T123] x\n', undefined, [{time: 5.5, caller: 'T123', text: 'x'}]],
  ['leading spaces of the message kept', '[    7.951472]     TERM=linux\n', undefined, [{text: '    TERM=linux'}]],
  ['empty message', '[    7.951314]\n', undefined, [{time: 7.951314, text: ''}]],
  ['a last line cut mid-way is kept', '[    1.000000] a\n[    2.000000] smp: Bringing up secondary CPUs ... #1 #2 #', undefined, [{time: 1}, {line: 2, time: 2, text: 'smp: Bringing up secondary CPUs ... #1 #2 #'}]],
  ['BOM before the first line', '\ufeff[    0.000000] Linux version 7.2.13\n', undefined, [{time: 0, text: 'Linux version 7.2.13'}]],
  ['dmesg -T: wall clock, no kernel time', '[Thu Nov 26 00:52:36 2026] a\n[Thu Nov  6 00:52:37 2026][    T1] b\nnoise\n', undefined, [{text: 'a'}, {text: 'b', caller: 'T1'}]],
  ['dmesg -r', '<4>[    1.5] warn\n<14>[    2.0] user\n', undefined, [{level: 4, facility: 0, time: 1.5, text: 'warn'}, {level: 6, facility: 1, time: 2, text: 'user'}]],
  ['dmesg -r without time', '<6>Linux version 7.2.13\n', 'dmesg-raw', [{level: 6, facility: 0, text: 'Linux version 7.2.13'}]],
  ['dmesg -x', 'kern  :err   : [    3.000001] oops\n', undefined, [{level: 3, facility: 0, time: 3.000001, text: 'oops'}]],
  ['dmesg -x continuation', 'kern  :info  : [    1.000000] a\n               b\n', 'dmesg-decode', [{text: 'a', time: 1}, {line: 2, text: 'b', time: 1, level: 6}]],
  ['dmesg (util-linux) indented continuation', '[    1.000000] a\n               b\n', 'dmesg', [{text: 'a'}, {line: 2, text: 'b', time: 1}]],
  ['dmesg -t (untimed)', 'Linux version 7.2.13\nCommand line: console=ttyS0\n', undefined, [{text: 'Linux version 7.2.13'}, {text: 'Command line: console=ttyS0'}]],
  ['kmsg with dictionary', '6,339,5140900,-;NET: Registered PF_INET protocol family\n SUBSYSTEM=net\n DEVICE=n1\n4,340,5141000,c;x\\x5cy\n', undefined, [{seq: 339, time: 5.1409, level: 6, text: 'NET: Registered PF_INET protocol family'}, {seq: 340, level: 4, text: 'x\\y'}]],
  ['kmsg extra header fields', '6,1,10,-,caller=T1;hi\n', 'kmsg', [{seq: 1, time: 0.00001, caller: 'T1', text: 'hi'}]],
  ['journal short', '-- No entries --\nNov 26 00:52:36 vm kernel: hello\n', 'journal', [{line: 2, text: 'hello', facility: 0}]],
  ['journal short-precise, indented continuation', 'Nov 26 00:52:36.123456 vm kernel: a\n                                  b\n', 'journal', [{text: 'a'}, {text: 'b'}]],
  ['journal short-monotonic', '[    1.500000] vm kernel: hi\n', undefined, [{time: 1.5, text: 'hi'}]],
  ['syslog RFC 3164 with kernel time', 'Nov  6 00:52:36 vm kernel: [    1.500000] hi\nNov  6 00:52:37 vm sshd[99]: Accepted\n', undefined, [{time: 1.5, text: 'hi'}]],
  ['syslog RFC 3339', '2026-11-26T00:52:36.123456+00:00 vm kernel: [    2.000000] hi\n', undefined, [{time: 2, text: 'hi'}]],
  ['console: ANSI, CRLF, glued prompt, dropped, replay, marker', '\x1b[0m[    1.000000] a\r\nsyzkaller login: [    2.000000] b\r\n** 7 printk messages dropped **\r\n** replaying previous printk message **\r\n===KLAB-DMESG-END===\r\n', undefined, [{time: 1, text: 'a'}, {time: 2, text: 'b'}]],
  // A bare CR ends a piece, not a line: both records keep line 1, as grep -n numbers it (lines.ts LineNumbers).
  ['console: a bare CR splits a line, its pieces keep its number', '[    1.000000] a\r[    2.000000] b\r', undefined, [{line: 1, time: 1, text: 'a'}, {line: 1, time: 2, text: 'b'}]],
  ['console: CR CR LF is one line end', '[    1.000000] a\r\r\n[    2.000000] b\r\r\n', undefined, [{line: 1, time: 1, text: 'a'}, {line: 2, time: 2, text: 'b'}]],
  ['dmesg --json numeric', '{"dmesg":[{"pri":30,"time":1.5,"msg":"hi\\n"}]}', undefined, [{level: 6, facility: 3, time: 1.5, text: 'hi'}]],
  ['dmesg --json -x with caller', '{\n "dmesg": [\n  {"fac":"kern","pri":"crit","time":    2.000000,"caller":"T7","msg":"a}b{c\\"[d"}\n ]\n}\n', undefined, [{line: 3, level: 2, facility: 0, time: 2, caller: 'T7', text: 'a}b{c"[d'}]],
  ['journal -o json: byte array, duplicate field, other transport', '{"MESSAGE":[104,195,169],"_TRANSPORT":"kernel","PRIORITY":"3","_SOURCE_MONOTONIC_TIMESTAMP":"1500000"}\n{"MESSAGE":["a",[98]],"_TRANSPORT":"kernel"}\n{"MESSAGE":"x","_TRANSPORT":"stdout"}\n', undefined, [{text: 'hé', level: 3, time: 1.5}, {line: 2, text: 'a'}]],
]

describe('one-line shapes (synthetic)', () => {
  it.each(ROWS)('%s', (_name, text, format, want) => {
    const r = parseBootLogText(text, format ? {format} : {})
    expect(r.records.length).toBe(want.length)
    want.forEach((w, i) => expect(r.records[i]).toMatchObject(w))
    expect(r.recordLines + r.skippedTotal).toBe(r.lines + (r.crSplits ?? 0))
  })

  it('console dropped count from the table row', () => {
    expect(parseBootLogText(ROWS.find((r) => r[0].startsWith('console: ANSI'))![1]).droppedMessages).toBe(7)
  })

  it('detection reasons say why', () => {
    expect(detectFormat(['[    1.000000] a', '[    2.000000] b']).reason).toBe('all of the first 2 non-empty lines carry printk time stamps')
    expect(detectFormat(['[    1.000000] a'], {crlf: true})).toMatchObject({format: 'console', recognised: true})
    expect(detectFormat(['Nov 26 00:52:36 vm kernel: a', 'Nov 26 00:52:36 vm kernel: b']).format).toBe('journal')
    expect(detectFormat(['Nov 26 00:52:36 vm kernel: [    1.000000] a']).format).toBe('syslog')
    expect(detectFormat(['just some text', 'and more']).recognised).toBe(false)
  })
})
