// batch on tar archives of capture directories and of many logs. The members are REAL files (lab
// captures, syzkaller peer logs); the archives are DERIVED, made here from them (in a temp dir).
// A capture directory inside an archive is one record equal to the extracted directory's; the
// members need not be together in the tar; --shard splits an archive's inputs, the shards'
// union being exactly the whole run; --list with --shard lists that shard's inputs.
import {spawnSync} from 'node:child_process'
import {cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import * as tar from 'tar-stream'
import {describe, expect, it} from 'vitest'
import type {BatchRecord} from '../../src/batch/schema.js'
import {cliEnv} from '../helpers/cli.js'
import {LAB_CAPTURES, PEER, REPO} from '../helpers/paths.js'
import {cli, records} from './helpers.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-batch-archive-'))
const CAPS = ['lab-7.2-legacylate-c16-m1024', 'lab-6.12-instr-c4-m4096']
const MTIME = new Date('2026-01-02T03:04:05Z')

interface Entry {
  name: string
  data?: Buffer
  type?: 'directory' | 'symlink' | 'link' | 'fifo' | 'character-device'
  linkname?: string
}

/** DERIVED: a tar (gzip when the name says so) of these members, in this order. */
async function makeTar(file: string, members: Entry[]): Promise<void> {
  const pack = tar.pack()
  for (const m of members) pack.entry({name: m.name, type: m.type ?? 'file', linkname: m.linkname, mtime: MTIME}, m.data ?? Buffer.alloc(0))
  pack.finalize()
  const parts: Buffer[] = []
  for await (const c of pack) parts.push(c as Buffer)
  const buf = Buffer.concat(parts)
  writeFileSync(file, file.endsWith('gz') ? gzipSync(buf) : buf)
}

/** A directory's files as members under `prefix`, in name order. */
const filesOf = (dir: string, prefix: string): Entry[] => readdirSync(dir).sort().map((n) => ({name: `${prefix}/${n}`, data: readFileSync(join(dir, n))}))

/** What a record says, without where it came from. */
const content = (r: BatchRecord) => ({
  kind: r.kind,
  hostname: r.hostname,
  boot: r.boot,
  host: r.host,
  profiling: r.profiling,
  findings: r.findings,
  allocinfo: r.allocinfo,
  prediction: r.prediction,
  error: r.error,
})

const run = async (args: string[], cwd = tmp): Promise<BatchRecord[]> => {
  const r = await cli(['batch', '--jobs', '2', ...args], {cwd})
  expect(r.status, r.stderr).toBe(0)
  return records(r.stdout)
}

/** On disk: `dir with space/<cap>` for each lab capture, the first with a DERIVED meta.json naming a host. */
function captureTree(): string {
  const root = join(tmp, 'dir with space')
  for (const c of CAPS) cpSync(join(LAB_CAPTURES, c), join(root, c === CAPS[0] ? 'cap dir' : c), {recursive: true})
  const meta = join(root, 'cap dir', 'meta.json')
  writeFileSync(meta, JSON.stringify({...JSON.parse(readFileSync(meta, 'utf8')), hostname: 'derived-host'}))
  return root
}

const root = captureTree()
const dirs = ['cap dir', CAPS[1]!]
const capturesTar = (file: string) => makeTar(join(tmp, file), [{name: 'dir with space/', type: 'directory'}, ...dirs.flatMap((d) => filesOf(join(root, d), `dir with space/${d}`))])

