// Every example a user is shown must run as documented: each `$ allocscope ...` line of the README
// (from the repository, exit status as the README shows it: the last line after `; echo $?`, else 0),
// and each command's --help example from a directory that is not the repository (as after a global
// install: bundled samples resolve by name). Runs the BUILT CLI (npm test builds it): a plain
// `allocscope ARGS` in-process (test/helpers/cli.ts), anything with shell syntax (pipes, redirects,
// globs, braces) through bash as the user's shell would run it. README examples that boot QEMU or
// read a live host's file are skipped (test/lab covers capture when QEMU is installed); help
// examples marked as recipes (src/cli/examples.ts) are not run, every other one is.
import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {BIN, runCli} from '../helpers/cli.js'
import {REPO} from '../helpers/paths.js'
import {RECIPE_MARK} from '../../src/cli/examples.js'

interface Example {
  cmd: string
  status: number
  /** The output the README shows under the command (`...` lines elide; the `echo $?` status left out). */
  shown: string[]
}

/** `$ allocscope ...` lines in the README's code blocks, with the exit status each documents. */
export function readmeExamples(readme: string): Example[] {
  const out: Example[] = []
  for (const block of readme.split(/^```[a-z]*\n/m).filter((_, i) => i % 2 === 1)) {
    const lines = block.split('\n')
    lines.forEach((l, i) => {
      const m = /^\$ (allocscope .*)$/.exec(l)
      if (!m) return
      let cmd = m[1]
      let status = 0
      // Up to the next command, or the comment line that says where it runs (CLONE_ONLY).
      const next = lines.findIndex((x, j) => j > i && (x.startsWith('$ ') || (x.startsWith('# ') && lines[j + 1]?.startsWith('$ '))))
      const shown = lines.slice(i + 1, next < 0 ? undefined : next)
      while (shown.length && shown[shown.length - 1].trim() === '') shown.pop()
      if (/; echo \$\?$/.test(cmd)) {
        cmd = cmd.replace(/; echo \$\?$/, '')
        // The status is the last line of this example's output (before the next `$` line).
        status = Number(shown.pop())
      }
      out.push({cmd, status, shown})
    })
  }
  return out
}

/**
 * The words of `allocscope ARGS` when the shell would pass them as written (plain words, or
 * quoted ones without anything to expand); undefined when the line needs a shell.
 */
export function plainArgv(cmd: string): string[] | undefined {
  const words = cmd.replace(/\s+#.*$/, '').match(/"[^"$`\\]*"|'[^']*'|[^\s"']+/g) ?? []
  if (words.join(' ') !== cmd.replace(/\s+#.*$/, '').trim().replace(/\s+/g, ' ')) return undefined
  if (words[0] !== 'allocscope') return undefined
  const out: string[] = []
  for (const w of words.slice(1)) {
    if (/^(["']).*\1$/.test(w)) out.push(w.slice(1, -1))
    else if (/[|&;<>()$`\\*?[\]{}~!#=]/.test(w.replace(/^--?[\w-]+=/, ''))) return undefined
    else out.push(w)
  }
  return out
}

/** The example run as documented: in-process when it is a plain argv, else by bash. */
async function sh(cmd: string, cwd: string): Promise<{status: number | null; stdout: string; stderr: string}> {
  const argv = plainArgv(cmd)
  if (argv) {
    const r = await runCli(argv, {cwd, env: {HOME: cwd, COLUMNS: undefined}})
    return {status: r.status, stdout: r.stdout, stderr: r.stderr}
  }
  return new Promise((resolve) => {
    const script = `allocscope() { "${process.execPath}" "${BIN}" "$@"; }\n${cmd}`
    const p = spawn('bash', ['-c', script], {cwd, env: {PATH: process.env.PATH, HOME: cwd, NO_COLOR: '1'}, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    p.stdout.on('data', (d) => (stdout += d))
    p.stderr.on('data', (d) => (stderr += d))
    p.on('close', (status) => resolve({status, stdout, stderr}))
  })
}

/**
 * The README's shown output against the real one: every shown line (`...` elides any number of
 * lines) is a line of the output, in the same order. `--format text` is fixed at 79 columns, so the
 * lines are exact; a stale number or row fails here (issue 13: the predict example had gone stale).
 * Returns the first shown line not found, or undefined.
 */
export function staleLine(shown: string[], output: string): string | undefined {
  const out = output.split('\n').map((l) => l.trimEnd())
  let at = 0
  for (const line of shown.map((l) => l.trimEnd())) {
    if (line === '...') continue
    const i = out.indexOf(line, at)
    if (i < 0) return line
    at = i + 1
  }
  return undefined
}

/** Runs at most two at a time (the CI machine has two cores). */
async function runAll<T>(items: T[], f: (x: T) => Promise<void>): Promise<void> {
  const queue = [...items]
  await Promise.all([0, 1].map(async () => {
    for (let x = queue.shift(); x !== undefined; x = queue.shift()) await f(x)
  }))
}

const needsQemu = (cmd: string) => /^allocscope capture\b/.test(cmd)

/**
 * An input the example needs that only a live host makes (/proc/allocinfo, a recording from
 * `allocscope record`, a batch's NDJSON): such examples are listed as skipped, not run.
 * Bundled samples count as present (they resolve from any directory).
 */
function liveInput(cmd: string): string | undefined {
  // A pipeline fed by the host's own files (find /srv/logs | allocscope batch ...).
  if (!cmd.startsWith('allocscope ')) return cmd.split(/\s+/)[0]
  for (const t of cmd.split(/\s+/).slice(2)) {
    if (/^[^-].*\*/.test(t) && !/^['"]?(samples|testdata|lab)\//.test(t)) return t // a glob over the host's files
    if (/^[\w.-]+\/$/.test(t) && !existsSync(t) && !existsSync(join(REPO, t))) return t // a directory of the user's
    if (t.startsWith('-') || /[*{$<>|]/.test(t)) continue
    if (/^\/proc\//.test(t)) return t
    if (/\.(gz|arec|ndjson|jsonl|csv|txt|log|json|tar|tgz)$/.test(t) && !t.startsWith('samples/') && !existsSync(join(REPO, t)) && !existsSync(t)) return t
  }
  return undefined
}

beforeAll(() => {
  if (!existsSync(join(REPO, 'dist', 'commands'))) throw new Error('dist/ missing: run `npm run build` (npm test does)')
})

describe('README examples', () => {
  const examples = readmeExamples(readFileSync(join(REPO, 'README.md'), 'utf8'))
  it('finds the examples and none reads outside the repository', () => {
    expect(examples.length).toBeGreaterThan(5)
    for (const e of examples) expect(e.cmd).not.toMatch(/\.\.\/shared|\/work\//)
  })
  it('each exits as documented (capture skipped: needs QEMU and a built kernel)', async () => {
    const failures: string[] = []
    const skipped = examples.filter((e) => needsQemu(e.cmd) || liveInput(e.cmd))
    if (skipped.length) console.log(`README examples not run (QEMU or a live host's file): ${skipped.map((e) => e.cmd).join(' | ')}`)
    let compared = 0
    await runAll(examples.filter((e) => !skipped.includes(e)), async (e) => {
      const r = await sh(e.cmd, REPO)
      if (r.status !== e.status) failures.push(`${e.cmd}: exit ${r.status}, README says ${e.status}\n${r.stderr}`)
      if (e.shown.some((l) => l !== '...')) {
        compared++
        const stale = staleLine(e.shown, r.stdout)
        if (stale !== undefined) failures.push(`${e.cmd}: the README shows ${JSON.stringify(stale)}, not in the output (in that order)`)
      }
    })
    expect(failures).toEqual([])
    // analyse, allocinfo, predict (twice), calibrate and diff (twice) show their output.
    expect(compared).toBeGreaterThanOrEqual(6)
  }, 600_000)
  it('the shown-output check fails on a stale line and honours `...`', () => {
    expect(staleLine(['a', '...', 'c'], 'a\nb\nc\n')).toBeUndefined()
    expect(staleLine(['c', 'a'], 'a\nb\nc\n')).toBe('a')
    expect(staleLine(['recorded  0'], 'recorded  1\n')).toBe('recorded  0')
  })
})

/** What says that an example runs only in a clone: on its own line, or in a comment line before it in its block. */
const CLONE_ONLY = /in a (?:fresh )?clone of this repository|in a fresh clone/

/** The repository's paths the package ships (package.json "files"): what an installed allocscope has beside it. */
const SHIPPED = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {files: string[]}).files

/**
 * README code-block lines that run allocscope on a path of this repository that the package does
 * not ship (testdata/captures, lab/captures), without saying that they run only in a clone: from
 * another directory, or after an install, they exit 2 (no such file) or, for batch, 0 with error
 * records. A path is a word whose first directory is one of the repository's.
 */
export function unshippedExamples(readme: string, isRepoDir: (d: string) => boolean): string[] {
  const out: string[] = []
  for (const block of readme.split(/^```[a-z]*\n/m).filter((_, i) => i % 2 === 1)) {
    let said = false
    for (const l of block.split('\n')) {
      if (l.startsWith('#')) said = CLONE_ONLY.test(l)
      if (!/(?:^|[\s|;(])allocscope /.test(l) || said || CLONE_ONLY.test(l)) continue
      const words = l.split(/\s+/).map((w) => w.replace(/^['"]|['"]$/g, ''))
      const unshipped = words.filter((w) => /^[\w.-]+\//.test(w) && isRepoDir(w.split('/')[0]!) && !SHIPPED.some((f) => w === f || w.startsWith(`${f}/`)))
      if (unshipped.length) out.push(`${l.trim()}: ${unshipped.join(' ')}`)
    }
  }
  return out
}

describe('README examples run outside the clone, or say they do not', () => {
  const isRepoDir = (d: string) => existsSync(join(REPO, d, '.'))
  it('a path the package does not ship is only in an example marked as run in a clone of this repository', () => {
    expect(unshippedExamples(readFileSync(join(REPO, 'README.md'), 'utf8'), isRepoDir)).toEqual([])
  })
  it('the check catches an unmarked one, in a $ line and in a sh block, and takes the mark', () => {
    const readme = [
      '```',
      '$ allocscope predict --from lab/captures/x --format text',
      '...',
      '# in a clone of this repository (lab/captures is not in the installed package)',
      '$ allocscope predict --from lab/captures/y',
      '```',
      '```sh',
      "allocscope batch 'samples/*/' 'testdata/captures/*/' | allocscope fleet",
      "allocscope batch 'testdata/captures/*/'   # in a clone of this repository",
      'allocscope trend testdata/trend/leak',
      '```',
    ].join('\n')
    expect(unshippedExamples(readme, isRepoDir)).toEqual(['$ allocscope predict --from lab/captures/x --format text: lab/captures/x', "allocscope batch 'samples/*/' 'testdata/captures/*/' | allocscope fleet: testdata/captures/*/"])
  })
})

describe('--help examples from another directory', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'allocscope-examples-'))
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))
  // A help example is a plain string, which must run as printed from here, or a recipe
  // (src/cli/examples.ts: the user's own files or a live kernel), which says so in the help and is
  // not run. No guessing which is which: an unmarked example that cannot run fails here.
  const helpExamples = () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'oclif.manifest.json'), 'utf8')) as {commands: Record<string, {examples?: Array<string | {description: string; command: string}>}>}
    const expand = (e: string, id: string) => e.replace(/<%= config\.bin %>/g, 'allocscope').replace(/<%= command\.id %>/g, id)
    return Object.entries(manifest.commands).flatMap(([id, c]) =>
      (c.examples ?? []).map((e) => (typeof e === 'string' ? {cmd: expand(e, id)} : {cmd: expand(e.command, id), recipe: e.description})),
    )
  }
  it('recipes say in the help what they need', () => {
    const recipes = helpExamples().filter((e) => e.recipe !== undefined)
    // batch (2), capture (4), fleet (1), record (2), trend (1).
    expect(recipes.length).toBeGreaterThanOrEqual(10)
    for (const r of recipes) expect(r.recipe).toMatch(new RegExp(`^${RECIPE_MARK} \\(.+; not runnable as printed\\):$`))
  })
  it('each example that is no recipe exits 0 (or 1 with --fail-on), bundled samples found by name', async () => {
    const all = helpExamples()
    const examples = all.filter((e) => e.recipe === undefined || !e.recipe.startsWith(RECIPE_MARK)).map((e) => e.cmd)
    expect(examples.length).toBeGreaterThan(30)
    const failures: string[] = []
    console.log(`help recipes not run (they say so in the help): ${all.filter((e) => !examples.includes(e.cmd)).map((e) => e.cmd).join(' | ')}`)
    await runAll(examples, async (cmd) => {
      const r = await sh(cmd, dir)
      // Examples that write a file write it in the scratch directory.
      const ok = r.status === 0 || (r.status === 1 && /--fail-on/.test(cmd))
      if (!ok) failures.push(`${cmd}: exit ${r.status}\n${r.stderr}`)
      // batch says a missing input in a record, not in its status: an example naming a path that
      // only exists in the repository runs "fine" and analyses nothing.
      else if (/no such file or directory/.test(r.stdout + r.stderr)) failures.push(`${cmd}: names a path that does not exist outside the repository`)
      // Nor a batch record of an input that is no capture (samples/ holds a README and a CSV too).
      else if (/"error":\{"reason"/.test(r.stdout)) failures.push(`${cmd}: writes error records: ${r.stdout.split('\n').find((l) => l.includes('"error":{'))}`)
      // Nor one piped into fleet, whose summary counts them (was: batch samples | fleet, 2 errors).
      else if (/^\W*errors\W+[1-9]/m.test(r.stdout) || /"errors":\s*[1-9]/.test(r.stdout)) failures.push(`${cmd}: its fleet summary counts error records: ${r.stdout.split('\n').find((l) => /errors/.test(l))}`)
    })
    expect(failures).toEqual([])
  }, 900_000)
  it('an example that writes a file (--out) runs again as printed: it overwrites its own output (was: calibrate --out my-7.2.json, the file exists)', async () => {
    const writers = helpExamples().filter((e) => e.recipe === undefined && / --out /.test(e.cmd)).map((e) => e.cmd)
    expect(writers.length).toBeGreaterThanOrEqual(2)
    const again = mkdtempSync(join(tmpdir(), 'allocscope-examples-again-'))
    const failures: string[] = []
    for (const cmd of writers) {
      for (const round of [1, 2]) {
        const r = await sh(cmd, again)
        if (r.status !== 0 && !(r.status === 1 && /--fail-on/.test(cmd))) failures.push(`${cmd} (run ${round}): exit ${r.status}\n${r.stderr}`)
      }
    }
    rmSync(again, {recursive: true, force: true})
    expect(failures).toEqual([])
  }, 300_000)
})
