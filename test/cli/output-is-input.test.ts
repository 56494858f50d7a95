// An output file that is one of the command's inputs (cli/write-file.ts refuseInputAsOutput): by
// name, through a symlink, a hard link or stdin redirected from it, refused before anything is
// written, exit 2, one line naming both. It was overwritten: batch --out truncated the boot log it
// was named with (exit 0), trend --svg wrote SVG over the recording, fleet --html HTML over the
// records. Inputs: REAL files (samples/, testdata/trend/leak), copied where a test writes.
import {spawnSync} from 'node:child_process'
import {closeSync, copyFileSync, cpSync, linkSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {BIN, cliEnv, runCli} from '../helpers/cli.js'
import {REPO, SAMPLES, TESTDATA} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-outin-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

const LOG = join(SAMPLES, 'lkml-7.0-rc4-alloc-tag-not-set', 'dmesg-excerpt.txt')
const POOL_LOG = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'dmesg.txt')
const RECORDING = join(TESTDATA, 'trend', 'leak', 'recording.arec.gz')

/** A fresh copy of a real file in its own directory. */
function copyOf(real: string, name: string): string {
  const p = join(mkdtempSync(join(tmp, 'case-')), name)
  copyFileSync(real, p)
  return p
}

const refusal = (flag: string, out: string, input: string) => `allocscope: ${flag} ${out} is the same file as ${input}: writing it would destroy that input; give another ${flag}`