describe('capture directories inside an archive', () => {
  it('each is one capture-dir record `archive//dir`, with the content of the extracted directory', async () => {
    await capturesTar('my logs.tgz')
    const inTar = await run(['my logs.tgz'])
    const onDisk = await run(dirs.map((d) => `dir with space/${d}`))
    expect(inTar.map((r) => r.input.path)).toEqual(dirs.map((d) => `my logs.tgz//dir with space/${d}`))
    expect(inTar[0]!.input).toEqual({path: 'my logs.tgz//dir with space/cap dir', archive: 'my logs.tgz', member: 'dir with space/cap dir', mtime: MTIME.toISOString()})
    expect(onDisk.map((r) => r.kind)).toEqual(['capture-dir', 'capture-dir'])
    expect(inTar[0]!.hostname).toBe('derived-host')
    expect(inTar[0]!.allocinfo!.sites).toBeGreaterThan(100)
    expect(inTar[0]!.prediction).toHaveProperty('window')
    expect(inTar.map(content)).toEqual(onDisk.map(content))
  })

  it('members scattered through the archive (two captures interleaved, a log between, allocinfo first): the same records', async () => {
    const a = filesOf(join(root, dirs[0]!), 'x/a').reverse()
    const b = filesOf(join(root, dirs[1]!), 'x/b')
    const peer = {name: 'x/peer.log', data: readFileSync(join(PEER, '1000'))}
    await makeTar(join(tmp, 'scattered.tar'), [a[0]!, b[0]!, peer, a[1]!, b[1]!, b[2]!, a[2]!, a[3]!, b[3]!])
    const recs = await run(['scattered.tar'])
    // A capture's record comes where its last member is: a's allocinfo.txt (8th), b's meta.json (9th).
    expect(recs.map((r) => r.input.path)).toEqual(['scattered.tar//x/peer.log', 'scattered.tar//x/a', 'scattered.tar//x/b'])
    const onDisk = await run(dirs.map((d) => `dir with space/${d}`))
    expect(recs.slice(1).map(content)).toEqual(onDisk.map(content))
    expect(content(recs[0]!)).toEqual(content((await run([join(PEER, '1000')]))[0]!))
  })

  // On disk such a directory is one capture-dir error record too (test/batch/edges.test.ts).
  it('a capture whose meta.json is not JSON (DERIVED) is one error record naming meta.json', async () => {
    const bad = join(tmp, 'badmeta')
    mkdirSync(bad)
    cpSync(join(root, dirs[1]!), join(bad, 'cap'), {recursive: true})
    writeFileSync(join(bad, 'cap', 'meta.json'), '{"cut": ')
    await makeTar(join(tmp, 'badmeta.tar'), filesOf(join(bad, 'cap'), 'cap'))
    const recs = await run(['badmeta.tar'])
    expect(recs).toHaveLength(1)
    expect(recs[0]).toMatchObject({input: {path: 'badmeta.tar//cap'}, kind: 'capture-dir'})
    expect(recs[0]!.error?.reason).toBe('meta.json: not valid JSON (Unexpected end of JSON input); expected the meta.json of a capture directory')
  })
})

describe('member names with a leading ./ (tar -C dir -cf x.tar .)', () => {
  it('are named without it, files as capture directories are: the records of the same tree packed without ./ (was: x.tar//./a.log beside x.tar//cap)', async () => {
    const log = readFileSync(join(PEER, '10'))
    const tree = (prefix: string): Entry[] => [
      ...(prefix ? [{name: prefix, type: 'directory' as const}] : []),
      {name: `${prefix}host1.log`, data: log},
      {name: `${prefix}logs/host2.log`, data: log},
      ...filesOf(join(root, CAPS[1]!), `${prefix}cap`),
    ]
    await makeTar(join(tmp, 'dotslash-tree.tar'), tree('./'))
    await makeTar(join(tmp, 'plain-tree.tar'), tree(''))
    const [dotted, plain] = [await run(['dotslash-tree.tar']), await run(['plain-tree.tar'])]
    expect(dotted.map((r) => [r.input.path, r.input.member])).toEqual([
      ['dotslash-tree.tar//host1.log', 'host1.log'],
      ['dotslash-tree.tar//logs/host2.log', 'logs/host2.log'],
      ['dotslash-tree.tar//cap', 'cap'],
    ])
    const rename = (r: BatchRecord) => ({...r, input: {...r.input, path: r.input.path.replace('plain-tree', 'dotslash-tree'), archive: 'dotslash-tree.tar'}})
    expect(dotted).toEqual(plain.map(rename))
    const listed = (await cli(['batch', '--list', '--shard', '1/1', 'dotslash-tree.tar'], {cwd: tmp})).stdout
    expect(listed).toBe(dotted.map((r) => `${r.input.path}\n`).join(''))
  })
})

