// batch loads tinyglobby only for a path that does not exist (it may be a pattern) and node:crypto
// only for --shard (src/batch/inputs.ts): at the top of the module they were ~35 ms of every run's
// start-up. Seen in real processes of the BUILT CLI: a hook says at exit what was loaded. Glob
// support is seen through picomatch, which tinyglobby loads as CommonJS whether it is itself
// imported or required (an ES module import of tinyglobby is not in the CommonJS cache).
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {REPO, SAMPLES} from '../helpers/paths.js'

const BIN = join(REPO, 'bin', 'run.js')
const LOG = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'dmesg.txt')
/** Writes at exit which of the two were loaded (no spaces: NODE_OPTIONS splits at them; %20 is one in the data URL). */
const HOOK =
  'data:text/javascript,import(`node:module`).then((m)=>process.on(`exit`,()=>process.stderr.write(`LOADED=${JSON.stringify({glob:Object.keys(m.default._cache).some((k)=>k.includes(`/node_modules/picomatch/`)),crypto:process.moduleLoadList.includes(`NativeModule%20crypto`)})}\\n`)))'

function loaded(args: string[]): {glob: boolean; crypto: boolean} {
  const r = spawnSync(process.execPath, [BIN, 'batch', ...args], {cwd: REPO, encoding: 'utf8', env: {PATH: process.env.PATH, NO_COLOR: '1', NODE_OPTIONS: `--import=${HOOK}`}})
  expect(r.status, r.stderr).toBe(0)
  expect(r.stdout.split('\n').filter(Boolean).length).toBeGreaterThan(0)
  const m = /^LOADED=(.*)$/m.exec(r.stderr)
  expect(m, r.stderr).not.toBeNull()
  return JSON.parse(m![1]!) as {glob: boolean; crypto: boolean}
}

describe('batch start-up loads what the inputs need', () => {
  it('a plain path: neither', () => {
    expect(loaded([LOG])).toEqual({glob: false, crypto: false})
  })
  it('--shard: node:crypto', () => {
    expect(loaded(['--shard', '1/1', LOG])).toEqual({glob: false, crypto: true})
  })
  it('a pattern: tinyglobby', () => {
    expect(loaded([join(SAMPLES, '*-pool-c64-*', 'dmesg.txt')])).toEqual({glob: true, crypto: false})
  })
})
