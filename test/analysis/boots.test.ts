// Several boots in one log, DERIVED from real captures: two different boots cat'ed together, the
// same kernel booted twice (a real reboot: its stamps differ), a journal export with two
// _BOOT_IDs, and a console that prints `dmesg` again after the boot (the same boot: one boot).
// Each boot must read exactly as its own log does.
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import fc from 'fast-check'
import {afterAll, describe, expect, it} from 'vitest'
import {isTickStamp, MAX_UNORDERED, StampSet} from '../../src/analysis/boots.js'
import {analyseBootLog, analyseBootLogBoots, analyseBootLogText, bootNote, conflictWarnings} from '../../src/analysis/read.js'
import {runCli} from '../helpers/cli.js'
import {toDmesgHuman, toJournalPrecise} from '../helpers/convert.js'
import {captureDir, LAB_CAPTURES, REPO} from '../helpers/paths.js'
import {comparable} from '../helpers/same-analysis.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-boots-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
const A = join(captureDir('linux-7.2-pool-c64-m1024'), 'dmesg.txt')
const B = join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'dmesg.txt')
const a = readFileSync(A, 'utf8')
const b = readFileSync(B, 'utf8')

/** Line numbers (1-based) of the lines of a file matching re: the test's own grep. */
function grepLines(path: string, re: RegExp): number[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((l, i) => (re.test(l) ? [i + 1] : []))
}

function file(name: string, text: string): string {
  const p = join(tmp, name)
  writeFileSync(p, text)
  return p
}

/** DERIVED: the same boot's log with every non-zero stamp 1 µs later (a second boot of one kernel). */
function reboot(text: string): string {
  return text.replace(/^\[( *)(\d+)\.(\d{6})\]/gm, (m, sp: string, s: string, us: string) => {
    const v = Number(s) * 1e6 + Number(us)
    if (v === 0) return m
    const w = v + 1
    return `[${sp}${Math.floor(w / 1e6)}.${String(w % 1e6).padStart(6, '0')}]`
  })
}