describe('more capture directories scattered at once than are held open', () => {
  it(`past ${1024} open, a capture is one error record saying why, never split into files; the others are read`, async () => {
    const {MAX_OPEN} = await import('../../src/batch/archive-capture.js')
    const logs = readdirSync(PEER).sort()
    const n = MAX_OPEN + 6
    const dir = (i: number) => `c${String(i).padStart(4, '0')}`
    // Every dmesg.txt (a REAL peer log) first, then every meta.json (SYNTHETIC, {}): all captures open at once.
    const entries: Entry[] = [
      ...Array.from({length: n}, (_, i) => ({name: `${dir(i)}/dmesg.txt`, data: readFileSync(join(PEER, logs[i % logs.length]!))})),
      // A capture of one file while the cap is reached: its first member is its last, nothing is held.
      {name: 'whole/dmesg.txt', data: readFileSync(join(PEER, logs[0]!))},
      ...Array.from({length: n}, (_, i) => ({name: `${dir(i)}/meta.json`, data: Buffer.from('{}')})),
    ]
    await makeTar(join(tmp, 'synthetic-scattered-many.tar'), entries)
    const all = await run(['synthetic-scattered-many.tar'])
    expect(all[0]).toMatchObject({input: {member: 'whole'}, kind: 'capture-dir'})
    expect(all[0]!.error).toBeUndefined()
    const recs = all.slice(1)
    expect(recs.map((r) => r.input.member)).toEqual(Array.from({length: n}, (_, i) => dir(i)))
    expect(recs.every((r) => r.kind === 'capture-dir')).toBe(true)
    const refused = recs.filter((r) => r.error?.reason.includes('scattered'))
    expect(refused.map((r) => r.input.member)).toEqual(Array.from({length: 6}, (_, i) => dir(MAX_OPEN + i)))
    expect(refused[0]!.error!.reason).toBe(`not read: its files are scattered in the archive among those of more than ${MAX_OPEN} other capture directories (batch holds at most ${MAX_OPEN} open at once); expected each capture directory's files together, as tar writes a directory (or extract the archive)`)
    expect(content(recs[1]!)).toEqual({...content((await run([join(PEER, logs[1]!)]))[0]!), kind: 'capture-dir'})
  }, 120_000)
})

describe('an archive that is not a regular file', () => {
  it('a FIFO named .tar is one error record saying why (its headers are read before its inputs: it is read twice)', async () => {
    const fifo = join(tmp, 'fifo.tar')
    if (spawnSync('mkfifo', [fifo]).status !== 0) return
    const recs = await run(['fifo.tar'])
    expect(recs).toEqual([{schema: 'allocscope/batch-v1', input: {path: 'fifo.tar', archive: 'fifo.tar'}, error: {reason: expect.stringMatching(/^not a regular file: an archive is read twice/)}}])
    // --list --shard does not plan it (that would wait for a writer for ever): its path, where its record goes.
    const listed = await Promise.all([1, 2].map((k) => cli(['batch', '--list', '--shard', `${k}/2`, 'fifo.tar'], {cwd: tmp})))
    expect(listed.map((r) => r.stdout).sort()).toEqual(['', 'fifo.tar\n'])
  })
})

describe('--resume on an archive of captures', () => {
  it('a run cut after the first capture: --resume writes the rest once, the file equals a whole run', async () => {
    await capturesTar('resume.tgz')
    const whole = (await cli(['batch', 'resume.tgz'], {cwd: tmp})).stdout
    const lines = whole.split('\n').filter(Boolean)
    expect(lines).toHaveLength(2)
    const out = join(tmp, 'resume-archive.ndjson')
    writeFileSync(out, lines[0] + '\n' + lines[1]!.slice(0, 50))
    const r = await cli(['batch', '--out', out, '--resume', 'resume.tgz'], {cwd: tmp})
    expect(r.status, r.stderr).toBe(0)
    expect(readFileSync(out, 'utf8')).toBe(whole)
  })
})

