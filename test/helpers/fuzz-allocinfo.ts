// Fuzz target: the /proc/allocinfo reader (src/readers/allocinfo.ts).
// Properties: never throws (scan) / throws only InputError (parse); every line is a site line, a
// header line or skipped with a reason, exactly once; totals are the sum of the sites; lines
// before the damage keep their parse; CRLF and reordering change nothing.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {parseAllocInfoText, scanAllocInfoText} from '../../src/readers/allocinfo.js'
import {InputError} from '../../src/errors.js'
import type {AllocInfo} from '../../src/types.js'
import {type CorpusFile, fail, type FuzzCase, type FuzzTarget} from './fuzz.js'
import {captureDir} from './paths.js'

/** Real allocinfo files: 1.0 (6.12) and 2.0 (7.2, with accurate:no). */
export const ALLOCINFO_CORPUS = [
  'linux-6.12-instr_smp001_1G',
  'linux-6.12-nodebug_smp064_1G',
  'linux-7.2-pool-c64-m1024',
  'linux-7.2-notrack-c8-m1024-shrink',
  'linux-7.2-legacylate-c255-m1024',
]

const HEADER_RE = /^(allocinfo - version:|#[ \t]*<size>)/

type Cls = string
/** What the reader made of each line: `site <key>`, `skip`, or undefined (header, checked separately). */
function classify(info: AllocInfo): Map<number, Cls> {
  const m = new Map<number, Cls>()
  const dup = (n: number) => {
    throw new Error(`line ${n} accounted for twice`)
  }
  for (const s of info.sites) for (const n of s.lines) (m.has(n) ? dup(n) : m.set(n, `site ${s.key}`))
  for (const s of info.skipped) (m.has(s.line) ? dup(s.line) : m.set(s.line, `skip`))
  // A site line with a counter the kernel cannot print: flagged, left out of the sites.
  for (const a of info.anomalies) if (a.kind === 'invalid-counter') m.has(a.line) ? dup(a.line) : m.set(a.line, `invalid ${a.key}`)
  return m
}

function rawLines(text: string): string[] {
  const raw = text.split('\n')
  if (raw[raw.length - 1] === '') raw.pop()
  return raw
}

const baseline = new Map<string, {info: AllocInfo; cls: Map<number, Cls>}>()

export const allocinfoTarget: FuzzTarget = {
  name: 'allocinfo',
  corpus: (): CorpusFile[] => ALLOCINFO_CORPUS.map((n) => ({name: `${n}/allocinfo.txt`, bytes: readFileSync(join(captureDir(n), 'allocinfo.txt'))})),
  maxBytes: 4096,
  check(c: FuzzCase) {
    const text = c.bytes.toString('utf8') // what readAllocInfo hands the parser
    let info: AllocInfo
    try {
      info = scanAllocInfoText(text, 'fuzz')
    } catch (e) {
      fail(c, `scanAllocInfoText threw: ${(e as Error).stack}`)
    }
    try {
      parseAllocInfoText(text, 'fuzz')
    } catch (e) {
      if (!(e instanceof InputError)) fail(c, `parseAllocInfoText threw a non-InputError: ${(e as Error).stack}`)
      if (!(e as Error).message.startsWith('fuzz')) fail(c, `InputError does not name the file: ${(e as Error).message}`)
    }

    // Every line accounted for exactly once.
    const lines = rawLines(text)
    if (info.lines !== lines.length) fail(c, `lines ${info.lines} != ${lines.length}`)
    let cls: Map<number, Cls>
    try {
      cls = classify(info)
    } catch (e) {
      fail(c, (e as Error).message)
    }
    // Lines of an earlier snapshot (a header after sites began another) are read and dropped: AllocInfo.earlier.
    const dropped = (n: number) => info.earlier !== undefined && n < info.earlier.from
    for (let n = 1; n <= lines.length; n++) {
      if (!cls.has(n) && !HEADER_RE.test(lines[n - 1]) && !dropped(n)) fail(c, `line ${n} neither parsed, header nor skipped: ${JSON.stringify(lines[n - 1].slice(0, 80))}`)
    }
    for (const n of cls.keys()) if (n < 1 || n > lines.length) fail(c, `line number ${n} out of range 1..${lines.length}`)

    // Totals are the sum of the sites.
    let b = 0n
    let k = 0n
    for (const s of info.sites) {
      b += s.bytes
      k += s.calls
      if (s.count !== s.lines.length) fail(c, `site ${s.key}: count ${s.count} != ${s.lines.length} lines`)
    }
    if (b !== info.totalBytes || k !== info.totalCalls) fail(c, `totals ${info.totalBytes}/${info.totalCalls} != sum of sites ${b}/${k}`)

    if (c.kind !== 'mutation') return
    const m = c.mutated!
    const orig = c.original!
    let base = baseline.get(orig.name)
    if (!base) {
      const bi = scanAllocInfoText(orig.bytes.toString('utf8'), 'orig')
      base = {info: bi, cls: classify(bi)}
      baseline.set(orig.name, base)
    }
    // Lines before the damage (and not last in either file) parse as they did.
    const upto = Math.min(m.untouched, base.info.lines - 1, info.lines - 1)
    for (let n = 1; n <= upto; n++) {
      if (base.cls.get(n) !== cls.get(n) && !dropped(n)) fail(c, `untouched line ${n} was '${base.cls.get(n)}', now '${cls.get(n)}'`)
    }
    // Lines after the damage parse as they did, shifted by the lines the damage added or removed.
    if (m.tailStart !== undefined && m.tailAt !== undefined) {
      const nl = (b: Buffer) => b.reduce((n, x) => n + (x === 10 ? 1 : 0), 0)
      const before = nl(orig.bytes.subarray(0, m.tailStart))
      const shift = nl(c.bytes.subarray(0, m.tailAt)) - before
      for (let n = before + 2; n < base.info.lines; n++) {
        if (base.cls.get(n) !== cls.get(n + shift) && !dropped(n + shift)) fail(c, `line ${n} after the damage was '${base.cls.get(n)}', now (line ${n + shift}) '${cls.get(n + shift)}'`)
      }
    }
    // CRLF, or the same lines in another order: the same sites.
    const onlyCrlf = m.name === 'crlf' // twice would make \r\r\n, which is not CRLF
    if (onlyCrlf || (m.sameLines && !/cr|mixed/.test(m.name))) {
      const want = new Map(base.info.sites.map((s) => [s.key, `${s.bytes}/${s.calls}/${s.accurate}`]))
      const got = new Map(info.sites.map((s) => [s.key, `${s.bytes}/${s.calls}/${s.accurate}`]))
      if (want.size !== got.size) fail(c, `${got.size} sites, the original has ${want.size}`)
      for (const [key, v] of want) if (got.get(key) !== v) fail(c, `site ${key}: ${got.get(key)} != original ${v}`)
    }
  },
}
