// A boolean flag given a value (`--json=true`) is refused naming that flag (exit 2, `--json takes no
// value`): oclif blamed another word, `analyse DIR --json=true` saying "Unexpected argument: DIR"
// (with --sample, that --sample names an input already) and `trend REC --json=1` "1: no such file
// or directory". Every boolean flag of every command, read from the commands' definitions, on both
// parse paths (the fast path leaves such a word to oclif; src/cli/errors.ts exitOnBooleanValue).
import {join} from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'
import {booleanGivenValue} from '../../src/cli/errors.js'
import {runCli} from '../helpers/cli.js'
import {argvWith, type CommandFlag, commandFlags} from '../helpers/command-flags.js'
import {SAMPLES, TESTDATA} from '../helpers/paths.js'

let booleans: CommandFlag[]
beforeAll(async () => {
  booleans = (await commandFlags()).filter((f) => f.def.type === 'boolean')
})

describe('a boolean flag given a value', () => {
  it('the review\'s cases: the flag is named, not the input', async () => {
    const cases: [string[], string][] = [
      [['analyse', join(SAMPLES, 'linux-7.2-pool-c64-m1024'), '--json=true'], '--json'],
      [['analyse', '--sample', 'pool-c64', '--json=true'], '--json'],
      [['trend', join(TESTDATA, 'trend', 'leak', 'recording.arec.gz'), '--json=1'], '--json'],
      [['analyse', '--sample', 'pool-c64', '--traces=yes'], '--traces'],
      [['predict', '--cpus', '4', '--no-debug=1'], '--no-debug'],
    ]
    for (const [argv, flag] of cases) {
      for (const env of [{}, {ALLOCSCOPE_NO_FAST: '1'}]) {
        const r = await runCli(argv, {env})
        expect([r.status, r.stdout], argv.join(' ')).toEqual([2, ''])
        expect(r.stderr, argv.join(' ')).toMatch(new RegExp(`^allocscope: ${flag} takes no value: write --[\\w-]+ (alone \\(or leave it out\\)|or --no-[\\w-]+) \\(see allocscope ${argv[0]} --help\\)\\n$`))
      }
    }
  }, 60_000)
  it('every boolean flag of every command, --flag=true, through oclif and the fast path', async () => {
    expect(booleans.length).toBeGreaterThan(30)
    const failures: string[] = []
    for (const f of booleans) {
      const argv = argvWith(f.id, f.name, [`--${f.name}=true`])
      for (const env of [{}, {ALLOCSCOPE_NO_FAST: '1'}]) {
        const r = await runCli(argv, {env})
        if (r.status !== 2 || !r.stderr.startsWith(`allocscope: --${f.name} takes no value`)) failures.push(`${argv.join(' ')} ${JSON.stringify(env)}: exit ${r.status}, ${JSON.stringify(r.stderr.slice(0, 160))}`)
      }
    }
    expect(failures).toEqual([])
  }, 120_000)
  it('a value of another flag, or a word after --, is not one', () => {
    const flags = {json: {type: 'boolean'}, color: {type: 'boolean', allowNo: true}, module: {type: 'option', char: 'm'}}
    expect(booleanGivenValue(['x', '--module', '--json=1'], flags)).toBeUndefined()
    expect(booleanGivenValue(['x', '-m', '--json=1'], flags)).toBeUndefined()
    expect(booleanGivenValue(['x', '--', '--json=1'], flags)).toBeUndefined()
    expect(booleanGivenValue(['x', '--module=a', '--json='], flags)).toBe('--json')
    expect(booleanGivenValue(['--no-color=0'], flags)).toBe('--no-color')
    expect(booleanGivenValue(['--no-json=0'], flags)).toBeUndefined() // oclif says --no-json is unknown
  })
})
