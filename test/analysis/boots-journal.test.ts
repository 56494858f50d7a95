// Boots in the journal's and util-linux's other shapes, DERIVED from real captures (samples/) by
// test/helpers/convert.ts: a boot printed twice is one boot in every shape, also one with a boot
// id on every entry (journalctl -o export / -o json) or no kernel time at all (dmesg -T, journalctl
// short-precise and short: the wall clock repeats); two boots are two in every shape, also where
// only journal-json's _BOOT_ID or journalctl's `-- Boot <id> --` line says so (found by a review).
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {analyseBootLog, analyseBootLogBoots} from '../../src/analysis/read.js'
import {openBootLog} from '../../src/readers/bootlog/index.js'
import {REASON} from '../../src/readers/bootlog/text-formats.js'
import {wallSeconds} from '../../src/readers/bootlog/wall.js'
import type {BootAnalysis, LogRecord} from '../../src/types.js'
import {records as batchRecords} from '../batch/helpers.js'
import {runCli} from '../helpers/cli.js'
import {dmesgLines, toDmesgHuman, toJournalExport, toJournalJson, toJournalPrecise, toJournalShort, type WallOptions} from '../helpers/convert.js'
import {captureDir, REPO} from '../helpers/paths.js'
import {comparable} from '../helpers/same-analysis.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-boots-journal-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
/** "SH": 331 stamped lines, one `alloc_tag was not set` WARN. */
const SH = readFileSync(join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'dmesg.txt'), 'utf8')
const SH_RECORDS = dmesgLines(SH).length
/** SH's first 250 lines: a console that showed the boot again, cut before its WARN. */
const SH_HEAD = SH.split('\n').slice(0, 250).join('\n') + '\n'
/** The c64 pool boot after 1.5 s (its banner and early boot cut away): a second boot with no banner, other once-per-boot values. */
const TAIL = readFileSync(join(captureDir('linux-7.2-pool-c64-m1024'), 'dmesg.txt'), 'utf8')
  .split('\n')
  .filter((l) => Number(/^\[\s*([\d.]+)\]/.exec(l)?.[1] ?? 0) >= 1.5)
  .join('\n') + '\n'
const ID_A = 'a'.repeat(32)
const ID_B = 'b'.repeat(32)
/** The c64 pool boot whole. */
const C64 = readFileSync(join(captureDir('linux-7.2-pool-c64-m1024'), 'dmesg.txt'), 'utf8')
/** The second boot's wall clock: an hour after the first's. */
const LATER: WallOptions = {laterMs: 3_600_000}

function file(name: string, data: string | Buffer): string {
  const p = join(tmp, name)
  writeFileSync(p, data)
  return p
}

/** Lines of a piece of text log: the next piece's first line is this + 1. */
const lineCount = (text: string): number => text.split('\n').length - 1

/** The lines of the records `pick` picks, as the reader numbers them. */
async function recordLines(path: string, pick: (r: LogRecord) => boolean): Promise<number[]> {
  const s = await openBootLog(path)
  const out: number[] = []
  for await (const r of s.records) if (pick(r)) out.push(r.line)
  return out
}

const banner = (r: LogRecord): boolean => r.text.startsWith('Linux version ')

const findings = (b: BootAnalysis) => b.findings.map((f) => [f.id, f.count])

/** A boot printed again (a dmesg cat'ed twice, journalctl of a journal that holds it twice), in one shape: each copy made by `shape`. */
const REPLAY_SHAPES: Array<[string, (t: string) => string | Buffer]> = [
  ['dmesg', (t) => t],
  ['journalctl -o export, one _BOOT_ID throughout', (t) => toJournalExport(t, ID_A)],
  ['journalctl -o json, one _BOOT_ID throughout', (t) => toJournalJson(t, ID_A)],
  ['dmesg -T (wall clock to the second, no kernel time)', (t) => toDmesgHuman(t)],
  ['journalctl short-precise (wall clock to the µs, no kernel time)', (t) => toJournalPrecise(t, {boot: null})],
  ['journalctl short (wall clock to the second, no kernel time)', (t) => toJournalShort(t, {boot: null})],
]

