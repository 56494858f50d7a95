// record ends on Ctrl-C (SIGINT) or SIGTERM as on --count: its normal stop, exit 0, the recording
// whole (README "Exit status": batch exits 130/143 instead, a run cut short). A real process: the
// signal is the point. The source is the real sample allocinfo (samples/linux-7.2-pool-c64-m1024).
import {spawn} from 'node:child_process'
import {copyFileSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {constants, gunzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {BIN, cliEnv} from '../helpers/cli.js'
import {SAMPLES} from '../helpers/paths.js'

const REAL = join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt')
const tmp = mkdtempSync(join(tmpdir(), 'allocscope-record-signals-'))

/** The snapshot lines written so far (a member still being written is read as far as it goes). */
function snapshots(file: string): number {
  try {
    const text = gunzipSync(readFileSync(file), {finishFlush: constants.Z_SYNC_FLUSH}).toString('utf8')
    return text.split('\n').filter((l) => l.startsWith('{"snap"')).length
  } catch {
    return 0
  }
}

describe('record stopped by a signal', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s: exit 0, every snapshot taken kept whole', {timeout: 60_000}, async (sig) => {
    const out = join(tmp, `${sig}.arec.gz`)
    const p = spawn(process.execPath, [BIN, 'record', '--source', REAL, '--interval', '100ms', '--duration', '1h', '--out', out], {env: cliEnv(), stdio: 'ignore'})
    const ended = new Promise<number | null>((res) => p.on('exit', (code) => res(code)))
    for (let t = 0; snapshots(out) < 2 && t < 400; t++) await new Promise((r) => setTimeout(r, 100))
    expect(snapshots(out)).toBeGreaterThanOrEqual(2)
    p.kill(sig)
    expect(await ended).toBe(0)
    // Whole: the file reads to its end without a partial member.
    const text = gunzipSync(readFileSync(out)).toString('utf8')
    expect(text.endsWith('\n')).toBe(true)
  })
})

// The source removed mid-recording (the real sample, copied): one line saying so, the summary as on
// any stop (JSON too), exit 66 (README "Exit status"), the snapshots taken kept. It was exit 2 with
// the start-up wording ("no such file; expected ..."), no summary and nothing on stdout.
describe('record whose source goes away', () => {
  it('exit 66, the summary on stdout with why, the recording whole', {timeout: 60_000}, async () => {
    const source = join(tmp, 'gone.txt')
    copyFileSync(REAL, source)
    const out = join(tmp, 'gone.arec.gz')
    const p = spawn(process.execPath, [BIN, 'record', '--source', source, '--interval', '100ms', '--count', '1000', '--out', out, '--json'], {env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (b) => (stdout += b))
    p.stderr.on('data', (b) => (stderr += b))
    const ended = new Promise<number | null>((res) => p.on('close', (code) => res(code)))
    for (let t = 0; snapshots(out) < 2 && t < 400; t++) await new Promise((r) => setTimeout(r, 100))
    rmSync(source)
    expect(await ended).toBe(66)
    const {result: r, warnings} = JSON.parse(stdout)
    expect(r).toMatchObject({stoppedBy: 'source', samples: snapshots(out)})
    expect(r.sourceError).toMatch(new RegExp(`gone\\.txt: source unreadable after \\d+ samples \\(cannot read \\(no such file or directory\\)\\); the recording holds ${r.samples} snapshots$`))
    // --json: the warnings are in the envelope, stderr stays empty.
    expect([warnings.at(-1), stderr]).toEqual([r.sourceError, ''])
  })
})
