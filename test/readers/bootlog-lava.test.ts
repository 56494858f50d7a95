// LAVA job logs (log.yaml), DERIVED from real dmesg.txt files: each kernel line becomes a
// `lvl: target` entry as LAVA writes the target's console, between dispatcher lines at other
// levels and a result whose msg is a mapping. Read from a file it must give the same host facts
// and findings as the plain log, with nothing of the YAML left in the facts. When PyYAML is
// installed (Debian python3-yaml), the log is written by the same yaml.dump call LAVA makes.
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {analyseBootLog, analyseBootLogText} from '../../src/analysis/read.js'
import {lavaEntry} from '../../src/readers/bootlog/lava.js'
import {dmesgLines} from '../helpers/convert.js'
import {captureDir} from '../helpers/paths.js'
import {comparable} from '../helpers/same-analysis.js'

const tmp = mkdtempSync(join(tmpdir(), 'allocscope-lava-'))
afterAll(() => rmSync(tmp, {recursive: true, force: true}))

type Entry = {dt: string; lvl: string; msg: string | Record<string, string>}

/** DERIVED: the entries of a LAVA job whose target printed this dmesg. */
function entries(dmesgText: string): Entry[] {
  const dt = (i: number): string => `2026-11-26T00:52:${String(10 + (i % 50)).padStart(2, '0')}.${String(i % 1e6).padStart(6, '0')}`
  const out: Entry[] = [
    {dt: dt(0), lvl: 'info', msg: 'lava-dispatcher, installed at version: 2024.09'},
    {dt: dt(1), lvl: 'debug', msg: 'start: 2.4.1 bootloader-commands (timeout 00:04:00) [common]'},
    {dt: dt(2), lvl: 'target', msg: 'Starting kernel ...'},
  ]
  dmesgLines(dmesgText).forEach((l, i) => {
    out.push({dt: dt(i + 3), lvl: 'target', msg: `[${l.stamp}] ${l.text}`})
    if (i % 50 === 7) out.push({dt: dt(i + 3), lvl: 'debug', msg: `[${l.stamp}] matched a kernel message (dispatcher echo)`})
  })
  out.push({dt: dt(9), lvl: 'results', msg: {definition: 'lava', case: 'auto-login-action', result: 'pass'}}, {dt: dt(10), lvl: 'target', msg: '/ # '})
  return out
}

/** PyYAML's double-quoted flow style as LAVA dumps it: JSON but for \e and \xNN escapes. */
function jsLine(e: Entry): string {
  const q = (s: string): string => JSON.stringify(s).replace(/\\u001b/g, '\\e').replace(/[\u0080-\u00ff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase()}`)
  const msg = typeof e.msg === 'string' ? q(e.msg) : `{${Object.entries(e.msg).map(([k, v]) => `${q(k)}: ${q(v)}`).join(', ')}}`
  return `- {"dt": ${q(e.dt)}, "lvl": ${q(e.lvl)}, "msg": ${msg}}`
}

function pyyaml(list: Entry[]): string | undefined {
  try {
    const code = 'import json,sys,yaml\nfor e in json.load(sys.stdin):\n  print("- " + yaml.dump(e, default_flow_style=True, default_style=\'"\', width=10**6).rstrip("\\n"))'
    return execFileSync('python3', ['-c', code], {input: JSON.stringify(list), encoding: 'utf8', maxBuffer: 1 << 28})
  } catch {
    return undefined
  }
}

const CAPTURES = ['linux-7.2-pool-c64-m1024', 'linux-7.2-notrack-c8-m1024-shrink', 'linux-6.12-instr_smp064_2G_numa2']

describe('LAVA log.yaml (DERIVED from real dmesg.txt)', () => {
  for (const c of CAPTURES) {
    it(`${c}: detected, same host facts and findings as the plain log, no YAML in the facts`, async () => {
      const dmesg = join(captureDir(c), 'dmesg.txt')
      const original = readFileSync(dmesg, 'utf8')
      const path = join(tmp, `${c}.yaml`)
      writeFileSync(path, entries(original).map(jsLine).join('\n') + '\n')
      const a = await analyseBootLog(path)
      expect(a.format).toBe('lava')
      expect(comparable(a)).toEqual(comparable(analyseBootLogText(original, dmesg)))
      expect(Object.values(a.host).filter((f) => `${f.value} ${f.text}`.includes('"}'))).toEqual([])
    })
  }

  const py = pyyaml([{dt: 'x', lvl: 'target', msg: 'a'}])
  it.skipIf(py === undefined)('written by PyYAML itself (apt-get install python3-yaml): the same', async () => {
    const dmesg = join(captureDir(CAPTURES[1]!), 'dmesg.txt')
    const original = readFileSync(dmesg, 'utf8')
    const list = entries(original)
    // Escapes only YAML has: an ANSI colour, a non-ASCII character, a backslash.
    list.push({dt: 'y', lvl: 'target', msg: '[  100.000000] \x1b[0;33mtail\x1b[0m caf\u00e9 C:\\path \u2028'})
    const path = join(tmp, 'pyyaml.yaml')
    writeFileSync(path, pyyaml(list)!)
    const a = await analyseBootLog(path)
    expect(a.format).toBe('lava')
    const plain = analyseBootLogText(original + '[  100.000000] tail caf\u00e9 C:\\path \u2028\n', dmesg)
    expect(comparable(a)).toEqual(comparable(plain))
  })

  it('lavaEntry reads the YAML-only escapes and refuses what is not an entry', () => {
    expect(lavaEntry('- {"dt": "t", "lvl": "target", "msg": "a\\eb\\xE9\\U0001F600\\N\\_\\\\x41"}')).toEqual({dt: 't', lvl: 'target', msg: 'a\x1bb\u00e9\u{1f600}\u0085\u00a0\\x41'})
    expect(lavaEntry('- {"dt": "t", "lvl": "results", "msg": {"case": "x", "result": "pass"}}')?.msg).toEqual({case: 'x', result: 'pass'})
    expect(lavaEntry('{"dt": "t"}')).toBeUndefined()
    expect(lavaEntry('- {"dt": "t", broken')).toBeUndefined()
  })
})
