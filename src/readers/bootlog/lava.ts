// LAVA job logs (`log.yaml`, how KernelCI's and Linaro's labs keep every boot): a YAML sequence
// written one flow mapping per line, `- {"dt": "...", "lvl": "target", "msg": "..."}`. The
// target's console (the kernel's own lines among them) is at `lvl: target`; the dispatcher's
// lines are at other levels, and `msg` is a mapping for results. The console text then goes
// through the serial-console reader, so a kernel line reads exactly as it would from console.log.
import type {LineReader, ReadContext} from './engine.js'
import {REASON, KernelTextReader} from './text-formats.js'

export const LAVA_REASON = {
  notEntry: 'not a LAVA log entry',
  dispatcher: 'LAVA dispatcher line (not the target console)',
  notText: 'LAVA entry whose msg is not text',
} as const

/**
 * LAVA dumps each entry with PyYAML in double-quoted flow style: JSON but for a few escapes
 * YAML has and JSON lacks. Those are turned into JSON escapes, then JSON.parse reads the line
 * (the `yaml` package would read it too, at several times the cost per line of a GB log).
 */
const YAML_ONLY_ESCAPE = /\\(?:x([0-9a-fA-F]{2})|U([0-9a-fA-F]{8})|([0aveN_LP ]))/g
const SIMPLE: Record<string, string> = {'0': '\\u0000', a: '\\u0007', v: '\\u000b', e: '\\u001b', N: '\\u0085', _: '\\u00a0', L: '\\u2028', P: '\\u2029', ' ': ' '}

function jsonEscape(_: string, hex2?: string, hex8?: string, c?: string): string {
  if (hex2) return `\\u00${hex2}`
  if (hex8) return JSON.stringify(String.fromCodePoint(parseInt(hex8, 16))).slice(1, -1)
  return SIMPLE[c!]!
}

/** The mapping of one `- {...}` line, or undefined. */
export function lavaEntry(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('- {')) return undefined
  const body = line.slice(2).trimEnd()
  let o: unknown
  try {
    o = JSON.parse(body)
  } catch {
    try {
      // A backslash before an escape character only ever occurs inside a double-quoted scalar here.
      o = JSON.parse(body.replace(/\\\\|\\(?:x[0-9a-fA-F]{2}|U[0-9a-fA-F]{8}|[0aveN_LP ])/g, (m) => (m === '\\\\' ? m : m.replace(YAML_ONLY_ESCAPE, jsonEscape))))
    } catch {
      return undefined
    }
  }
  return o !== null && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>) : undefined
}

export class LavaReader implements LineReader {
  private readonly console: KernelTextReader

  constructor(private readonly ctx: ReadContext) {
    this.console = new KernelTextReader(ctx.sink, 'console', {timed: ctx.timed})
  }

  line(s: string, no: number): void {
    if (s.trim().length === 0) return this.ctx.sink.skip(no, REASON.empty)
    const e = lavaEntry(s)
    if (!e) return this.ctx.sink.skip(no, LAVA_REASON.notEntry, s)
    if (e.lvl !== 'target') return this.ctx.sink.skip(no, LAVA_REASON.dispatcher, s)
    if (typeof e.msg !== 'string') return this.ctx.sink.skip(no, LAVA_REASON.notText, s)
    this.console.line(e.msg, no)
  }
}