describe('an output file that is an input is refused, and the input kept', () => {
  it('batch --out the boot log named as the input, alone or with another input', async () => {
    const log = copyOf(LOG, 'only.log')
    for (const args of [[log], [log, POOL_LOG]]) {
      const r = await runCli(['batch', '--out', log, ...args])
      expect([r.status, r.stderr.trim()]).toEqual([2, refusal('--out', log, `the input ${log}`)])
      expect(readFileSync(log)).toEqual(readFileSync(LOG))
    }
  })

  it('batch --out the --files-from list', async () => {
    const list = join(mkdtempSync(join(tmp, 'list-')), 'list.txt')
    copyFileSync(LOG, list) // any bytes: they must be there after
    const r = await runCli(['batch', '--files-from', list, '--out', list])
    expect([r.status, r.stderr.trim()]).toEqual([2, refusal('--out', list, `--files-from ${list}`)])
    expect(readFileSync(list)).toEqual(readFileSync(LOG))
  })

  it('trend --svg a symlink to the recording; --log named as --svg', async () => {
    const rec = copyOf(RECORDING, 'r.arec.gz')
    symlinkSync(rec, `${rec}.lnk`)
    const r = await runCli(['trend', rec, '--svg', `${rec}.lnk`])
    expect([r.status, r.stderr.trim()]).toEqual([2, refusal('--svg', `${rec}.lnk`, `the input ${rec}`)])
    expect(readFileSync(rec)).toEqual(readFileSync(RECORDING))
    const log = copyOf(POOL_LOG, 'dmesg.txt')
    const l = await runCli(['trend', RECORDING, '--log', log, '--svg', log])
    expect([l.status, l.stderr.trim()]).toEqual([2, refusal('--svg', log, `--log ${log}`)])
    expect(readFileSync(log)).toEqual(readFileSync(POOL_LOG))
  })

  it('fleet --html a hard link to its records, or the file stdin is redirected from', async () => {
    const recs = join(mkdtempSync(join(tmp, 'fleet-')), 'f.json')
    const made = await runCli(['batch', '--out', recs, LOG])
    expect(made.status).toBe(0)
    const before = readFileSync(recs)
    linkSync(recs, `${recs}.hard`)
    const r = await runCli(['fleet', recs, '--html', `${recs}.hard`])
    expect([r.status, r.stderr.trim()]).toEqual([2, refusal('--html', `${recs}.hard`, `the input ${recs}`)])
    const fd = openSync(recs, 'r')
    const s = spawnSync(process.execPath, [BIN, 'fleet', '--html', recs], {cwd: REPO, env: cliEnv({NO_COLOR: '1'}), stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8'})
    closeSync(fd)
    expect([s.status, s.stderr.trim()]).toEqual([2, refusal('--html', recs, 'the input <stdin>')])
    expect(readFileSync(recs)).toEqual(before)
  })

  it('predict --svg the --from log; calibrate --out (--force) a capture it reads', async () => {
    const log = copyOf(POOL_LOG, 'dmesg.txt')
    const p = await runCli(['predict', '--from', log, '--sweep', '1..8', '--svg', log])
    expect([p.status, p.stderr.trim()]).toEqual([2, refusal('--svg', log, `--from ${log}`)])
    const c = await runCli(['calibrate', log, '--out', log, '--force'])
    expect([c.status, c.stderr.trim()]).toEqual([2, refusal('--out', log, `the input ${log}`)])
    expect(readFileSync(log)).toEqual(readFileSync(POOL_LOG))
  })

  // A capture directory's files are what the command reads: trend of a lab series wrote its SVG
  // over the series' recording.arec.gz (exit 0), predict --from one over its dmesg.txt.
  it('trend --svg and predict --svg a file of the capture directory read (testdata/trend/leak)', async () => {
    const cap = join(mkdtempSync(join(tmp, 'cap-')), 'leak')
    cpSync(join(TESTDATA, 'trend', 'leak'), cap, {recursive: true})
    const rec = join(cap, 'recording.arec.gz')
    const r = await runCli(['trend', cap, '--svg', rec])
    expect([r.status, r.stderr.trim()]).toEqual([2, `allocscope: --svg ${rec} is a file in the input ${cap} (a directory): writing it would destroy part of that input; give another --svg`])
    expect(readFileSync(rec)).toEqual(readFileSync(RECORDING))
    const log = join(cap, 'dmesg.txt')
    const p = await runCli(['predict', '--from', cap, '--sweep', '1..4', '--svg', log])
    expect([p.status, p.stderr.trim()]).toEqual([2, `allocscope: --svg ${log} is a file in --from ${cap} (a directory): writing it would destroy part of that input; give another --svg`])
    expect(readFileSync(log)).toEqual(readFileSync(join(TESTDATA, 'trend', 'leak', 'dmesg.txt')))
  })

  // A hard link elsewhere to a file of the directory read is that file: trend --svg wrote over the
  // series' recording (exit 0), predict --svg over the capture's dmesg.txt.
  it('trend --svg and predict --svg a hard link, outside it, to a file of the capture directory read', async () => {
    const cap = join(mkdtempSync(join(tmp, 'caplink-')), 'leak')
    cpSync(join(TESTDATA, 'trend', 'leak'), cap, {recursive: true})
    const other = mkdtempSync(join(tmp, 'other-'))
    const rl = join(other, 'rl')
    linkSync(join(cap, 'recording.arec.gz'), rl)
    const r = await runCli(['trend', cap, '--svg', rl])
    expect([r.status, r.stderr.trim()]).toEqual([2, `allocscope: --svg ${rl} is a file in the input ${cap} (a directory): writing it would destroy part of that input; give another --svg`])
    expect(readFileSync(rl)).toEqual(readFileSync(RECORDING))
    const hl = join(other, 'hl')
    linkSync(join(cap, 'dmesg.txt'), hl)
    const p = await runCli(['predict', '--from', cap, '--sweep', '1..4', '--svg', hl])
    expect([p.status, p.stderr.trim()]).toEqual([2, `allocscope: --svg ${hl} is a file in --from ${cap} (a directory): writing it would destroy part of that input; give another --svg`])
    expect(readFileSync(hl)).toEqual(readFileSync(join(TESTDATA, 'trend', 'leak', 'dmesg.txt')))
  })

  // No output flag takes '-' for stdout: it is a file named '-' (as --svg - was before the check).
  // With stdin redirected from a file, the check took '-' for stdin: trend and record exited 70
  // (lstat '-', an internal error), batch 2 ('the file exists', of stdin).
  it("an output named '-' is a file of that name, whatever stdin is", () => {
    const cases: [string[], RegExp][] = [
      [['trend', join(TESTDATA, 'trend', 'leak'), '--svg', '-'], /^<svg/],
      [['record', '--source', join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt'), '--out', '-', '--count', '1'], /./],
      [['batch', join(SAMPLES, 'linux-7.2-pool-c64-m1024'), '--out', '-'], /^\{"/],
    ]
    const stdin = join(SAMPLES, 'inventory.csv')
    for (const [args, starts] of cases) {
      const cwd = mkdtempSync(join(tmp, 'dash-'))
      const fd = openSync(stdin, 'r')
      const s = spawnSync(process.execPath, [BIN, ...args], {cwd, env: cliEnv({NO_COLOR: '1'}), stdio: [fd, 'pipe', 'pipe'], encoding: 'utf8'})
      closeSync(fd)
      expect([args[0], s.status, s.stderr.includes('internal error')]).toEqual([args[0], 0, false])
      expect(readFileSync(join(cwd, '-'), 'latin1')).toMatch(starts)
    }
  })

  it('an output that is no input, or a device, is written as before', async () => {
    const out = join(mkdtempSync(join(tmp, 'ok-')), 'trend.svg')
    const r = await runCli(['trend', RECORDING, '--svg', out])
    expect(r.status).toBe(0)
    expect(readFileSync(out, 'utf8')).toMatch(/^<svg/)
    const d = await runCli(['batch', '--out', '/dev/null', LOG])
    expect(d.status).toBe(0)
  })
})
