// batch on awkward inputs: tar archives (plain and gzip; members are REAL corpus files, the
// archives themselves are made here), damaged members and archives (DERIVED: real bytes cut or
// replaced), unreadable files, an empty directory, duplicate paths, resume after an interruption
// (a cut line, and a real SIGTERM), shards whose union is the whole, --fail-on. The runs are
// in-process (test/helpers/cli.ts) except where the process is the point: SIGTERM and the TTY.
import {spawnSync} from 'node:child_process'
import {chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import * as tar from 'tar-stream'
import {describe, expect, it} from 'vitest'
import type {BatchRecord} from '../../src/batch/schema.js'
import {corpusBatch} from '../helpers/corpus-batch.js'
import {cliEnv} from '../helpers/cli.js'
import {captureDir, REPO, SAMPLES} from '../helpers/paths.js'
import {cli, interrupt, records} from './helpers.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-batch-'))

const NOTRACK = join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink')
const POOL = captureDir('linux-7.2-pool-c64-m1024')
const DMESG = join(NOTRACK, 'dmesg.txt')
const ALLOCINFO = join(POOL, 'allocinfo.txt')

async function makeTar(file: string, members: {name: string; data?: Buffer; type?: 'directory'}[], gzip: boolean): Promise<void> {
  const pack = tar.pack()
  for (const m of members) pack.entry({name: m.name, type: m.type ?? 'file', mtime: new Date('2026-01-02T03:04:05Z')}, m.data ?? Buffer.alloc(0))
  pack.finalize()
  const parts: Buffer[] = []
  for await (const c of pack) parts.push(c as Buffer)
  const buf = Buffer.concat(parts)
  writeFileSync(file, gzip ? gzipSync(buf) : buf)
}

/** What a record says, without where it came from. */
const content = (r: BatchRecord) => ({kind: r.kind, host: r.host, profiling: r.profiling, findings: r.findings, allocinfo: r.allocinfo, prediction: r.prediction})

const one = async (args: string[]) => {
  const r = await cli(['batch', '--jobs', '2', ...args])
  expect(r.status, r.stderr).toBe(0)
  return records(r.stdout)
}

describe('tar archives', () => {
  const members = [
    {name: 'hosts/a/', type: 'directory' as const},
    // Not the names of a capture directory (dmesg.txt, allocinfo.txt.gz: archive.test.ts): two inputs.
    {name: 'hosts/a/boot-1.log', data: readFileSync(DMESG)},
    {name: 'hosts/a/allocinfo-1.gz', data: gzipSync(readFileSync(ALLOCINFO))},
    {name: 'hosts/b/garbage.bin', data: Buffer.from(Array.from({length: 4096}, (_, i) => (i * 7919) % 256))},
    {name: 'hosts/b/empty.log', data: Buffer.alloc(0)},
    {name: 'hosts/b/.hidden', data: readFileSync(DMESG)},
  ]

  it.each([false, true])('each file member is an input, analysed as the file itself (gzip %s)', async (gz) => {
    const file = join(tmp, gz ? 'hosts.tgz' : 'hosts.tar')
    await makeTar(file, members, gz)
    const recs = await one([file])
    expect(recs.map((r) => r.input.member)).toEqual(['hosts/a/boot-1.log', 'hosts/a/allocinfo-1.gz', 'hosts/b/garbage.bin', 'hosts/b/empty.log'])
    expect(recs[0]!.input).toMatchObject({archive: file, path: `${file}//hosts/a/boot-1.log`, mtime: '2026-01-02T03:04:05.000Z'})
    const [direct] = await one([DMESG])
    expect(content(recs[0]!)).toEqual(content(direct!))
    expect(content(recs[1]!)).toEqual(content((await one([ALLOCINFO]))[0]!))
    expect(recs[2]!.error?.reason).toMatch(/binary data, not a kernel log/)
    expect(recs[3]!.error?.reason).toMatch(/empty/)
    // The reason a member gets is the one the same bytes get on disk (fleet groups errors by reason).
    const onDisk = join(tmp, gz ? 'disk-gz' : 'disk')
    mkdirSync(onDisk, {recursive: true})
    for (const [i, m] of [[2, members[3]!], [3, members[4]!]] as const) {
      const f = join(onDisk, m.name.split('/').at(-1)!)
      writeFileSync(f, m.data!)
      expect(recs[i]!.error?.reason).toBe((await one([f]))[0]!.error?.reason)
    }
  })

  it('a damaged archive (DERIVED: a real .tgz cut in the middle) keeps the members before the damage and ends with an error record', async () => {
    const file = join(tmp, 'cut.tgz')
    await makeTar(file, [members[1]!, members[2]!, {name: 'big.txt', data: Buffer.concat(Array(8).fill(readFileSync(DMESG)))}], true)
    const whole = readFileSync(file)
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length * 0.6)))
    const recs = await one([file])
    expect(recs[0]!.error).toBeUndefined()
    expect(recs[0]!.findings!.length).toBeGreaterThan(0)
    const last = recs.at(-1)!
    expect(last.input).toEqual({path: file, archive: file})
    expect(last.error?.reason).toMatch(/damaged archive after \d+ member/)
  })

  it('not a tar at all: one error record, and the run goes on', async () => {
    const file = join(tmp, 'fake.tar')
    copyFileSync(DMESG, file)
    const recs = await one([file, DMESG])
    expect(recs[0]!.error?.reason).toMatch(/archive/)
    expect(recs[1]!.error).toBeUndefined()
    // The archive that holds no member is one input of the run (its error record), as a missing file is.
    const r = await cli(['batch', file, DMESG, '--out', join(tmp, 'fake.ndjson')])
    expect(r.stderr).toContain('allocscope: 2 inputs, 2 records, 1 error')
  })
})

