// Which commands take --json and the other output flags, as README's "Commands" says: every command
// that writes a report; not batch (NDJSON records), version (--json only) or help. `version --json`
// is the allocscope envelope like every other command's (it was @oclif/plugin-version's document).
// Runs the BUILT CLI (npm test builds it).
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {EXIT} from '../../src/errors.js'
import {argvWith} from '../helpers/command-flags.js'
import {runCli} from '../helpers/cli.js'
import {REPO} from '../helpers/paths.js'

type Manifest = {commands: Record<string, {flags: Record<string, unknown>}>}
const manifest = () => JSON.parse(readFileSync(join(REPO, 'oclif.manifest.json'), 'utf8')) as Manifest

describe('--json and the output flags', () => {
  it("README names exactly the commands that do not write a report", () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8')
    const m = /Every command that writes a report \(all but ([^)]*)\) takes `--json`/.exec(readme)
    expect(m, 'README states which commands take --json').not.toBeNull()
    const named = [...m![1].matchAll(/`([\w-]+)`/g)].map((x) => x[1]).sort()
    const commands = manifest().commands
    const without = Object.keys(commands).filter((id) => !('format' in commands[id].flags) || !('block' in commands[id].flags))
    // help is plugin-help's command, owned by allocscope (src/commands/help.ts): in the manifest.
    expect(named).toEqual(without.sort())
    expect(without.sort()).toEqual(['batch', 'help', 'version'])
    expect('json' in commands.batch.flags).toBe(false)
    expect('json' in commands.version.flags).toBe(true)
  })

  it('version --json is the allocscope envelope', async () => {
    const r = await runCli(['version', '--json'])
    expect(r.status, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout)
    expect(doc.schema).toBe('allocscope/v1')
    expect(doc.command).toBe('version')
    expect(doc.warnings).toEqual([])
    expect(doc.result).toMatchObject({version: expect.stringMatching(/^\d+\.\d+\.\d+/), cliVersion: expect.stringMatching(/^allocscope\//), architecture: `${process.platform}-${process.arch}`, nodeVersion: `node-${process.version}`})
  })

  it('version prints the same line as --version; an unknown flag is one line, exit 2', async () => {
    const a = await runCli(['version'])
    const b = await runCli(['--version'])
    expect(a.stdout).toBe(b.stdout)
    const bad = await runCli(['version', '--jsn'])
    expect(bad.stderr).toBe('allocscope: unknown flag --jsn; did you mean --json? (see allocscope version --help)\n')
    expect(bad.status).toBe(EXIT.usage)
  })

  it('batch refuses --json in one line, exit 2', async () => {
    const r = await runCli(['batch', '--json', 'samples'])
    expect(r.stderr).toMatch(/^allocscope: unknown flag --json.*\(see allocscope batch --help\)/)
    expect(r.status).toBe(EXIT.usage)
  })

  // Both were taken, and JSON written silently: a script asking for csv got JSON. Every command
  // that has both flags, on both parse paths (allocinfo, analyse, diff run without oclif), before
  // its input is read (x does not exist).
  const both = Object.entries(manifest().commands).filter(([, c]) => 'json' in c.flags && 'format' in c.flags).map(([id]) => id)
  /** The run of `id` with `words` (beside what it needs, less its own `flag`): exit 2, nothing on stdout, one line on stderr matching `line`. */
  const usageLine = async (id: string, flag: string, words: string[], line: RegExp) => {
    const r = await runCli(argvWith(id, flag, words))
    expect(r.status, r.stderr).toBe(EXIT.usage)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1)
    expect(r.stderr).toMatch(line)
  }
  it.each(both.flatMap((id) => [[id, ['--json', '--format', 'csv']], [id, ['-f', 'markdown', '--json']]]))('%s %j: a usage error naming both flags, exit 2', async (id, words) => {
    await usageLine(id, 'json', words as string[], /--json and --format (csv|markdown) conflict: .*give one of them/)
  })

  // --block and the --csv-* flags were ignored beside --json (the JSON document written, exit 0):
  // the same usage error, on both parse paths (allocinfo, analyse, diff run without oclif).
  const blocked = Object.entries(manifest().commands).filter(([, c]) => 'json' in c.flags && 'block' in c.flags && 'csv-units' in c.flags).map(([id]) => id)
  const csvEach = [['--json', '--csv-summary', 'omit'], ['--csv-formulas', '--json']]
  it.each([...blocked.flatMap((id) => [[id, ['--json', '--block', 'Totals']], [id, ['--csv-units', '--json']]]), ...['allocinfo', 'predict'].flatMap((id) => csvEach.map((w) => [id, w]))])(
    '%s %j: a usage error naming both flags, exit 2',
    async (id, words) => {
      const flag = (words as string[]).find((w) => w !== '--json')!
      await usageLine(id as string, 'json', words as string[], new RegExp(`^allocscope: --json and ${flag} conflict: --json writes JSON, ${flag} .*; give one of them$`, 'm'))
    },
  )

  // A --csv-* flag beside --format table, markdown or text (or no --format: table) was ignored, the
  // report written, exit 0: the same usage error, from the same rule, on both parse paths (allocinfo,
  // analyse, diff run without oclif), before the input (x, which does not exist) is read.
  const notCsv = [['--format', 'table', '--csv-units'], ['--csv-summary', 'omit', '-f', 'markdown'], ['--format', 'text', '--csv-formulas']]
  it.each([...blocked.flatMap((id) => [[id, notCsv[0]!]]), ...['allocinfo', 'predict'].flatMap((id) => notCsv.slice(1).map((w) => [id, w]))])(
    '%s %j: --csv-* beside another format is a usage error naming both, exit 2',
    async (id, words) => {
      const ws = words as string[]
      const format = ws[ws.findIndex((w) => w === '--format' || w === '-f') + 1]
      const flag = ws.find((w) => w.startsWith('--csv-'))!
      await usageLine(id as string, 'format', ws, new RegExp(`^allocscope: --format ${format} and ${flag} conflict: --format ${format} writes a ${format} report, ${flag} .*csv report.*; give one of them$`, 'm'))
    },
  )

  it('--csv-* with no --format (table, the default): the same error, saying to give --format csv; with --format csv it is taken', async () => {
    for (const id of ['allocinfo', 'predict']) {
      await usageLine(id, 'format', ['--csv-units'], /^allocscope: --format table \(the default\) and --csv-units conflict: .*; give --format csv with it$/m)
    }
    const ok = await runCli(['allocinfo', '--sample', 'pool-c64', '--top', '1', '--format', 'csv', '--csv-units'])
    expect(ok.status, ok.stderr).toBe(0)
    expect(ok.stdout).toMatch(/^19.6 MiB,1627,/m)
  })

  it('the commands with --block and --csv-* are those with --format', () => {
    expect(blocked.sort()).toEqual(both.sort())
  })

  it('the commands that have both are the report commands', () => {
    expect(both.sort()).toEqual(['allocinfo', 'analyse', 'calibrate', 'capture', 'diff', 'fleet', 'predict', 'record', 'trend'])
  })
})
