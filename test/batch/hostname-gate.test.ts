// hostnameOf reads a line with a reader's grammar only where the head holds the text that grammar
// cannot match without (`kernel:` / `kernel[` for a syslog / journal short-* line, `_HOSTNAME=` for an
// export field, `"_HOSTNAME"` for a JSON entry): batch reads every input's head. The gate must never
// hide a name: on heads built from the lines that carry one and lines that nearly do, it finds what
// the same grammars find on every line, ungated (the reference below), the first line's name first.
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {hostnameOf} from '../../src/batch/hostname.js'
import {journalJsonHost} from '../../src/readers/bootlog/json-formats.js'
import {syslogPrefix} from '../../src/readers/bootlog/text-formats.js'

const reference = (head: string): string | undefined => {
  const lines = head.split('\n')
  for (const l of lines) {
    const p = syslogPrefix(l)
    if (p?.tag === 'kernel' && p.host !== undefined) return p.host
  }
  // The first `_HOSTNAME=` line's value, when an LF ends it (the head's last line may be cut).
  const at = lines.findIndex((l) => l.startsWith('_HOSTNAME='))
  const exported = at !== -1 && at < lines.length - 1 ? lines[at]!.slice('_HOSTNAME='.length).replace(/\r$/, '') : ''
  if (exported) return exported
  for (const l of lines) {
    const h = journalJsonHost(l)
    if (h !== undefined) return h
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
  'Mar 04 10:00:01.123456 precise-1 kernel: Memory: 1024K/2048K available',
  'Wed 2026-03-04 10:00:01 UTC full-2 kernel: smpboot: Allowing 4 CPUs',
  '1772618401.123456 unix-3 kernel: x',
  '[    1.234567] mono-4 kernel: x',
  '[    1.234567] kernel: no host field',
  '_HOSTNAME=export-5',
  '_HOSTNAME=',
  'MESSAGE=_HOSTNAME=not-a-field kernel: x',
  '{"_HOSTNAME":["json-array"], "MESSAGE": "x"}',
  '{"_HOSTNAME" : "json-host", "MESSAGE": "Linux version"}',
  '{"_HOSTNAME":"", "MESSAGE": "x"}',
  '[    0.000000] Linux version 6.12.0 (kernel:build)',
  '[    1.234567] Kernel command line: root=/dev/sda',
  '<6>[    0.1] kernel[',
  '',
]

describe('hostnameOf gate', () => {
  it('finds what the ungated grammars find, on heads of real-shaped lines in any order', () => {
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
    expect(hostnameOf(LINES[15]!)).toBe('json-host')
    expect(hostnameOf(LINES[6]!)).toBe('precise-1')
    expect(hostnameOf(LINES[7]!)).toBe('full-2')
    expect(hostnameOf(LINES[8]!)).toBe('unix-3')
    expect(hostnameOf(LINES[9]!)).toBe('mono-4')
    expect(hostnameOf(`${LINES[11]!}\n`)).toBe('export-5')
    expect(hostnameOf(LINES[14]!)).toBe('json-array')
    expect(hostnameOf(LINES[17]! + '\n' + LINES[18]!)).toBeUndefined()
    expect(hostnameOf(LINES[10]! + '\n' + LINES[12]! + '\n' + LINES[16]!)).toBeUndefined()
  })
})
