// What batch takes from a directory tree, a pattern and its own arguments: symlinks (followed; a
// directory or file reached twice is one input, a loop ends), which directories are ONE capture
// (only a capture's files: /var/log holding kern.log is not one), the --out file (never an input),
// a pattern ending with / (directories only), and `-` (a usage error). The trees are SYNTHETIC
// layouts made here of REAL files (syzkaller peer logs, a lab capture's files).
import {copyFileSync, cpSync, linkSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import {gzipSync} from 'node:zlib'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import * as tar from 'tar-stream'
import {afterAll, describe, expect, it} from 'vitest'
import {listLine, readList} from '../../src/batch/list-file.js'
import {isCaptureLayout} from '../../src/readers/dir.js'
import {LAB_CAPTURES, PEER, REPO} from '../helpers/paths.js'
import {cli, records} from './helpers.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-batch-walk-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
const LOG = join(PEER, '10')
const CAP = join(LAB_CAPTURES, 'lab-7.2-legacylate-c16-m1024')

/** A SYNTHETIC tree `name` under tmp: `files` (paths under tmp) copied from real files, `links` (paths under tmp) → target. */
function tree(name: string, files: Record<string, string>, links: Record<string, string> = {}): string {
  for (const [f, from] of Object.entries(files)) {
    mkdirSync(join(tmp, f, '..'), {recursive: true})
    copyFileSync(from, join(tmp, f))
  }
  for (const [l, target] of Object.entries(links)) symlinkSync(target, join(tmp, l))
  return join(tmp, name)
}

const capFiles = (dir: string, names = ['allocinfo.txt', 'console.log', 'dmesg.txt', 'meta.json']) => Object.fromEntries(names.map((n) => [`${dir}/${n}`, join(CAP, n)]))

/** `batch --list` in `cwd`: the inputs, and stderr. */
async function list(args: string[], cwd = tmp): Promise<{paths: string[]; stderr: string}> {
  const r = await cli(['batch', '--list', ...args], {cwd})
  expect(r.status, r.stderr).toBe(0)
  return {paths: r.stdout.split('\n').filter(Boolean), stderr: r.stderr}
}

describe('symlinks in a walked tree: followed, each file and directory once', () => {
  it('a link to its own directory (a loop) adds nothing (was: 41 copies of the one log)', async () => {
    tree('loop', {'loop/a.log': LOG}, {'loop/self': '.'})
    const r = await list(['loop'])
    expect(r.paths).toEqual(['loop/a.log'])
    expect(r.stderr).toMatch(/1 duplicate input skipped \(the same file or directory reached twice/)
  })

  it('latest -> 2026-12-05: the day once, by its own name; a link to a file in the tree is that file', async () => {
    tree('days', {'days/2026-12-05/a.log': LOG, 'days/2026-12-05/b.log': join(PEER, '100')}, {'days/latest': '2026-12-05', 'days/2026-12-05/current.log': 'b.log'})
    expect((await list(['days'])).paths).toEqual(['days/2026-12-05/a.log', 'days/2026-12-05/b.log'])
    // Records too: one per file.
    const r = await cli(['batch', '--jobs', '1', 'days'], {cwd: tmp})
    expect(records(r.stdout).map((x) => x.input.path)).toEqual(['days/2026-12-05/a.log', 'days/2026-12-05/b.log'])
  })

  it('hard links are names of their own: each an input (a backup tree\'s unchanged days; the bench\'s 10 000 copies were 402 inputs)', async () => {
    tree('hard', {'hard/day1/host.log': LOG})
    mkdirSync(join(tmp, 'hard/day2'))
    linkSync(join(tmp, 'hard/day1/host.log'), join(tmp, 'hard/day2/host.log'))
    expect((await list(['hard'])).paths).toEqual(['hard/day1/host.log', 'hard/day2/host.log'])
    writeFileSync(join(tmp, 'hard.list'), 'hard/day1/host.log\nhard/day2/host.log\nhard/day1/host.log\n')
    const r = await list(['--files-from', 'hard.list'])
    expect(r.paths).toEqual(['hard/day1/host.log', 'hard/day2/host.log'])
    expect(r.stderr).toMatch(/1 duplicate input skipped/)
    // A symlink to one of those names is that name (realpath), read once.
    symlinkSync('day1/host.log', join(tmp, 'hard/link.log'))
    expect((await list(['hard/day1/host.log', 'hard/link.log'])).paths).toEqual(['hard/day1/host.log'])
  })

  it('the --out file by another name (a hard link to it) is not an input either', async () => {
    const dir = tree('outlink', {'outlink/a.log': LOG})
    expect((await cli(['batch', 'outlink', '--out', 'outlink/out.ndjson'], {cwd: tmp})).status).toBe(0)
    linkSync(join(dir, 'out.ndjson'), join(dir, 'zcopy.ndjson'))
    const r = await cli(['batch', 'outlink', '--out', 'outlink/out.ndjson', '--resume'], {cwd: tmp})
    expect(r.status, r.stderr).toBe(0)
    expect(records(readFileSync(join(dir, 'out.ndjson'), 'utf8')).map((x) => x.input.path)).toEqual(['outlink/a.log'])
  })

  it('a link to a directory outside the tree is walked', async () => {
    tree('outside', {'outside/elsewhere/x.log': LOG, 'outside/tree/y.log': LOG})
    symlinkSync('../elsewhere', join(tmp, 'outside/tree/ext'))
    expect((await list(['outside/tree'])).paths).toEqual(['outside/tree/ext/x.log', 'outside/tree/y.log'])
  })
})

/** Directory layouts (file names) and whether each is ONE capture. */
const LAYOUTS: [string[], boolean][] = [
  [['allocinfo.txt', 'console.log', 'dmesg.txt', 'meta.json'], true],
  [['console.log', 'meta.json', 'qemu.stderr'], true],
  [['dmesg-excerpt.txt'], true],
  [['allocinfo.txt'], true],
  [['kern.log', 'console.log.gz'], true],
  [['kern.log', 'kern.log.1'], false],
  [['kern.log', 'syslog'], false],
  [['dmesg.txt', 'kern.log'], false],
  [['dmesg-excerpt.txt', 'console.log'], false],
  [['console.log', 'console.log.gz'], false],
  [['allocinfo.txt', 'allocinfo.txt.gz'], false],
  [['dmesg.txt', 'notes.md'], false],
  [['meta.json'], false],
  [['dmesg.txt', 'meta.json', 'recording.arec.gz', 'series.json'], true],
  [['allocinfo.txt', 'recording.arec.gz'], true],
]

/** The real file a SYNTHETIC layout's name is copied from (gzipped for a .gz name). */
function realFor(name: string): Buffer {
  const from = name.startsWith('allocinfo') ? 'allocinfo.txt' : name === 'meta.json' ? 'meta.json' : 'dmesg.txt'
  const data = readFileSync(join(CAP, from))
  return name.endsWith('.gz') ? gzipSync(data) : data
}

describe('which directory is one capture', () => {
  it.each(LAYOUTS)('%j: %s', (files, one) => expect(isCaptureLayout(files)).toBe(one))

  it('analyse and batch agree on every layout above (SYNTHETIC directories of real files): batch takes one capture where analyse reads one, and walks what analyse refuses as no capture', async () => {
    for (const [i, [files, one]] of LAYOUTS.entries()) {
      const dir = join(tmp, 'agree', String(i))
      mkdirSync(dir, {recursive: true})
      for (const f of files) writeFileSync(join(dir, f), realFor(f))
      const batchOne = (await list([dir])).paths.join() === dir
      const analysed = await cli(['analyse', dir, '--json'])
      // analyse refuses a capture without a boot log for another reason: it has nothing to analyse.
      const refused = /not one capture directory/.test(analysed.stderr)
      expect([batchOne, !refused], `${files.join(' ')}: ${analysed.stderr}`).toEqual([one, one])
    }
  })

  it('a /var/log-like directory (SYNTHETIC, real logs): analyse refuses it, naming the file that makes it no capture, exit 2 (was: it read kern.log and nothing else)', async () => {
    tree('varlog-analyse', {'varlog-analyse/kern.log': LOG, 'varlog-analyse/kern.log.1': join(PEER, '100'), 'varlog-analyse/syslog': LOG})
    const r = await cli(['analyse', 'varlog-analyse'], {cwd: tmp})
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^allocscope: varlog-analyse: not one capture directory \(kern\.log\.1 is not one of a capture's files\): name a file in it/)
    expect((await list(['varlog-analyse'])).paths).toEqual(['kern.log', 'kern.log.1', 'syslog'].map((n) => `varlog-analyse/${n}`))
  })

  it("a trend series' capture (REAL: testdata/trend/leak, with its recording and series.json) is one capture to both (was: batch read each file, meta.json as a boot log)", async () => {
    const leak = join(REPO, 'testdata', 'trend', 'leak')
    expect((await list([leak])).paths).toEqual([leak])
    expect((await cli(['analyse', leak, '--json'])).status).toBe(0)
  })

  it('/var/log holding kern.log is walked: every file and subdirectory an input (was: one capture, the rest never read)', async () => {
    tree('var/log', {'var/log/kern.log': LOG, 'var/log/kern.log.1': join(PEER, '100'), 'var/log/sub/host2.log': LOG})
    const r = await cli(['batch', '--jobs', '1', 'var/log'], {cwd: tmp})
    expect(records(r.stdout).map((x) => [x.input.path, x.kind])).toEqual([
      ['var/log/kern.log', 'bootlog'],
      ['var/log/kern.log.1', 'bootlog'],
      ['var/log/sub/host2.log', 'bootlog'],
    ])
  })

  it('a capture with a file of another name is walked; a capture with a subdirectory is one input, then the subdirectory', async () => {
    tree('extra', {...capFiles('extra/cap'), 'extra/cap/notes.txt': LOG})
    expect((await list(['extra'])).paths).toEqual(['allocinfo.txt', 'console.log', 'dmesg.txt', 'meta.json', 'notes.txt'].map((n) => `extra/cap/${n}`))
    tree('nested', {...capFiles('nested/cap'), 'nested/cap/old/dmesg.txt': LOG})
    expect((await list(['nested'])).paths).toEqual(['nested/cap', 'nested/cap/old'])
  })

  it('the same rules inside an archive (SYNTHETIC tar of the trees above)', async () => {
    const pack = tar.pack()
    const add = (name: string, file: string) => pack.entry({name, mtime: new Date('2026-01-02T03:04:05Z')}, readFileSync(file))
    add('log/kern.log', LOG)
    add('log/kern.log.1', LOG)
    add('log/sub/host2.log', LOG)
    for (const [n, f] of Object.entries(capFiles('cap'))) add(n, f)
    add('cap/old/dmesg.txt', LOG)
    pack.finalize()
    const parts: Buffer[] = []
    for await (const c of pack) parts.push(c as Buffer)
    writeFileSync(join(tmp, 'trees.tar'), Buffer.concat(parts))
    const r = await cli(['batch', '--jobs', '1', 'trees.tar'], {cwd: tmp})
    expect(records(r.stdout).map((x) => [x.input.member, x.kind])).toEqual([
      ['log/kern.log', 'bootlog'],
      ['log/kern.log.1', 'bootlog'],
      ['log/sub/host2.log', 'bootlog'],
      ['cap', 'capture-dir'],
      ['cap/old', 'capture-dir'],
    ])
  })
})

describe('the arguments', () => {
  it('the --out file inside a walked directory is never an input, also with --resume (was: a record for run.ndjson)', async () => {
    const dir = tree('selfout', {'selfout/a.log': LOG})
    for (const resume of [[], ['--resume'], ['--resume']]) {
      const r = await cli(['batch', 'selfout', '--out', 'selfout/run.ndjson', ...resume], {cwd: tmp})
      expect(r.status, r.stderr).toBe(0)
    }
    expect(records(readFileSync(join(dir, 'run.ndjson'), 'utf8')).map((x) => x.input.path)).toEqual(['selfout/a.log'])
    const r = await cli(['batch', 'selfout', '--out', join(dir, 'run.ndjson'), '--force'], {cwd: tmp})
    expect(r.stderr).toMatch(/selfout\/run\.ndjson is the --out file: not read as an input/)
    expect(records(readFileSync(join(dir, 'run.ndjson'), 'utf8')).map((x) => x.input.path)).toEqual(['selfout/a.log'])
  })

  it('a pattern ending with / matches directories only, as in the shell (was: the top-level files too)', async () => {
    tree('g', {'g/top.log': LOG, 'g/d1/x.log': LOG, 'g/d2/y.log': LOG})
    expect((await list(['g/*/'])).paths).toEqual(['g/d1/x.log', 'g/d2/y.log'])
    expect((await list(['g/*'])).paths).toEqual(['g/d1/x.log', 'g/d2/y.log', 'g/top.log'])
  })

  it('--list, then --files-from: the same paths, a name starting with # too (was: #x.log came back as ./#x.log)', async () => {
    const dir = tree('hashd', {'hashd/#x.log': LOG, 'hashd/#y.log': LOG})
    const args = ['#x.log', './#y.log']
    const listed = await list(args, dir)
    expect(listed.paths).toEqual(['"#x.log"', './#y.log'])
    writeFileSync(join(dir, 'list.txt'), listed.paths.join('\n') + '\n')
    const direct = await cli(['batch', ...args], {cwd: dir})
    const back = await cli(['batch', '--files-from', 'list.txt'], {cwd: dir})
    expect(records(back.stdout).map((r) => r.input.path)).toEqual(args)
    expect(records(back.stdout).map((r) => r.input.path)).toEqual(records(direct.stdout).map((r) => r.input.path))
  })

  it('listLine and the --files-from reader, both in list-file.ts, undo each other for any path (SYNTHETIC paths: #, ./, //, spaces)', () => {
    const paths = ['#x', './#x', '././#x', 'a#b', ' #x', '#', './', 'x.tar//#m.log', '#x.tar//./#m', 'dir/#x', '.#x']
    const file = join(tmp, 'roundtrip.txt')
    writeFileSync(file, paths.map(listLine).join('\n') + '\n')
    expect(readList(file)).toEqual(paths)
  })

  it('- is a usage error pointing at --files-from - and /dev/stdin (was: an error record "no such file or directory")', async () => {
    const r = await cli(['batch', '-'])
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(/^allocscope: -: batch reads no input from stdin; use --files-from - for a list of paths on stdin, or name \/dev\/stdin/)
  })
})

describe('a capture copied whole', () => {
  it('is one input, as in the corpus (the lab capture and its files)', async () => {
    cpSync(CAP, join(tmp, 'copied', 'cap'), {recursive: true})
    expect((await list(['copied'])).paths).toEqual(['copied/cap'])
  })
})
