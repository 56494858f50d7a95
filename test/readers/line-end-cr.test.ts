// The one rule for the CRs of a line end (readers/lines.ts trimLineEndCR, splitAtLF), which the
// allocinfo scanner and the lab's console readers (lab/console.ts, lab/series.ts) take their lines by.
// Synthetic inputs.
import {describe, expect, it} from 'vitest'
import {splitConsole} from '../../src/lab/console.js'
import {detectFormat} from '../../src/readers/bootlog/detect.js'
import {isAllocinfoShape} from '../../src/readers/allocinfo-shape.js'
import {parseSeriesConsole} from '../../src/lab/series.js'
import {scanAllocInfoText} from '../../src/readers/allocinfo-scan.js'
import {splitAtLF, splitLines, trimLineEndCR} from '../../src/readers/lines.js'

describe('the CRs of a line end', () => {
  it('trimLineEndCR drops every CR at the end and none inside', () => {
    expect(trimLineEndCR('a\r\r')).toBe('a')
    expect(trimLineEndCR('\r')).toBe('')
    expect(trimLineEndCR('a\rb')).toBe('a\rb')
    expect(trimLineEndCR('a')).toBe('a')
  })

  it('splitAtLF numbers lines as splitLines does when no bare CR is inside a line', () => {
    const text = 'one\r\ntwo\r\r\nthree\nfour\r'
    expect(splitAtLF(text)).toEqual(['one', 'two', 'three', 'four'])
    expect(splitLines(text)).toEqual(splitAtLF(text))
    // A bare CR inside a line: splitLines hands out its pieces, splitAtLF keeps the line whole.
    expect(splitLines('a\rb\n')).toEqual(['a', 'b'])
    expect(splitAtLF('a\rb\n')).toEqual(['a\rb', ''])
  })

  it('CR CR LF is one line end for the console splitter, the series reader and the allocinfo scanner', () => {
    const split = splitConsole('boot\r\r\n===KLAB-END===\r\r\nlast words\r\r\n')
    expect(split.markers).toEqual(['===KLAB-END==='])
    expect(split.lastLine).toBe('last words')
    const series = parseSeriesConsole('===KLAB-EVENT=== uptime=1.5 release=7.2 up\r\r\n')
    expect(series.events).toEqual([{uptimeS: 1.5, what: 'release=7.2 up', consoleLine: 1}])
    expect(series.release).toBe('7.2')
    const ai = scanAllocInfoText('allocinfo - version: 1.0\r\r\n       4096        1 mm/x.c:1 func:f\r\r\n')
    expect(ai.sites.map((s) => s.key)).toEqual(['mm/x.c:1 f'])
    expect(ai.skippedTotal).toBe(0)
  })

  // Format detection and the dump-shape check stripped one CR of lines split at LF (diff's
  // describeSide gives them so): a journal's '-- Boot … --' line ending CR CR LF kept a CR, and its
  // /^-- .* --$/ did not match it (2 of 4 lines voted, not 4).
  it('CR CR LF is one line end for format detection and the dump-shape check too', () => {
    const journal = ['-- Boot 0123456789abcdef --', '[    0.000000] myhost kernel: Linux version 7.2.0 (gcc) #1 SMP', '[    0.000001] myhost kernel: Command line: console=ttyS0', '-- Boot fedcba9876543210 --']
    const [crlf, crcrlf] = [detectFormat(journal.map((l) => l + '\r')), detectFormat(journal.map((l) => l + '\r\r'))]
    expect(crcrlf).toMatchObject({format: 'journal', recognised: true, reason: '4 of the first 4 non-empty lines look like journalctl -k output'})
    expect(crcrlf).toEqual(crlf)
    const dump = ['allocinfo - version: 1.0', '       4096        1 mm/x.c:1 func:f'].join('\r\r\n')
    expect(isAllocinfoShape(dump)).toBe(true)
  })
})
