// A hostile "recording" (issue 14: every reader stays under 200 MiB): a real recording's header
// followed by a gzip bomb of one endless line (256 MiB of spaces, no newline, small on disk),
// SYNTHETIC. trend and diff must refuse it with its line, in bounded memory, not grow one string
// to V8's limit.
import {createWriteStream, mkdtempSync, rmSync} from 'node:fs'
import {once} from 'node:events'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {createGzip, gzipSync} from 'node:zlib'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {RSS_LIMIT_MIB, runWithRss} from '../helpers/cli-rss.js'

let T: string
let bomb: string
const MiB = 2 ** 20

beforeAll(async () => {
  T = mkdtempSync(join(tmpdir(), 'allocscope-rec-hostile-'))
  bomb = join(T, 'synthetic-bomb.arec.gz')
  const out = createWriteStream(bomb)
  out.write(gzipSync(JSON.stringify({format: 'allocscope-recording', version: 1, created: '2026-12-04T00:00:00Z', source: 'synthetic', tool: 'test'}) + '\n'))
  const gz = createGzip({level: 9})
  gz.pipe(out)
  const spaces = Buffer.alloc(MiB, ' ')
  for (let i = 0; i < 256; i++) if (!gz.write(spaces)) await once(gz, 'drain')
  gz.end()
  await once(out, 'close')
}, 120_000)
afterAll(() => rmSync(T, {recursive: true, force: true}))

describe('a recording whose second line never ends (gzip bomb)', () => {
  it.each([['trend'], ['diff']])(`%s: one line naming the file and line, exit 2, RSS < ${RSS_LIMIT_MIB} MiB`, async (cmd) => {
    const r = await runWithRss([cmd, bomb], {home: T})
    expect(r.stderr.trim()).toBe(`allocscope: ${bomb}:2: a record longer than 8 MiB; expected an allocscope recording, one JSON line per snapshot (docs/recording.md)`)
    expect(r.status).toBe(2)
    expect(r.rssMiB).toBeGreaterThan(0)
    expect(r.rssMiB).toBeLessThan(RSS_LIMIT_MIB)
  }, 120_000)
})
