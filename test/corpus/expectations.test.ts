// Per-capture expectations: for every real capture (the corpus in samples/ and testdata/captures/,
// and the lab's calibration boots in lab/captures/), what `allocscope analyse <capture>` must find,
// as a stable `KEY: value` file in testdata/expectations/<capture>.txt — host facts with their
// lines, profiling state, recorder, early-PFN window, klab counts, allocinfo totals, and each
// finding (detector id, severity, title, signature, guilty frame, corrupted and why). A new fact
// adds one line to the files that have it. Update: `npm run update-expectations`, then review.
import {readdirSync} from 'node:fs'
import {join, relative} from 'node:path'
import {describe, expect, it} from 'vitest'
import {summariseAllocInfo} from '../../src/analysis/allocinfo-summary.js'
import {analyseBootLog} from '../../src/analysis/read.js'
import type {AnalyseResult} from '../../src/analysis/report.js'
import {readAllocInfo} from '../../src/readers/allocinfo.js'
import {resolveCapture} from '../../src/readers/dir.js'
import type {Fact, Finding} from '../../src/types.js'
import {expectFile, keyValueText} from '../helpers/expectations.js'
import {LAB_CAPTURES, REPO, TESTDATA, captureDirs, captureName} from '../helpers/paths.js'

export const EXPECTATIONS = join(TESTDATA, 'expectations')

type Pairs = [string, unknown][]

const factText = (f: Fact<unknown>): string => `${typeof f.value === 'bigint' ? String(f.value) : JSON.stringify(f.value)} (line ${f.line}${f.reason ? ', inferred' : ''})`

function hostPairs(a: AnalyseResult): Pairs {
  const facts = Object.entries(a.host).filter((e): e is [string, Fact<unknown>] => e[1] !== undefined)
  return facts.sort(([x], [y]) => (x < y ? -1 : 1)).map(([k, f]) => [`host.${k}`, factText(f)])
}

function profilingPairs(a: AnalyseResult): Pairs {
  const p = a.profiling
  return [
    ['profiling.mode', p.modeLine ? `${p.mode} (line ${p.modeLine})` : p.mode],
    ['profiling.debug', p.debug],
    ['profiling.recorder', p.recorder],
  ]
}

function findingPairs(f: Finding, i: number): Pairs {
  const k = `finding.${i + 1}`
  const s = f.splat
  return [
    [k, `${f.id} ${f.severity} line ${f.line}${f.count && f.count > 1 ? ` x${f.count}` : ''}`],
    [`${k}.title`, f.title],
    [`${k}.signature`, f.signature],
    [`${k}.guilty`, s?.guilty?.fn],
    [`${k}.frames`, s ? s.frames.length : undefined],
    [`${k}.corrupted`, f.corrupted ? `yes${s?.corruptedReason ? ` (${s.corruptedReason})` : ''}` : 'no'],
  ]
}

function allocinfoPairs(a: AnalyseResult): Pairs {
  const s = a.allocinfo
  if (!s) return []
  return [
    ['allocinfo.version', s.version],
    ['allocinfo.lines', s.lines],
    ['allocinfo.sites', s.totals.sites],
    ['allocinfo.bytes', String(s.totals.bytes)],
    ['allocinfo.calls', String(s.totals.calls)],
    ['allocinfo.accurate_no', s.inaccurateCount],
    ['allocinfo.anomalies', s.anomalies],
    ['allocinfo.skipped', s.skipped],
  ]
}

/** The expectation text of one analysis: everything `analyse` states as a fact, one per line. */
export function expectationText(a: AnalyseResult): string {
  return keyValueText([
    ['source', a.source],
    ['format', a.format],
    ['records', `${a.records} of ${a.lines} lines`],
    ['skipped', a.skipped.length],
    ['dropped_messages', a.droppedMessages || undefined],
    ...hostPairs(a),
    ...profilingPairs(a),
    ...a.klab.map((k): [string, unknown] => [`klab.${k.kind}`, `${Object.entries(k.values).map(([n, v]) => `${n}=${v}`).join(' ')} (line ${k.line})`]),
    ...allocinfoPairs(a),
    ['findings', a.findings.length],
    ...a.findings.flatMap(findingPairs),
  ])
}

/** `allocscope analyse <dir>` as a library call, with repository-relative sources. */
export async function analyseCapture(dir: string): Promise<AnalyseResult> {
  const cap = resolveCapture(dir)
  const result: AnalyseResult = await analyseBootLog(cap.bootLog!, {source: relative(REPO, cap.bootLog!)})
  if (cap.allocinfo) result.allocinfo = {...summariseAllocInfo(await readAllocInfo(cap.allocinfo)), source: relative(REPO, cap.allocinfo)}
  return result
}

const captures = [...captureDirs(), ...readdirSync(LAB_CAPTURES).map((n) => join(LAB_CAPTURES, n))]

describe('every real capture meets its expectations (testdata/expectations)', () => {
  it('covers the corpus and the lab boots', () => expect(captures.length).toBeGreaterThanOrEqual(59))

  it.each(captures.map((d) => [captureName(d), d]))('%s', async (name, dir) => {
    expectFile(join(EXPECTATIONS, `${name}.txt`), expectationText(await analyseCapture(dir)), name)
  })
})