describe('files and directories', () => {
  it('an unreadable file and a dangling link are error records between good ones; exit 0', async () => {
    const dir = join(tmp, 'unreadable')
    mkdirSync(dir)
    copyFileSync(DMESG, join(dir, 'a.log'))
    symlinkSync(join(dir, 'nowhere'), join(dir, 'b.log'))
    copyFileSync(DMESG, join(dir, 'c.log'))
    // /proc/self/mem opens but reading at offset 0 fails (EIO), even for root; chmod 000 below for other users.
    const recs = await one([dir, '/proc/self/mem', join(dir, 'c.log')])
    expect(recs.map((r) => r.error?.reason ?? 'ok')).toEqual(['ok', 'no such file or directory', 'ok', expect.stringMatching(/EIO|i\/o error/i)])
    if (process.getuid?.() !== 0) {
      chmodSync(join(dir, 'a.log'), 0)
      expect((await one([join(dir, 'a.log')]))[0]!.error?.reason).toMatch(/permission denied/)
    }
  })

  it('encodings by the first bytes, as analyse reads them: gzip and UTF-16 read, another compression an error record saying what to do', async () => {
    const dir = join(tmp, 'encodings')
    mkdirSync(dir)
    const log = readFileSync(DMESG)
    writeFileSync(join(dir, 'a.gz.log'), gzipSync(log))
    writeFileSync(join(dir, 'b.utf16.log'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(log.toString('utf8'), 'utf16le')]))
    // DERIVED: the zstd frame magic, then the real log's bytes (no reader decompresses zstd).
    writeFileSync(join(dir, 'c.zst'), Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), log]))
    const recs = await one([dir])
    const plain = (await one([DMESG]))[0]!
    expect(recs.slice(0, 2).map((r) => r.findings)).toEqual([plain.findings, plain.findings])
    expect(recs[2]!.error?.reason).toMatch(/zstd-compressed: decompress it first \(zstd -d\)/)
  })

  it('an empty directory is one error record saying so', async () => {
    const dir = join(tmp, 'empty')
    mkdirSync(dir)
    const recs = await one([dir])
    expect(recs).toHaveLength(1)
    expect(recs[0]!.error?.reason).toBe('empty directory: no inputs in it')
  })

  it('duplicate paths: each input once (first wins), a warning on stderr', async () => {
    const r = await cli(['batch', DMESG, NOTRACK, DMESG, SAMPLES.replace(/\/?$/, '/../samples/linux-7.2-notrack-c8-m1024-shrink/dmesg.txt')])
    const recs = records(r.stdout)
    expect(recs.map((x) => x.input.path)).toEqual([DMESG, NOTRACK])
    expect(r.stderr).toMatch(/2 duplicate inputs skipped/)
  })

  it('glob patterns, and --unordered gives the same records', async () => {
    const pattern = join(SAMPLES, 'linux-7.2-*')
    const ordered = await one([pattern])
    expect(ordered.length).toBe(4)
    const unordered = await one(['--unordered', pattern])
    const key = (r: BatchRecord) => JSON.stringify(r)
    expect(unordered.map(key).sort()).toEqual(ordered.map(key).sort())
  })

  it('dir/** and dir/* name each capture directory once, as walking dir does (no trailing slash)', async () => {
    const dir = join(tmp, 'glob dir')
    mkdirSync(join(dir, 'cap one'), {recursive: true})
    for (const f of ['dmesg.txt', 'allocinfo.txt', 'meta.json']) copyFileSync(join(POOL, f), join(dir, 'cap one', f))
    copyFileSync(DMESG, join(dir, 'loose.log'))
    // A file in a subdirectory of the capture: walking takes the capture as one input, then the
    // subdirectory's file (a subdirectory is not part of a capture); so must the glob.
    mkdirSync(join(dir, 'cap one', 'extra'))
    copyFileSync(DMESG, join(dir, 'cap one', 'extra', 'old-dmesg.txt'))
    const walked = await one([dir])
    expect(walked.map((x) => [x.input.path, x.kind])).toEqual([
      [join(dir, 'cap one'), 'capture-dir'],
      [join(dir, 'cap one', 'extra', 'old-dmesg.txt'), 'bootlog'],
      [join(dir, 'loose.log'), 'bootlog'],
    ])
    for (const pattern of [join(dir, '**'), join(dir, '*')]) {
      const r = await cli(['batch', pattern])
      expect(records(r.stdout).map((x) => x.input.path), pattern).toEqual(walked.map((x) => x.input.path))
      expect(r.stderr, pattern).not.toMatch(/duplicate/)
    }
    expect((await cli(['batch', '--list', join(dir, '*')])).stdout).toBe(`${join(dir, 'cap one')}\n${join(dir, 'cap one', 'extra', 'old-dmesg.txt')}\n${join(dir, 'loose.log')}\n`)
  })

  it('--list is a --files-from list: a file named #…# (an autosave) is not read back as a comment', async () => {
    const dir = join(tmp, 'hash names')
    mkdirSync(dir)
    copyFileSync(DMESG, join(dir, '#dmesg.txt#'))
    copyFileSync(DMESG, join(dir, 'b.log'))
    const list = (await cli(['batch', '.', '--list'], {cwd: dir})).stdout
    expect(list).toBe('"#dmesg.txt#"\nb.log\n')
    writeFileSync(join(dir, 'list.txt'), list)
    const recs = records((await cli(['batch', '--files-from', 'list.txt'], {cwd: dir})).stdout)
    // Read back as the path the walk gave (--list quoted it: a line starting with # is a comment).
    expect(recs.map((r) => [r.input.path, r.error])).toEqual([['#dmesg.txt#', undefined], ['b.log', undefined]])
    expect(records((await cli(['batch', '#dmesg.txt#', 'b.log'], {cwd: dir})).stdout).map((r) => r.input.path)).toEqual(['#dmesg.txt#', 'b.log'])
  })

  it('a capture directory with a damaged meta.json is one input whose record says so (not its files one by one)', async () => {
    const dir = join(tmp, 'bad meta')
    mkdirSync(join(dir, 'cap'), {recursive: true})
    copyFileSync(DMESG, join(dir, 'cap', 'dmesg.txt'))
    writeFileSync(join(dir, 'cap', 'meta.json'), '{"hostname": ')
    const recs = await one([dir])
    expect(recs).toHaveLength(1)
    expect(recs[0]).toMatchObject({input: {path: join(dir, 'cap'), mtime: expect.any(String)}, kind: 'capture-dir'})
    expect(recs[0]!.error?.reason).toMatch(/^meta\.json: not valid JSON/)
  })

  it('a capture directory with an empty boot log: the reason names the log, on disk as in a tar (fleet groups them as one)', async () => {
    const dir = join(tmp, 'empty log')
    mkdirSync(join(dir, 'cap'), {recursive: true})
    writeFileSync(join(dir, 'cap', 'dmesg.txt'), '')
    copyFileSync(ALLOCINFO, join(dir, 'cap', 'allocinfo.txt'))
    await makeTar(join(dir, 'cap.tar'), [{name: 'cap/dmesg.txt', data: Buffer.alloc(0)}, {name: 'cap/allocinfo.txt', data: readFileSync(ALLOCINFO)}], false)
    const recs = await one([join(dir, 'cap'), join(dir, 'cap.tar')])
    expect(recs.map((r) => [r.kind, r.error?.reason])).toEqual([
      ['capture-dir', 'dmesg.txt: empty: expected a kernel log'],
      ['capture-dir', 'dmesg.txt: empty: expected a kernel log'],
    ])
  })

  it('--fail-on warning exits 1 when a finding reaches it (alloc_tag was not set), 0 otherwise', async () => {
    expect((await cli(['batch', NOTRACK, '--fail-on', 'warning'])).status).toBe(1)
    expect((await cli(['batch', NOTRACK, '--fail-on', 'error'])).status).toBe(0)
    expect((await cli(['batch', '--resume'])).status).toBe(2)
  })

  it("--fail-on warning exits 1 on a dump's accounting anomaly (negative bytes), as analyse and allocinfo do; 0 on the real dump, whose one summed duplicate is info", async () => {
    const real = readFileSync(ALLOCINFO, 'utf8')
    // DERIVED: the real dump with its first site of non-zero bytes made negative.
    const neg = join(tmp, 'allocinfo-negative.txt')
    writeFileSync(neg, real.replace(/^( *)([1-9]\d*) /m, '$1-$2 '))
    const r = await cli(['batch', neg, '--fail-on', 'warning'])
    expect(r.status).toBe(1)
    expect(records(r.stdout)[0]!.allocinfo).toMatchObject({anomalies: 2, anomalyCounts: {'negative-bytes': 1, 'duplicate-key': 1}})
    expect((await cli(['batch', ALLOCINFO, '--fail-on', 'warning'])).status).toBe(0)
  })

  it('--fail-on covers the whole --out file: the records --resume keeps count as the new ones (was: exit 0 once the warning record was written)', async () => {
    const out = join(tmp, 'resume-gate.ndjson')
    expect((await cli(['batch', '--out', out, NOTRACK])).status).toBe(0)
    // Every input written: nothing left to run, the gate is the kept records'.
    expect((await cli(['batch', '--out', out, '--resume', '--fail-on', 'warning', NOTRACK])).status).toBe(1)
    expect((await cli(['batch', '--out', out, '--resume', '--fail-on', 'error', NOTRACK])).status).toBe(0)
    // Kept warning, new record of info only (the real dump's one summed duplicate): still 1.
    const r = await cli(['batch', '--out', out, '--resume', '--fail-on', 'warning', NOTRACK, ALLOCINFO])
    expect(r.stderr).toMatch(/1 input, 1 record,/)
    expect(r.status).toBe(1)
    // A kept dump's accounting anomaly too (DERIVED: the real dump with one site's bytes negative).
    const neg = join(tmp, 'allocinfo-negative-resume.txt')
    writeFileSync(neg, readFileSync(ALLOCINFO, 'utf8').replace(/^( *)([1-9]\d*) /m, '$1-$2 '))
    const outNeg = join(tmp, 'resume-gate-anomaly.ndjson')
    expect((await cli(['batch', '--out', outNeg, neg])).status).toBe(0)
    expect((await cli(['batch', '--out', outNeg, '--resume', '--fail-on', 'warning', neg])).status).toBe(1)
  })

  it('a dump with more anomalies of a kind, or skipped lines, than the reader keeps (1000 each) counts them all, as analyse does', async () => {
    const real = readFileSync(ALLOCINFO, 'utf8')
    // DERIVED: the real dump with its last site line written 1 200 times more (summed duplicates), then 1 200 lines that are no site.
    const last = real.trimEnd().split('\n').at(-1)!
    const dup = join(tmp, 'allocinfo-duplicates.txt')
    writeFileSync(dup, real + `${last}\n`.repeat(1200) + 'not a site line\n'.repeat(1200))
    const r = await cli(['batch', dup, '--fail-on', 'warning'])
    expect(r.status).toBe(0)
    expect(records(r.stdout)[0]!.allocinfo).toMatchObject({anomalies: 1201, anomalyCounts: {'duplicate-key': 1201}, skipped: 1200})
  })
})