describe('a boot printed again stays one boot in every shape (DERIVED from notrack SH)', () => {
  for (const [name, shape] of REPLAY_SHAPES) {
    for (const [what, again, n] of [
      ['whole', SH, SH_RECORDS],
      ['its first 250 lines', SH_HEAD, 250],
    ] as const) {
      it(`${name}: SH then ${what} again: one boot, printed again from the copy's first line, ${n} of ${n} repeated; the finding once, as in SH alone`, async () => {
        const first = shape(SH)
        const once = await analyseBootLog(file(`once-${REPLAY_SHAPES.findIndex((s) => s[0] === name)}.log`, first))
        const p = file(`replay-${n}.log`, Buffer.concat([Buffer.from(first), Buffer.from(shape(again))]))
        const r = await analyseBootLogBoots(p)
        // Was (export, -T, short-precise): 2 boots, the second 'a new "Linux version" banner', each with the finding.
        expect(r.count).toBe(1)
        const boot = r.boots[0]!
        expect(boot.boot).toBeUndefined()
        expect(boot.replays).toEqual([{line: (await recordLines(p, banner))[1], records: n, repeated: n}])
        expect(findings(boot)).toEqual([['alloc-tag-not-set', 1]])
        expect(boot.findings[0]!.line).toBe(once.findings[0]!.line)
        expect(comparable(boot)).toEqual(comparable(once))
      })
    }
  }

  it('dmesg -T, short-precise and short: SH, then SH booted again an hour later (the wall clock moved on): two boots, each with its finding', async () => {
    for (const shape of [toDmesgHuman, (t: string, o?: WallOptions) => toJournalPrecise(t, {boot: null, ...o}), (t: string, o?: WallOptions) => toJournalShort(t, {boot: null, ...o})]) {
      const first = shape(SH)
      const r = await analyseBootLogBoots(file('rebooted.log', first + shape(SH, LATER)))
      expect(r.count).toBe(2)
      expect(r.boots.map((b) => [b.boot?.firstLine, b.boot?.startReason, b.replays])).toEqual([
        [1, undefined, undefined],
        [lineCount(first) + 1, 'a new "Linux version" banner', undefined],
      ])
      expect(r.boots.map(findings)).toEqual([[['alloc-tag-not-set', 1]], [['alloc-tag-not-set', 1]]])
    }
  })

  it('dmesg -T printed twice, read in pieces (src/analysis/split.ts: a large dmesg -T log): the wall clock crosses with the records, the same one boot', async () => {
    const text = toDmesgHuman(SH) + toDmesgHuman(SH)
    const p = file('replay-split.log', text)
    const size = Buffer.byteLength(text)
    const whole = await analyseBootLogBoots(p)
    const cut = await analyseBootLogBoots(p, {split: {points: [size / 3, size / 2, (3 * size) / 4].map(Math.floor), jobs: 0}})
    expect(cut.count).toBe(1)
    expect(cut.boots[0]!.replays).toEqual([{line: lineCount(toDmesgHuman(SH)) + 1, records: SH_RECORDS, repeated: SH_RECORDS}])
    expect(JSON.stringify(cut)).toBe(JSON.stringify(whole))
  })

  it.skipIf(!existsSync(join(REPO, 'dist', 'commands')))('batch writes one record for SH printed twice as an export, and diff of SH against SH then its first 250 lines finds no finding gone (built CLI)', async () => {
    // (No binary MESSAGE fields: batch reads a small file as UTF-8 text, which a binary field's size bytes do not survive.)
    const p = file('cli-replay.export', Buffer.concat([toJournalExport(SH, ID_A, false), toJournalExport(SH, ID_A, false)]))
    const b = await runCli(['batch', p, '-j', '1'])
    expect(b.status, b.stderr).toBe(0)
    const recs = batchRecords(b.stdout)
    // Was: two records with the same boot id, each with the finding.
    expect(recs.map((x) => [x.boot, x.findings?.map((f) => f.id)])).toEqual([[undefined, ['alloc-tag-not-set']]])
    const short = file('cli-shortreplay.export', Buffer.concat([toJournalExport(SH, ID_A, false), toJournalExport(SH_HEAD, ID_A, false)]))
    const d = await runCli(['diff', join(captureDir('linux-7.2-notrack-c8-m1024-shrink'), 'dmesg.txt'), short, '--format', 'text'])
    // Was: the finding `disappeared` (diff took the shorter second copy as the last boot).
    expect(d.stdout).toContain('no finding appeared or disappeared')
  })
})

