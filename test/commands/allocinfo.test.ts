// `allocscope allocinfo` end to end (built commands in dist/: run `npx tsc -p tsconfig.json` first).
// Expected values come from the real sample files, read and summed here independently.
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {afterAll, describe, expect, it} from 'vitest'
import {derivedCut, derivedModuleTags, derivedNegativeBytes, derivedWrappedCalls, realText} from '../helpers/allocinfo-derived.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

const POOL = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
const POOL_FILE = join(POOL, 'allocinfo.txt')
const NODEBUG = join(SAMPLES, 'linux-6.12-nodebug_smp064_1G')

const run = (args: string[]) => runCommand(['allocinfo', ...args], {root: REPO})
const exitCode = (e: {oclif?: {exit?: number}} | undefined) => (e === undefined ? 0 : (e.oclif?.exit ?? -1))

function rawLines(path: string) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => /^\s*-?\d+\s+\d+\s/.test(l))
    .map((l) => {
      const [b, c, fl, fn] = l.trim().split(/\s+/)
      return {bytes: BigInt(b), calls: BigInt(c), site: fl, func: fn.slice(5)}
    })
}
const desc = (a: bigint, b: bigint) => (a < b ? 1 : a > b ? -1 : 0)

interface Json {
  schema: string
  command: string
  warnings: string[]
  result: {
    version: string
    totals: {sites: number; bytes: number; calls: number}
    matched: {sites: number; bytes: number; calls: number}
    shown: number
    sites: {key: string; file: string; lineNo: number; func: string; bytes: number; calls: number; accurate: boolean}[]
    tree?: {depth: number; prefixes: number; rows: {prefix: string; sites: number; bytes: number; calls: number}[]}
    anomalies: {line: number; kind: string; key: string}[]
    skipped: unknown[]
  }
}
async function json(args: string[]): Promise<Json> {
  const {stdout, error} = await run([...args, '--json'])
  expect(error).toBeUndefined()
  return JSON.parse(stdout) as Json
}