describe('several boots in one log', () => {
  it('two boots cat\'ed together (c64, then notrack): two boots, each read as its own log; numbered like journalctl', async () => {
    const p = file('two.txt', a + b)
    const r = await analyseBootLogBoots(p)
    expect(r.count).toBe(2)
    expect(r.boots.map((x) => x.boot?.offset)).toEqual([-1, 0])
    expect(r.boots[1]!.boot?.startReason).toBe('a new "Linux version" banner')
    expect(r.boots[1]!.boot?.firstLine).toBe(a.split('\n').length)
    expect(comparable(r.boots[0]!)).toEqual(comparable(analyseBootLogText(a, p)))
    expect(comparable(r.boots[1]!)).toEqual(comparable(analyseBootLogText(b, p)))
    // One boot for diff and predict --from: the last by default, any by --boot; and they say which.
    const last = await analyseBootLog(p)
    expect(last.host.kasan?.value).toBe('generic')
    expect(bootNote(last)).toBe(`${p}: the log holds 2 boots; using boot 0 (2 of 2, lines ${r.boots[1]!.boot!.firstLine}-${r.boots[1]!.boot!.lastLine}), the last (--boot N picks another: 1 the first, 0 the last, -1 the one before)`)
    expect((await analyseBootLog(p, {boot: 1})).host.possibleCpus?.value).toBe(64)
    expect((await analyseBootLog(p, {boot: -1})).host.possibleCpus?.value).toBe(64)
    await expect(analyseBootLog(p, {boot: 3})).rejects.toThrow(`${p}: --boot 3: the log holds 2 boots (1 to 2 from the first, 0 to -1 from the last)`)
  })

  it('the same kernel booted twice (DERIVED: stamps 1 µs apart): two boots', async () => {
    const r = await analyseBootLogBoots(file('reboot.txt', a + reboot(a)))
    expect(r.count).toBe(2)
  })

  // Two real boots of one host shape: before the TSC is calibrated both stamp in jiffies, and their
  // first stamped lines after the banner repeat to the tick (`[0.008000] APIC: Switch to symmetric
  // I/O mode setup`). A review found them read as one boot printed again (146 of 344 records
  // "repeated", the second WARNING never reported, alloc_tag was not set counted twice).
  const R2 = join(LAB_CAPTURES, 'lab-7.2-legacylate-c16-m16384-n2-r2', 'dmesg.txt')
  const R3 = join(LAB_CAPTURES, 'lab-7.2-legacylate-c16-m16384-n2-r3', 'dmesg.txt')
  const r2 = readFileSync(R2, 'utf8')
  const r3 = readFileSync(R3, 'utf8')

  it('two boots of one machine cat\'ed together (lab r2, then r3), their early lines on the same jiffies: two boots, each read as its own log', async () => {
    const first = r3.split('\n').find((l) => /^\[ *0\.0*[1-9]/.test(l))!
    expect([first, r2.includes(first)]).toEqual(['[    0.008000] APIC: Switch to symmetric I/O mode setup', true])
    const p = file('r2r3.txt', r2 + r3)
    const r = await analyseBootLogBoots(p)
    expect(r.count).toBe(2)
    expect(r.boots[1]!.boot?.firstLine).toBe(r2.split('\n').length)
    expect(r.boots.map((x) => x.replays)).toEqual([undefined, undefined])
    expect(comparable(r.boots[0]!)).toEqual(comparable(analyseBootLogText(r2, p)))
    expect(comparable(r.boots[1]!)).toEqual(comparable(analyseBootLogText(r3, p)))
  })

  it('the same boot cat\'ed twice (lab r2, whose first stamped lines are on jiffies): one boot, the copy printed again', async () => {
    const lines = r2.split('\n').length - 1
    const r = await analyseBootLog(file('r2twice.txt', r2 + r2))
    expect(r.replays).toEqual([{line: lines + 1, records: lines, repeated: lines}])
    expect(comparable(r)).toEqual(comparable(analyseBootLogText(r2, R2)))
  })

  it('a log stamped in jiffies throughout (DERIVED: r2 with every stamp on a whole millisecond): printed again is one boot, booted again is two', async () => {
    const ms = (shift: number) => (l: string) => l.replace(/^\[( *)(\d+)\.(\d{6})\]/, (m, sp: string, sec: string, us: string) => {
      const v = Number(sec) * 1000 + Math.floor(Number(us) / 1000)
      return v === 0 ? m : `[${sp}${Math.floor((v + shift) / 1000)}.${String((v + shift) % 1000).padStart(3, '0')}000]`
    })
    const ticks = r2.split('\n').map(ms(0)).join('\n')
    const again = await analyseBootLogBoots(file('ticks-twice.txt', ticks + ticks))
    expect([again.count, again.boots[0]!.replays?.length]).toEqual([1, 1])
    const rebooted = ticks.split('\n').map(ms(4)).join('\n')
    expect((await analyseBootLogBoots(file('ticks-reboot.txt', ticks + rebooted))).count).toBe(2)
  })

  it('every line written twice in place (DERIVED: two captures of one console into one file): one boot, its report once and marked corrupted, saying why', async () => {
    const doubled = b.split('\n').flatMap((l) => (l === '' ? [l] : [l, l])).join('\n')
    const p = file('doubled.txt', doubled)
    const r = await analyseBootLogBoots(p)
    expect(r.count).toBe(1)
    const cut = grepLines(p, /cut here/)
    const f = r.boots[0]!.findings
    expect(f.map((x) => [x.id, x.line, x.corrupted, x.splat?.corruptedReason])).toEqual([['alloc-tag-not-set', cut[0], true, `line ${cut[1]} repeats line ${cut[0]} (the same stamp and text): the log written twice, interleaved`]])
    // Once: the log as written by one capture has the same report, whole.
    expect(analyseBootLogText(b, B).findings.map((x) => [x.id, x.corrupted])).toEqual([['alloc-tag-not-set', false]])
    // Without the kernel's time (dmesg -T, journalctl short-precise) the wall clock tells the line written twice.
    for (const [name, shape] of [['T', toDmesgHuman], ['precise', toJournalPrecise]] as const) {
      const q = file(`doubled-${name}.txt`, shape(b).split('\n').flatMap((l) => (l === '' ? [l] : [l, l])).join('\n'))
      const w = await analyseBootLogBoots(q)
      const at = grepLines(q, /cut here/)
      expect([w.count, w.boots[0]!.findings.map((x) => [x.id, x.line, x.corrupted])], name).toEqual([1, [['alloc-tag-not-set', at[0], true]]])
    }
  })

  it('a tick stamp is one on a whole millisecond', () => {
    expect([0.008, 0.012, 12, 4.004].map(isTickStamp)).toEqual([true, true, true, true])
    expect([0.000348, 1.000001, 0.0095, 312.717471].map(isTickStamp)).toEqual([false, false, false, false])
  })

  it('a console that prints dmesg again after the boot (the lab captures) stays one boot, as before', async () => {
    const p = join(captureDir('linux-7.2-pool-c64-m1024'), 'console.log')
    const r = await analyseBootLogBoots(p)
    expect(r.count).toBe(1)
    expect(r.boots[0]!.boot).toBeUndefined()
  })

  it('a console that prints dmesg again: the replayed records are not analysed again (notrack: its WARN_ONCE fired once), said where', async () => {
    const p = join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'console.log')
    const r = await analyseBootLog(p)
    const banners = grepLines(p, /Linux version/)
    // The live console's 321 stamped lines come again in dmesg's 331 (10 lines the console did not show) from the second banner on.
    expect(r.replays).toEqual([{line: banners[1], records: 331, repeated: 321}])
    expect(r.findings.map((f) => [f.id, f.line, f.count])).toEqual([['alloc-tag-not-set', grepLines(p, /cut here/)[0], 1]])
    expect([r.records, r.timeWentBackwards, r.klab.length]).toEqual([332, undefined, 2])
    // Facts and profiling mode from the first copy alike.
    expect([r.profiling.modeLine, r.host.onlineCpus?.line]).toEqual([grepLines(p, /profiling is enabled/)[0], grepLines(p, /smp: Brought up/)[0]])
  })

  it('a dmesg cat\'ed twice (DERIVED): read as the dmesg alone, the copy counted as printed again', async () => {
    const r = await analyseBootLog(file('twice.txt', b + b))
    const lines = b.split('\n').length - 1
    expect(r.replays).toEqual([{line: lines + 1, records: lines, repeated: lines}])
    expect(comparable(r)).toEqual(comparable(analyseBootLogText(b, B)))
  })

  it('two boots\' lines with neither a banner nor a clock restart between them (DERIVED): one boot, the once-per-boot messages printed again with other values are conflicts, named with both lines', async () => {
    // notrack's whole log, then c64's lines after 1.5 s (its banner and early boot cut away): the clock goes back 14 s → 1.5 s.
    const tail = a.split('\n').filter((l) => Number(/^\[\s*([\d.]+)\]/.exec(l)?.[1] ?? 0) > 1.5)
    const p = file('merged.txt', b + tail.join('\n') + '\n')
    const r = await analyseBootLogBoots(p)
    expect(r.count).toBe(1)
    const at = (re: RegExp): number[] => grepLines(p, re)
    const got = r.boots[0]!.factConflicts?.map((c) => [c.fact, c.first.value, c.first.line, c.second.value, c.second.line])
    expect(got).toEqual([
      ['onlineCpus', '8', at(/smp: Brought up/)[0], '64', at(/smp: Brought up/)[1]],
      ['memoryAvailableKiB', '827060', at(/ Memory: /)[0], '982156', at(/ Memory: /)[1]],
    ])
    expect(r.boots[0]!.host.onlineCpus?.value).toBe(8)
    expect(conflictWarnings(r.boots[0]!)[0]).toBe(
      `${p}:${at(/smp: Brought up/)[1]}: online CPUs 64 here, but 8 at line ${at(/smp: Brought up/)[0]} of the same boot, from a message printed once per boot: two boots' lines with no boundary seen between them? (the first is kept)`,
    )
    // Each capture alone, and the console that prints its dmesg again, has none.
    for (const x of [A, B, join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'console.log')]) expect((await analyseBootLog(x)).factConflicts).toBeUndefined()
  })

  it('a journal export with two _BOOT_IDs splits there, even without a banner', async () => {
    const entry = (boot: string, usec: number, msg: string): string => `_BOOT_ID=${boot}\n_TRANSPORT=kernel\n_SOURCE_MONOTONIC_TIMESTAMP=${usec}\nMESSAGE=${msg}\n\n`
    const one = '11111111111111111111111111111111'
    const two = '22222222222222222222222222222222'
    const p = file('two.export', entry(one, 0, 'Linux version 7.2.13 (x)') + entry(one, 5, 'smp: Brought up 1 node, 4 CPUs') + entry(two, 7, 'smp: Brought up 1 node, 8 CPUs'))
    const r = await analyseBootLogBoots(p)
    expect(r.count).toBe(2)
    expect(r.boots.map((x) => [x.boot?.id, x.host.onlineCpus?.value])).toEqual([
      [one, 4],
      [two, 8],
    ])
    expect(r.boots[1]!.boot?.startReason).toBe(`_BOOT_ID changes to ${two}`)
  })

  it.skipIf(!existsSync(join(REPO, 'dist', 'commands')))('analyse reports every boot; --boot=-1 picks one; predict --from says which (built CLI, in-process)', async () => {
    const p = file('cli-two.txt', a + b)
    const run = (...args: string[]) => runCli(args)
    const all = await run('analyse', p, '--json')
    expect(all.status).toBe(0)
    const j = JSON.parse(all.stdout).result
    expect(j.count).toBe(2)
    expect(j.boots.map((x: {host: {possibleCpus: {value: number}}}) => x.host.possibleCpus.value)).toEqual([64, 8])
    const text = await run('analyse', p, '--format', 'text')
    expect(text.stdout).toContain('Boot -1: Host')
    expect(text.stdout).toContain('Boot 0: Host')
    const one = JSON.parse((await run('analyse', p, '--json', '--boot=-1')).stdout).result
    expect(one.host.possibleCpus.value).toBe(64)
    expect(one.boot).toMatchObject({index: 1, offset: -1, count: 2})
    const pred = await run('predict', '--from', p, '--json')
    expect(JSON.parse(pred.stdout).warnings[0]).toMatch(/the log holds 2 boots; using boot 0 \(2 of 2/)
    const diff = await run('diff', p, B, '--json')
    expect(JSON.parse(diff.stdout).warnings[0]).toMatch(/the log holds 2 boots; using boot 0/)
  })

  it.skipIf(!existsSync(join(REPO, 'dist', 'commands')))('--block findings picks every boot\'s Findings, in order, as on one boot (was: exit 2, no such block)', async () => {
    const p = file('cli-block.txt', a + b)
    const csv = await runCli(['analyse', p, '--block', 'findings', '--format', 'csv'])
    expect(csv.status).toBe(0)
    // One table for both boots, the boot in its first column (test/cli/block-csv-boots.test.ts has the rest).
    expect(csv.stdout.split('\n').filter((l) => l.startsWith('# '))).toEqual([])
    expect(csv.stdout).toContain('\n0,warning,alloc-tag-not-set,')
    const one = await runCli(['analyse', p, '--block', 'Boot 0: Findings', '--format', 'csv'])
    expect([one.status, one.stdout.split('\n')[0]]).toEqual([0, 'severity,id,title,title corrupted,line,count'])
    expect((await runCli(['analyse', A, '--block', 'FINDINGS', '--format', 'csv'])).status).toBe(0)
  })
})

describe('StampSet (the stamps a replay is recognised by)', () => {
  // Times as real stamps are (microseconds), drawn from few values so that repeats and ties come often.
  const stamp = fc.tuple(fc.integer({min: 1, max: 40}).map((us) => us / 1e6), fc.constantFrom('a', 'b', 'c'))
  // Up to 4 × MAX_UNORDERED pairs: shuffled ones move to the Map on the way, sorted ones never do.
  it('holds exactly the pairs added, in order or not (against a Set of keys)', () => {
    fc.assert(
      fc.property(fc.array(stamp, {maxLength: 4 * MAX_UNORDERED, size: 'max'}), fc.boolean(), fc.array(stamp, {maxLength: 20}), (pairs, sorted, probes) => {
        const added = sorted ? [...pairs].sort((x, y) => x[0] - y[0]) : pairs
        const set = new StampSet()
        const want = new Set<string>()
        for (const [t, x] of added) {
          set.add(t, x)
          want.add(`${t} ${x}`)
          expect(set.size).toBe(want.size)
        }
        for (const [t, x] of [...added, ...probes]) expect(set.has(t, x), `${t} ${x}`).toBe(want.has(`${t} ${x}`))
      }),
      {numRuns: 300},
    )
  })
})