describe('two boots are two where only the journal says so (DERIVED: SH, then the c64 boot after 1.5 s)', () => {
  /** SH (one WARN, 8 CPUs) and TAIL (no finding, 64 CPUs, no banner): each boot's own, no conflict between them. */
  function expectTwo(r: Awaited<ReturnType<typeof analyseBootLogBoots>>, secondLine: number, ids: Array<string | undefined>, why = `_BOOT_ID changes to ${ID_B}`) {
    expect(r.count).toBe(2)
    expect(r.boots.map((b) => [b.boot?.firstLine, b.boot?.lastLine, b.boot?.startReason, b.boot?.id])).toEqual([
      [1, secondLine - 1, undefined, ids[0]],
      [secondLine, expect.any(Number), why, ids[1]],
    ])
    expect(r.boots.map(findings)).toEqual([[['alloc-tag-not-set', 1]], []])
    expect(r.boots.map((b) => b.host.onlineCpus?.value)).toEqual([8, 64])
    // Was: one boot, the second's once-per-boot messages conflicts ("two boots' lines with no boundary seen between them?").
    expect(r.boots.map((b) => b.factConflicts)).toEqual([undefined, undefined])
  }

  it('journalctl -o json: _BOOT_ID aaaa… then bbbb…: two boots, split at the first entry of bbbb…', async () => {
    const first = toJournalJson(SH, ID_A)
    const r = await analyseBootLogBoots(file('bootid.json', first + toJournalJson(TAIL, ID_B)))
    expectTwo(r, lineCount(first) + 1, [ID_A, ID_B])
  })

  it('journalctl -o export, as before: two boots at the _BOOT_ID change', async () => {
    const p = file('bootid.export', Buffer.concat([toJournalExport(SH, ID_A), toJournalExport(TAIL, ID_B)]))
    expectTwo(await analyseBootLogBoots(p), (await recordLines(p, (r) => r.boot === ID_B))[0]!, [ID_A, ID_B])
  })

  for (const [name, shape] of [
    ['short', toJournalShort],
    ['short-precise', toJournalPrecise],
  ] as const) {
    it(`journalctl ${name}: \`-- Boot bbbb… --\` between the boots (journalctl prints none before the first): two boots, the second from the line after it`, async () => {
      const first = shape(SH, {boot: null})
      const p = file(`bootsep-${name}.log`, first + shape(TAIL, {boot: ID_B, ...LATER}))
      expectTwo(await analyseBootLogBoots(p), lineCount(first) + 2, [undefined, ID_B], `a "-- Boot ${ID_B} --" line (journalctl)`)
    })

    it(`journalctl ${name}: a \`-- Boot <id> --\` line before each boot: two boots, each with its id`, async () => {
      const first = shape(SH, {boot: ID_A})
      const p = file(`bootsep2-${name}.log`, first + shape(TAIL, {boot: ID_B, ...LATER}))
      expectTwo(await analyseBootLogBoots(p), lineCount(first) + 2, [ID_A, ID_B], `a "-- Boot ${ID_B} --" line (journalctl)`)
    })
  }

  // journalctl before systemd 255 prints `-- Reboot --` (no id) between boots: a boot starts after it
  // too (a stand-in id, not reported as one). Was: a skipped line only, the two boots one, or split
  // at the whole boot's banner only when its wall clock told it from a replay.
  for (const [name, second] of [
    ['the c64 boot after 1.5 s (no banner)', TAIL],
    ['the whole c64 boot (samples/linux-7.2-pool-c64-m1024, its banner)', C64],
  ] as const) {
    it(`journalctl short of an older systemd: SH, \`-- Reboot --\`, ${name}: two boots, the second from the line after it, no id`, async () => {
      const first = toJournalShort(SH, {boot: null})
      const p = file(`reboot-${second.length}.log`, first + '-- Reboot --\n' + toJournalShort(second, {boot: null, ...LATER}))
      expectTwo(await analyseBootLogBoots(p), lineCount(first) + 2, [undefined, undefined], 'a "-- Reboot --" line (journalctl)')
    })
  }

  it('the `-- Reboot --` line is a skipped line (journal separator), not a record; each one starts a boot', async () => {
    const one = toJournalShort(SH, {boot: null})
    const p = file('reboot-3.log', one + '-- Reboot --\n' + toJournalShort(TAIL, {boot: null, ...LATER}) + '-- Reboot --\n' + toJournalShort(SH, {boot: null, laterMs: 7_200_000}))
    const s = await openBootLog(p)
    const out: LogRecord[] = []
    for await (const r of s.records) out.push(r)
    const seps = s.stats().skipped.filter((x) => x.reason === REASON.journalMeta).map((x) => x.line)
    expect(seps).toEqual([lineCount(one) + 1, lineCount(one) + 1 + lineCount(toJournalShort(TAIL, {boot: null})) + 1])
    expect(out.filter((r) => seps.includes(r.line))).toEqual([])
    const r = await analyseBootLogBoots(p)
    expect(r.boots.map((b) => [b.boot?.firstLine, b.boot?.id, b.host.onlineCpus?.value, b.findings.length])).toEqual([
      [1, undefined, 8, 1],
      [seps[0]! + 1, undefined, 64, 0],
      [seps[1]! + 1, undefined, 8, 1],
    ])
  })

  it('the `-- Boot <id> --` line is still a skipped line (journal separator), not a record; the records after it carry its id', async () => {
    const first = toJournalShort(SH, {boot: null})
    const s = await openBootLog(file('bootsep-records.log', first + toJournalShort(TAIL, {boot: ID_B})))
    const out: LogRecord[] = []
    for await (const r of s.records) out.push(r)
    const sep = lineCount(first) + 1
    expect(out.find((r) => r.line === sep)).toBeUndefined()
    expect(s.stats().skipped.filter((x) => x.line === sep).map((x) => x.reason)).toEqual([REASON.journalMeta])
    expect(out.filter((r) => r.boot === ID_B).map((r) => r.line)[0]).toBe(sep + 1)
    expect(out.filter((r) => r.line < sep).every((r) => r.boot === undefined)).toBe(true)
    expect(out.filter((r) => r.line > sep).every((r) => r.boot === ID_B)).toBe(true)
  })
})

