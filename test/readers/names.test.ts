// A file whose name is not UTF-8 (byte 0xff) in a walked directory: Node decodes it with U+FFFD and
// the decoded name opens nothing, so batch reported it as "no such file or directory" and trend
// stopped with an internal error (exit 70). Both now say the name is not UTF-8, with its bytes.
// SYNTHETIC directories (a name no capture has); the file's content is a real sample's.
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {dirNames} from '../../src/readers/names.js'
import {EXIT} from '../../src/errors.js'
import {runCli} from '../helpers/cli.js'
import {SAMPLES} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-names-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
const SAMPLE = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
const REASON = 'the file name is not UTF-8 (bytes: a\\xff.txt), so it cannot be opened by name; rename it to UTF-8 to read it'

/** A SYNTHETIC directory `name`: `a<0xff>.txt` and ok.txt, both holding the sample's `file`. */
function make(name: string, file: string): string {
  const dir = join(tmp, name)
  mkdirSync(dir)
  const bytes = readFileSync(join(SAMPLE, file))
  // The name as bytes: a string path would be written as UTF-8.
  writeFileSync(Buffer.concat([Buffer.from(join(dir, 'a')), Buffer.from([0xff]), Buffer.from('.txt')]), bytes)
  writeFileSync(join(dir, 'ok.txt'), bytes)
  return dir
}

describe('file names that are not UTF-8', () => {
  it('dirNames marks the name, escaping its bytes; a UTF-8 name (é) is not marked', () => {
    const dir = make('marks', 'allocinfo.txt')
    writeFileSync(join(dir, 'é.txt'), '')
    writeFileSync(join(dir, '.hidden'), '')
    // Dot entries are no command's input: the one lister leaves them out.
    expect(dirNames(dir).map(({name, undecodable}) => ({name, undecodable}))).toEqual([{name: 'a\ufffd.txt', undecodable: 'a\\xff.txt'}, {name: 'ok.txt', undecodable: undefined}, {name: 'é.txt', undecodable: undefined}])
  })

  it('batch: an error record saying so (was "no such file or directory"); the other file is read', async () => {
    const dir = make('batch', 'dmesg.txt')
    const r = await runCli(['batch', dir, '-j', '1'])
    expect(r.status, r.stderr).toBe(0)
    const recs = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as {input: {path: string}; error?: {reason: string}; kind?: string})
    expect(recs).toHaveLength(2)
    expect(recs[0]).toEqual({schema: 'allocscope/batch-v1', input: {path: join(dir, 'a\ufffd.txt')}, error: {reason: REASON}})
    expect(recs[1]!.kind).toBe('bootlog')
  })

  it('trend over the directory: exit 2 naming the file (was an internal error, exit 70)', async () => {
    const dir = make('trend', 'allocinfo.txt')
    const r = await runCli(['trend', dir])
    expect(r.stderr).toBe(`allocscope: ${join(dir, 'a\ufffd.txt')}: ${REASON}\n`)
    expect(r.status).toBe(EXIT.usage)
  })
})
