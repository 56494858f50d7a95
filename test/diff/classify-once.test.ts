// diff decides what each input is from one stat of it (a directory, a regular file, its size):
// classifyInput stat'ed a file three times (resolveCapture, then isFile, then its size). And the
// search for a dump pasted after a boot log is diff's alone: sniffText, which batch decides every
// input's kind with, no longer makes it over each input's 16 KiB head (batch reads the log only).
// REAL sample files; the mail is DERIVED (the LKML excerpt, then the dump's first 12 lines).
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {classifyInput, sniffText} from '../../src/diff/inputs.js'
import {countLookups} from '../helpers/stat-count.js'
import {SAMPLES} from '../helpers/paths.js'

const POOL = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
const DUMP = join(POOL, 'allocinfo.txt')
const LKML = join(SAMPLES, 'lkml-7.0-rc4-alloc-tag-not-set', 'dmesg-excerpt.txt')

function lookups(path: string): number {
  const looked = countLookups()
  try {
    classifyInput(path)
  } finally {
    looked.restore()
  }
  return looked.count(path, 'statSync')
}

describe('diff inputs', () => {
  it('a file input and a capture directory are stat\'ed once each', () => {
    expect(lookups(DUMP)).toBe(1)
    expect(lookups(join(POOL, 'dmesg.txt'))).toBe(1)
    expect(lookups(POOL)).toBe(1)
  })

  it("a pasted dump's line is diff's (classifyInput), not sniffText's", () => {
    const log = readFileSync(LKML, 'utf8')
    const text = `${log}${readFileSync(DUMP, 'utf8').split('\n').slice(0, 12).join('\n')}\n`
    const mail = join(mkdtempSync(join(tmpdir(), 'allocscope-DERIVED-classify-')), 'mail.txt')
    writeFileSync(mail, text)
    expect(sniffText(text)).toEqual({kind: 'bootlog'})
    const x = classifyInput(mail)
    expect([x.kind, x.dumpLine, x.capture.allocinfo]).toEqual(['bootlog', log.split('\n').length, mail])
  })
})
