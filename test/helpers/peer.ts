// The peer corpus: real console logs from google/syzkaller's pkg/report tests (even-numbered
// files), each a header (TITLE:, ALT:, TYPE:, FRAME:, CORRUPTED:, ...), a blank line, the raw
// console log, and optionally `REPORT:` and the expected report.
import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {PEER} from './paths.js'

export interface PeerCase {
  name: string
  path: string
  /** Header fields (the last value wins for repeated keys, ALT may repeat). */
  header: Record<string, string>
  /** Every `ALT:` title (the header keeps only the last). */
  alts: string[]
  /** The console log part, without header and REPORT section. */
  log: string
  /** 1-based line of the file where `log` starts. */
  logLine: number
}

export function peerFiles(): string[] {
  return readdirSync(PEER)
    .filter((n) => /^\d+$/.test(n))
    .sort((a, b) => Number(a) - Number(b))
    .map((n) => join(PEER, n))
}

export function readPeer(path: string): PeerCase {
  const text = readFileSync(path, 'utf8')
  const lines = text.split('\n')
  const header: Record<string, string> = {}
  const alts: string[] = []
  let i = 0
  for (; i < lines.length && lines[i] !== ''; i++) {
    const m = /^([A-Z]+):\s?(.*)$/.exec(lines[i]!)
    if (m) header[m[1]!] = m[2]!
    if (m && m[1] === 'ALT') alts.push(m[2]!)
  }
  const start = i + 1
  let end = lines.indexOf('REPORT:', start)
  if (end === -1) end = lines.length
  return {name: path.slice(PEER.length + 1), path, header, alts, log: lines.slice(start, end).join('\n'), logLine: start + 1}
}