describe('resume and shards', () => {
  // Relative, from the repository: the records are then those of the shared corpus run
  // (test/helpers/corpus-batch.ts), whose first two directories these are.
  const corpus = ['samples', 'testdata/captures']
  const whole = async (): Promise<string[]> => (await corpusBatch()).filter((l) => corpus.some((d) => (JSON.parse(l) as BatchRecord).input.path.startsWith(`${d}/`)))

  it('--resume after a run cut mid-line: the cut line is dropped, the rest written once, the file equals a whole run', async () => {
    const all = await whole()
    expect(all.length).toBeGreaterThan(20)
    const out = join(tmp, 'resume.ndjson')
    writeFileSync(out, all.slice(0, 7).join('\n') + '\n' + all[7]!.slice(0, 100))
    const r = await cli(['batch', '--jobs', '2', '--out', out, '--resume', ...corpus])
    expect(r.status, r.stderr).toBe(0)
    expect(readFileSync(out, 'utf8').split('\n').filter(Boolean)).toEqual(all)
  })

  it('SIGTERM leaves complete lines only; --resume then completes the run', async () => {
    const all = await whole()
    const out = join(tmp, 'sigterm.ndjson')
    const lines = () => {
      try {
        return readFileSync(out, 'utf8').split('\n').length - 1
      } catch {
        return 0
      }
    }
    const code = await interrupt(['batch', '--jobs', '1', '--out', out, ...corpus], out, 3, 'SIGTERM', lines)
    const text = readFileSync(out, 'utf8')
    expect(text.endsWith('\n')).toBe(true)
    for (const l of text.split('\n').filter(Boolean)) expect(() => JSON.parse(l)).not.toThrow()
    if (code !== 0) expect(code).toBe(143)
    expect((await cli(['batch', '--out', out, '--resume', ...corpus])).status).toBe(0)
    expect(readFileSync(out, 'utf8').split('\n').filter(Boolean).sort()).toEqual([...all].sort())
  })

  it('--shard K/N: the N shards are disjoint and together exactly the whole', async () => {
    const all = await whole()
    const shards: string[][] = []
    for (const k of [1, 2, 3]) shards.push((await cli(['batch', '--shard', `${k}/3`, ...corpus])).stdout.split('\n').filter(Boolean))
    expect(shards.every((s) => s.length > 0)).toBe(true)
    expect(shards.flat().sort()).toEqual([...all].sort())
    expect((await cli(['batch', '--shard', '4/3', SAMPLES])).status).toBe(2)
  })
})