describe('wallSeconds (the wall clock a replay is told by when there is no kernel time)', () => {
  it('reads every stamp form as seconds; one moment in two forms of a year is one number', () => {
    const t = Date.UTC(2026, 11, 6, 7, 0, 0) / 1000
    expect(wallSeconds('Sun Dec  6 07:00:00 2026')).toBe(t)
    expect(wallSeconds('2026-12-06T07:00:00,250000+00:00')).toBe(t + 0.25)
    expect(wallSeconds('2026-12-06T07:00:00.250000+0100')).toBe(t + 0.25)
    expect(wallSeconds('Sun 2026-12-06 07:00:00 UTC')).toBe(t)
    expect(wallSeconds('1796540400.000001')).toBe(1796540400.000001)
    // RFC 3164 has no year: only differences matter.
    expect(wallSeconds('Dec  6 07:00:01.500000')! - wallSeconds('Dec 06 07:00:00')!).toBe(1.5)
    expect(['Foo  6 07:00:00', 'reltime', '[  +0.000401]'].map(wallSeconds)).toEqual([undefined, undefined, undefined])
  })
})

describe('a `-- Boot <id> --` line gives its id to its boot only (found by a review: DERIVED, two short-precise captures cat\'ed twice)', () => {
  // A capture: the c64 pool boot (journalctl prints no line before its first boot), then
  // `-- Boot <id> --` and SH an hour later. Was: the next capture's first boot (its own banner, no
  // line before it) took that id, and batch wrote three records with one boot id.
  const ID = '0123456789abcdef0123456789abcdef'
  const capture = toJournalPrecise(C64, {boot: null}) + toJournalPrecise(SH, {boot: ID, ...LATER})
  const starts = [1, lineCount(toJournalPrecise(C64, {boot: null})) + 2]
  const firstLines = [...starts, ...starts.map((l) => l + lineCount(capture))]
  const reasons = [undefined, `a "-- Boot ${ID} --" line (journalctl)`, 'a new "Linux version" banner', `a "-- Boot ${ID} --" line (journalctl)`]

  it('four boots: the id on the boots after its line, none on the second capture\'s first, each start reason its own', async () => {
    const r = await analyseBootLogBoots(file('bootid-twice.log', capture + capture))
    expect(r.boots.map((b) => [b.boot?.firstLine, b.boot?.startReason, b.boot?.id])).toEqual(firstLines.map((l, i) => [l, reasons[i], i % 2 === 1 ? ID : undefined]))
    expect(r.boots.map(findings)).toEqual([[], [['alloc-tag-not-set', 1]], [], [['alloc-tag-not-set', 1]]])
    expect(r.boots.map((b) => b.factConflicts)).toEqual([undefined, undefined, undefined, undefined])
  })

  it('the reader: the id on the records from its line up to the next banner not right after it', async () => {
    const s = await openBootLog(file('bootid-twice-records.log', capture + capture))
    const ids = new Map<number, string | undefined>()
    for await (const r of s.records) if (banner(r)) ids.set(r.line, r.boot)
    expect([...ids]).toEqual(firstLines.map((l, i) => [l, i % 2 === 1 ? ID : undefined]))
  })

  it.skipIf(!existsSync(join(REPO, 'dist', 'commands')))('batch: four records, the id on the second and fourth only (built CLI)', async () => {
    const b = await runCli(['batch', file('bootid-twice-batch.log', capture + capture), '-j', '1'])
    expect(b.status, b.stderr).toBe(0)
    expect(batchRecords(b.stdout).map((x) => [x.boot?.firstLine, x.boot?.id])).toEqual(firstLines.map((l, i) => [l, i % 2 === 1 ? ID : undefined]))
  })
})
