// One severity policy (README "Severity"), applied the same way by every command (issue 13 item 4):
// a fleet row trips --fail-on exactly when that host alone does, and the table says which row;
// a kernel WARNING splat is at least `warning`, so `analyse --fail-on warning` fails on one.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {REPO, SAMPLES} from '../helpers/paths.js'

const run = (args: string[]) => runCommand(args, {root: REPO})
const exitCode = (e: {oclif?: {exit?: number}} | undefined) => (e === undefined ? 0 : (e.oclif?.exit ?? -1))
const INVENTORY = join(SAMPLES, 'inventory.csv')

/** samples/inventory.csv (synthetic) read here with a split of the test's own. */
function inventory(): Record<string, string>[] {
  const lines = readFileSync(INVENTORY, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
  const head = lines[0].split(',')
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [head[i], v])))
}

/** The same host as predict flags. */
const flagsOf = (r: Record<string, string>) => [
  '--kernel', r.kernel, '--cpus', r.cpus, ...(r.online_cpus ? ['--online', r.online_cpus] : []), '--memory', r.memory, '--nodes', r.nodes,
  r.debug === 'yes' ? '--debug' : '--no-debug', r.deferred_init === 'yes' ? '--deferred-init' : '--no-deferred-init',
]

describe('severity policy', () => {
  it('predict --hosts: each row trips --fail-on exactly when the same host alone does; the severity column names it (synthetic inventory)', async () => {
    const hosts = inventory()
    const fleet = JSON.parse((await run(['predict', '--hosts', INVENTORY, '--json'])).stdout).result.hosts as {name: string; severity?: string}[]
    for (const level of ['warning', 'notice']) {
      const fleetExit = exitCode((await run(['predict', '--hosts', INVENTORY, '--fail-on', level, '--format', 'csv'])).error)
      const alone: number[] = []
      for (const h of hosts) {
        const one = await run(['predict', ...flagsOf(h), '--fail-on', level, '--json'])
        alone.push(exitCode(one.error))
        const row = fleet.find((r) => r.name === h.name)!
        const trips = row.severity !== undefined && (level === 'notice' || row.severity === 'warning')
        expect([h.name, level, exitCode(one.error)]).toEqual([h.name, level, trips ? 1 : 0])
      }
      expect(fleetExit).toBe(Math.max(...alone))
    }
    // The sample's non-DEBUG hosts build no recorder (analysis/built-recorder.ts builtRecorder): their early pages
    // are never tagged and nothing warns, a notice, so --fail-on warning passes (as each alone).
    expect(fleet.filter((r) => r.severity).map((r) => [r.name, r.severity])).toEqual([
      ['db-255-nodebug', 'notice'],
      ['big-1024-nodebug', 'notice'],
      ['maxcpus-host', 'notice'],
      ['old-6.12-nodebug', 'notice'],
    ])
    const csv = (await run(['predict', '--hosts', INVENTORY, '--format', 'csv'])).stdout
    expect(csv.split('\n').find((l) => l.startsWith('big-1024-nodebug,'))).toContain(',notice,')
  })

  it("dropped PFNs of the kernel's recorder: warning on a DEBUG host, notice on another, alone and in a sweep (a 64-slot array, synthetic size)", async () => {
    const gate = async (...args: string[]) => exitCode((await run(['predict', '--kernel', '7.2', '--recorder', 'legacy', '--legacy-max', '64', ...args, '--json'])).error)
    expect(await gate('--cpus', '64', '--fail-on', 'warning')).toBe(1)
    expect(await gate('--cpus', '64', '--no-debug', '--fail-on', 'warning')).toBe(0)
    expect(await gate('--cpus', '64', '--no-debug', '--fail-on', 'notice')).toBe(1)
    expect(await gate('--sweep', '1..64', '--fail-on', 'warning')).toBe(1)
    expect(await gate('--sweep', '1..64', '--no-debug', '--fail-on', 'warning')).toBe(0)
    expect(await gate('--sweep', '1..64', '--no-debug', '--fail-on', 'notice')).toBe(1)
  })

  it('a sweep that trips --fail-on says why, in text and JSON (was: exit 1 with no Severity line)', async () => {
    const r = await run(['predict', '--kernel', '7.2', '--recorder', 'legacy', '--legacy-max', '64', '--sweep', '1..64', '--json'])
    expect(JSON.parse(r.stdout).result.severity).toMatchObject({severity: 'warning', why: expect.stringMatching(/^the legacy array overflows at every CPU count of 1–64: the kernel's legacy recorder drops early PFNs/)})
    const t = await run(['predict', '--kernel', '7.2', '--recorder', 'legacy', '--legacy-max', '64', '--sweep', '1..64', '--format', 'text'])
    expect(t.stdout).toMatch(/^Severity: warning: the legacy array overflows at every CPU count of 1-64: /m)
  })

  it('a legacy array overflowing on a kernel whose recorder is the pool (7.2: guessed from the release) is a notice, a what-if, even on DEBUG', async () => {
    const gate = async (...args: string[]) => exitCode((await run(['predict', '--kernel', '7.2', '--legacy-max', '64', ...args, '--json'])).error)
    expect(await gate('--cpus', '64', '--fail-on', 'warning')).toBe(0)
    expect(await gate('--cpus', '64', '--fail-on', 'notice')).toBe(1)
    expect(await gate('--sweep', '1..64', '--fail-on', 'warning')).toBe(0)
    expect(await gate('--sweep', '1..64', '--fail-on', 'notice')).toBe(1)
  })

  it('an accounting anomaly in the dump is a warning in analyse too, as in allocinfo and diff (was: analyse --allocinfo ignored it)', async () => {
    const pool = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
    const real = readFileSync(join(pool, 'allocinfo.txt'), 'utf8').split('\n')
    // DERIVED: the real dump with one site of negative bytes after its header.
    const neg = join(mkdtempSync(join(tmpdir(), 'allocscope-sev-')), 'allocinfo-negative.txt')
    writeFileSync(neg, [...real.slice(0, 2), '       -4096        1 x.c:2 func:negsite ', ...real.slice(2)].join('\n'))
    const gate = async (dump: string, on: string) => exitCode((await run(['analyse', join(pool, 'dmesg.txt'), '--allocinfo', dump, '--fail-on', on, '--json'])).error)
    expect(await gate(neg, 'warning')).toBe(1)
    expect(await gate(join(pool, 'allocinfo.txt'), 'warning')).toBe(0)
    expect(exitCode((await run(['allocinfo', neg, '--fail-on', 'warning', '--json'])).error)).toBe(1)
  })

  it('analyse --fail-on warning fails on a kernel WARNING splat no detector row knows (numa2 topology_sane, real)', async () => {
    const r = await run(['analyse', join(SAMPLES, 'linux-6.12-instr_smp064_2G_numa2'), '--fail-on', 'warning', '--json'])
    expect(exitCode(r.error)).toBe(1)
    const f = JSON.parse(r.stdout).result.findings.find((x: {id: string}) => x.id === 'warning')
    expect(f).toMatchObject({severity: 'warning', title: 'WARNING in topology_sane'})
  })
})