describe('a member name written twice, and hidden members only', () => {
  const [a, b] = ['10', '100'].map((n) => readFileSync(join(PEER, n)))
  const direct = async (bytes: Buffer) => {
    writeFileSync(join(tmp, 'direct.log'), bytes)
    return content((await run(['direct.log']))[0]!)
  }

  it.each([
    ['x.log twice (tar -r)', 'dup.tar', ['x.log', 'x.log']],
    ['./x.log, then x.log', 'dotslash.tar', ['./x.log', 'x.log']],
    ['x.log, then ./x.log', 'slashdot.tar', ['x.log', './x.log']],
  ])('%s: the last copy is the one input, as extraction leaves it, named x.log; --resume adds nothing', async (_, file, names) => {
    await makeTar(join(tmp, file), [{name: names[0]!, data: a}, {name: names[1]!, data: b}])
    const recs = await run([file])
    expect(recs.map((r) => r.input.path)).toEqual([`${file}//x.log`])
    expect(content(recs[0]!)).toEqual(await direct(b))
    expect(content(recs[0]!)).not.toEqual(await direct(a))
    const out = join(tmp, `${file}.ndjson`)
    for (const resume of [[], ['--resume']]) expect((await cli(['batch', '--out', out, ...resume, file], {cwd: tmp})).status).toBe(0)
    expect(records(readFileSync(out, 'utf8')).map((r) => r.input.path)).toEqual([`${file}//x.log`])
    expect((await cli(['batch', '--list', '--shard', '1/1', file], {cwd: tmp})).stdout).toBe(`${file}//x.log\n`)
  })

  it('an archive whose file members are all hidden is one error record saying they were skipped (was: no record)', async () => {
    await makeTar(join(tmp, 'hid.tar'), [{name: '.logs/', type: 'directory'}, {name: '.logs/a.log', data: a}, {name: '.b.log', data: b}])
    const recs = await run(['hid.tar'])
    expect(recs.map((r) => [r.input.path, r.error?.reason])).toEqual([['hid.tar', expect.stringMatching(/^no file members but 2 hidden ones \(dot files or under a dot directory\), which batch skips/)]])
  })
})

