// Colour: on for a TTY, off with NO_COLOR (non-empty, per no-color.org) or --no-color, off when
// piped. chalk alone ignores NO_COLOR, so this is checked on a real pseudo-terminal (`script`).
import {execFileSync, spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runCli} from '../helpers/cli.js'
import {captureDir, REPO} from '../helpers/paths.js'

const hasScript = spawnSync('script', ['--version']).status === 0
const BIN = join(REPO, 'bin', 'run.js')
const A = join(captureDir('linux-7.2-pool-c4-m1024'), 'allocinfo.txt')
const B = join(captureDir('linux-7.2-pool-c64-m1024'), 'allocinfo.txt')
const ANSI = /\x1b\[\d+m/

function onPty(env: Record<string, string | undefined>, extra = ''): string {
  const e: NodeJS.ProcessEnv = {PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm', COLUMNS: '160', ...env}
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k]
  return execFileSync('script', ['-qec', `node ${BIN} diff ${A} ${B} --top 5 ${extra}`, '/dev/null'], {encoding: 'utf8', env: e, timeout: 60_000})
}

describe.skipIf(!hasScript)('colour (needs util-linux script for a pty)', () => {
  it('is on for a terminal', () => expect(onPty({NO_COLOR: undefined})).toMatch(ANSI))
  it('is off with NO_COLOR=1', () => expect(onPty({NO_COLOR: '1'})).not.toMatch(ANSI))
  it('stays on with an empty NO_COLOR', () => expect(onPty({NO_COLOR: ''})).toMatch(ANSI))
  it('is off with --no-color', () => expect(onPty({NO_COLOR: undefined}, '--no-color')).not.toMatch(ANSI))
  it('is off when stdout is not a terminal (in-process: test/helpers/cli.ts), NO_COLOR unset', async () => {
    const r = await runCli(['diff', A, B, '--top', '5'], {env: {NO_COLOR: undefined, FORCE_COLOR: undefined}})
    expect(r.status).toBe(0)
    expect(r.stdout).not.toMatch(ANSI)
  })
})
