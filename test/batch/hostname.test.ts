// The host name of a batch record, wherever the log says it. systemd logs `Hostname set to <name>.`
// through /dev/kmsg after the kernel's `Run /init as init process`: in a real boot that is past
// the 16 KiB head batch sniffs the kind from (byte 19 489 of the pool sample), where batch never
// looked. Inputs are DERIVED: real samples' dmesg.txt with the systemd line inserted where systemd
// prints it (right after `Run /init as init process`), the name made up.
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import * as tar from 'tar-stream'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {analyseBootLog} from '../../src/analysis/read.js'
import {HEAD_BYTES} from '../../src/batch/sniff.js'
import {SAMPLES} from '../helpers/paths.js'
import {JOURNAL_STAMPS, type JournalShape, toJournalAs, toJournalExport, toJournalJson, toSyslog} from '../helpers/convert.js'
import {cli, records} from './helpers.js'

const POOL = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
const NOTRACK = join(SAMPLES, 'linux-7.2-notrack-c8-m1024-shrink')
let dir: string

/** A sample's dmesg.txt with systemd's line after `Run /init as init process`. */
function withSystemdName(sample: string, name: string): string {
  const lines = readFileSync(join(sample, 'dmesg.txt'), 'utf8').split('\n')
  const at = lines.findIndex((l) => l.endsWith('Run /init as init process'))
  expect(at).toBeGreaterThan(0)
  lines.splice(at + 1, 0, `[    8.100000] systemd[1]: Hostname set to <${name}>.`)
  return lines.join('\n')
}

const hostnames = async (args: string[]) => {
  const r = await cli(['batch', '-j', '1', ...args])
  expect(r.status, r.stderr).toBe(0)
  return records(r.stdout).map((x) => x.hostname)
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'allocscope-hostname-'))
})
afterAll(() => rmSync(dir, {recursive: true, force: true}))

describe('batch: systemd\'s "Hostname set to" wherever it is in the boot', () => {
  it('past the sniffed head (was: no hostname); analyse shows it as a host fact with its line', async () => {
    const text = withSystemdName(POOL, 'web-17')
    expect(Buffer.byteLength(text.slice(0, text.indexOf('Hostname set to')))).toBeGreaterThan(HEAD_BYTES)
    const log = join(dir, 'late.log')
    writeFileSync(log, text)
    expect(await hostnames([log])).toEqual(['web-17'])
    const a = await analyseBootLog(log)
    expect(a.host.hostname).toMatchObject({value: 'web-17', line: 268})
    // In a gzip file and in a tar member too (the same record code).
    writeFileSync(`${log}.gz`, gzipSync(text))
    const pack = tar.pack()
    pack.entry({name: 'hosts/late.log'}, Buffer.from(text))
    pack.finalize()
    const parts: Buffer[] = []
    for await (const c of pack) parts.push(c as Buffer)
    writeFileSync(join(dir, 'late.tar'), Buffer.concat(parts))
    expect(await hostnames([`${log}.gz`, join(dir, 'late.tar')])).toEqual(['web-17', 'web-17'])
  })

  it('a log holding two boots: each boot\'s record has its own boot\'s name', async () => {
    const log = join(dir, 'two-boots.log')
    writeFileSync(log, `${withSystemdName(POOL, 'web-17')}${withSystemdName(NOTRACK, 'web-18')}`)
    expect(await hostnames([log])).toEqual(['web-17', 'web-18'])
    // And in a capture directory, where the dump goes with the last boot.
    const cap = join(dir, 'two-boots-capture')
    mkdirSync(cap)
    writeFileSync(join(cap, 'dmesg.txt'), readFileSync(log))
    writeFileSync(join(cap, 'allocinfo.txt'), readFileSync(join(NOTRACK, 'allocinfo.txt')))
    expect(await hostnames([cap])).toEqual(['web-17', 'web-18'])
  })

  it('precedence: meta.json\'s hostname, then the line prefix (syslog host field), then systemd\'s line', async () => {
    const cap = join(dir, 'meta-capture')
    mkdirSync(cap)
    writeFileSync(join(cap, 'dmesg.txt'), withSystemdName(POOL, 'web-17'))
    writeFileSync(join(cap, 'meta.json'), JSON.stringify({hostname: 'from-meta'}))
    // syslog form (test/helpers/convert.ts, host field "vm"): the analyser reads systemd's line too.
    const {toSyslog} = await import('../helpers/convert.js')
    writeFileSync(join(dir, 'kern.log'), toSyslog(withSystemdName(POOL, 'web-17')))
    const r = await cli(['batch', '-j', '1', cap, join(dir, 'kern.log')])
    const recs = records(r.stdout)
    expect(recs.map((x) => [x.hostname, x.host?.hostname?.value])).toEqual([
      ['from-meta', 'web-17'],
      ['vm', 'web-17'],
    ])
  })
})

// The host field journalctl prints on every line of its short-* formats (and _HOSTNAME in every
// entry of -o export and -o json): DERIVED from a sample's dmesg.txt (test/helpers/convert.ts),
// host `web-07` (`vm` in the export and json ones). Was: only short and short-iso had one.
describe('batch: the host name of every journal shape, from its line prefix', () => {
  const NAMED: Array<[string, () => string | Buffer, string, string]> = [
    ...(Object.keys(JOURNAL_STAMPS) as JournalShape[]).map((s): [string, () => string, string, string] => [`journalctl -k -o ${s}`, () => toJournalAs(plain(), s, 'web-07'), 'journal', 'web-07']),
    ['journalctl -k -o export', () => toJournalExport(plain(), undefined, undefined, 'vm'), 'journal-export', 'vm'],
    ['journalctl -k -o json', () => toJournalJson(plain()), 'journal-json', 'vm'],
    ['kern.log (RFC 3164 and RFC 3339 stamps)', () => toSyslog(plain()), 'syslog', 'vm'],
  ]
  const plain = (): string => readFileSync(join(NOTRACK, 'dmesg.txt'), 'utf8')
  const one = async (name: string, text: string | Buffer) => {
    const log = join(dir, name.replace(/[^a-z0-9-]+/gi, '_'))
    writeFileSync(log, text)
    const r = await cli(['batch', '-j', '1', log])
    expect(r.status, r.stderr).toBe(0)
    const recs = records(r.stdout)
    expect(recs).toHaveLength(1)
    return recs[0]!
  }

  for (const [name, make, format, host] of NAMED) {
    it(`${name}: the record's hostname is the host field (${host})`, async () => {
      const rec = await one(name, make())
      expect(rec.format).toBe(format)
      expect(rec.hostname).toBe(host)
      // The host block's hostname is systemd's line, which these logs do not have: not the prefix's.
      expect(rec.host?.hostname).toBeUndefined()
    })
  }

  it('no host field, no hostname: a plain dmesg, journalctl --no-hostname in every short-* format', async () => {
    const dmesg = await one('plain-dmesg', plain())
    expect([dmesg.format, dmesg.hostname]).toEqual(['dmesg', undefined])
    for (const s of Object.keys(JOURNAL_STAMPS) as JournalShape[]) {
      const rec = await one(`no-hostname-${s}`, toJournalAs(plain(), s, null))
      expect([rec.format, rec.hostname], s).toEqual(['journal', undefined])
    }
  })
})
