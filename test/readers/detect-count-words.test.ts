// Format detection's reasons say the sniffed lines in the count's number: 'its one non-empty line
// carries a printk time stamp', '1 of the first 2 non-empty lines carries …', '1 line without a time
// stamp' (were 'all of the first 1 non-empty lines carry', '1 of the first 2 … carry', '1 lines
// without'). Inputs: SYNTHETIC one- and two-line logs.
import {describe, expect, it} from 'vitest'
import {detectFormat} from '../../src/readers/bootlog/detect.js'

const reason = (lines: string[]) => detectFormat(lines).reason

describe('format detection: counts of 1 in its reasons', () => {
  it('one line of each shape: its one line, the verb in the singular', () => {
    expect(reason(['[    1.000000] a'])).toBe('its one non-empty line carries a printk time stamp')
    expect(reason(['[    1.000000] a\r'])).toBe('serial console: its one non-empty line carries a printk time stamp; CR line ends')
    expect(reason(['Linux version 7.2.13 (x@y) #1 SMP'])).toBe('no printk time stamps; its one line is a kernel message')
    expect(reason(['Dec 06 03:00:00 host kernel: hello'])).toBe('its one non-empty line is "<date> [<host>] kernel: <text>" (journalctl -k short)')
    expect(reason(['Dec 06 03:00:00 host kernel: [    1.000000] hello'])).toBe('its one non-empty line has a syslog date and host, kernel lines carry [time]')
    expect(reason(['<6>[    1.000000] a'])).toBe('its one non-empty line looks like dmesg -r output')
  })

  it("one of two: '1 of the first 2 non-empty lines carries a printk time stamp; 1 line without a time stamp'; two of two in the plural", () => {
    expect(reason(['[    1.000000] a', 'noise'])).toBe('serial console: 1 of the first 2 non-empty lines carries a printk time stamp; 1 line without a time stamp')
    expect(reason(['[    1.000000] a', '[    2.000000] b'])).toBe('all of the first 2 non-empty lines carry printk time stamps')
    expect(reason(['Linux version 7.2.13 (x@y) #1 SMP', 'Command line: a'])).toBe('no printk time stamps; 2 of the first 2 lines are kernel messages')
    expect(reason(['Dec 06 03:00:00 host kernel: hello', 'Dec 06 03:00:01 host kernel: hello2'])).toBe('2 of the first 2 non-empty lines are "<date> [<host>] kernel: <text>" (journalctl -k short)')
  })
})
