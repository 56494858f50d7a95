// `allocscope diff` end to end (built commands in dist/: run `npx tsc -p tsconfig.json` first).
// Expected numbers were computed independently with awk over the sample files.
import {readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {derivedWrappedCalls} from '../helpers/allocinfo-derived.js'
import {OVERFLOW_LINE, captureWithLineAppended, captureWithLinesRewritten, writeDerived} from '../helpers/diff-derived.js'
import {captureDir, REPO, SAMPLES} from '../helpers/paths.js'

const POOL = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
const LATE = join(SAMPLES, 'linux-7.2-legacylate-c255-m1024')
const NODEBUG = join(SAMPLES, 'linux-6.12-nodebug_smp064_1G')
const NOTRACK = join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink')
const NUMA2 = join(SAMPLES, 'linux-6.12-instr_smp064_2G_numa2')
const LKML = join(SAMPLES, 'lkml-7.0-rc4-alloc-tag-not-set', 'dmesg-excerpt.txt')

const run = (args: string[]) => runCommand(['diff', ...args], {root: REPO})
const exitCode = (e: {oclif?: {exit?: number}} | undefined) => (e === undefined ? 0 : (e.oclif?.exit ?? -1))

describe('allocscope diff: two allocinfo dumps', () => {
  it('--json: bloat-o-meter counts for pool c64 → legacylate c255', async () => {
    const {stdout, error} = await run([join(POOL, 'allocinfo.txt'), join(LATE, 'allocinfo.txt'), '--json'])
    expect(exitCode(error)).toBe(0)
    const j = JSON.parse(stdout)
    expect(j.schema).toBe('allocscope/v1')
    expect(j.command).toBe('diff')
    const s = j.result.allocinfo.summary
    expect([s.add, s.remove, s.grow, s.shrink, s.up, s.down]).toEqual([0, 1, 60, 16, 54665616, -3759744])
    const c = j.result.allocinfo.summaries.calls
    expect([c.add, c.remove, c.grow, c.shrink, c.up, c.down]).toEqual([0, 1, 53, 15, 67160, -65])
    // The legacy kernel has no pfn_pool tracking site: the one removed site. It held 0 bytes, so
    // (as in bloat-o-meter) it is counted in remove but printed as no row.
    const gone = j.result.allocinfo.rows.filter((r: {status: string}) => r.status === 'gone')
    expect(gone).toEqual([])
    // 931 entries with one duplicate key (kernel/sched/sched.h:2896 alloc_user_cpus_ptr, twice).
    expect(j.result.allocinfo.sitesCompared).toBe(930)
  })

  it('capture directories stand for their allocinfo; --format text fits 80 columns', async () => {
    const {stdout, error} = await run([NODEBUG, POOL, '--what', 'allocinfo', '--key', 'func', '--top', '8', '--format', 'text'])
    expect(exitCode(error)).toBe(0)
    for (const l of stdout.split('\n')) expect(l.length).toBeLessThan(80)
    expect(stdout).toMatch(/^add\/remove: \d+\/\d+ grow\/shrink: \d+\/\d+ up\/down: \+\d+\/-\d+ \([+-]\d+\)$/m)
    expect(stdout).toMatch(/\[\d+ others\]/)
    expect(stdout).toMatch(/^Total: Before=\d+, After=47535920, chg [+-]\d+\.\d\d%$/m)
  })

  it('--metric calls, --min-delta and --function', async () => {
    const {stdout} = await run([join(POOL, 'allocinfo.txt'), join(LATE, 'allocinfo.txt'), '--metric', 'calls', '--min-delta', '1000', '--function', '^alloc_', '--json'])
    const d = JSON.parse(stdout).result.allocinfo
    expect(d.metric).toBe('calls')
    for (const r of d.rows) {
      expect(r.func).toMatch(/^alloc_/)
      expect(Math.abs(r.deltaCalls)).toBeGreaterThanOrEqual(1000)
    }
  })

  it('markdown and csv render the same rows', async () => {
    const md = await run([join(POOL, 'allocinfo.txt'), join(LATE, 'allocinfo.txt'), '--top', '3', '--format', 'markdown'])
    // Markdown escapes emphasis characters: alloc\_slab\_page renders as alloc_slab_page.
    expect(md.stdout).toContain('| mm/slub.c:3282 alloc\\_slab\\_page accurate:no | grow | 20598784 | 45166592 | +24567808 |')
    const csv = await run([join(POOL, 'allocinfo.txt'), join(LATE, 'allocinfo.txt'), '--top', '3', '--format', 'csv'])
    // CSV: one value per cell, the accurate flag in a column of its own.
    expect(csv.stdout).toContain('site,site accurate,status,old bytes,new bytes,delta,delta calls')
    expect(csv.stdout).toContain('mm/slub.c:3282 alloc_slab_page,no,grow,20598784,45166592,+24567808')
  })
})

describe('allocscope diff: --fail-on over allocinfo anomalies', () => {
  it('derived: b with a wrapped call counter gates at warning; the clean pair does not', async () => {
    const text = readFileSync(join(POOL, 'allocinfo.txt'), 'utf8')
    const b = writeDerived('pool-c64-wrapped-allocinfo.txt', derivedWrappedCalls(text, 5))
    const bad = await run([join(POOL, 'allocinfo.txt'), b, '--fail-on', 'warning', '--format', 'text'])
    expect(exitCode(bad.error)).toBe(1)
    expect(bad.stdout).toContain('anomaly appeared: wrapped-calls')
    const ok = await run([join(POOL, 'allocinfo.txt'), join(LATE, 'allocinfo.txt'), '--fail-on', 'warning'])
    expect(exitCode(ok.error)).toBe(0)
  })
})

describe('allocscope diff: colour', () => {
  it('--color paints growth red and shrinkage green in tables; --no-color and other formats do not', async () => {
    const args = ['diff', join(POOL, 'allocinfo.txt'), join(LATE, 'allocinfo.txt'), '--top', '5']
    // runCommand strips ANSI by default: keep it to see the colour.
    const raw = (xs: string[]) => runCommand(xs, {root: REPO}, {stripAnsi: false})
    const on = await raw([...args, '--color'])
    expect(on.stdout).toContain('\x1b[31m+24567808') // alloc_slab_page grows (red)
    expect(on.stdout).toContain('\x1b[32m-3478464') // alloc_thread_stack_node shrinks (green)
    const off = await raw([...args, '--no-color'])
    expect(off.stdout).not.toContain('\x1b[')
    const text = await raw([...args, '--color', '--format', 'text'])
    expect(text.stdout).not.toContain('\x1b[')
  })
})

describe('allocscope diff: bad input exits 2', () => {
  it('missing file', async () => {
    const {error, stderr} = await run([join(POOL, 'allocinfo.txt'), '/nonexistent/allocinfo.txt'])
    expect(exitCode(error)).toBe(2)
    expect(stderr).toContain('/nonexistent/allocinfo.txt: no such file or directory')
  })

  it('bad --min-delta and bad regex', async () => {
    const a = await run([join(POOL, 'allocinfo.txt'), join(LATE, 'allocinfo.txt'), '--min-delta', 'lots'])
    expect(exitCode(a.error)).toBe(2)
    expect(a.stderr).toContain("--min-delta: 'lots' is not a size")
    const b = await run([join(POOL, 'allocinfo.txt'), join(LATE, 'allocinfo.txt'), '--file', '('])
    expect(exitCode(b.error)).toBe(2)
    expect(b.stderr).toContain('--file: invalid regular expression')
  })

  it('a binary file is named as neither; a boot log against an allocinfo dump is named as a mismatch', async () => {
    const bin = writeDerived('binary', Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), Buffer.alloc(64)]).toString('latin1'))
    const a = await run([bin, join(POOL, 'allocinfo.txt')])
    expect(exitCode(a.error)).toBe(2)
    // NUL bytes are dropped as the boot-log reader drops them: what is left is no kernel log (as analyse says).
    expect(a.stderr).toContain(`${bin}: neither an allocinfo dump nor a kernel log`)
    const b = await run([join(POOL, 'dmesg.txt'), join(POOL, 'allocinfo.txt')])
    expect(exitCode(b.error)).toBe(2)
    expect(b.stderr).toMatch(/dmesg\.txt is a boot log and .*allocinfo\.txt is an allocinfo dump: nothing to compare/)
  })

  it('text that is neither allocinfo nor a kernel log is said to be neither (analyse calls it not a kernel log), not a boot log', async () => {
    // Synthetic: two lines of prose.
    const junk = writeDerived('junk', 'hello\nworld\n')
    const r = await run([join(POOL, 'allocinfo.txt'), junk])
    expect(exitCode(r.error)).toBe(2)
    // The side no reader takes is named first, `path: what`, as every input error names its input.
    expect(r.stderr).toContain(`allocscope: ${junk}: neither an allocinfo dump nor a kernel log (no line looks like a kernel record); nothing to compare with ${join(POOL, 'allocinfo.txt')} (an allocinfo dump)`)
  })

  it('allocinfo against a boot log with --what allocinfo names the side without allocinfo', async () => {
    const {error, stderr} = await run([join(POOL, 'allocinfo.txt'), join(POOL, 'dmesg.txt'), '--what', 'allocinfo'])
    expect(exitCode(error)).toBe(2)
    expect(stderr).toContain('dmesg.txt: no allocinfo')
  })

  it('a capture directory without a dump, with --what allocinfo, names every dump name a directory may hold', async () => {
    const dir = join(SAMPLES, 'linux-7.2-pool-c255-m1024')
    const {error, stderr} = await run([join(POOL, 'allocinfo.txt'), dir, '--what', 'allocinfo'])
    expect(exitCode(error)).toBe(2)
    expect(stderr).toContain(`${dir}: capture directory without an allocinfo dump (allocinfo.txt, allocinfo, allocinfo.txt.gz)`)
  })
})

