// A FIFO whose writer comes late (issue 14: "FIFOs with no writer block forever (analyse, allocinfo,
// predict --from, --hosts): fine for a pipe that will be written, but say on stderr after a second
// that it is waiting, when stderr is a TTY"). Each command reads a real FIFO (mkfifo) whose writer
// opens it only once the command has said it waits, with stderr on a terminal (util-linux `script` gives the command a pty):
// the notice is on the terminal, and the result is the one the same command gives on the file.
// The notice has one home: src/readers/wait.ts (when), src/cli/output.ts waitingNotice (what).
import {execFile, execFileSync, spawn, spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {promisify} from 'node:util'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {BIN} from '../helpers/cli-rss.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

const POOL = join(SAMPLES, 'linux-7.2-pool-c64-m1024')
const hasScript = spawnSync('script', ['--version']).status === 0
const built = spawnSync('test', ['-d', join(REPO, 'dist', 'commands')]).status === 0
let T: string
beforeAll(() => {
  T = mkdtempSync(join(tmpdir(), 'allocscope-fifo-'))
})
afterAll(() => rmSync(T, {recursive: true, force: true}))

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

/** The command with stderr on a pty (script) and stdout to a file; once it says it waits, the FIFO gets `data`. */
async function throughFifo(name: string, args: (input: string) => string[], data: Buffer): Promise<{tty: string; out: string; status: number | null}> {
  const fifo = join(T, `${name}.fifo`)
  execFileSync('mkfifo', [fifo])
  const out = join(T, `${name}.out`)
  const cmd = `${[process.execPath, BIN, ...args(fifo)].map(q).join(' ')} > ${q(out)}`
  const child = spawn('script', ['-qec', cmd, '/dev/null'], {cwd: REPO, env: {PATH: process.env.PATH, HOME: T, NO_COLOR: '1', TERM: 'dumb'}, stdio: ['ignore', 'pipe', 'pipe']})
  let tty = ''
  // The writer comes once the command said it waits (at most 60 s: a loaded machine starts node slowly).
  const noticed = new Promise<void>((resolve) => {
    const t = setTimeout(resolve, 60_000)
    child.stdout.on('data', (d) => {
      tty += d
      if (tty.includes('waiting for input')) resolve(clearTimeout(t))
    })
  })
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
  await noticed
  await writeFile(fifo, data) // opens the FIFO for writing: the reader has been waiting for it
  const status = await exited
  return {tty, out: readFileSync(out, 'utf8').replaceAll(fifo, 'INPUT'), status}
}

/** The same command on the regular file, stderr not a terminal. */
async function onFile(args: (input: string) => string[], file: string): Promise<{out: string; stderr: string}> {
  const r = await promisify(execFile)(process.execPath, [BIN, ...args(file)], {cwd: REPO, env: {PATH: process.env.PATH, HOME: T, NO_COLOR: '1'}, encoding: 'utf8', maxBuffer: 1 << 26})
  return {out: r.stdout.replaceAll(file, 'INPUT'), stderr: r.stderr}
}

const CASES: [string, (input: string) => string[], string][] = [
  ['analyse', (i) => ['analyse', i, '--json'], join(POOL, 'dmesg.txt')],
  ['allocinfo', (i) => ['allocinfo', i, '--top', '5', '--json'], join(POOL, 'allocinfo.txt')],
  ['predict --from', (i) => ['predict', '--from', i, '--json'], join(POOL, 'dmesg.txt')],
  ['predict --hosts', (i) => ['predict', '--hosts', i, '--format', 'csv'], join(SAMPLES, 'inventory.csv')],
]

describe.skipIf(!hasScript || !built)('a FIFO written late: the waiting notice on a terminal (needs script from util-linux, npm run build)', () => {
  describe.concurrent('each reader', () => {
    for (const [name, args, file] of CASES) {
      it(`${name}: "waiting for input" on stderr after a second, then the file's result`, async () => {
        const [fifo, direct] = await Promise.all([throughFifo(name.replace(/\W+/g, '-'), args, readFileSync(file)), onFile(args, file)])
        expect(fifo.status).toBe(0)
        expect(fifo.tty).toContain(`allocscope: waiting for input on ${join(T, `${name.replace(/\W+/g, '-')}.fifo`)} ...`)
        expect(fifo.out).toBe(direct.out)
        // Not a terminal: no notice (a script's stderr stays clean).
        expect(direct.stderr).not.toContain('waiting for input')
      }, 120_000)
    }
  })
})
