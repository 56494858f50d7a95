// `predict --sweep` says only what it evaluated: the predicted count at every CPU count of the
// range (a formula of the host), the 90 % interval at the swept points; never a CPU count outside
// the range (800..900 said the array "overflows from 754 CPUs", 90 % "from 215").
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {evaluatedWords} from '../../src/model/cpu-ranges.js'
import {defaultHost} from '../../src/model/host.js'
import {sweep, sweepCpus} from '../../src/model/predict.js'
import {loadProfile} from '../../src/model/profile.js'
import {EARLY_ALLOC_PFN_MAX} from '../../src/model/recorders/legacy.js'
import {sweepSvg} from '../../src/model/sweep-chart.js'
import {REPO} from '../helpers/paths.js'

const run = (args: string[]) => runCommand(['predict', ...args], {root: REPO})
const result = async (args: string[]) => JSON.parse((await run([...args, '--json'])).stdout).result
/** The sentence under the table (text wraps it: joined again). */
const summary = (stdout: string) => /the legacy array[\s\S]*?\n\n/.exec(stdout)![0].replace(/\s+/g, ' ')
/** The table's summary (the text format writes the range's dash as '-'). */
const said = async (args: string[]) => summary((await run([...args, '--format', 'table'])).stdout)

describe('predict --sweep: the overflow where the sweep shows it', () => {
  it('--sweep 800..900 --no-debug: overflows at every count of the range, no crossing claimed outside it', async () => {
    const text = await said(['--sweep', '800..900', '--no-debug'])
    expect(text).toMatch(/overflows at every CPU count of 800–900/)
    expect(text).toMatch(/its low end at no swept point/)
    // Every CPU count it names lies in the range (the others: the array's size, 90 %, the 64 points).
    const counts = (text.match(/\d+/g) ?? []).map(Number).filter((n) => ![EARLY_ALLOC_PFN_MAX, 90, 64].includes(n))
    expect(counts.filter((n) => n < 800 || n > 900)).toEqual([])
    const j = await result(['--sweep', '800..900', '--no-debug'])
    expect(j.overflows).toEqual([[800, 900]])
    expect(j.overflowAt).toBe(800)
  })

  it('a crossing inside the range is exact: at N it overflows, at N - 1 not (every CPU count evaluated)', async () => {
    const j = await result(['--sweep', '1..8192', '--kernel', '7.2', '--no-debug'])
    expect(j.overflows).toEqual([[754, 8192]])
    const edge = await result(['--sweep', '753..754', '--kernel', '7.2', '--no-debug'])
    expect(edge.points.map((p: {events: number}) => p.events > EARLY_ALLOC_PFN_MAX)).toEqual([false, true])
    expect(await said(['--sweep', '1..8192', '--kernel', '7.2', '--no-debug'])).toMatch(/overflows from 754 CPUs on within 1–8192 \(not at 753\)/)
  })

  it("the severity's why says the overflow as the summary does (a 64-slot array, synthetic size: was 'from 1 CPUs on' for 100..200)", async () => {
    const j = await result(['--sweep', '100..200', '--kernel', '7.2', '--recorder', 'legacy', '--legacy-max', '64'])
    expect(j.severity.why).toMatch(/^the legacy array overflows at every CPU count of 100–200: the kernel's legacy recorder drops early PFNs/)
  })
})

// A sweep that never overflows said where the array 'would fill at about 13916 CPUs' from a straight
// line through its last two points; the model is cheap and exact at every CPU count, so it is
// evaluated beyond the range instead (up to 65536 CPUs), and its crossing said as outside the range.
describe('predict --sweep that never overflows: where the model first does, outside the range', () => {
  it("1..512 (7.2): the model's crossing beyond the range, exact (was a straight line: 'would fill at about 13916 CPUs')", async () => {
    const j = await result(['--sweep', '1..512', '--kernel', '7.2'])
    expect(j.overflows).toEqual([])
    expect(j.beyond).toMatchObject({from: 513, upTo: 65536, overflowAt: 13608, events: EARLY_ALLOC_PFN_MAX + 1})
    const edge = await result(['--sweep', '13607..13608', '--kernel', '7.2'])
    expect(edge.points.map((p: {events: number}) => p.events > EARLY_ALLOC_PFN_MAX)).toEqual([false, true])
    const text = await said(['--sweep', '1..512', '--kernel', '7.2'])
    expect(text).toMatch(/never overflows within 1–512/)
    expect(text).toContain("outside the swept range: above it, the model's count first overflows the array at 13608 CPUs (8193 early PFNs)")
    expect(text).not.toMatch(/would fill|per CPU/)
  })

  it('--no-debug 1..512: at 754, where a sweep over it finds the crossing', async () => {
    const j = await result(['--sweep', '1..512', '--kernel', '7.2', '--no-debug'])
    expect(j.beyond.overflowAt).toBe(754)
    expect((await result(['--sweep', '1..8192', '--kernel', '7.2', '--no-debug'])).overflowAt).toBe(754)
  })

  it('one point: the crossing too (was: no slope to extrapolate from)', async () => {
    const j = await result(['--sweep', '100..100', '--kernel', '7.2'])
    expect(j.beyond.overflowAt).toBe(13608)
    expect(j.noOverflowReason).not.toMatch(/no slope/)
  })

  it("below the range too: 128..134 with 1600 slots overflows at 118–127 below it (was: 'first overflows at 135', above only)", async () => {
    const args = ['--sweep', '128..134', '--no-debug', '--legacy-max', '1600']
    const j = await result(args)
    expect(j.overflows).toEqual([])
    expect(j.beyond.below).toEqual({from: 1, upTo: 127, overflows: [[118, 127]]})
    expect(j.beyond).toMatchObject({from: 135, overflowAt: 135})
    expect((await result(['--sweep', '118..118', '--no-debug', '--legacy-max', '1600'])).overflows).toEqual([[118, 118]])
    const text = await said(args)
    expect(text).toContain("below it, the model's count overflows the array at 118–127 CPUs; above it, the model's count first overflows the array at 135 CPUs")
    expect(text).toContain('every CPU count 1–127 and 135–65536 evaluated')
  })

  it('above the range, where it stops overflowing again: 1..100 with 1600 slots, first at 118, not at 128–134', async () => {
    const j = await result(['--sweep', '1..100', '--no-debug', '--legacy-max', '1600'])
    expect(j.beyond.below).toBeUndefined()
    expect(j.beyond.overflowAt).toBe(118)
    expect(j.beyond.overflows.slice(0, 2)).toEqual([[118, 127], [135, 65536]])
    expect(await said(['--sweep', '1..100', '--no-debug', '--legacy-max', '1600'])).toContain('first overflows the array at 118 CPUs (1607 early PFNs), and overflows at 118–127, 135–65536 CPUs, not at 128–134 between them')
  })

  it("stops at the kernel's NR_CPUS when the log printed it (512: was searched to 65536, 'first overflows the array at 13608 CPUs')", async () => {
    const cap = join(REPO, 'testdata/captures/linux-7.2-legacylate-c8-m1024')
    const j = await result(['--from', cap, '--sweep', '1..256'])
    expect(j.overflows).toEqual([])
    expect(j.beyond).toMatchObject({from: 257, upTo: 512, overflows: []})
    expect(j.beyond.limit).toMatch(/^the kernel's NR_CPUS, .*dmesg\.txt:85$/)
    expect(j.beyond.overflowAt).toBeUndefined()
    const text = await said(['--from', cap, '--sweep', '1..256'])
    expect(text).toContain("above it, the array does not fill either, up to 512 CPUs (the kernel's NR_CPUS,")
    expect(text).not.toMatch(/13608|65536/)
    expect(await said(['--from', cap, '--sweep', '1..600'])).toContain("above it, none: the range goes past 512 CPUs, the kernel's NR_CPUS")
    // No NR_CPUS known (flags only): to the most allocscope models, as before.
    expect((await result(['--sweep', '1..256', '--kernel', '7.2'])).beyond).toMatchObject({upTo: 65536, limit: 'the most allocscope models', overflowAt: 13608})
  })

  it("a range past the log's NR_CPUS is warned about, in the text's warnings and --json's, naming NR_CPUS and the points past it; the numbers unchanged (was: no warning)", async () => {
    const cap = join(REPO, 'testdata/captures/linux-7.2-legacylate-c8-m1024')
    const past = await run(['--from', cap, '--sweep', '1..600', '--points', '8'])
    const text = past.stderr.replace(/\s+/g, ' ')
    expect(text).toMatch(/warning: --sweep 1\.\.600 goes past 512 CPUs \(the kernel's NR_CPUS, .*dmesg\.txt:85\): this kernel cannot have more possible CPUs/)
    expect(text).toContain('the swept point above 512 (1 of 8, in 513–600 CPUs) gives the model')
    const doc = JSON.parse((await run(['--from', cap, '--sweep', '1..600', '--points', '8', '--json'])).stdout)
    expect(doc.warnings.filter((w: string) => w.includes("the kernel's NR_CPUS"))).toHaveLength(1)
    // Said, not changed: the sweep still runs to HI.
    expect(doc.result.points.at(-1)).toMatchObject({cpus: 600})
    // Up to NR_CPUS (and without --from: no NR_CPUS known) nothing is said.
    expect((await run(['--from', cap, '--sweep', '1..512', '--points', '8'])).stderr).not.toContain('NR_CPUS')
    expect((await run(['--sweep', '1..600', '--kernel', '7.2', '--points', '8'])).stderr).not.toContain('NR_CPUS')
  })

  it("the NR_CPUS warning names the CPU counts actually swept past it: 'all 8 swept points (600–1024 CPUs)' (was 'in 513–1024'), 'at 513 CPUs' (was '513–513')", async () => {
    const cap = join(REPO, 'testdata/captures/linux-7.2-legacylate-c8-m1024')
    const warned = async (range: string) => (await run(['--from', cap, '--sweep', range, '--points', '8'])).stderr.replace(/\s+/g, ' ')
    const all = await warned('600..1024')
    expect(all).toContain("so all 8 swept points (600–1024 CPUs) give the model's numbers for this host shape")
    expect(all).not.toContain('513')
    const one = await warned('1..513')
    expect(one).toContain('the swept point above 512 (1 of 8, at 513 CPUs) gives')
    expect(one).not.toContain('513–513')
    expect(await warned('513..513')).toContain('so the one swept point (513 CPUs) gives')
    expect(await warned('400..1024')).toMatch(/the swept points above 512 \([2-7] of 8, in 513–1024 CPUs\) give /)
  })

  it("a sweep of 1 CPU: 'does not overflow at 1 CPU', '(73 at 1 CPU)' (was '1 CPUs')", async () => {
    const one = await said(['--sweep', '1..1', '--kernel', '7.2'])
    expect(one).toContain('does not overflow at 1 CPU ')
    expect(one).toMatch(/\(\d+ at 1 CPU\)/)
    expect(one).not.toContain('1 CPUs')
  })

  it("one CPU count in the singular: 'does not overflow at 100 CPUs', 'CPU count 135 evaluated' (was 'within 100', 'every CPU count 135-135')", async () => {
    const one = await said(['--sweep', '100..100', '--kernel', '7.2'])
    expect(one).toContain('does not overflow at 100 CPUs')
    expect(one).not.toMatch(/within 100\b/)
    expect(evaluatedWords([[135, 135]])).toBe('CPU count 135 evaluated')
    expect(evaluatedWords([[1, 99], [101, 101]])).toBe('every CPU count 1–99 and 101 evaluated')
    expect(await said(['--sweep', '800..800', '--kernel', '7.2', '--no-debug'])).toContain('overflows at 800 CPUs')
  })

  it('an array the model never fills up to 65536 CPUs says so (a 100000-slot array, synthetic size)', async () => {
    const j = await result(['--sweep', '8000..9000', '--kernel', '7.2', '--legacy-max', '100000'])
    expect(j.beyond).toEqual({from: 9001, upTo: 65536, limit: 'the most allocscope models', overflows: [], below: {from: 1, upTo: 7999, overflows: []}})
    expect(j.noOverflowReason).toContain('below it, the array does not fill either; above it, the array does not fill either, up to 65536 CPUs')
  })
})

describe('predict --sweep --json: overflowRange, kept for compatibility (983e0ed dropped it, schema unchanged)', () => {
  it("the 90 % interval's crossings: [high end, low end], exact, inside the range; low null when no swept point has it above", async () => {
    const j = await result(['--sweep', '1..8192', '--kernel', '7.2', '--no-debug'])
    expect(j.overflowAt).toBe(754)
    expect(j.overflowRange).toEqual([603, 1165])
    const calls = async (n: number) => (await result(['--cpus', String(n), '--kernel', '7.2', '--no-debug'])).calls
    expect([(await calls(602)).high, (await calls(603)).high].map((x) => x > EARLY_ALLOC_PFN_MAX)).toEqual([false, true])
    expect([(await calls(1164)).low, (await calls(1165)).low].map((x) => x > EARLY_ALLOC_PFN_MAX)).toEqual([false, true])
    // Never outside the range (the bisection of before 983e0ed started at 0: '90 %: from 215' for 800..900).
    expect((await result(['--sweep', '800..900', '--no-debug'])).overflowRange).toEqual([800, null])
    expect((await result(['--sweep', '1..512', '--kernel', '7.2'])).overflowRange).toBeUndefined()
  })
})

describe('predict --sweep --svg: the overflow mark', () => {
  const svg = (lo: number, hi: number) => sweepSvg(sweep({...defaultHost(), debug: false, kernel: '7.2'}, loadProfile('linux-7.2-after-smp'), sweepCpus(lo, hi, 8)), 'p')
  it('marks a crossing inside the range only (800..900 was marked "overflows from 754 CPUs", outside it)', () => {
    expect(svg(800, 900)).not.toMatch(/overflows from/)
    expect(svg(1, 8192)).toMatch(/overflows from 754 CPUs/)
  })
})

describe('predict --sweep: a count that falls as CPUs grow', () => {
  // 7.2's perCpuSlabs term falls where the slab order grows (127 -> 128 CPUs): an array between the
  // two counts (1600 slots, synthetic size; v1 of the patch had 256) overflows below 128 and again
  // above 134, not between. The default 8192 slots see it only on hosts of 541+ NUMA nodes.
  const args = ['--sweep', '100..300', '--kernel', '7.2', '--no-debug', '--points', '8', '--legacy-max', '1600']

  it("says each range where it overflows, and where the count falls (was one 'overflows from N CPUs' sentence)", async () => {
    const j = await result(args)
    expect(j.overflows).toEqual([[118, 127], [135, 300]])
    expect(j.falls).toEqual([{cpus: 128, before: 1716, after: 1534, terms: ['perCpuSlabs']}])
    const text = await said(args)
    expect(text).toMatch(/overflows at 118–127, 135–300 CPUs of 100–300 only/)
    expect(text).toMatch(/not monotone in the CPUs: it falls as they grow at 127→128 \(1716→1534: perCpuSlabs\)/)
  })

  it('the default array: 1 TiB over 545 nodes overflows at 123–127 and from 141 CPUs', async () => {
    const j = await result(['--sweep', '100..200', '--kernel', '7.2', '--no-debug', '--points', '8', '--memory', '1T', '--nodes', '545'])
    expect(j.overflows).toEqual([[123, 127], [141, 200]])
    expect(j.falls.map((f: {cpus: number}) => f.cpus)).toEqual([128])
  })

  it('a rising curve has no falls', async () => {
    expect((await result(['--sweep', '1..2048', '--kernel', '6.12', '--no-debug', '--points', '8'])).falls).toEqual([])
  })
})

describe("predict --sweep carries the points' caveats, each once with the points it applies to", () => {
  type Caveat = {kind: string; text: string; cpus: [number, number][]; points: number; varies: boolean}
  const find = (cs: Caveat[], re: RegExp) => cs.filter((c) => re.test(c.text))

  it('extrapolation beyond the fitted CPUs: the points outside it, their widening (was: not said at all)', async () => {
    const args = ['--sweep', '200..300', '--kernel', '7.2', '--no-debug', '--points', '8']
    const j = await result(args)
    const [ex, ...more] = find(j.caveats, /^extrapolation: /)
    expect(more).toEqual([])
    expect(ex).toMatchObject({kind: 'note', cpus: [[267, 300]], points: 3, varies: true})
    expect(ex.text).toMatch(/^extrapolation: possible CPUs 267 is above the largest calibrated \(255\)/)
    expect(j.points.map((p: {cpus: number; widened: number}) => p.widened > 1)).toEqual(j.points.map((p: {cpus: number}) => p.cpus > 255))
    const text = (await run([...args, '--format', 'table'])).stdout.replace(/\s+/g, ' ')
    expect(text).toMatch(/at the swept points 267–300 \(3 of 8\), with the numbers of 267 CPUs: extrapolation: possible CPUs 267/)
    // Said once, not once per point.
    expect(text.match(/race model:/g)).toHaveLength(1)
  })

  it('few boots behind the profile: at every swept point, once', async () => {
    const j = await result(['--sweep', '1..64', '--kernel', '6.12', '--no-debug', '--points', '4'])
    const [few, ...more] = find(j.caveats, /^interval: profile linux-6\.12-after-smp is fitted on 7 boots, fewer than the 9/)
    expect(more).toEqual([])
    expect(few).toMatchObject({kind: 'note', cpus: [[1, 64]], points: 4, varies: false})
    const text = (await run(['--sweep', '1..64', '--kernel', '6.12', '--no-debug', '--points', '4', '--format', 'table'])).stdout.replace(/\s+/g, ' ')
    expect(text).toMatch(/at every swept point: interval: profile linux-6\.12-after-smp is fitted on 7 boots/)
  })

  it("a point's warning is the command's warning, naming the points (8191 CPUs on 1 GiB: more early pages than the host has)", async () => {
    const r = await run(['--sweep', '1..8191', '--kernel', '7.2', '--no-debug', '--points', '8', '--json'])
    const env = JSON.parse(r.stdout)
    expect(env.warnings).toContainEqual(expect.stringMatching(/^at the swept point 8191 \(1 of 8\): the predicted early pages \(417307\) exceed the host's memory \(262144 pages of 4 KiB\)/))
    expect(find(env.result.caveats, /^the predicted early pages \(\d+\) exceed the host's memory/)).toMatchObject([{kind: 'warning', cpus: [[8191, 8191]], points: 1}])
    const t = await run(['--sweep', '1..8191', '--kernel', '7.2', '--no-debug', '--points', '8'])
    expect(t.stderr).toMatch(/warning: at the swept point 8191 \(1 of 8\): the predicted early pages/)
  })
})
