// What `diff` judges and gates on is what its inputs show, and nothing else: a capture directory's
// dump is not another boot's evidence, a line the reader skipped is said, one count row is judged
// one way, anomalies gate where the sites shown are. Inputs: DERIVED from real samples, written in
// the test.
import {mkdtempSync, readFileSync, writeFileSync, mkdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {derivedNegativeBytes, derivedWrappedCalls} from '../helpers/allocinfo-derived.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

const POOL = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
const NOTRACK = join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink')
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-diff-judged-'))
const run = (args: string[]) => runCommand(['diff', ...args], {root: REPO})
const exitCode = (e: {oclif?: {exit?: number}} | undefined) => (e === undefined ? 0 : (e.oclif?.exit ?? -1))

/** DERIVED: a capture directory of the given files (name → text). */
function derivedDir(name: string, files: Record<string, string>): string {
  const d = join(tmp, `DERIVED-${name}`)
  mkdirSync(d)
  for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text)
  return d
}
const text = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8')

describe('diff of one capture: the dump is evidence for the boot it was read after', () => {
  // DERIVED: pool-c64's log followed by notrack's (two boots), and notrack's dump, read after the last.
  const TWO_BOOTS = derivedDir('pool-then-notrack', {'dmesg.txt': text(POOL, 'dmesg.txt') + text(NOTRACK, 'dmesg.txt'), 'allocinfo.txt': text(NOTRACK, 'allocinfo.txt')})

  it('--boot -1: the other boot\'s dump is not used, a warning says why, nothing of it is gated', async () => {
    const {stdout, error} = await run([TWO_BOOTS, '--boot=-1', '--fail-on', 'warning', '--json'])
    const j = JSON.parse(stdout)
    expect(exitCode(error)).toBe(0)
    expect(j.result.allocinfo).toBeUndefined()
    expect(j.result.dump).toMatchObject({path: join(TWO_BOOTS, 'allocinfo.txt'), used: false})
    expect(j.result.anomalyKinds).toBeUndefined()
    const fired = j.result.outcomes.filter((o: {status: string}) => o.status !== 'ok' && o.status !== 'n/a').map((o: {rule: string}) => o.rule)
    expect(fired).not.toContain('inaccurate-counters')
    expect(j.warnings.some((w: string) => w.startsWith(`${join(TWO_BOOTS, 'allocinfo.txt')}: not used: the dump was read after the log's last boot`))).toBe(true)
  })

  it('the last boot (default) still uses it', async () => {
    const {stdout} = await run([TWO_BOOTS, '--json'])
    const j = JSON.parse(stdout)
    expect(j.result.allocinfo).toBe(join(TWO_BOOTS, 'allocinfo.txt'))
    expect(j.result.dump).toBeUndefined()
  })
})

