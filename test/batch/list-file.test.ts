// `batch --list` → `batch --files-from` is one batch run split up (README: the paths read back are
// the paths listed; the Dask example relies on it): every path round-trips through a list line
// (src/batch/list-file.ts), including names a plain line cannot carry (a newline, a CR, leading or
// trailing blanks, a leading # or ", a BOM), while a plain list a user writes keeps reading as
// before (comments, blank lines, CRLF, a BOM). The files are SYNTHETIC names holding a REAL log
// (a syzkaller peer log).
import {spawnSync} from 'node:child_process'
import {copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {afterAll, describe, expect, it} from 'vitest'
import {listLine, type ListedPath, readList} from '../../src/batch/list-file.js'
import {BIN, cliEnv, spawnCli} from '../helpers/cli.js'
import {PEER} from '../helpers/paths.js'
import {cli, records} from './helpers.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-batch-list-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
const LOG = join(PEER, '10')

/** The names of the review: each a real log, in two directories. */
const NAMES = {d: ['sp ace.log', 'trail.log ', '#hash.log', 'nl\nx.log', 'cr\r.log', '"quoted".log', '\ufeffbom.log'], e: ['  ', 'end\r']}

function oddTree(): string {
  const dir = join(tmp, 'odd')
  for (const [sub, names] of Object.entries(NAMES)) {
    mkdirSync(join(dir, sub), {recursive: true})
    for (const n of names) copyFileSync(LOG, join(dir, sub, n))
  }
  return dir
}

/** The paths read back: a string each, or an UndecodablePath for a line that is not UTF-8. */
const listed = (file: string, lines: string[]): ListedPath[] => {
  writeFileSync(file, lines.join(''))
  return readList(file)
}

describe('--list then --files-from reads back every path', () => {
  it('odd names (newline, CR, blanks, #, ", BOM): the same records as one batch run (was: 2 bogus paths, "  " skipped, CR stripped)', async () => {
    const dir = oddTree()
    const direct = await cli(['batch', 'd', 'e'], {cwd: dir})
    const list = await cli(['batch', '--list', 'd', 'e'], {cwd: dir})
    expect(list.stdout.split('\n').filter(Boolean)).toHaveLength(9)
    const back = spawnCli(['batch', '--files-from', '-'], {cwd: dir, input: list.stdout})
    expect(back.status, back.stderr).toBe(0)
    const recs = records(back.stdout)
    expect(recs.map((r) => r.input.path)).toEqual(records(direct.stdout).map((r) => r.input.path))
    expect(recs.filter((r) => r.error)).toEqual([])
    expect(recs.map((r) => r.input.path)).toContain('d/nl\nx.log')
  })

  it('a plain path is written as it is; one a plain line cannot carry is one quoted line', () => {
    expect(['a b.log', 'x.tar//m.log', './#x', 'a#b', 'dir/"x"'].map(listLine)).toEqual(['a b.log', 'x.tar//m.log', './#x', 'a#b', 'dir/"x"'])
    expect(['#x', 'nl\nx', 'cr\r', '  ', ' a', 'a\t', '"x', '\ufeffb', 'u\u2028v'].map(listLine)).toEqual(['"#x"', '"nl\\nx"', '"cr\\r"', '"  "', '" a"', '"a\\t"', '"\\"x"', '"\\ufeffb"', '"u\\u2028v"'])
  })

  it('a list a user writes: comments, blank lines, CRLF and a BOM as before; a quoted line is a path', () => {
    const file = join(tmp, 'user.txt')
    expect(listed(file, ['\ufeffa.log\r\n', '# note\r\n', '\r\n', '   \n', 'b c.log\r\n', '"#d.log"\r\n', '"e\\nf"  \n', 'g'])).toEqual(['a.log', 'b c.log', '#d.log', 'e\nf', 'g'])
  })

  it('a quoted line that is no JSON string, an empty one, or one with a NUL: a usage error naming the line', () => {
    const file = join(tmp, 'bad.txt')
    expect(() => listed(file, ['a.log\n', '"b.log\n'])).toThrow(`--files-from ${file}:2: a line starting with " is a quoted path, a JSON string (as --list writes "#x.log"), and this one is not; expected a file with one path per line`)
    expect(() => listed(file, ['""\n'])).toThrow(`--files-from ${file}:1: an empty quoted path ("")`)
    expect(() => listed(file, ['"a\\u0000"\n'])).toThrow(`--files-from ${file}:1: a NUL byte`)
    expect(() => listed(file, [`"${'\\n'.repeat(4097)}"\n`])).toThrow(`--files-from ${file}:1: longer than 4096 characters, longer than any path`)
    // A quoted path of 4096 characters, each escaped, is still a path.
    expect(listed(file, [listLine('\n'.repeat(4096)) + '\n'])).toEqual(['\n'.repeat(4096)])
  })
})

/** A file name: any characters but NUL and '/', the awkward ones often. */
const component = fc.string({
  unit: fc.oneof({weight: 3, arbitrary: fc.string({unit: 'binary', minLength: 1, maxLength: 1})}, {weight: 2, arbitrary: fc.constantFrom('\n', '\r', ' ', '\t', '#', '"', '\\', '\ufeff', '\u2028', '\x85', '.', '\r\n')}).filter((c) => c !== '\0' && c !== '/'),
  minLength: 1,
  maxLength: 12,
})
/** A path: components joined by '/', absolute or not, `archive//member` too. */
const path = fc.tuple(fc.constantFrom('', '/', './'), fc.array(component, {minLength: 1, maxLength: 4}), fc.constantFrom('/', '//')).map(([head, parts, sep]) => head + parts.join(sep))

describe('names that are not UTF-8 (SYNTHETIC names made of raw bytes, a REAL log in each)', () => {
  // The names as bytes (a string path would be written as UTF-8): two that Node decodes alike, one
  // a plain line cannot carry (a newline), and é then a lone continuation byte (0x80), which a
  // \u0080 escape would turn into a UTF-8 line naming another file.
  const NAMES = [Buffer.from('bad\xff.log', 'latin1'), Buffer.from('bad\xfe.log', 'latin1'), Buffer.from('nl\n\xff.log', 'latin1'), Buffer.concat([Buffer.from('é'), Buffer.from([0x80]), Buffer.from('.log')])]
  const batch = (args: string[], cwd: string, input?: Buffer) => {
    const r = spawnSync(process.execPath, [BIN, 'batch', '-j', '1', ...args], {cwd, input, env: cliEnv(), maxBuffer: 1 << 26})
    expect(r.status, r.stderr.toString()).toBe(0)
    return r.stdout
  }

  it('--list writes each as its bytes, and --files-from reads it back as the walk\'s record: the name is not UTF-8, with its bytes (was: "no such file or directory"; the second of two alike was skipped as a duplicate)', () => {
    const dir = join(tmp, 'bytes')
    mkdirSync(join(dir, 'd'), {recursive: true})
    for (const n of NAMES) copyFileSync(LOG, Buffer.concat([Buffer.from(join(dir, 'd') + '/'), n]))
    copyFileSync(LOG, join(dir, 'd', 'ok.log'))
    const direct = records(batch(['d'], dir).toString())
    expect(direct).toHaveLength(5)
    expect(direct.filter((r) => r.error).map((r) => r.error!.reason).sort()).toEqual(
      ['bad\\xfe.log', 'bad\\xff.log', 'nl\\x0a\\xff.log', '\\xc3\\xa9\\x80.log'].map((b) => `the file name is not UTF-8 (bytes: ${b}), so it cannot be opened by name; rename it to UTF-8 to read it`).sort(),
    )
    const list = batch(['--list', 'd'], dir)
    expect(list.includes(Buffer.from('d/bad\xff.log\n', 'latin1'))).toBe(true)
    expect(records(batch(['--files-from', '-'], dir, list).toString())).toEqual(direct)
    expect(batch(['--list', '--files-from', '-'], dir, list).equals(list)).toBe(true)
  })

  it('a list a user made (find prints the bytes): a line not UTF-8 is an error record saying so, the whole path\'s bytes when a directory\'s name is not UTF-8', () => {
    const list = join(tmp, 'find.list')
    writeFileSync(list, Buffer.concat([Buffer.from('gone\xff/x.log\n', 'latin1'), Buffer.from(`${LOG}\n`)]))
    expect(readList(list)).toEqual([{path: 'gone\ufffd/x.log', bytes: 'gone\xff/x.log', reason: 'the file name is not UTF-8 (bytes: gone\\xff/x.log), so it cannot be opened by name; rename it to UTF-8 to read it'}, LOG])
  })
})

describe('property: listLine → readList is the identity (any path but NUL, as valid UTF-8)', () => {
  it('as --list writes it, and after an editor saved it with CRLF and a BOM', () => {
    const file = join(tmp, 'prop.txt')
    fc.assert(
      fc.property(fc.array(path, {minLength: 1, maxLength: 8}), (paths) => {
        const lines = paths.map(listLine)
        expect(lines.every((l) => !/[\r\n]/.test(l))).toBe(true)
        expect(listed(file, lines.map((l) => `${l}\n`))).toEqual(paths)
        expect(listed(file, ['\ufeff', ...lines.map((l) => `${l}\r\n`)])).toEqual(paths)
      }),
      {numRuns: 300},
    )
  })
})

describe('a --files-from list that holds no path', () => {
  // It said 'no inputs: give files, directories, patterns or --files-from FILE', though
  // --files-from was given: the list is named, stdin as stdin.
  it.each([
    ['stdin, empty', ['--files-from', '-'], '', /^allocscope: --files-from -: the list read from stdin held no path/],
    ['stdin, comments only', ['--files-from', '-'], '# none\n\n', /--files-from -: the list read from stdin held no path/],
    ['a file, blank lines only', ['--files-from', 'empty.lst'], undefined, /--files-from empty\.lst: the list held no path/],
  ])('%s: exit 2, the list named', (_, args, input, msg) => {
    const dir = mkdtempSync(join(tmpdir(), 'allocscope-emptylist-'))
    writeFileSync(join(dir, 'empty.lst'), '\n  \n')
    const r = spawnCli(['batch', ...args], {cwd: dir, input: input ?? ''})
    rmSync(dir, {recursive: true, force: true})
    expect(r.status, r.stderr).toBe(2)
    expect(r.stderr).toMatch(msg)
    expect(r.stderr).not.toMatch(/no inputs/)
    expect(r.stdout).toBe('')
  })

  it('beside an input it is no error', () => {
    const r = spawnCli(['batch', '--files-from', '-', 'samples/linux-7.2-pool-c64-m1024'], {input: ''})
    expect(r.status, r.stderr).toBe(0)
    expect(records(r.stdout)).toHaveLength(1)
  })
})
