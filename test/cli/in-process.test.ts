// The in-process runner (test/helpers/cli.ts: runCli) tells the truth about the process: for one
// case of each kind the tests drive in-process — a result in JSON and as a table, the fast path,
// a finding gate, bad input, a usage mistake, an unknown command, help, version, COLUMNS, a bundled
// sample from another directory, a full disk — the same argv gives the same exit status, stdout and
// stderr in a real `node bin/run.js` process as in this one. Needs `npm run build` (npm test does).
import {mkdtempSync, openSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {spawnSync} from 'node:child_process'
import {afterAll, describe, expect, it} from 'vitest'
import {BIN, cliEnv, runCli, spawnCli} from '../helpers/cli.js'
import {REPO} from '../helpers/paths.js'

const elsewhere = mkdtempSync(join(tmpdir(), 'allocscope-inproc-'))
afterAll(() => rmSync(elsewhere, {recursive: true, force: true}))

const NOTRACK = 'samples/linux-7.2-notrack-c8-m1024-shrink'

describe('runCli = node bin/run.js', () => {
  it.each([
    [['analyse', NOTRACK, '--json']],
    [['analyse', NOTRACK, '--fail-on', 'warning']],
    [['allocinfo', '--top', '3', 'samples/linux-7.2-pool-c64-m1024']], // the fast path
    [['diff', NOTRACK, '--json']], // the fast path
    [['allocinfo', join(elsewhere, 'nope.txt')]],
    [['analyse', '--jsn', 'x']],
    [['anlyse', 'x']],
    [['help']],
    [['analyse', '-h']],
    [['--version']],
    [['predict', '--cpus', '4', '--kernel', 'banana']],
    [['batch', NOTRACK, 'samples/linux-7.2-pool-c64-m1024']],
  ])('%j', async (args) => {
    const inProcess = await runCli(args)
    expect(inProcess.stdout + inProcess.stderr).not.toBe('')
    expect(inProcess).toEqual(spawnCli(args))
  })

  it('COLUMNS and the working directory are the call\'s own', async () => {
    const args = ['predict', '--sample', 'pool-c64']
    const opts = {cwd: elsewhere, env: {COLUMNS: '50'}}
    const inProcess = await runCli(args, opts)
    expect(inProcess.status).toBe(0)
    expect(Math.max(...inProcess.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(50)
    expect(inProcess).toEqual(spawnCli(args, opts))
    expect(process.cwd()).not.toBe(elsewhere)
  })

  it('a full disk: stdoutError ENOSPC in-process is what /dev/full gives a process', async () => {
    for (const args of [['analyse', NOTRACK, '--format', 'csv'], ['allocinfo', 'samples/linux-7.2-pool-c64-m1024', '--json']]) {
      const r = spawnSync(process.execPath, [BIN, ...args], {cwd: REPO, env: cliEnv(), encoding: 'utf8', stdio: ['ignore', openSync('/dev/full', 'w'), 'pipe']})
      const inProcess = await runCli(args, {stdoutError: 'ENOSPC'})
      expect(inProcess).toEqual({status: r.status, stdout: '', stderr: r.stderr})
      expect(inProcess.status).toBe(74)
    }
  })
})
