// A user's profile (calibrate --out) is told apart from the shipped one in every output, and an
// existing --out file is only overwritten with --force (issue 13 item 6).
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {afterAll, describe, expect, it} from 'vitest'
import {BIN} from '../helpers/cli.js'
import {captureDir, REPO, SAMPLES} from '../helpers/paths.js'

const run = (args: string[]) => runCommand(args, {root: REPO})
const exitCode = (e: {oclif?: {exit?: number}} | undefined) => (e === undefined ? 0 : (e.oclif?.exit ?? -1))
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-user-profile-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))
const DIRS = ['001', '004', '016', '064'].map((n) => captureDir(`linux-6.12-nodebug_smp${n}_1G`))

describe('calibrate --out: a user profile', () => {
  it('is named as a user profile, and refuses to overwrite without --force', async () => {
    const out = join(tmp, 'my.json')
    const first = await run(['calibrate', ...DIRS, '--out', out, '--format', 'text'])
    expect(exitCode(first.error)).toBe(0)
    expect(first.stdout).toContain('Profile user-linux-6.12-after-smp')
    expect(JSON.parse(readFileSync(out, 'utf8')).name).toBe('user-linux-6.12-after-smp')
    writeFileSync(out, '{"kept": true}\n')
    const again = await run(['calibrate', ...DIRS, '--out', out])
    expect(exitCode(again.error)).toBe(2)
    expect(again.stderr.trim()).toMatch(/my\.json: the file exists; give --force to overwrite it$/)
    expect(readFileSync(out, 'utf8')).toBe('{"kept": true}\n')
    const forced = await run(['calibrate', ...DIRS, '--out', out, '--force', '--json'])
    expect(exitCode(forced.error)).toBe(0)
    expect(statSync(out).size).toBeGreaterThan(100)
  })

  it('an empty file, a device or a pipe holds nothing to lose: written without --force (README Output; was: the file exists)', async () => {
    const empty = join(tmp, 'empty.json')
    writeFileSync(empty, '')
    expect(exitCode((await run(['calibrate', ...DIRS, '--out', empty, '--json'])).error)).toBe(0)
    expect(JSON.parse(readFileSync(empty, 'utf8')).name).toBe('user-linux-6.12-after-smp')
    expect(exitCode((await run(['calibrate', ...DIRS, '--out', '/dev/null', '--json'])).error)).toBe(0)
    // A real process whose stdout is a shell's pipe (node's own child stdio is a socket, which /dev/stdout cannot open).
    const piped = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" calibrate ${DIRS.join(' ')} --out /dev/stdout --format text | cat`], {encoding: 'utf8'})
    expect(piped.status, piped.stderr).toBe(0)
    expect(piped.stdout).toContain('"name": "user-linux-6.12-after-smp"')
  })

  it('predict, the fleet and diff name it as the user file, never as the shipped profile', async () => {
    const out = join(tmp, 'mine.json')
    await run(['calibrate', ...DIRS, '--out', out, '--json'])
    const pred = JSON.parse((await run(['predict', '--cpus', '8', '--no-debug', '--profile', out, '--json'])).stdout).result
    expect(pred.profile).toBe(`user-linux-6.12-after-smp (user profile ${out})`)
    const fleet = JSON.parse((await run(['predict', '--hosts', join(SAMPLES, 'inventory.csv'), '--profile', out, '--json'])).stdout).result
    for (const h of fleet.hosts) expect(h.profile).toContain(`(user profile ${out})`)
    const diff = JSON.parse((await run(['diff', DIRS[3], '--profile', out, '--json'])).stdout).result
    expect(diff.expectation.source).toContain(`(user profile ${out})`)
    // The shipped one by name keeps its own name.
    const shipped = JSON.parse((await run(['predict', '--cpus', '8', '--no-debug', '--kernel', '6.12', '--json'])).stdout).result
    expect(shipped.profile).toBe('linux-6.12-after-smp')
  })
})