interface Outcome {
  rule: string
  status: string
  severity: string
  data?: Record<string, unknown>
}

describe('allocscope diff <capture>: predicted vs observed', () => {
  it('notrack sample: unset-tags fires, explained by the missing early tracking; --fail-on warning exits 1', async () => {
    const {stdout, error} = await run([NOTRACK, '--json'])
    expect(exitCode(error)).toBe(0)
    const r = JSON.parse(stdout).result
    expect(r.mode).toBe('observed')
    const o = r.outcomes.find((x: Outcome) => x.rule === 'unset-tags')
    expect(o).toMatchObject({status: 'fired', severity: 'warning', data: {cause: 'no-early-tracking', count: 1}})
    const gated = await run([NOTRACK, '--fail-on', 'warning', '--format', 'text'])
    expect(exitCode(gated.error)).toBe(1)
    expect(gated.stdout).toContain('unset-tags')
  })

  it('pool c64 sample: nothing at or above warning fires (exit 0 with --fail-on warning)', async () => {
    const {stdout, error} = await run([POOL, '--fail-on', 'warning', '--json'])
    expect(exitCode(error)).toBe(0)
    const fired = JSON.parse(stdout).result.outcomes.filter((x: Outcome) => x.status === 'fired')
    expect(fired).toEqual([])
  })

  it('the 7.0-rc4 excerpt (a boot log file alone): unset-tags explained by the release', async () => {
    const {stdout, error} = await run([LKML, '--json', '--fail-on', 'warning'])
    expect(exitCode(error)).toBe(1)
    const o = JSON.parse(stdout).result.outcomes.find((x: Outcome) => x.rule === 'unset-tags')
    expect(o.data.cause).toBe('no-early-tracking')
  })

  it('derived (legacylate c255 + the overflow line): legacy-overflow fires as an error', async () => {
    const dir = captureWithLineAppended(captureDir('linux-7.2-legacylate-c255-m1024'), OVERFLOW_LINE, 'overflow')
    const {stdout, error} = await run([dir, '--json', '--fail-on', 'error'])
    expect(exitCode(error)).toBe(1)
    const o = JSON.parse(stdout).result.outcomes.find((x: Outcome) => x.rule === 'legacy-overflow')
    expect(o).toMatchObject({status: 'fired', severity: 'error'})
  })
})

