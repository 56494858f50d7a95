// What a bench row module gets (bench/rows/*.ts, run in file-name order by bench/run.ts): the
// inputs, the measuring helpers (ours and its anchor interleaved, in the same go), and the table
// it adds rows to. A new row is a new file in bench/rows/ exporting `default async (ctx) => {}`.
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {type BenchInputs, REPO} from './gen.js'
import {CommandFailed, fmtMs, type Measured, measure, measurePair, type Stats} from './harness.js'

export interface Row {
  id: string
  what: string
  ours: string
  anchor: string
  ratio: string
  goal: string
  status: 'met' | 'NOT met' | 'n/a'
  note?: string
}

export interface Cmd {
  label: string
  cmd: string[]
}

export const BIN = join(REPO, 'bin', 'run.js')
/** A word as a shell needs it, so that a command in RESULTS.md can be pasted as it is. */
const shellWord = (w: string) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", "'\\''")}'`)
export const NODE = process.execPath

export const spread = (s: Stats) => `${fmtMs(s.min)} / ${fmtMs(s.median)} / ${fmtMs(s.max)}`
/** Median wall time, and median CPU time when measured. */
export const both = (m: Measured) => `${fmtMs(m.median)} wall${m.cpu ? `, ${fmtMs(m.cpu.median)} CPU` : ''}`
/** ratio text: by wall time (end to end), and by CPU time (what the shared machine blurs least). */
export const ratios = (wall: number, cpu: number | undefined, unit = '×') => `${wall.toFixed(2)}${unit} wall${cpu !== undefined ? `; ${cpu.toFixed(2)}${unit} CPU` : ''}`
export const hasCmd = (c: string) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0
/** `allocscope <args>` as a user runs it. */
export const ours = (label: string, ...args: string[]): Cmd => ({label, cmd: [NODE, BIN, ...args]})

export class BenchContext {
  readonly rows: Row[] = []
  readonly details: string[] = []
  /** Anchor tools' versions, for the header. */
  readonly anchors = new Set<string>()

  constructor(
    readonly inputs: BenchInputs,
    readonly runs: number,
    readonly env: NodeJS.ProcessEnv,
    readonly quick: boolean,
  ) {}

  log(s: string): void {
    process.stdout.write(s + '\n')
  }

  unavailable(id: string, what: string, goal: string, why: string): void {
    this.rows.push({id, what, ours: '—', anchor: '—', ratio: '—', goal, status: 'n/a', note: why})
    this.log(`  ${id}: n/a — ${why}`)
  }

  private detail(m: Measured): void {
    const cmd = m.cmd.map((c) => shellWord(c.replace(REPO + '/', ''))).join(' ')
    this.details.push(`- ${m.label}: \`${cmd}\` — wall ${spread(m)}${m.cpu ? `; CPU (user+sys) ${spread(m.cpu)}` : ''} (min / median / max of ${m.runs}); stdout ${m.stdoutBytes} bytes`)
  }

  measure(c: Cmd, ok?: number[]): Measured | string {
    try {
      const m = measure(c.label, c.cmd, {runs: this.runs, env: this.env, cwd: REPO, ok})
      this.detail(m)
      return m
    } catch (e) {
      if (e instanceof CommandFailed) return e.message
      throw e
    }
  }

  /** Ours and the anchor, runs interleaved (ours, anchor, ours, ...) so that load falls on both alike. */
  pair(o: Cmd, a: Cmd): [Measured, Measured] | string {
    try {
      const r = measurePair(o, a, {runs: this.runs, env: this.env, cwd: REPO})
      r.forEach((m) => this.detail(m))
      return r
    } catch (e) {
      if (e instanceof CommandFailed) return e.message
      throw e
    }
  }
}