describe('--shard and --list on an archive', () => {
  const logs = readdirSync(PEER).sort().slice(0, 60)
  const members: Entry[] = [...logs.map((n) => ({name: `peer/${n}`, data: readFileSync(join(PEER, n))})), ...filesOf(join(LAB_CAPTURES, CAPS[1]!), `caps/${CAPS[1]}`)]

  it('the N shards of one archive are disjoint and together exactly the whole run; --list --shard lists each shard', async () => {
    const file = join(tmp, 'corpus.tar.gz')
    await makeTar(file, members)
    const whole = (await cli(['batch', '--jobs', '2', file])).stdout.split('\n').filter(Boolean)
    expect(whole).toHaveLength(logs.length + 1)
    const shards: string[][] = []
    for (const k of [1, 2, 3]) {
      const lines = (await cli(['batch', '--jobs', '2', '--shard', `${k}/3`, file])).stdout.split('\n').filter(Boolean)
      expect(lines.length).toBeGreaterThan(0)
      const listed = (await cli(['batch', '--list', '--shard', `${k}/3`, file])).stdout.split('\n').filter(Boolean)
      expect(listed).toEqual(lines.map((l) => (JSON.parse(l) as BatchRecord).input.path))
      shards.push(lines)
    }
    expect(shards.flat().sort()).toEqual([...whole].sort())
    // Without --shard the archive is one input to list (a path batch --files-from reads back).
    expect((await cli(['batch', '--list', file])).stdout).toBe(`${file}\n`)
  })

  it('--list --shard read back by --files-from: exactly that shard\'s records, and the same list again (was: "a path component is not a directory" for every member)', async () => {
    const file = 'corpus-back.tgz'
    await makeTar(join(tmp, file), members)
    for (const k of [1, 2, 3]) {
      const shard = (await cli(['batch', '--jobs', '2', '--shard', `${k}/3`, file], {cwd: tmp})).stdout
      const list = join(tmp, `shard-${k}.list`)
      writeFileSync(list, (await cli(['batch', '--list', '--shard', `${k}/3`, file], {cwd: tmp})).stdout)
      const back = await cli(['batch', '--jobs', '2', '--files-from', list], {cwd: tmp})
      expect(back.stdout, `shard ${k}`).toBe(shard)
      expect(records(back.stdout).every((r) => r.error === undefined)).toBe(true)
      expect((await cli(['batch', '--list', '--files-from', list], {cwd: tmp})).stdout).toBe(readFileSync(list, 'utf8'))
    }
  })

  it('a damaged archive (DERIVED: cut short): --list --shard lists the records of each shard, the own error of the archive in its shard as archive//; read back, each list is exactly its shard (was: the archive\'s path, which read every member again)', async () => {
    const file = join(tmp, 'corpus-cut.tar.gz')
    await makeTar(file, members.slice(0, 40))
    const whole = readFileSync(file)
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length * 0.6)))
    let own = 0
    for (const k of [1, 2, 3]) {
      const shard = (await cli(['batch', '--jobs', '2', '--shard', `${k}/3`, file])).stdout
      const list = join(tmp, `cut-${k}.list`)
      writeFileSync(list, (await cli(['batch', '--list', '--shard', `${k}/3`, file])).stdout)
      const listed = readFileSync(list, 'utf8').split('\n').filter(Boolean)
      // The archive's own record (path: the archive) is the one line of no member.
      expect(listed, `shard ${k}`).toEqual(records(shard).map((r) => (r.input.member === undefined ? `${r.input.path}//` : r.input.path)))
      own += listed.filter((l) => l === `${file}//`).length
      const back = await cli(['batch', '--jobs', '2', '--files-from', list])
      expect(back.stdout, `shard ${k}`).toBe(shard)
      expect((await cli(['batch', '--list', '--files-from', list])).stdout).toBe(readFileSync(list, 'utf8'))
    }
    expect(own).toBe(1)
  })

  it('archive// names the archive\'s own record alone: a damaged archive\'s error, an empty archive\'s; none for an archive that reads whole', async () => {
    const cut = join(tmp, 'corpus-cut-self.tar')
    await makeTar(cut, members.slice(0, 6))
    const whole = readFileSync(cut)
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)))
    await makeTar(join(tmp, 'empty-self.tar'), [])
    await makeTar(join(tmp, 'fine-self.tar'), members.slice(0, 2))
    const recs = await run([`${cut}//`, 'empty-self.tar//', 'fine-self.tar//'])
    // The record the whole archive ends with: its own (its members before it are not read).
    const itself = (await run([cut])).at(-1)!
    expect(itself.error?.reason).toMatch(/^damaged archive after \d+ members? \(/)
    expect(recs).toEqual([itself, ...(await run(['empty-self.tar']))])
    expect(recs[1]!.error?.reason).toBe('no file members: expected a tar archive of boot logs or allocinfo dumps')
  })
})

