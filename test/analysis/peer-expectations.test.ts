// One expectation per peer log, beside its upstream header: testdata/peer/expected/<name>.txt holds
// the log's own header lines from syzkaller (TITLE/ALT/TYPE/FRAME/CORRUPTED..., copied as they
// are) and then what allocscope finds (`ours.*`): the finding's detector, title, guilty function,
// corrupted flag and reason, and whether each agrees with the header. A change in what we find in
// any single log is one reviewable diff; the per-class table (peer-agreement.test.ts) is the
// aggregate. Update: `npm run update-expectations`.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {expectFile, keyValueText} from '../helpers/expectations.js'
import {outcome, type PeerOutcome} from '../helpers/peer-agreement.js'
import {PEER, TESTDATA} from '../helpers/paths.js'
import {peerFiles, readPeer} from '../helpers/peer.js'

const EXPECTED = join(TESTDATA, 'peer', 'expected')

/** The upstream header exactly as the peer file has it (the lines before the first blank one). */
function upstreamHeader(path: string): string {
  const lines = readFileSync(path, 'latin1').split('\n')
  const end = lines.indexOf('')
  return lines.slice(0, end === -1 ? 0 : end).map((l) => `${l}\n`).join('')
}

function ours(o: PeerOutcome): string {
  const f = o.finding
  const yesNo = (b: boolean) => (b ? 'yes' : 'no')
  return keyValueText([
    ['ours.unread', o.unread],
    ['ours.finding', f ? `${f.id} line ${f.line}` : 'none'],
    ['ours.title', f?.title],
    ['ours.function', f?.fn],
    ['ours.corrupted', f ? `${yesNo(f.corrupted)}${f.reason ? ` (${f.reason})` : ''}` : undefined],
    ['agrees.finding', yesNo(Boolean(f) === Boolean(o.title))],
    ['agrees.function', o.want.length > 0 ? yesNo(f?.fn !== undefined && o.want.includes(f.fn)) : undefined],
    ['agrees.corrupted', o.title ? yesNo(f !== undefined && f.corrupted === o.corruptedWant) : undefined],
  ])
}

describe('each peer log: upstream header and our expectation beside it (testdata/peer/expected)', () => {
  const files = peerFiles()
  it('every peer log is covered', () => expect(files.length).toBeGreaterThanOrEqual(370))

  it('each log finds what its expectation says', () => {
    for (const path of files) {
      const p = readPeer(path)
      expectFile(join(EXPECTED, `${p.name}.txt`), `${upstreamHeader(path)}\n${ours(outcome(p))}`, `peer log ${p.name}`)
    }
  })
})