describe('allocscope diff <a> <b>: boot logs and capture directories', () => {
  it('two capture directories: boot-log diff and allocinfo diff; an appeared warning gates', async () => {
    const {stdout, error} = await run([POOL, NOTRACK, '--json', '--fail-on', 'warning'])
    expect(exitCode(error)).toBe(1)
    const r = JSON.parse(stdout).result
    expect(r.bootlog.findings.filter((f: {change: string}) => f.change === 'appeared').map((f: {id: string}) => f.id)).toEqual(['alloc-tag-not-set'])
    expect(r.allocinfo.summary.before).toBe(47535920)
    expect(r.allocinfo.summary.after).toBe(36579840)
  })

  it('two boot logs: host and window differences, the WARNING that disappeared; text < 80 columns', async () => {
    const {stdout, error} = await run([join(NUMA2, 'dmesg.txt'), join(NODEBUG, 'dmesg.txt'), '--format', 'text', '--fail-on', 'notice'])
    expect(exitCode(error)).toBe(0) // a finding that disappeared does not gate
    for (const l of stdout.split('\n')) expect(l.length).toBeLessThan(80)
    // Rows are labelled as analyse labels them (analysis/labels.ts), never with internal keys.
    expect(stdout).toMatch(/^NUMA nodes\s+2\s+1$/m)
    expect(stdout).toMatch(/^page_ext window\s+before SMP bring-up \(boot\s+after SMP bring-up \(every$/m)
    expect(stdout).not.toMatch(/numaNodes|pageExtWindow|memoryTotalKiB/)
    expect(stdout).toMatch(/^disappeared\s+warning\s+warning\s+WARNING in topology_sane\s+1\s+0$/m)
    expect(stdout).not.toContain('allocinfo diff')
  })

  it('--all also lists what did not change (both boots: 64 possible CPUs)', async () => {
    const args = [join(NUMA2, 'dmesg.txt'), join(NODEBUG, 'dmesg.txt'), '--format', 'text']
    const some = await run(args)
    expect(some.stdout).not.toMatch(/^possible CPUs/m)
    const all = await run([...args, '--all'])
    expect(all.stdout).toMatch(/^possible CPUs\s+64\s+64$/m)
  })
})

describe('allocscope diff --predicted and predict --json inputs', () => {
  it('one capture: its prediction against its own klab counts (nodebug 64: calls=1955 pages=3139)', async () => {
    const {stdout, error} = await run(['--predicted', NODEBUG, '--json'])
    expect(exitCode(error)).toBe(0)
    const c = JSON.parse(stdout).result.counts
    expect(c.a.what).toBe('predicted')
    expect(c.b.what).toBe('measured')
    expect(c.rows.map((r: {key: string; b: number}) => [r.key, r.b])).toEqual([
      ['early_page_allocs.calls', 1955],
      ['early_page_allocs.pages', 3139],
    ])
  })

  it('a predict --json document against a capture, and two documents against each other', async () => {
    const p = await runCommand(['predict', '--from', POOL, '--json'], {root: REPO})
    const doc = writeDerived('predict-pool-c64.json', p.stdout)
    const vsCapture = await run([doc, POOL, '--json'])
    expect(exitCode(vsCapture.error)).toBe(0)
    const c = JSON.parse(vsCapture.stdout).result.counts
    expect(c.rows.find((r: {key: string}) => r.key === 'early_pfn.recorded').b).toBe(142)
    const same = await run([doc, doc, '--json'])
    expect(JSON.parse(same.stdout).result.counts.rows.every((r: {delta: number}) => r.delta === 0)).toBe(true)
  })

  it('a capture directory with only allocinfo.txt: the allocinfo rules run, the log ones are n/a, no model', async () => {
    const dir = captureWithLinesRewritten(POOL, (l) => l, 'copy')
    rmSync(join(dir, 'dmesg.txt'))
    const {stdout, error} = await run([dir, '--json'])
    expect(exitCode(error)).toBe(0)
    const r = JSON.parse(stdout).result
    expect(r.expectation).toBeNull()
    const status = Object.fromEntries(r.outcomes.map((o: Outcome) => [o.rule, o.status]))
    expect(status).toMatchObject({'leaked-accounting': 'ok', 'inaccurate-counters': 'ok', 'unset-tags': 'n/a', counts: 'n/a'})
  })

  it('a JSON document that is not a prediction exits 2', async () => {
    const a = await runCommand(['diff', join(POOL, 'allocinfo.txt'), join(LATE, 'allocinfo.txt'), '--json'], {root: REPO})
    const doc = writeDerived('diff-output.json', a.stdout)
    const {error, stderr} = await run([doc, POOL])
    expect(exitCode(error)).toBe(2)
    expect(stderr).toContain('an allocscope `diff` document')
  })
})
