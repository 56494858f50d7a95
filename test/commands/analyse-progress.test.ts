// Progress on stderr: shown on a TTY for long inputs, cleared at the end, never with --json or
// when stderr is not a TTY. The TTY is a real pseudo-terminal from util-linux `script`; not a TTY
// is the in-process run (test/helpers/cli.ts), whose stderr is a capture.
import {execFileSync, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {runCli} from '../helpers/cli.js'
import {captureDir, REPO} from '../helpers/paths.js'

const hasScript = spawnSync('script', ['--version']).status === 0
const BIN = join(REPO, 'bin', 'run.js')
let dir = ''
let big = ''

describe.skipIf(!hasScript)('analyse progress (needs util-linux script for a pty)', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'allocscope-progress-'))
    big = join(dir, 'DERIVED-boot-40M.txt')
    // DERIVED: a real dmesg.txt repeated past the 32 MiB progress threshold.
    const one = readFileSync(join(captureDir('linux-7.2-pool-c64-m1024'), 'dmesg.txt'))
    const copies = Math.ceil((40 * 2 ** 20) / one.length)
    writeFileSync(big, Buffer.concat(Array.from({length: copies}, () => one)))
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  const underPty = (args: string) =>
    execFileSync('script', ['-qec', `node ${BIN} ${args} > /dev/null`, '/dev/null'], {encoding: 'latin1', timeout: 60_000})

  it('shows a percentage on a TTY and clears the line at the end', () => {
    const out = underPty(`analyse ${big} --format text`)
    expect(out).toMatch(/allocscope: reading \d+%/)
    expect(out.endsWith('\r\x1b[K')).toBe(true)
  })

  it('stays silent with --json: nothing at all on stderr', () => {
    expect(underPty(`analyse ${big} --json`)).toBe('')
  })

  it('stays silent when stderr is not a TTY: nothing at all on stderr', async () => {
    const r = await runCli(['analyse', big, '--format', 'text'])
    expect(r.status).toBe(0)
    expect(r.stderr).toBe('')
  })
})