describe('diff says which lines it skipped: a site on one reads as gone (b) or new (a)', () => {
  const poolText = text(POOL, 'allocinfo.txt')
  const lines = poolText.split('\n')
  const slab = lines.findIndex((l) => l.includes('func:alloc_slab_page'))
  // DERIVED: the pool dump with alloc_slab_page's bytes garbled (a digit turned to 'x'): a line the reader skips.
  const GARBLED = join(tmp, 'DERIVED-garbled-slab.txt')
  writeFileSync(GARBLED, lines.map((l, i) => (i === slab ? l.replace(/(\d)(\d)(\s+\d+\s+mm\/slub)/, '$1x$3') : l)).join('\n'))
  const POOL_DUMP = join(POOL, 'allocinfo.txt')

  it('b skipped a line: the warning names b, the file and its line, and why the site reads as gone', async () => {
    const {stdout, error} = await run([POOL_DUMP, GARBLED, '--json'])
    expect(exitCode(error)).toBe(0)
    const j = JSON.parse(stdout)
    expect(j.result.allocinfo.rows.find((r: {func: string}) => r.func === 'alloc_slab_page').status).toBe('gone')
    const w = j.warnings.filter((x: string) => x.includes('skipped'))
    expect(w).toHaveLength(1)
    expect(w[0]).toMatch(new RegExp(`^b: ${GARBLED}:${slab + 1}: not an allocinfo line.*line skipped; a site on it is missing from b, so the diff may show it as gone$`))
  })

  it('a skipped it: the site reads as new, and the warning says so', async () => {
    const {stdout} = await run([GARBLED, POOL_DUMP, '--json'])
    const w = JSON.parse(stdout).warnings.filter((x: string) => x.includes('skipped'))
    expect(w).toEqual([expect.stringMatching(new RegExp(`^a: ${GARBLED}:${slab + 1}: .*missing from a, so the diff may show it as new$`))])
  })

  it('one capture: the dump the rules judge lacks the site', async () => {
    // DERIVED: the pool capture's log with the garbled dump.
    const dir = derivedDir('pool-garbled', {'dmesg.txt': text(POOL, 'dmesg.txt'), 'allocinfo.txt': readFileSync(GARBLED, 'utf8')})
    const {stdout} = await run([dir, '--json'])
    const w = JSON.parse(stdout).warnings.filter((x: string) => x.includes('skipped'))
    expect(w).toEqual([expect.stringMatching(new RegExp(`allocinfo.txt:${slab + 1}: .*missing from the dump the rules judge$`))])
  })

  it('a recording whose sample skipped it: the snapshot says how many lines, named by the side', async () => {
    const {DeltaEncoder, RecordingWriter} = await import('../../src/trend/recording.js')
    const {parseAllocInfoText} = await import('../../src/readers/allocinfo.js')
    const rec = join(tmp, 'DERIVED-garbled.arec.gz')
    const w = new RecordingWriter(rec, {created: '2026-12-04T18:00:00.000Z', source: 'test', host: 'test', tool: 'test', intervalS: 10})
    const enc = new DeltaEncoder()
    ;[poolText, readFileSync(GARBLED, 'utf8')].forEach((t, i) => w.write(enc.encode(parseAllocInfoText(t), {time: new Date(Date.UTC(2026, 11, 4, 18, 0, i * 10))})))
    w.close()
    const {stdout} = await run([rec, '--json'])
    const j = JSON.parse(stdout)
    expect(j.result.allocinfo.rows.find((r: {func: string}) => r.func === 'alloc_slab_page').status).toBe('gone')
    expect(j.warnings.filter((x: string) => x.includes('skipped'))).toEqual([expect.stringMatching(/^b: .*#1 .*: 1 line of the sampled dump skipped when recorded.*missing from b, so the diff may show it as gone$/)])
  })
})

describe('a count row is judged one way, in the rules and in the count tables', () => {
  const LATE = join(SAMPLES, 'linux-7.2-legacylate-c255-m1024')
  // DERIVED: the legacylate c255 boot as if its array held 2600: the overflow warning before page_ext
  // and its klab line split into recorded=2600 dropped=330 (untagged_calls 2930), the rest unchanged.
  const log = text(LATE, 'dmesg.txt')
    .replace('[    6.615299] allocated', '[    6.600000] Early page allocations before page_ext init exceeded EARLY_ALLOC_PFN_MAX (2600)\n[    6.615299] allocated')
    .replace('recorded=2892 dropped=0 untagged_calls=2892', 'recorded=2600 dropped=330 untagged_calls=2930')
  const OVF = derivedDir('legacylate-c255-max2600', {'dmesg.txt': log, 'allocinfo.txt': text(LATE, 'allocinfo.txt')})

  it('dropped, 285 predicted vs 330 measured: within the tolerance of recorded + dropped (2930) both ways', async () => {
    const rules = JSON.parse((await run([OVF, '--json'])).stdout).result.counts
    const ruled = rules.find((r: {kind: string; metric: string}) => r.kind === 'early_pfn_legacy' && r.metric === 'dropped')
    expect(ruled).toMatchObject({predicted: 285, measured: 330, withinTolerance: true})
    const {stdout, error} = await run(['--predicted', OVF, '--fail-on', 'warning', '--json'])
    const row = JSON.parse(stdout).result.counts.rows.find((r: {key: string}) => r.key === 'early_pfn_legacy.dropped')
    expect(row).toMatchObject({a: 285, b: 330, withinTolerance: true})
    expect(exitCode(error)).toBe(0)
  })

  it('a prediction document against the capture: the same judgement', async () => {
    const predicted = await runCommand(['predict', '--from', OVF, '--json'], {root: REPO})
    const doc = join(tmp, 'DERIVED-ovf-predict.json')
    writeFileSync(doc, predicted.stdout)
    const {stdout} = await run([doc, OVF, '--json'])
    const row = JSON.parse(stdout).result.counts.rows.find((r: {key: string}) => r.key === 'early_pfn_legacy.dropped')
    expect(row).toMatchObject({a: 285, b: 330, withinTolerance: true})
  })
})

describe('a duplicate key that appeared in b is an anomaly like the others (allocinfo grades it info)', () => {
  const POOL_DUMP = join(POOL, 'allocinfo.txt')
  const lines = text(POOL, 'allocinfo.txt').split('\n')
  const slab = lines.findIndex((l) => l.includes('mm/slub.c:3280 func:alloc_slab_page'))
  // DERIVED: the pool dump with mm/slub.c:3280 alloc_slab_page listed a second time, right after itself.
  const TWICE = join(tmp, 'DERIVED-slab-twice.txt')
  writeFileSync(TWICE, [...lines.slice(0, slab + 1), lines[slab], ...lines.slice(slab + 1)].join('\n'))

  it('shown as appeared and gated at info', async () => {
    const {stdout, error} = await run([POOL_DUMP, TWICE, '--fail-on', 'info', '--json'])
    const appeared = JSON.parse(stdout).result.allocinfo.anomalies.appeared
    expect(appeared).toEqual([expect.objectContaining({kind: 'duplicate-key', key: 'mm/slub.c:3280 alloc_slab_page', line: slab + 2})])
    expect(exitCode(error)).toBe(1)
    expect(exitCode((await run([POOL_DUMP, TWICE, '--fail-on', 'notice'])).error)).toBe(0)
  })

  it('--key func: the same function listed twice at a moved line (6.12 sched.h:2632, 7.2 :2896) is no change', async () => {
    const NODEBUG = join(SAMPLES, 'linux-6.12-nodebug_smp064_1G', 'allocinfo.txt')
    const bySite = JSON.parse((await run([NODEBUG, POOL_DUMP, '--json'])).stdout).result.allocinfo.anomalies
    expect([bySite.appeared.map((x: {key: string}) => x.key), bySite.gone.map((x: {key: string}) => x.key)]).toEqual([['kernel/sched/sched.h:2896 alloc_user_cpus_ptr'], ['kernel/sched/sched.h:2632 alloc_user_cpus_ptr']])
    const byFunc = JSON.parse((await run([NODEBUG, POOL_DUMP, '--key', 'func', '--json'])).stdout).result.allocinfo.anomalies
    expect([byFunc.appeared.length, byFunc.gone.length, byFunc.both]).toEqual([0, 0, 1])
  })

  it('one in both (the pool dump against itself: sched.h:2896 twice) is no change', async () => {
    const {stdout, error} = await run([POOL_DUMP, POOL_DUMP, '--fail-on', 'info', '--json'])
    const d = JSON.parse(stdout).result.allocinfo.anomalies
    expect([d.appeared.length, d.gone.length, d.both]).toEqual([0, 0, 1])
    expect(exitCode(error)).toBe(0)
  })
})

describe('the site filters keep the anomalies of the sites they keep: a scoped gate fails on nothing else', () => {
  const POOL_DUMP = join(POOL, 'allocinfo.txt')
  const poolText = text(POOL, 'allocinfo.txt')
  // DERIVED: the pool dump with the 10th site line's calls wrapped and the 20th's bytes negative (both built in, not drivers/).
  const BAD = join(tmp, 'DERIVED-wrapped-negative.txt')
  writeFileSync(BAD, derivedNegativeBytes(derivedWrappedCalls(poolText, 10), 20))

  it('--file ^drivers/ leaves them out: no anomaly, exit 0 under --fail-on warning', async () => {
    const all = JSON.parse((await run([POOL_DUMP, BAD, '--json'])).stdout).result.allocinfo.anomalies.appeared
    expect(all.map((x: {kind: string}) => x.kind).sort()).toEqual(['negative-bytes', 'wrapped-calls'])
    expect(all.some((x: {key: string}) => x.key.startsWith('drivers/'))).toBe(false)
    const {stdout, error} = await run([POOL_DUMP, BAD, '--file', '^drivers/', '--fail-on', 'warning', '--json'])
    expect(JSON.parse(stdout).result.allocinfo.anomalies).toEqual({appeared: [], gone: [], both: 0})
    expect(exitCode(error)).toBe(0)
  })

  it('a filter that keeps one of the two sites keeps its anomaly, and gates on it', async () => {
    const wrapped = JSON.parse((await run([POOL_DUMP, BAD, '--json'])).stdout).result.allocinfo.anomalies.appeared.find((x: {kind: string}) => x.kind === 'wrapped-calls')
    const func = wrapped.key.split(' ')[1]
    const {stdout, error} = await run([POOL_DUMP, BAD, '--function', `^${func}$`, '--fail-on', 'warning', '--json'])
    expect(JSON.parse(stdout).result.allocinfo.anomalies.appeared.map((x: {key: string}) => x.key)).toEqual([wrapped.key])
    expect(exitCode(error)).toBe(1)
  })
})

describe('an anomaly of a recording names no line the recording does not keep', () => {
  it('line 0 in JSON, "snapshot" in the text, never the site id', async () => {
    const {DeltaEncoder, RecordingWriter} = await import('../../src/trend/recording.js')
    const {parseAllocInfoText} = await import('../../src/readers/allocinfo.js')
    const poolText = text(POOL, 'allocinfo.txt')
    // DERIVED: a recording of the pool dump, then of it with a wrapped call counter on its 10th site line.
    const rec = join(tmp, 'DERIVED-wrapped.arec.gz')
    const w = new RecordingWriter(rec, {created: '2026-12-04T18:00:00.000Z', source: 'test', host: 'test', tool: 'test', intervalS: 10})
    const enc = new DeltaEncoder()
    ;[poolText, derivedWrappedCalls(poolText, 10)].forEach((t, i) => w.write(enc.encode(parseAllocInfoText(t), {time: new Date(Date.UTC(2026, 11, 4, 18, 0, i * 10))})))
    w.close()
    const appeared = JSON.parse((await run([rec, '--json'])).stdout).result.allocinfo.anomalies.appeared
    expect(appeared.map((x: {kind: string; line: number}) => [x.kind, x.line])).toEqual([['wrapped-calls', 0]])
    const {stdout} = await run([rec, '--format', 'text'])
    expect(stdout.replace(/\s+/g, ' ')).toMatch(/anomaly appeared: wrapped-calls at \S+ \S+ \(b snapshot: a recording keeps no line\)/)
  })
})
