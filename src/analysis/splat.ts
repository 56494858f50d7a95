// WARNING / BUG blocks ("splats"), parsed as a stream: the block printed by __warn() from
// `------------[ cut here ]------------` to `---[ end trace <hash> ]---`, and BUG/KASAN/oops
// reports that start at their banner. Nothing is dropped: a block cut short by the end of the
// log or interleaved with other output is returned with `corrupted: true` and the reason.
import type {Frame, LogRecord, Splat} from '../types.js'
import {guiltyFrame, parseFrame} from './frames.js'

export const CUT_HERE = /^-+\[ cut here \]-+$/
const END_TRACE = /^-+\[ end (trace [0-9a-f]+|Kernel panic\b.*?) \]-+$/
/** KASAN, KCSAN, UBSAN and KMSAN reports are framed by a line of '='. */
const REPORT_RULE = /^={20,}$/
const PANIC_END = /^Rebooting in -?\d+ seconds/
const OOPS_CONTINUATION = /^(Oops|general protection fault)\b/

/** Banners, as data. `needsEnd`: __warn() always prints `---[ end trace` after the stack. */
interface BannerRule {
  banner: Splat['banner']
  re: RegExp
  needsEnd: boolean
  fields: (m: RegExpExecArray) => Partial<Splat>
}

export const BANNERS: readonly BannerRule[] = [
  // 7.0+: `WARNING: <file>:<line> at <func>+<off>/<size>, CPU#<n>: <comm>/<pid>`
  {
    banner: 'new',
    re: /^WARNING: (\S+):(\d+) at ([^\s+]+)\+(0x[0-9a-f]+)\/0x[0-9a-f]+, CPU#(\d+): (.+)\/(\d+)$/,
    needsEnd: true,
    fields: (m) => ({file: m[1], fileLine: +m[2], fn: m[3], offset: m[4], cpu: +m[5], comm: m[6], pid: +m[7]}),
  },
  // before 7.0: `WARNING: CPU: <n> PID: <p> at <file>:<line> <func>+<off>/<size>`
  {
    banner: 'old',
    re: /^WARNING: CPU: (\d+) PID: (\d+) at (\S+):(\d+) (?:([^\s+]+)\+(0x[0-9a-f]+)\/0x[0-9a-f]+)?/,
    needsEnd: true,
    fields: (m) => ({cpu: +m[1], pid: +m[2], file: m[3], fileLine: +m[4], fn: m[5], offset: m[6]}),
  },
  // without CONFIG_DEBUG_BUGVERBOSE file info: `WARNING: CPU: <n> PID: <p> at <func>+<off>/<size>`
  {
    banner: 'old',
    re: /^WARNING: CPU: (\d+) PID: (\d+) at ([^\s+:]+)\+(0x[0-9a-f]+)\/0x[0-9a-f]+/,
    needsEnd: true,
    fields: (m) => ({cpu: +m[1], pid: +m[2], fn: m[3], offset: m[4]}),
  },
  // 2.6/3.x: `WARNING: at <file>:<line> <func>()`
  {banner: 'old', re: /^WARNING: at (\S+):(\d+) ([\w.$]+)\(\)/, needsEnd: true, fields: (m) => ({file: m[1], fileLine: +m[2], fn: m[3]})},
  // lockdep / RCU reports: `WARNING: possible circular locking dependency detected`
  {banner: 'unknown', re: /^WARNING: (.+)$/, needsEnd: false, fields: () => ({})},
  {banner: 'bug', re: /^kernel BUG at (\S+):(\d+)!/, needsEnd: false, fields: (m) => ({file: m[1], fileLine: +m[2]})},
  {banner: 'bug', re: /^BUG: .*? in ([^\s+]+)\+(0x[0-9a-f]+)\/0x[0-9a-f]+/, needsEnd: false, fields: (m) => ({fn: m[1], offset: m[2]})},
  {banner: 'bug', re: /^BUG: (.+)$/, needsEnd: false, fields: () => ({})},
  {banner: 'bug', re: /^(?:Oops|general protection fault|Unable to handle kernel|UBSAN: |kernel tried to execute)/, needsEnd: false, fields: () => ({})},
]

