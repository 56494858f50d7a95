// The syzkaller console-log corpus (real consoles with headers, executor output, prompts, odd
// prefixes, glued and dropped lines): every file reads without an error and every line is
// accounted for; every line that starts with a printk time stamp becomes a record.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {openBootLog} from '../../src/readers/bootlog/index.js'
import type {LogRecord} from '../../src/types.js'
import {PEER} from '../helpers/paths.js'
import {peerFiles, readPeer} from '../helpers/peer.js'

async function read(path: string) {
  const s = await openBootLog(path)
  const records: LogRecord[] = []
  for await (const r of s.records) records.push(r)
  return {format: s.format, records, stats: s.stats()}
}

const STARTS_STAMPED = /^(?:<\d{1,3}>)?\[ *\d+\.\d+\]/

describe('syzkaller peer corpus', () => {
  const files = peerFiles()

  it('has its files', () => expect(files.length).toBeGreaterThanOrEqual(370))

  it('every file: read without error, lines accounted, every stamped line a record', async () => {
    let stampedTotal = 0
    for (const f of files) {
      const {records, stats} = await read(f)
      const lines = readFileSync(f, 'utf8').split(/\r\n|\r|\n/)
      if (lines.at(-1) === '') lines.pop()
      expect(stats.lines, f).toBe(lines.length)
      expect(stats.recordLines + stats.skippedTotal, f).toBe(stats.lines)
      const stamped = lines.map((l, i) => [l, i + 1] as const).filter(([l]) => STARTS_STAMPED.test(l))
      stampedTotal += stamped.length
      const recordLines = new Set(records.map((r) => r.line))
      for (const [l, no] of stamped) expect(recordLines.has(no), `${f}:${no} ${l.slice(0, 60)}`).toBe(true)
    }
    expect(stampedTotal).toBeGreaterThan(10_000)
  })

  it('the header and body split: console part of a WARNING case yields its WARNING line', async () => {
    const withWarning = files.map(readPeer).filter((p) => p.header.TITLE?.startsWith('WARNING in '))
    expect(withWarning.length).toBeGreaterThan(10)
    for (const p of withWarning.slice(0, 20)) {
      const {records} = await read(p.path)
      const reportStart = readFileSync(p.path, 'utf8').split('\n').indexOf('REPORT:') + 1 || Infinity
      expect(records.some((r) => r.text.startsWith('WARNING') && r.line < reportStart), p.name).toBe(true)
    }
  })

  it('124: `** N printk messages dropped **` glued before records is counted and the records kept', async () => {
    const f = join(PEER, '124')
    const text = readFileSync(f, 'utf8')
    const want = [...text.matchAll(/^\*\* (\d+) printk messages dropped \*\*/gm)].reduce((a, m) => a + Number(m[1]), 0)
    expect(want).toBeGreaterThan(0)
    const {records, stats} = await read(f)
    expect(stats.droppedMessages).toBe(want)
    expect(records.find((r) => r.text.startsWith('INFO: Allocated in fasync_helper'))?.time).toBe(50.750742)
  })

  it('706: kernel lines glued after syslog fragments are read from their time stamp', async () => {
    const {format, records} = await read(join(PEER, '706'))
    expect(format).toBe('console')
    const alsa = records.filter((r) => r.text === 'ALSA: seq fatal error: cannot create timer (-22)')
    expect(alsa.length).toBeGreaterThanOrEqual(5)
    expect(alsa.every((r) => r.caller === 'T2742')).toBe(true)
  })

  it('6: <level> prefixes decode to level and facility', async () => {
    const {format, records} = await read(join(PEER, '6'))
    expect(format).toBe('dmesg-raw')
    expect(records.find((r) => r.text.startsWith('init: computing context'))).toMatchObject({level: 6, facility: 1, time: 85.912347})
  })
})
