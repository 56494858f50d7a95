// The built CLI spawned as a user would, with its peak RSS: read from inside the child
// (process.resourceUsage().maxRSS at exit, printed on stderr through NODE_OPTIONS --import) and
// removed from the stderr the test sees. Issue 14's bound: every reader stays under 200 MiB.
// Needs `npm run build` (npm test does it).
import {spawn} from 'node:child_process'
import {openSync, closeSync} from 'node:fs'
import {join} from 'node:path'
import {REPO} from './paths.js'

export const BIN = join(REPO, 'bin', 'run.js')
export const RSS_LIMIT_MIB = 200
/** Prints the child's peak RSS on stderr as it exits (pipes to a parent are written synchronously on Linux). */
// Backquotes and no spaces: NODE_OPTIONS takes double quotes as quoting and splits at spaces.
const RSS_HOOK = 'data:text/javascript,process.on(`exit`,()=>process.stderr.write(`MAXRSS=${process.resourceUsage().maxRSS}\\n`))'

export interface RssRun {
  status: number | null
  /** Empty when stdout went to a file (stdoutFile). */
  stdout: string
  stderr: string
  rssMiB: number
}

export interface RssRunOptions {
  /** `cmd` is a bash command line (process substitution), not arguments of bin/run.js. */
  shell?: boolean
  /** Writes the child's stdin (ended after). */
  input?: (w: NodeJS.WritableStream) => Promise<void>
  /** stdout to this file instead of the parent's memory (outputs of 10^6 rows). */
  stdoutFile?: string
  /** HOME and the working directory of the child. */
  home: string
  /** Called with all of stdout so far, at each piece that arrives (not with stdoutFile). */
  onStdout?: (sofar: string) => void
  /** More environment for the child (COLUMNS). */
  env?: Record<string, string>
}

export function runWithRss(cmd: string[], opts: RssRunOptions): Promise<RssRun> {
  return new Promise((resolve, reject) => {
    const env = {PATH: process.env.PATH, HOME: opts.home, NO_COLOR: '1', NODE_OPTIONS: `--import=${RSS_HOOK}`, ...opts.env}
    const fd = opts.stdoutFile ? openSync(opts.stdoutFile, 'w') : undefined
    const stdio: ['pipe', 'pipe' | number, 'pipe'] = ['pipe', fd ?? 'pipe', 'pipe']
    const p = opts.shell ? spawn('bash', ['-c', cmd.join(' ')], {cwd: REPO, env, stdio}) : spawn(process.execPath, [BIN, ...cmd], {cwd: REPO, env, stdio})
    if (fd !== undefined) closeSync(fd)
    let stdout = ''
    let stderr = ''
    p.stdout?.on('data', (d) => {
      stdout += d
      opts.onStdout?.(stdout)
    })
    p.stderr!.on('data', (d) => (stderr += d))
    p.on('error', reject)
    p.on('close', (status) => {
      const rss = [...stderr.matchAll(/^MAXRSS=(\d+)$/gm)].map((m) => Number(m[1]) / 1024)
      resolve({status, stdout, stderr: stderr.replace(/^MAXRSS=\d+\n/gm, ''), rssMiB: Math.max(0, ...rss)})
    })
    p.stdin!.on('error', () => {}) // the reader may stop before the writer does
    if (opts.input) opts.input(p.stdin!).then(() => p.stdin!.end(), () => p.stdin!.destroy())
    else p.stdin!.end()
  })
}
