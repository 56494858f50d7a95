// Compressed input, one rule for every reader (readers/decoded.ts on gzip.ts headEncoding): fleet
// and predict --hosts read gzip as analyse, allocinfo and trend do (fleet said 'binary data (a NUL
// byte at byte 8)', predict blamed the header, or printed xz's bytes in its error), a gzip cut short
// is said to be cut, and another compression is named with what to do; record --source refuses a
// gzip dump in words (it samples a file that changes) where it said 'binary data'.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import {describe, expect, it} from 'vitest'
import {runCli} from '../helpers/cli.js'
import {SAMPLES} from '../helpers/paths.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-compressed-'))
/** SYNTHETIC: xz's magic (fd 37 7a 58 5a 00) and bytes that are no text. */
const XZ = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04, 0xe6, 0xd6, 0xb4, 0x46, 0x02, 0x00, 0x21, 0x01])
const write = (name: string, b: Buffer | string): string => {
  const f = join(tmp, name)
  writeFileSync(f, b)
  return f
}
/** No control byte but a newline in an error line: xz's bytes were printed raw. */
const printable = (s: string) => !/[\x00-\x09\x0b-\x1f\x7f-\x9f\ufffd]/.test(s)

describe('fleet reads gzip', () => {
  it('a gzip of batch records gives the summary the records give; xz and a cut gzip are one line each, exit 2', async () => {
    const b = await runCli(['batch', '-j', '1', join(SAMPLES, 'linux-7.2-pool-c64-m1024')])
    const plain = write('c.ndjson', b.stdout)
    const gz = write('c.ndjson.gz', gzipSync(b.stdout))
    const want = await runCli(['fleet', plain, '--json'])
    const got = await runCli(['fleet', gz, '--json'])
    expect(got.status, got.stderr).toBe(0)
    expect(JSON.parse(got.stdout).result).toEqual(JSON.parse(want.stdout).result)
    const xz = await runCli(['fleet', write('c.ndjson.xz', XZ)])
    expect(xz.status).toBe(2)
    expect(xz.stderr).toMatch(/c\.ndjson\.xz: xz-compressed: decompress it first \(xz -d\)/)
    const cut = await runCli(['fleet', write('cut.ndjson.gz', gzipSync(b.stdout).subarray(0, 300))])
    expect(cut.status).toBe(2)
    expect(cut.stderr).toMatch(/cut\.ndjson\.gz: the gzip stream ends early \(truncated\)/)
  })
})

describe('predict --hosts reads gzip', () => {
  const csv = readFileSync(join(SAMPLES, 'inventory.csv'))
  it('a gzip inventory predicts what the plain one does', async () => {
    const want = await runCli(['predict', '--hosts', join(SAMPLES, 'inventory.csv'), '--json'])
    const got = await runCli(['predict', '--hosts', write('inv.csv.gz', gzipSync(csv)), '--json'])
    expect(got.status, got.stderr).toBe(0)
    expect(JSON.parse(got.stdout).result).toEqual(JSON.parse(want.stdout).result)
  })
  it('xz: named, with what to do, nothing of its bytes in the line; a cut gzip: said cut, not its last row blamed', async () => {
    const xz = await runCli(['predict', '--hosts', write('inv.csv.xz', XZ)])
    expect(xz.status).toBe(2)
    expect(xz.stderr).toMatch(/inv\.csv\.xz: xz-compressed: decompress it first \(xz -d\)/)
    expect(xz.stderr).not.toMatch(/no cpus|column/)
    expect(printable(xz.stderr)).toBe(true)
    const cut = await runCli(['predict', '--hosts', write('cut.csv.gz', gzipSync(csv).subarray(0, 100))])
    expect(cut.status).toBe(2)
    expect(cut.stderr).toMatch(/cut\.csv\.gz: the gzip stream ends early \(truncated\)/)
  })
})

describe('record --source of a compressed dump', () => {
  it('is refused in words, exit 2, nothing recorded: gzip (record samples a live file) and xz', async () => {
    const ai = readFileSync(join(SAMPLES, 'linux-7.2-pool-c64-m1024', 'allocinfo.txt'))
    for (const [name, bytes, said] of [
      ['ai.gz', gzipSync(ai), /ai\.gz: gzip-compressed: record samples a file that changes/],
      ['ai.xz', XZ, /ai\.xz: xz-compressed: decompress it first \(xz -d\)/],
    ] as const) {
      const r = await runCli(['record', '--source', write(name, bytes), '--count', '2', '--interval', '10ms', '--out', join(tmp, `${name}.arec.gz`), '--force'])
      expect(r.status, r.stderr).toBe(2)
      expect(r.stderr).toMatch(said)
      expect(r.stderr).not.toMatch(/binary data/)
    }
  })
})
