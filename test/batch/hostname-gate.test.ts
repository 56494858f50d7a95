// hostnameOf searches each pattern's literal text before running its RegExp (batch reads every
// input's head; the multi-line RegExps tried each line's start on every dmesg log). The gate must
// never hide a name: on heads built from the lines that carry one and lines that nearly do, it
// finds what the RegExps alone find (the ungated reference below: the patterns as they were).
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {hostnameOf} from '../../src/batch/hostname.js'

const REFERENCE = [
  /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d (\S+) kernel(?:\[\d+\])?:/m,
  /^\d{4}-\d\d-\d\dT\S+ (\S+) kernel(?:\[\d+\])?:/m,
  /"_HOSTNAME"\s*:\s*"([^"\\]+)"/,
]
const reference = (head: string): string | undefined => {
  for (const re of REFERENCE) {
    const m = re.exec(head)
    if (m) return m[1]
  }
  return undefined
}

const LINES = [
  'Mar  4 10:00:01 web-01 kernel: Linux version 6.12.0',
  'Dec 14 23:59:59 db2 kernel[1]: Memory: 1024K/2048K available',
  'Mar  4 10:00:01 web-01 kernel Linux version',
  '2026-03-04T10:00:01+0000 edge-7 kernel: smpboot: Allowing 4 CPUs',
  '2026-03-04T10:00:01+0000 edge-7 kernel[0]: x',
  '2026-03-04T10:00:01 kernel: no host field',
  '{"_HOSTNAME" : "json-host", "MESSAGE": "Linux version"}',
  '{"_HOSTNAME":"", "MESSAGE": "x"}',
  '[    0.000000] Linux version 6.12.0 (kernel:build)',
  '[    1.234567] Kernel command line: root=/dev/sda',
  '<6>[    0.1] kernel[',
  '',
]

describe('hostnameOf gate', () => {
  it('finds what the ungated RegExps find, on heads of real-shaped lines in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...LINES), {maxLength: 12}), fc.constantFrom('\n', '\r\n'), (lines, eol) => {
        const head = lines.join(eol)
        expect(hostnameOf(head)).toBe(reference(head))
      }),
      {numRuns: 2000},
    )
  })
  it('finds each shape alone', () => {
    expect(hostnameOf(LINES[0]!)).toBe('web-01')
    expect(hostnameOf(LINES[1]!)).toBe('db2')
    expect(hostnameOf(LINES[3]!)).toBe('edge-7')
    expect(hostnameOf(LINES[6]!)).toBe('json-host')
    expect(hostnameOf(LINES[8]! + '\n' + LINES[9]!)).toBeUndefined()
  })
})