const CPU_LINE = /^CPU: (\d+) (?:UID: \d+ )?PID: (\d+) Comm: (\S+)\s+(Not tainted|Tainted: (.*?))\s+(\S+) #/
const MARKER = /^<(\/?)([A-Z#]+)>$/
/** Lines a splat body is made of besides frames (registers of x86 and arm64, lockdep, panic). */
const BODY_LINES: readonly RegExp[] = [
  /^Modules linked in:/,
  /^CPU: /,
  /^Hardware name:/,
  /^Workqueue:/,
  /^Tainted: /,
  /^RIP:/,
  /^Code:/,
  /^[A-Z][A-Z0-9_]{1,7}:\s+[0-9a-f]/, // RSP: 0018:..., RAX: ..., FS:  ..., CR2: ..., PKRU: ...
  /^(pc|lr|sp|x\d+|pstate) ?: /,
  /^Call Trace:|^Stack:|^Backtrace:/,
  /^irq event stamp:|^hardirqs last|^softirqs last/,
  /^Kernel panic - not syncing|^Kernel Offset:|^Shutting down cpus|^Dumping ftrace|^\(ftrace buffer empty\)$/,
  /^\s*$/,
]

const START_CHARS = new Set([...'-WBkOgU'].map((c) => c.charCodeAt(0)))
const NOT_IN_SPLAT: SplatPush = Object.freeze({inSplat: false, closed: []}) as SplatPush

export interface SplatPush {
  /** The record belongs to an open (or just closed) splat. */
  inSplat: boolean
  /** It is (part of) the block's message: the splat's own finding covers it. */
  message?: boolean
  /** Splats finished by this record (in order). */
  closed: Splat[]
}

/** Longest block kept in memory; a longer one is closed as corrupted. */
const MAX_LINES = 2000
const MAX_FRAMES = 200
const MAX_MESSAGE_LINES = 20

interface Open {
  splat: Splat
  phase: 'message' | 'body'
  needsEnd: boolean
  message: string[]
  lastTime?: number
  lines: number
  inTrace: boolean
  /** Stack of `<IRQ>`-style contexts inside the call trace. */
  contexts: string[]
  traceDone: boolean
  /** A register/modules/CPU line was seen after the banner (the message, if any, is over). */
  sawBody: boolean
  /** The WARN message came between cut-here and the banner (4.19+). */
  messageBeforeBanner: boolean
}

export class SplatParser {
  private open?: Open

  push(r: LogRecord): SplatPush {
    // Hot path: outside a block only `---[ cut here ]---` and banners (W, B, k, O, g, U) matter.
    if (!this.open && !START_CHARS.has(r.text.charCodeAt(0))) return NOT_IN_SPLAT
    const closed: Splat[] = []
    const text = r.text.trim()
    if (CUT_HERE.test(text)) {
      if (this.open) closed.push(this.close(this.corrupt(this.open, `another cut-here at line ${r.line} before the end of this block`), r.line - 1))
      this.open = this.start(r)
      return {inSplat: true, closed}
    }
    const banner = matchBanner(text)
    const o = this.open
    if (!o) {
      if (!banner) return {inSplat: false, closed}
      this.open = this.start(r)
      this.applyBanner(this.open, banner, text)
      return {inSplat: true, closed}
    }
    // A record from another CPU/task printed into the middle of the block (printk caller ids).
    if (r.caller && o.splat.caller && r.caller !== o.splat.caller) {
      this.corrupt(o, `line ${r.line} from caller ${r.caller} interleaved (block printed by ${o.splat.caller})`)
      return {inSplat: false, closed}
    }
    // `BUG: unable to handle ...` is followed by its own `Oops: 0002 [#1] ...` line: same report.
    if (banner && o.phase === 'body' && o.splat.banner === 'bug' && !o.inTrace && OOPS_CONTINUATION.test(text)) {
      o.lines++
      return {inSplat: true, closed}
    }
    if (banner && o.phase === 'body') {
      closed.push(this.close(this.corrupt(o, `a new banner at line ${r.line} before the end of this block`), r.line - 1))
      this.open = this.start(r)
      this.applyBanner(this.open, banner, text)
      return {inSplat: true, closed}
    }
    if (r.time !== undefined && o.lastTime !== undefined && r.time < o.lastTime) {
      this.corrupt(o, `time went backwards at line ${r.line} (${r.time} < ${o.lastTime})`)
    }
    if (r.time !== undefined) o.lastTime = r.time
    o.lines++
    if (o.lines > MAX_LINES) {
      closed.push(this.close(this.corrupt(o, `longer than ${MAX_LINES} lines`), r.line))
      return {inSplat: true, closed}
    }
    if (o.phase === 'message') {
      if (banner) {
        this.applyBanner(o, banner, text)
        return {inSplat: true, closed}
      }
      // A stack or register dump before the banner belongs to another report printed into this one.
      if (/^Call Trace:/.test(text) || END_TRACE.test(text) || CPU_LINE.test(text)) {
        this.corrupt(o, `line ${r.line} (${text.slice(0, 20)}) before the WARNING/BUG banner: another report interleaved`)
      }
      if (o.message.length < MAX_MESSAGE_LINES) {
        o.message.push(clip(text))
        return {inSplat: true, message: true, closed}
      }
      closed.push(this.close(this.corrupt(o, `no WARNING/BUG banner within ${MAX_MESSAGE_LINES} lines of cut-here`), r.line - 1))
      return {inSplat: false, closed}
    }
    return this.body(o, r, text, closed)
  }

  /** End of input: an open block was cut short. */
  finish(lastLine: number): Splat[] {
    const o = this.open
    if (!o) return []
    // A BUG/lockdep report has no end marker: one whose stack was printed in full is complete.
    const complete = !o.needsEnd && o.phase === 'body' && (o.traceDone || (o.inTrace && o.contexts.length === 0 && o.splat.frames.length > 0))
    return [this.close(complete ? o : this.corrupt(o, 'cut short by the end of the log'), lastLine)]
  }

  private body(o: Open, r: LogRecord, text: string, closed: Splat[]): SplatPush {
    const s = o.splat
    if (END_TRACE.test(text)) {
      closed.push(this.close(o, r.line))
      return {inSplat: true, closed}
    }
    // panic_on_warn / oops=panic: the kernel panics instead of printing the end-trace marker.
    if ((REPORT_RULE.test(text) && !o.needsEnd) || PANIC_END.test(text)) {
      closed.push(this.close(o, r.line))
      return {inSplat: true, closed}
    }
    const cpu = CPU_LINE.exec(text)
    if (cpu || text.startsWith('Hardware name: ') || text.startsWith('Call Trace:')) o.sawBody = true
    if (cpu) {
      s.cpu ??= +cpu[1]
      s.pid ??= +cpu[2]
      s.comm ??= cpu[3]
      s.taint = cpu[4] === 'Not tainted' ? 'Not tainted' : (cpu[5] ?? '').replace(/\s+/g, ' ').trim()
      s.kernel = cpu[6]
      return {inSplat: true, closed}
    }
    if (text.startsWith('Hardware name: ')) {
      s.hardware = text.slice('Hardware name: '.length).trim()
      return {inSplat: true, closed}
    }
    if (/^Call Trace:|^Backtrace:/.test(text)) {
      o.inTrace = true
      o.traceDone = false
      return {inSplat: true, closed}
    }
    const mk = MARKER.exec(text)
    if (mk) {
      const name = mk[2]
      if (mk[1] === '/' || name === 'EOI') o.contexts.pop()
      else o.contexts.push(name)
      if (o.contexts.length === 0) o.traceDone = true
      return {inSplat: true, closed}
    }
    if (o.inTrace || o.contexts.length > 0) {
      const ctx = o.contexts.filter((c) => c !== 'TASK').at(-1)
      const f = parseFrame(text, r.line, ctx)
      if (f) {
        if (s.frames.length < MAX_FRAMES) s.frames.push(f)
        return {inSplat: true, closed}
      }
    }
    if (BODY_LINES.some((re) => re.test(text))) {
      o.sawBody = true
      return {inSplat: true, closed}
    }
    // Before 4.19, __warn() printed the WARN message after the banner, before `Modules linked in`.
    if (!o.sawBody && !o.inTrace && o.needsEnd && !o.messageBeforeBanner && o.message.length < MAX_MESSAGE_LINES) {
      o.message.push(clip(text))
      return {inSplat: true, message: true, closed}
    }
    // A line that is not part of a splat.
    if (o.contexts.length > 0) {
      this.corrupt(o, `non-splat line ${r.line} inside the call trace`)
      return {inSplat: false, closed}
    }
    if (o.inTrace && !o.needsEnd) {
      // A BUG/lockdep report has no end marker: its first stack ends at the first other line.
      closed.push(this.close(o, r.line - 1))
      return {inSplat: false, closed}
    }
    if (o.inTrace && o.needsEnd && (o.traceDone || s.frames.length > 0)) {
      this.corrupt(o, `non-splat line ${r.line} after the call trace, before the end-trace marker`)
      return {inSplat: false, closed}
    }
    // Report text before the stack (KASAN's "Read of size ..."), kept as part of the block.
    return {inSplat: true, closed}
  }

  private start(r: LogRecord): Open {
    const splat: Splat = {banner: 'unknown', frames: [], corrupted: false, startLine: r.line, endLine: r.line}
    if (r.caller) splat.caller = r.caller
    if (r.time !== undefined) splat.time = r.time
    return {splat, phase: 'message', needsEnd: true, message: [], lastTime: r.time, lines: 1, inTrace: false, contexts: [], traceDone: false, sawBody: false, messageBeforeBanner: false}
  }

  private applyBanner(o: Open, rule: {rule: BannerRule; m: RegExpExecArray}, text: string): void {
    const {rule: b, m} = rule
    o.phase = 'body'
    o.needsEnd = b.needsEnd
    o.messageBeforeBanner = o.message.length > 0
    o.splat.banner = b.banner
    const f = b.fields(m)
    for (const [k, v] of Object.entries(f)) if (v !== undefined) (o.splat as unknown as Record<string, unknown>)[k] = v
    if (o.splat.file?.startsWith('./')) o.splat.file = o.splat.file.slice(2)
    // A BUG/lockdep banner is its own message; a WARNING's message is the line(s) before it.
    if (b.banner === 'bug' || b.banner === 'unknown') o.message.push(clip(text))
  }

  private corrupt(o: Open, reason: string): Open {
    if (!o.splat.corrupted) {
      o.splat.corrupted = true
      o.splat.corruptedReason = reason
    }
    return o
  }

  private close(o: Open, endLine: number): Splat {
    const s = o.splat
    s.endLine = Math.max(endLine, s.startLine)
    if (o.message.length) s.message = o.message.join('\n')
    if (o.phase === 'message' && !s.corrupted) this.corrupt(o, 'no WARNING/BUG banner after cut-here')
    const g = guiltyFrame(s.frames)
    if (g) s.guilty = g
    this.open = undefined
    return s
  }
}

/** Longest message line kept (bounded memory on pathological input). */
const MAX_MESSAGE_CHARS = 1024
const clip = (s: string) => (s.length > MAX_MESSAGE_CHARS ? s.slice(0, MAX_MESSAGE_CHARS) + '...' : s)

function matchBanner(text: string): {rule: BannerRule; m: RegExpExecArray} | undefined {
  if (!text.startsWith('WARNING: ') && !/^(BUG: |kernel BUG|Oops|general protection|Unable to handle|UBSAN: |kernel tried)/.test(text)) return undefined
  for (const rule of BANNERS) {
    const m = rule.re.exec(text)
    if (m) return {rule, m}
  }
  return undefined
}

/** Parse every splat of an array of records (tests, small inputs). */
export function parseSplats(records: Iterable<LogRecord>): Splat[] {
  const p = new SplatParser()
  const out: Splat[] = []
  let last = 0
  for (const r of records) {
    out.push(...p.push(r).closed)
    last = r.line
  }
  out.push(...p.finish(last))
  return out
}

export type {Frame}
