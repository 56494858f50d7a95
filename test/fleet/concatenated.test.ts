// `cat a.json b.json | allocscope fleet`: fleet --json outputs (pretty-printed documents)
// concatenated, on stdin or in one file, are read one after the other and merged, as they are
// when given as two files (was: exit 2, "<stdin>:1: not JSON", the two parsed as one). The
// records are REAL: batch over the bundled samples and a syzkaller report of testdata/peer.
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {cli} from '../batch/helpers.js'
import {spawnCli} from '../helpers/cli.js'
import {PEER, SAMPLES} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-fleet-cat-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
const EXPECTED = 'expected NDJSON records of allocscope batch (allocscope/batch-v1) or a fleet summary (allocscope/fleet-v2, or fleet --json)'

let records: string[] = []
/** fleet --json of the first half of the records, of the second, and of all. */
let a = ''
let b = ''
let all: unknown

async function fleetJson(input: string): Promise<string> {
  const f = join(tmp, `in-${Math.random().toString(36).slice(2)}.ndjson`)
  writeFileSync(f, input)
  const r = await cli(['fleet', '--json', f])
  expect(r.status, r.stderr).toBe(0)
  return r.stdout
}
const resultOf = (stdout: string): unknown => (JSON.parse(stdout) as {result: unknown}).result

beforeAll(async () => {
  const r = await cli(['batch', SAMPLES, join(PEER, '10'), '-j', '1'])
  expect(r.status, r.stderr).toBe(0)
  records = r.stdout.trim().split('\n')
  expect(records.length).toBeGreaterThan(3)
  const half = Math.floor(records.length / 2)
  a = await fleetJson(records.slice(0, half).join('\n') + '\n')
  b = await fleetJson(records.slice(half).join('\n') + '\n')
  all = resultOf(await fleetJson(records.join('\n') + '\n'))
}, 300_000)

describe('fleet on concatenated fleet --json documents', () => {
  it('on stdin (a real process) and in one file: the merge of both, as two files give it', async () => {
    expect(a.split('\n')[0]).toBe('{')
    const piped = spawnCli(['fleet', '--json'], {input: a + b})
    expect(piped.status, piped.stderr).toBe(0)
    expect(resultOf(piped.stdout)).toEqual(all)
    expect(resultOf(await fleetJson(b + a))).toEqual(all)
  })
  it('mixed with NDJSON records and a compact summary, in any order', async () => {
    const half = Math.floor(records.length / 2)
    const compactA = JSON.stringify(JSON.parse(a)) + '\n'
    expect(resultOf(await fleetJson(records.slice(half).join('\n') + '\n' + a))).toEqual(all)
    expect(resultOf(await fleetJson(b + compactA))).toEqual(all)
    expect(resultOf(await fleetJson(compactA + b + '\n\n'))).toEqual(all)
  })
  it('a document whose strings hold braces and an escaped quote is closed by its own last brace (DERIVED: an example path renamed)', async () => {
    const doc = JSON.parse(b) as {result: {signatures: Record<string, {example: string}>}}
    const sig = Object.values(doc.result.signatures)[0]
    expect(sig, 'a signature in the second half').toBeDefined()
    // Unbalanced, after an escaped quote: counted as structure, the document would never close.
    sig!.example = 'odd/q"{{['
    const odd = JSON.stringify(doc, null, 2) + '\n'
    expect(odd).toContain('"odd/q\\"{{["')
    const r = await cli(['fleet', '--json', await writeTmp('odd.json', odd + a)])
    expect(r.status, r.stderr).toBe(0)
    expect(JSON.stringify(resultOf(r.stdout))).toContain('odd/q\\"{{[')
  })
  it('a second document cut short: exit 2 naming the line that opened it', async () => {
    const cut = a + b.slice(0, 300)
    const r = spawnCli(['fleet'], {input: cut})
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(new RegExp(`^allocscope: <stdin>:${a.split('\n').length}: not JSON \\(.*\\); ${EXPECTED.replace(/[()]/g, '\\$&')}\\n$`))
  })
})

async function writeTmp(name: string, text: string): Promise<string> {
  const f = join(tmp, name)
  writeFileSync(f, text)
  return f
}
