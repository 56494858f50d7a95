// diff's --module/--file/--function are checked as allocinfo and trend check theirs (one helper,
// src/allocinfo/scope.ts compileRegex): a bad expression is one line, exit 2, and says what
// JavaScript said once — not "Invalid regular expression" twice.
import {join} from 'node:path'
import {runCommand} from '@oclif/test'
import {describe, expect, it} from 'vitest'
import {REPO, SAMPLES} from '../helpers/paths.js'

const POOL = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt')
const LATE = join(SAMPLES, 'linux-7.2-legacylate-c255-m1024', 'allocinfo.txt')
const run = (args: string[]) => runCommand(['diff', ...args], {root: REPO})
const exitCode = (e: {oclif?: {exit?: number}} | undefined) => (e === undefined ? 0 : (e.oclif?.exit ?? -1))

describe('diff: a bad filter expression', () => {
  it.each(['module', 'file', 'function'])('--%s [ is one line naming the flag, the reason said once, exit 2', async (flag) => {
    const diff = await run([POOL, LATE, `--${flag}`, '['])
    const allocinfo = await runCommand(['allocinfo', POOL, `--${flag}`, '['], {root: REPO})
    expect(exitCode(diff.error)).toBe(2)
    const line = diff.stderr.trim()
    expect(line.split('\n')).toHaveLength(1)
    expect(line).toContain(`--${flag}: invalid regular expression '[' (/[/: Unterminated character class); expected a JavaScript regular expression`)
    expect(line.match(/invalid regular expression/gi)).toHaveLength(1)
    // The same words as allocinfo's (one helper).
    expect(allocinfo.stderr.trim()).toBe(line)
  })
})
