// A clone installed with `npm ci` but not built (no dist/): bin/run.js says so in one line and
// exits 70 (README "Exit status"), instead of oclif's MODULE_NOT_FOUND stack for dist/cli/not-found.js;
// `--version` (which loads nothing from dist/) still works. Runs a copy of bin/run.js and
// package.json in a scratch directory: the layout of such a clone, without its dist/.
import {spawnSync} from 'node:child_process'
import {copyFileSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {EXIT} from '../../src/errors.js'
import {REPO} from '../helpers/paths.js'

let clone: string
beforeAll(() => {
  clone = mkdtempSync(join(tmpdir(), 'allocscope-unbuilt-'))
  mkdirSync(join(clone, 'bin'))
  copyFileSync(join(REPO, 'bin', 'run.js'), join(clone, 'bin', 'run.js'))
  copyFileSync(join(REPO, 'package.json'), join(clone, 'package.json'))
})
afterAll(() => rmSync(clone, {recursive: true, force: true}))

const run = (args: string[]) => spawnSync(process.execPath, [join(clone, 'bin', 'run.js'), ...args], {cwd: clone, encoding: 'utf8', env: {PATH: process.env.PATH, NO_COLOR: '1'}})

describe('a clone that was not built', () => {
  it.each([[['analyse', 'samples/linux-7.2-pool-c64-m1024']], [['allocinfo', '--sample', 'pool-c64']], [['help']], [[]]])('%j: one line naming the fix, exit 70', (args) => {
    const r = run(args)
    expect(r.stderr).toBe(`allocscope: not built: ${clone}/dist is missing; run \`npm run build\` in ${clone} (npm ci installs, it does not build)\n`)
    expect(r.stdout).toBe('')
    expect(r.status).toBe(EXIT.internal)
  })
  it('--version still works (it reads only package.json)', () => {
    const r = run(['--version'])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^allocscope\/\d+\.\d+\.\d+ /)
  })
})
