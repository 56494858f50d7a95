// record ends on Ctrl-C (SIGINT) or SIGTERM as on --count: its normal stop, exit 0, the recording
// whole (README "Exit status": batch exits 130/143 instead, a run cut short). A real process: the
// signal is the point. The source is the real sample allocinfo (samples/linux-7.2-pool-c64-m1024).
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync} from 'node:fs'
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