const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0

describe.skipIf(!hasScript)('progress', () => {
  it('on a TTY stderr: done/total, files/s, ETA, then the line is cleared (util-linux script gives the pty)', async () => {
    const out = join(tmp, 'tty.ndjson')
    const cmd = `${process.execPath} ${join(REPO, 'bin', 'run.js')} batch ${POOL} ${NOTRACK} --out ${out}`
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {encoding: 'utf8', timeout: 120_000, env: cliEnv()})
    expect(r.stdout).toMatch(/\rallocscope: batch 1\/2 inputs, [\d.]+ files\/s, ETA \d+ s/)
    expect(r.stdout).toContain('\r\x1b[K')
    expect(readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(2)
    // Not a TTY: no progress at all.
    expect((await cli(['batch', NOTRACK])).stderr).toBe('')
  })
})

describe('hostname', () => {
  it('from the host field of syslog / journalctl short / journal JSON (DERIVED from a real dmesg by test/helpers/convert.ts, host "vm"); none in plain dmesg', async () => {
    const {toJournalJson, toJournalShort, toSyslog} = await import('../helpers/convert.js')
    const text = readFileSync(DMESG, 'utf8')
    const files = [toSyslog, toJournalShort, toJournalJson].map((f, i) => {
      const p = join(tmp, `host-${i}.log`)
      writeFileSync(p, f(text))
      return p
    })
    const recs = await one([...files, DMESG])
    expect(recs.map((r) => r.hostname)).toEqual(['vm', 'vm', 'vm', undefined])
    // Same findings whatever the format.
    expect(recs.map((r) => r.findings!.map((f) => f.signature))).toEqual(Array(4).fill(recs[3]!.findings!.map((f) => f.signature)))
  })
})
