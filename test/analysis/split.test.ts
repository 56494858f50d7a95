// A large log read in pieces (src/analysis/split.ts) must give the single-threaded analysis
// exactly: the pieces are cut at record boundaries, read apart, and their records and reader
// stats put back in file order. Real logs of the corpus, cut at every record of every splat
// (a report across a cut is still one report, its lines the file's), at random points
// (fast-check), and DERIVED files for what real logs here lack (several boots, dmesg -r form,
// NUL runs, leading padding). The pieces are read on the main thread here (jobs: 0: the same
// pieces, packing and merge, no threads); test/commands/analyse-split.test.ts runs the threads.
import {appendFileSync, closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {EventEmitter} from 'node:events'
import type {Worker} from 'node:worker_threads'
import fc from 'fast-check'
import {afterAll, describe, expect, it} from 'vitest'
import {analyseBootLogBoots} from '../../src/analysis/read.js'
import {onThreads, planPieces} from '../../src/analysis/split.js'
import {sniffBootLogFile} from '../../src/readers/bootlog/index.js'
import {derivedInTrace, DMESG_JSON_LINES, KMSG_LINES} from '../helpers/derived-splats.js'
import {LAB_CAPTURES, PEER, SAMPLES} from '../helpers/paths.js'

const SPLATS = [
  join(PEER, '198'), // console, two reports (one corrupted), 248 report lines
  join(PEER, '164'), // console, six reports, four corrupted
  join(PEER, '140'),
  join(LAB_CAPTURES, 'lab-6.12-instr-nodebug-c32-m1024', 'dmesg.txt'), // plain dmesg, two reports
  join(LAB_CAPTURES, 'lab-7.2-legacylate-kasan-c1-m1024', 'dmesg.txt'), // KASAN reports
  join(LAB_CAPTURES, 'lab-7.2-legacylate-c16-m1024-n2', 'dmesg.txt'), // a corrupted WARNING
]
/**
 * Serial consoles (QEMU's): every line ends in CRLF, a cut after any of them. The same boots'
 * dmesg.txt above are cut at every record of every report; here what is new is the CRLF, so the
 * first report of each is enough (all of them took ~3.7 s of the suite's time).
 */
const CRLF_SPLATS = [
  join(LAB_CAPTURES, 'lab-7.2-legacylate-kasan-c1-m1024', 'console.log'),
  join(LAB_CAPTURES, 'lab-7.2-legacylate-c16-m1024-n2', 'console.log'),
]

const dir = mkdtempSync(join(tmpdir(), 'allocscope-split-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))

/** DERIVED: two real boots one after the other (a reboot in one log), in `dmesg -r` form. */
function twoBootsRaw(): string {
  const a = readFileSync(join(LAB_CAPTURES, 'lab-7.2-legacylate-kasan-c1-m1024', 'dmesg.txt'), 'utf8')
  const b = readFileSync(join(LAB_CAPTURES, 'lab-7.2-legacylate-c16-m1024-n2', 'dmesg.txt'), 'utf8')
  const path = join(dir, 'two-boots.raw.txt')
  writeFileSync(path, (a + b).replace(/^(?=\[)/gm, '<6>'))
  return path
}

/** DERIVED: a real log with blank lines and NULs before it, NUL runs and a CRLF line inside, no final newline. */
function padded(): string {
  const lines = readFileSync(join(PEER, '198'), 'utf8').split('\n')
  lines[10] += '\0\0\0'
  lines[40] = '\0'.repeat(100) + lines[40]!
  lines[60] += '\r'
  const path = join(dir, 'padded.txt')
  writeFileSync(path, '\n\n\0\0\n' + lines.join('\n').trimEnd())
  return path
}

const whole = async (path: string): Promise<string> => JSON.stringify(await analyseBootLogBoots(path, {}, 'all'))
const cut = async (path: string, points: number[]): Promise<string> => JSON.stringify(await analyseBootLogBoots(path, {split: {points, jobs: 0}}, 'all'))

/** Byte offset of each line's start (1-based line numbers). */
function lineStarts(path: string): number[] {
  const buf = readFileSync(path)
  const out = [0, 0]
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) out.push(i + 1)
  return out
}

describe('a log read in pieces gives the single-threaded analysis', () => {
  const logs = [...SPLATS.map((p) => [p, 'every report', Infinity] as const), ...CRLF_SPLATS.map((p) => [p, 'its first report', 1] as const)]
  it.each(logs)('%s: cut at every record of %s', async (path, _what, most) => {
    const expected = await whole(path)
    const res = await analyseBootLogBoots(path, {}, 'all')
    const reports = res.boots.flatMap((b) => b.findings.flatMap((f) => (f.splat ? [f.splat] : []))).slice(0, most)
    expect(reports.length).toBeGreaterThan(0)
    const starts = lineStarts(path)
    const text = readFileSync(path, 'latin1').split('\n')
    const size = statSync(path).size
    let cuts = 0
    for (const s of reports) {
      for (let line = s.startLine; line <= s.endLine + 1 && line < starts.length; line++) {
        const at = starts[line]!
        const pieces = planPieces(path, size, [at])
        // A line with its own printk prefix is a record boundary: the cut is exactly there.
        if (/^(<\d+>)?\[/.test(text[line - 1]!)) expect(pieces.map((p) => p.start)).toEqual([0, at])
        if (pieces.length === 2) cuts++
        expect(await cut(path, [at])).toBe(expected)
      }
    }
    expect(cuts).toBeGreaterThan(0)
  })

  it('two boots in dmesg -r form, cut at every line around the second banner', async () => {
    const path = twoBootsRaw()
    const expected = await whole(path)
    const res = await analyseBootLogBoots(path, {}, 'all')
    expect(res.count).toBe(2)
    const second = res.boots[1]!.boot!.firstLine
    const starts = lineStarts(path)
    for (let line = second - 3; line <= second + 8; line++) expect(await cut(path, [starts[line]!])).toBe(expected)
  })

  it('a line of another log\'s form in a report\'s trace (DERIVED: a /dev/kmsg dictionary line, dmesg --json lines): its mark crosses the packing, cut at every line around it', async () => {
    const numa2 = readFileSync(join(SAMPLES, 'linux-6.12-instr_smp064_2G_numa2', 'dmesg.txt'), 'utf8').split('\n')
    for (const [other, reason] of [[KMSG_LINES, 'line 173 is in /dev/kmsg form'], [DMESG_JSON_LINES, 'line 172 is in dmesg --json form']] as const) {
      const path = join(dir, 'other-in-trace.txt')
      writeFileSync(path, derivedInTrace(numa2, other))
      // Read as util-linux dmesg (the kmsg lines make the sniff say console, which takes no indented line in).
      const read = async (split?: {points: number[]; jobs: number}): Promise<string> => JSON.stringify(await analyseBootLogBoots(path, {format: 'dmesg', split}, 'all'))
      const expected = await read()
      expect(expected).toContain(reason)
      const starts = lineStarts(path)
      for (let line = 165; line <= 176; line++) expect(await read({points: [starts[line]!], jobs: 0})).toBe(expected)
    }
  })

  it('leading padding, NUL runs, CR and no final newline: the reader stats merge to the whole file', async () => {
    const path = padded()
    const expected = await whole(path)
    expect(expected).toContain('"nul"')
    const starts = lineStarts(path)
    for (let line = 2; line < starts.length; line += 3) expect(await cut(path, [starts[line]!])).toBe(expected)
  })

  it('random cuts (fast-check)', async () => {
    const files = [SPLATS[0]!, SPLATS[4]!, twoBootsRaw(), padded()]
    const expected = new Map<string, string>()
    for (const f of files) expected.set(f, await whole(f))
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...files), fc.array(fc.double({min: 0, max: 1, noNaN: true}), {minLength: 1, maxLength: 5}), async (f, at) => {
        const size = statSync(f).size
        expect(await cut(f, at.map((x) => Math.floor(x * size)))).toBe(expected.get(f))
      }),
      {numRuns: 60},
    )
  })

  it('progress goes up to the size of the file, in order', async () => {
    const path = SPLATS[4]!
    const size = statSync(path).size
    const seen: number[] = []
    await analyseBootLogBoots(path, {split: {points: [size / 4, size / 2, (3 * size) / 4].map(Math.floor), jobs: 0}, onProgress: (read) => seen.push(read)}, 'all')
    expect(seen.length).toBeGreaterThan(3)
    expect([...seen].sort((a, b) => a - b)).toEqual(seen)
    expect(seen.at(-1)).toBe(size)
  })

  it('the file replaced or removed while read (log rotation): the pieces are still the file that was opened', async () => {
    // DERIVED: a copy of a real log, renamed away during the run and another real log put in its place.
    const path = join(dir, 'rotated.txt')
    copyFileSync(SPLATS[4]!, path)
    const expected = (await whole(path)).replaceAll(path, '')
    const size = statSync(path).size
    let rotated = false
    const onProgress = (): void => {
      if (rotated) return
      rotated = true
      renameSync(path, `${path}.1`)
      copyFileSync(SPLATS[5]!, path)
    }
    const got = await analyseBootLogBoots(path, {split: {points: [size / 3, (2 * size) / 3].map(Math.floor), jobs: 0}, onProgress}, 'all')
    expect(rotated).toBe(true)
    expect(JSON.stringify(got).replaceAll(path, '')).toBe(expected)
    // Removed (not replaced) after the first piece: read to the end as well.
    copyFileSync(`${path}.1`, path)
    rotated = false
    const removed = await analyseBootLogBoots(path, {split: {points: [Math.floor(size / 2)], jobs: 0}, onProgress: () => rotated || ((rotated = true), rmSync(path))}, 'all')
    expect(JSON.stringify(removed).replaceAll(path, '')).toBe(expected)
  })

  it('a log still written while read: the last piece reads to the end of the file, as one thread does', async () => {
    // DERIVED: a real log, and another real log appended to it once the first piece is read.
    const path = join(dir, 'growing.txt')
    copyFileSync(SPLATS[4]!, path)
    const size = statSync(path).size
    let grown = false
    const onProgress = (): void => {
      if (!grown) appendFileSync(path, readFileSync(SPLATS[5]!))
      grown = true
    }
    const got = await analyseBootLogBoots(path, {split: {points: [Math.floor(size / 2)], jobs: 0}, onProgress}, 'all')
    expect(got.boots.length).toBe(2)
    expect(JSON.stringify(got)).toBe(await whole(path))
  })

  it('the format is sniffed from the file opened, whatever the path names by then', async () => {
    // DERIVED: a copy of a real log, opened, then renamed away and a file of prose put in its place.
    const path = join(dir, 'sniffed.txt')
    copyFileSync(SPLATS[4]!, path)
    const fd = openSync(path, 'r')
    try {
      renameSync(path, `${path}.1`)
      writeFileSync(path, 'no kernel here\n'.repeat(300))
      expect((await sniffBootLogFile(path, {fd})).detection.format).toBe('dmesg')
    } finally {
      closeSync(fd)
    }
  })

  it('a reader thread that stops without an error (exit) ends the read with an error, not a wait that never ends', async () => {
    // A stand-in for a Worker: it takes its first piece and exits, as a thread that dies does.
    const thread = Object.assign(new EventEmitter(), {postMessage: () => setImmediate(() => thread.emit('exit', 3))})
    const path = SPLATS[4]!
    const detected = {format: 'dmesg' as const, reason: 'test', timed: true, recognised: true, binary: false}
    const tasks = [0, 1].map((seq) => ({seq, path, fd: -1, start: seq * 100, end: seq * 100 + 100, detected}))
    const read = async (): Promise<void> => {
      for await (const _ of onThreads(tasks, [thread as unknown as Worker]));
    }
    await expect(read()).rejects.toThrow(/reader thread stopped \(exit code 3\)/)
  }, 3000)

  it('a cut finds no boundary in text without printk prefixes: one piece', () => {
    const path = join(dir, 'plain.txt')
    writeFileSync(path, 'no prefix here\n'.repeat(1000))
    expect(planPieces(path, statSync(path).size, [5000])).toEqual([{start: 0, end: statSync(path).size}])
  })
})

describe('a dropped-messages notice on its own line before a cut', () => {
  it('(DERIVED) its count still reaches the record after it: the report it precedes inside is marked the same, cut at every line around it', async () => {
    // The topology_sane WARNING of a real boot with a notice inserted inside its register dump (after line 152).
    const lines = readFileSync(join(SAMPLES, 'linux-6.12-instr_smp064_2G_numa2', 'dmesg.txt'), 'utf8').split('\n')
    lines.splice(152, 0, '** 3 printk messages dropped **')
    const path = join(dir, 'dropped-notice.txt')
    writeFileSync(path, lines.join('\n'))
    const expected = await whole(path)
    expect(expected).toContain('3 printk messages dropped before line 154')
    const starts = lineStarts(path)
    for (let line = 150; line <= 157; line++) expect(await cut(path, [starts[line]!])).toBe(expected)
  })
})