describe('member names as extraction gives them, and members that are no file', () => {
  const log = readFileSync(join(PEER, '10'))

  it('/abs.log is abs.log and a//b.log a/b.log (was: odd.tar///abs.log, odd.tar//a//b.log); a link, a FIFO, a device: an error record each, not read (was: no record)', async () => {
    await makeTar(join(tmp, 'odd.tar'), [
      {name: 'a.log', data: log},
      {name: '/abs.log', data: log},
      {name: 'a//b.log', data: log},
      {name: 'd/', type: 'directory'},
      {name: 'ln.log', type: 'symlink', linkname: 'a.log'},
      {name: 'hard.log', type: 'link', linkname: 'a.log'},
      {name: 'pipe', type: 'fifo'},
      {name: 'd/tty', type: 'character-device'},
    ])
    const recs = await run(['odd.tar'])
    const notRead = "in the archive: not read, as batch reads an archive's file members only"
    expect(recs.map((r) => [r.input.path, r.input.member, r.error?.reason])).toEqual([
      ['odd.tar//a.log', 'a.log', undefined],
      ['odd.tar//abs.log', 'abs.log', undefined],
      ['odd.tar//a/b.log', 'a/b.log', undefined],
      ['odd.tar//ln.log', 'ln.log', `a symbolic link (to a.log) ${notRead} (extract the archive to read what it names)`],
      ['odd.tar//hard.log', 'hard.log', `a hard link (to a.log) ${notRead} (extract the archive to read what it names)`],
      ['odd.tar//pipe', 'pipe', `a FIFO ${notRead}`],
      ['odd.tar//d/tty', 'd/tty', `a character device ${notRead}`],
    ])
    // Each an input of its own: listed, and read back, in every shard split.
    const listed = (await cli(['batch', '--list', '--shard', '1/1', 'odd.tar'], {cwd: tmp})).stdout
    expect(listed).toBe(recs.map((r) => `${r.input.path}\n`).join(''))
  })

  it('an archive//member path names that input of the archive, however written; one naming none is an error record; the archive named whole covers its members', async () => {
    await makeTar(join(tmp, 'named.tar'), [{name: 'a.log', data: log}, ...filesOf(join(LAB_CAPTURES, CAPS[1]!), 'cap'), {name: 'z.log', data: log}])
    writeFileSync(join(tmp, 'named.list'), ['named.tar//z.log', 'named.tar//./a.log', 'named.tar///a.log', 'named.tar//cap', 'named.tar//nope.log', 'named.tar//cap/dmesg.txt', ''].join('\n'))
    const recs = await run(['--files-from', 'named.list'])
    expect(recs.map((r) => [r.input.path, r.kind, r.error?.reason])).toEqual([
      ['named.tar//a.log', 'bootlog', undefined],
      ['named.tar//cap', 'capture-dir', undefined],
      ['named.tar//z.log', 'bootlog', undefined],
      ['named.tar//nope.log', undefined, 'no such member in the archive (a file, or a capture directory, as --list --shard names them)'],
      ['named.tar//cap/dmesg.txt', undefined, 'a file of a capture directory in the archive, which is one input (name the directory)'],
    ])
    const whole = await cli(['batch', 'named.tar//a.log', 'named.tar'], {cwd: tmp})
    expect(records(whole.stdout).map((r) => r.input.path)).toEqual(['named.tar//a.log', 'named.tar//cap', 'named.tar//z.log'])
    expect(whole.stderr).toMatch(/1 duplicate input skipped/)
  })
})

const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0

describe.skipIf(!hasScript)('progress on an archive', () => {
  it('counts its members as they are done, of the total once the archive is counted (a TTY by util-linux script)', async () => {
    const logs = readdirSync(PEER).sort()
    const file = join(tmp, 'progress.tar')
    await makeTar(file, [0, 1, 2, 3, 4, 5].flatMap((c) => logs.map((n) => ({name: `p${c}/${n}`, data: readFileSync(join(PEER, n))}))))
    const total = logs.length * 6
    const cmd = `${process.execPath} ${join(REPO, 'bin', 'run.js')} batch --jobs 1 ${file} --out ${join(tmp, 'progress.ndjson')}`
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {encoding: 'utf8', timeout: 120_000, env: cliEnv()})
    const done = [...r.stdout.matchAll(new RegExp(`\\rallocscope: batch (\\d+)/${total} inputs, [\\d.]+ files/s, ETA \\d+ s`, 'g'))].map((m) => Number(m[1]))
    // At least the line printed once the archive is counted, before any member is done.
    expect(done.length, r.stdout).toBeGreaterThan(0)
    expect(done.some((d) => d < total)).toBe(true)
    expect(r.stdout).toContain(`allocscope: ${total} inputs, ${total} records`)
  }, 120_000)
})
