// How far allocscope's crash findings agree with syzkaller's pkg/report on the peer corpus: each
// peer log is analysed as a user would (the boot-log reader, then the analyser), and our first
// crash finding is compared with the upstream header — a finding exists when syzkaller has a
// TITLE, our guilty function is the function the TITLE (or an ALT) names, our corrupted flag is
// CORRUPTED, and there is no finding where syzkaller has none. Results are grouped per class.
import {analyseBootLogText} from '../../src/analysis/read.js'
import {baseName} from '../../src/analysis/frames.js'
import {InputError} from '../../src/errors.js'
import type {BootAnalysis, Finding} from '../../src/types.js'
import type {PeerCase} from './peer.js'

export const CLASSES = [
  'WARNING',
  'KASAN',
  'BUG',
  'general protection fault',
  'hung task',
  'RCU stall',
  'lockdep',
  'KMSAN',
  'UBSAN',
  'memory leak',
  'panic',
  'other',
] as const
export type PeerClass = (typeof CLASSES)[number]

/** The class of a syzkaller title, by its wording (lockdep first: some lockdep titles say WARNING). */
const CLASS_RULES: readonly [PeerClass, RegExp][] = [
  ['lockdep', /possible deadlock|circular locking|recursive locking|lock inversion|inconsistent lock state|held lock freed|bad unlock balance|locks held|lock held when|locking bug|suspicious RCU usage|non-static key/],
  ['RCU stall', /rcu detected stall|rcu.*stall/i],
  ['hung task', /^INFO: task (hung|can't die)/],
  ['KASAN', /^KASAN/],
  ['KMSAN', /^KMSAN/],
  ['UBSAN', /^UBSAN/],
  ['memory leak', /^memory leak/],
  ['general protection fault', /^general protection fault/],
  ['panic', /^kernel panic|^PANIC:/i],
  ['WARNING', /^WARNING/],
  ['BUG', /^BUG|^kernel BUG|unable to handle|^divide error|^invalid opcode|^Internal error|^Unhandled fault|^stack segment/],
]

export function classOf(title: string): PeerClass {
  return CLASS_RULES.find(([, re]) => re.test(title))?.[0] ?? 'other'
}

/** The function(s) a syzkaller title names: `... in <fn>` (`a/b` names either); none for `in corrupted`. */
export function titleFunctions(title: string): string[] {
  const m = / in ([\w.$/]+)$/.exec(title)
  if (!m || m[1] === 'corrupted') return []
  return m[1]!.split('/').filter((f) => /^[A-Za-z_.$][\w.$]*$/.test(f)).map(baseName)
}

export interface PeerOutcome {
  name: string
  cls: PeerClass | 'untitled'
  title?: string
  /** Functions syzkaller's TITLE and ALTs name (empty when none). */
  want: string[]
  corruptedWant: boolean
  /** The reader's error when the log has no kernel record at all. */
  unread?: string
  finding?: Pick<Finding, 'id' | 'title' | 'line' | 'corrupted'> & {fn?: string; reason?: string}
}

/** Our guilty function of a finding: the splat's guilty frame, else a function the detector extracted. */
export function findingFunction(f: Finding): string | undefined {
  const fn = f.splat?.guilty?.fn ?? (typeof f.data?.fn === 'string' ? f.data.fn : undefined)
  return fn ? baseName(fn) : undefined
}

/** The analysis, or why the reader refused the log (a log with no kernel record at all). */
function analyse(p: PeerCase): BootAnalysis | string {
  try {
    return analyseBootLogText(p.log, p.name)
  } catch (e) {
    if (e instanceof InputError) return e.message
    throw e
  }
}

export function outcome(p: PeerCase): PeerOutcome {
  const a = analyse(p)
  const title = p.header.TITLE
  const want = title ? [...new Set([title, ...p.alts].flatMap(titleFunctions))] : []
  const o: PeerOutcome = {name: p.name, cls: title ? classOf(title) : 'untitled', want, corruptedWant: p.header.CORRUPTED === 'Y'}
  if (title) o.title = title
  if (typeof a === 'string') {
    o.unread = a
    return o
  }
  const f = a.findings[0]
  if (f) {
    o.finding = {id: f.id, title: f.title, line: f.line, corrupted: f.corrupted}
    const fn = findingFunction(f)
    if (fn) o.finding.fn = fn
    if (f.splat?.corruptedReason) o.finding.reason = f.splat.corruptedReason
  }
  return o
}

export interface ClassRow {
  logs: number
  found: number
  /** Logs whose title names a function, and how many of those we name. */
  fnLogs: number
  fnRight: number
  /** Titled logs whose corrupted flag we match (a log without finding does not match). */
  corruptedRight: number
}

export type AgreementTable = Record<PeerClass, ClassRow> & {untitled: {logs: number; falseFindings: number}}

export const fnRight = (o: PeerOutcome): boolean => !!o.finding?.fn && o.want.includes(o.finding.fn)

export function agreement(outcomes: readonly PeerOutcome[]): AgreementTable {
  const t = {untitled: {logs: 0, falseFindings: 0}} as AgreementTable
  for (const c of CLASSES) t[c] = {logs: 0, found: 0, fnLogs: 0, fnRight: 0, corruptedRight: 0}
  for (const o of outcomes) {
    if (o.cls === 'untitled') {
      t.untitled.logs++
      if (o.finding) t.untitled.falseFindings++
      continue
    }
    const r = t[o.cls]
    r.logs++
    if (o.finding) r.found++
    if (o.want.length) {
      r.fnLogs++
      if (fnRight(o)) r.fnRight++
    }
    if (o.finding && o.finding.corrupted === o.corruptedWant) r.corruptedRight++
  }
  return t
}

export function totals(t: AgreementTable): ClassRow {
  const sum: ClassRow = {logs: 0, found: 0, fnLogs: 0, fnRight: 0, corruptedRight: 0}
  for (const c of CLASSES) for (const k of Object.keys(sum) as (keyof ClassRow)[]) sum[k] += t[c][k]
  return sum
}

const pct = (n: number, d: number) => (d ? `${((100 * n) / d).toFixed(1)} %` : '–')

/** The committed table (testdata/peer/agreement.md): per class, then totals and the untitled logs. */
export function agreementMarkdown(t: AgreementTable): string {
  const row = (name: string, r: ClassRow) =>
    `| ${name} | ${r.logs} | ${r.found} (${pct(r.found, r.logs)}) | ${r.fnRight} of ${r.fnLogs} (${pct(r.fnRight, r.fnLogs)}) | ${r.corruptedRight} (${pct(r.corruptedRight, r.logs)}) |`
  const all = totals(t)
  return [
    '# allocscope vs syzkaller pkg/report on the peer corpus',
    '',
    'Written by test/analysis/peer-agreement.test.ts (`npm run update-expectations` rewrites it). Each',
    "peer log in testdata/peer/syzkaller is analysed; our first finding is compared with the log's",
    'upstream header. finding: we report something where syzkaller has a TITLE. function: our guilty',
    "function is the one the TITLE (or an ALT) names, of the logs whose title names one. corrupted: our",
    "flag equals CORRUPTED (a log without finding counts as a disagreement). Floors: testdata/peer/floors.json.",
    '',
    '| class | logs | finding | function right | corrupted agrees |',
    '|---|---|---|---|---|',
    ...CLASSES.map((c) => row(c, t[c])),
    row('**all titled**', all),
    '',
    `Untitled logs (syzkaller finds no crash): ${t.untitled.logs}, false findings: ${t.untitled.falseFindings} (${pct(t.untitled.falseFindings, t.untitled.logs)}).`,
    '',
  ].join('\n')
}
