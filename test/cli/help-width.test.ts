// Help fits the terminal (cli/help.ts fitHelp): oclif read neither COLUMNS nor a width asked for
// after it loaded, left the summary, the root description and the examples unwrapped (113 and 168
// columns at 80) and ran its flag descriptions a column or two past the edge.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {fitHelp} from '../../src/cli/help.js'
import {runCli} from '../helpers/cli.js'
import {REPO} from '../helpers/paths.js'

const IDS = Object.keys((JSON.parse(readFileSync(join(REPO, 'oclif.manifest.json'), 'utf8')) as {commands: object}).commands)

/**
 * The lines of `text` wider than `width`, except a line that is one word (after its indent, and the
 * ` \` of a wrapped example): a path or URL longer than the width cannot be broken without changing
 * it (an example's `samples/lkml-7.0-rc4-alloc-tag-not-set/dmesg-excerpt.txt` is 58 columns).
 */
const tooWide = (text: string, width: number): string[] => text.split('\n').filter((l) => l.length > width && /\s/.test(l.trim().replace(/ \\$/, '')))

describe('help fits the width', () => {
  it('every command\'s --help, the root help and `help <command>` at COLUMNS=60, and at 80 when piped (COLUMNS unset)', async () => {
    expect(IDS.length).toBeGreaterThanOrEqual(10)
    for (const [env, width] of [[{COLUMNS: '60'}, 60], [{COLUMNS: undefined}, 80]] as const) {
      for (const args of [['--help'], ['help'], ...IDS.map((id) => [id, '--help']), ['help', 'batch']]) {
        const r = await runCli(args, {env})
        expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0)
        expect(tooWide(r.stdout, width), `${args.join(' ')} at ${width}`).toEqual([])
      }
    }
  })

  it('an example is broken between shell words, each piece but the last ending with " \\", never inside quotes', () => {
    const ex = "  $ allocscope batch 'logs/**/*.log' hosts.tar.gz --jobs 8 --files-from \"my list.txt\" --out run.ndjson"
    const lines = fitHelp(ex, 40).split('\n')
    expect(lines.length).toBeGreaterThan(2)
    expect(lines.slice(0, -1).every((l) => l.endsWith(' \\'))).toBe(true)
    expect(lines.every((l) => l.length <= 40)).toBe(true)
    // The pieces joined back are the command as it was.
    expect(lines.map((l) => l.replace(/ \\$/, '').trim()).join(' ')).toBe(ex.trim())
    expect(lines.some((l) => l.includes('"my list.txt"'))).toBe(true)
  })

  it('a paragraph oclif wrapped a column too wide is wrapped again as one: no word left alone on a line (--boot at 80: `1 the first,` / `2` / `the second`)', async () => {
    const oclif = ['      Which boot of a log holding several, as journalctl -b counts: 1 the first, 2', '      the second, ...; 0 the last, -1 the one before it (write --boot=-1).', '      <options: a|b>', '', '  --next']
    const lines = fitHelp(oclif.join('\n'), 80).split('\n')
    expect(lines.slice(0, 2)).toEqual(['      Which boot of a log holding several, as journalctl -b counts: 1 the first,', '      2 the second, ...; 0 the last, -1 the one before it (write --boot=-1).'])
    // An option list, a blank line and the next flag are not part of the paragraph.
    expect(lines.slice(2)).toEqual(oclif.slice(2))
    // A long flag named in the text goes on with it (batch --fail-on-error at 80: `reads), as` / `--fail-on does …`).
    const named = ['      exist, or cannot be read or parsed; fleet: such records among those it reads), as', '      --fail-on does for a finding.', '  -j, --jobs=<value>']
    expect(fitHelp(named.join('\n'), 80).split('\n')).toEqual(['      exist, or cannot be read or parsed; fleet: such records among those it', '      reads), as --fail-on does for a finding.', '  -j, --jobs=<value>'])
    // Every command's help, as users see it: a description line shorter than a third of the width
    // followed by more of the same paragraph is such a word left alone (an example's ` \\` piece is not).
    for (const [width, env] of [[60, {COLUMNS: '60'}], [80, {COLUMNS: undefined}]] as const) {
      for (const id of IDS) {
        const out = (await runCli([id, '--help'], {env})).stdout.split('\n')
        const alone = out.filter((l, i) => {
          const indent = /^ */.exec(l)![0].length
          const next = out[i + 1] ?? ''
          return indent >= 6 && l.length - indent < width / 3 && /^ *[^ -<[$]/.test(l) && !l.endsWith(' \\') && /^ */.exec(next)![0].length === indent && /^ *(?:--|[^ -<[$])/.test(next)
        })
        expect(alone, `${id} --help at ${width}`).toEqual([])
      }
    }
  })

  it("a flag's description goes on under the description's column", () => {
    const l = '  -d, --duration=<value>  Stop after this long (samples at 0, interval, and so on up to and including it).'
    const lines = fitHelp(l, 60).split('\n')
    expect(lines[1]!.startsWith(' '.repeat(26)) && lines[1]![26] !== ' ').toBe(true)
  })
})