const tmp = mkdtempSync(join(tmpdir(), 'allocinfo-cmd-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

describe('allocscope allocinfo', () => {
  it('--json envelope: version, totals, top 20 by bytes, the duplicate-key anomaly', async () => {
    const raw = rawLines(POOL_FILE)
    const j = await json([POOL])
    expect(Object.keys(j).sort()).toEqual(['command', 'result', 'schema', 'warnings'])
    expect(j.schema).toBe('allocscope/v1')
    expect(j.command).toBe('allocinfo')
    expect(j.result.version).toBe('2.0')
    expect(j.result.totals.bytes).toBe(Number(raw.reduce((s, r) => s + r.bytes, 0n)))
    expect(j.result.totals.calls).toBe(Number(raw.reduce((s, r) => s + r.calls, 0n)))
    expect(j.result.totals.sites).toBe(new Set(raw.map((r) => `${r.site} ${r.func}`)).size)
    expect(j.result.shown).toBe(20)
    expect(j.result.sites.map((s) => BigInt(s.bytes))).toEqual(raw.map((r) => r.bytes).sort(desc).slice(0, 20))
    expect(j.result.anomalies).toEqual([{line: 163, key: 'kernel/sched/sched.h:2896 alloc_user_cpus_ptr', kind: 'duplicate-key', detail: 'same key as line 160; summed', severity: 'info'}])
    expect(j.result.skipped).toEqual([])
  })

  it('--top 5 --sort calls lists the five largest call counts', async () => {
    const want = rawLines(POOL_FILE).map((r) => r.calls).sort(desc).slice(0, 5)
    const j = await json([POOL_FILE, '--top', '5', '--sort', 'calls'])
    expect(j.result.sites.map((s) => BigInt(s.calls))).toEqual(want)
  })

  it('--min 1M --file ^mm/ --bytes: raw numbers, only large mm/ sites', async () => {
    const want = rawLines(join(NODEBUG, 'allocinfo.txt')).filter((r) => r.site.startsWith('mm/') && r.bytes >= 1048576n)
    const {stdout, error} = await run([NODEBUG, '--min', '1M', '--file', '^mm/', '--bytes', '--top', '0', '-f', 'csv'])
    expect(error).toBeUndefined()
    // CSV: a `# title` line, then the header, then the rows (raw bytes).
    const rows = stdout.split('\n\n')[0].trim().split('\n').slice(2)
    expect(rows.length).toBe(want.length)
    expect(rows.map((r) => r.split(',')[0])).toEqual(want.map((r) => String(r.bytes)).sort((a, b) => Number(b) - Number(a)))
    const text = await run([NODEBUG, '--min', '1M', '--file', '^mm/', '--bytes', '-f', 'text'])
    expect(text.stdout).toContain('filters: file =~ /^mm\\//, bytes >= 1048576\n')
    expect(text.stdout).toContain(`matched: ${want.length} sites, ${want.reduce((s, r) => s + r.bytes, 0n)} bytes`)
    const j = await json([NODEBUG, '--min', '1M', '--file', '^mm/'])
    expect(j.result.matched.bytes).toBe(Number(want.reduce((s, r) => s + r.bytes, 0n)))
  })

  it('--function and --accurate-no filters', async () => {
    const j = await json([POOL, '--accurate-no', '--top', '0'])
    expect(j.result.matched.sites).toBe((readFileSync(POOL_FILE, 'utf8').match(/accurate:no/g) ?? []).length)
    expect(j.result.sites.every((s) => !s.accurate)).toBe(true)
    const f = await json([POOL, '--function', '^alloc_thread_stack_node$'])
    expect(f.result.sites.map((s) => [s.file, s.calls])).toEqual([['kernel/fork.c', 2450]])
  })

  it('--tree --depth 1: one row per top directory, sums equal the file', async () => {
    const raw = rawLines(POOL_FILE)
    const j = await json([POOL, '--tree', '--depth', '1', '--top', '0'])
    const tops = new Set(raw.map((r) => (r.site.includes('/') ? r.site.split('/')[0] + '/' : r.site.replace(/:\d+$/, ''))))
    expect(j.result.tree!.rows.map((r) => r.prefix).sort()).toEqual([...tops].sort())
    expect(j.result.tree!.rows.reduce((s, r) => s + r.bytes, 0)).toBe(j.result.totals.bytes)
    const mm = raw.filter((r) => r.site.startsWith('mm/')).reduce((s, r) => s + r.bytes, 0n)
    expect(j.result.tree!.rows.find((r) => r.prefix === 'mm/')!.bytes).toBe(Number(mm))
  })

  it('IEC units by default', async () => {
    const {stdout} = await run([POOL, '--top', '1', '-f', 'text'])
    expect(stdout).toContain('19.6 MiB') // 20598784 bytes, mm/slub.c:3282 alloc_slab_page
    expect(stdout).toMatch(/total: 930 sites, 45\.3 MiB, 44972 calls/)
  })

  it('--format text: every line under 80 columns', async () => {
    for (const args of [[POOL], [NODEBUG, '--tree'], [POOL, '--sort', 'file', '--top', '50']]) {
      const {stdout} = await run([...args, '-f', 'text'])
      const long = stdout.split('\n').filter((l) => l.length >= 80)
      expect(long).toEqual([])
    }
  })

  it('a bad regular expression exits 2 with a message naming the flag', async () => {
    const {stderr, error} = await run([POOL, '--module', '(ext4'])
    expect(exitCode(error)).toBe(2)
    expect(stderr).toContain("allocscope: --module: invalid regular expression '(ext4'")
  })

  it('a bad --min exits 2', async () => {
    const {stderr, error} = await run([POOL, '--min', 'lots'])
    expect(exitCode(error)).toBe(2)
    expect(stderr).toContain("--min: 'lots' is not a size")
  })

  it('a missing file exits 2 naming the file', async () => {
    const {stderr, error} = await run([join(SAMPLES, 'no-such-allocinfo.txt')])
    expect(exitCode(error)).toBe(2)
    expect(stderr).toBe(`allocscope: ${join(SAMPLES, 'no-such-allocinfo.txt')}: no such file or directory; expected a /proc/allocinfo text file\n`)
  })

  it('a capture directory without allocinfo.txt (the real truncated c255 boot) exits 2', async () => {
    const {stderr, error} = await run([join(SAMPLES, 'linux-7.2-pool-c255-m1024')])
    expect(exitCode(error)).toBe(2)
    // Every name the directory reader accepts (readers/dir.ts ALLOCINFO_NAMES), not allocinfo.txt alone.
    expect(stderr).toContain('capture directory without an allocinfo dump (allocinfo.txt, allocinfo, allocinfo.txt.gz)')
  })

  it('a boot log is not allocinfo: exit 2, first bad line named', async () => {
    const {stderr, error} = await run([join(POOL, 'dmesg.txt')])
    expect(exitCode(error)).toBe(2)
    expect(stderr).toMatch(/dmesg\.txt:1: not \/proc\/allocinfo text/)
  })

  it('derived: module tags, negative bytes and wrapped calls show as a module column and anomalies after the table', async () => {
    const real = realText(POOL_FILE)
    const derived = join(tmp, 'derived-anomalies.txt')
    // data line 0 is init/main.c (0 bytes): make it negative; line 1 gets wrapped calls
    writeFileSync(derived, derivedWrappedCalls(derivedNegativeBytes(derivedModuleTags(real, 'fs/kernfs/', 'kernfs_test'), 0, -4096n), 1, 2n))
    const {stdout, error} = await run([derived, '-f', 'text'])
    expect(error).toBeUndefined()
    expect(stdout).toMatch(/file:line\s+function\s+module/)
    expect(stdout).toContain('kernfs_test')
    const anomalies = stdout.slice(stdout.indexOf('anomalies (3)'))
    expect(stdout.indexOf('anomalies (3)')).toBeGreaterThan(stdout.indexOf('total:'))
    // --module keeps its sites' anomalies only (none here: the three are at built-in sites).
    expect((await run([derived, '-f', 'text', '--module', 'kernfs'])).stdout).toContain('3 anomalies outside --module (not gated on)')
    // The site cell may wrap onto a continuation line (79 columns): whole, never cut.
    expect(anomalies).toMatch(/\b3 +negative-bytes +init\/main\.c:\d+\s.*\n\s+do_initcalls/)
    expect(anomalies).toMatch(/\b4 +wrapped-calls\b/)
    expect(anomalies).toMatch(/duplicate-key/)
    // accounting anomalies are warnings for --fail-on; the real file's duplicate key is only info
    expect(exitCode((await run([derived, '--fail-on', 'warning', '--json'])).error)).toBe(1)
    expect(exitCode((await run([POOL, '--fail-on', 'warning', '--json'])).error)).toBe(0)
    expect(exitCode((await run([POOL, '--fail-on', 'info', '--json'])).error)).toBe(1)
    const j = await json([derived, '--module', '^kernfs_test$', '--top', '0'])
    const want = real.split('\n').filter((l) => / fs\/kernfs\/\S*:\d+ func:/.test(l)).length
    expect(j.result.matched.sites).toBe(want)
  })

  it('derived: a copy cut mid-line lists the skipped line after the table', async () => {
    const real = realText(POOL_FILE)
    const cut = join(tmp, 'derived-cut.txt')
    writeFileSync(cut, derivedCut(real, real.split('\n').slice(0, 700).join('\n').length + 20))
    const {stdout, error} = await run([cut, '-f', 'text', '--top', '3'])
    expect(error).toBeUndefined()
    expect(stdout).toContain('skipped lines (1)')
    expect(stdout).toMatch(/line 701: truncated last line/)
    expect(stdout).toContain('total: 697 sites') // 698 data lines, one duplicate key summed
  })
})
