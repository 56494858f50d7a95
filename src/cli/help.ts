// The help class (package.json oclif.helpClass): the command summary is printed once, at the top,
// not again as the first line of DESCRIPTION — for `allocscope help analyse` (plugin-help, which
// does not read oclif.helpOptions) as for `allocscope analyse --help`. Help for a command that does
// not exist is the one line an unknown command gets (not-found.ts), exit 2, not oclif's
// ` ›   Error: Command nosuch not found.`; words after a command's name (`help predict x`) leave
// its help as it is.
import {Errors, Help, type Interfaces} from '@oclif/core'
import {EXIT} from '../errors.js'
import {wrapLine} from '../render/layout.js'
import {notCommandLine} from './not-found.js'
import {terminalWidth} from './output.js'

export default class AllocscopeHelp extends Help {
  /** The width help is fitted to: the reports' (COLUMNS, else the terminal's, else 80), read when help is asked for. */
  private readonly width: number

  constructor(config: Interfaces.Config, opts: Partial<Interfaces.HelpOptions> = {}) {
    const width = terminalWidth()
    // oclif's own width is OCLIF_COLUMNS or the terminal, read once when it is loaded (COLUMNS not at all).
    super(config, {...opts, maxWidth: width, hideCommandSummaryInDescription: true})
    this.width = width
  }

  /** Every line oclif writes fitted to the width: oclif leaves the summary, the root description and examples as they are, and its flag table runs a column or two past it. */
  protected log(...args: string[]): void {
    super.log(...args.map((a) => fitHelp(a, this.width)))
  }

  async showHelp(argv: string[]): Promise<void> {
    try {
      await super.showHelp(argv)
    } catch (error) {
      // oclif's Help ends with error(`Command ${subject} not found.`) when nothing matched.
      const m = /^Command (.+) not found\.$/.exec((error as Error).message)
      if (!m) throw error
      // `help predict x` (and `predict x --help`): oclif joined the words to 'predict:x', for a
      // command that takes no argument; the help asked for is predict's, the rest no command.
      const asked = commandOf(this.config, m[1]!)
      if (asked !== undefined) return super.showHelp([asked])
      process.stderr.write(notCommandLine(this.config, m[1]!))
      Errors.exit(EXIT.usage)
    }
  }
}

/** The id of the longest command that the words of `id` (joined with ':') begin with, shorter than `id`. */
function commandOf(config: Interfaces.Config, id: string): string | undefined {
  const words = id.split(':')
  for (let n = words.length - 1; n > 0; n--) {
    const c = config.findCommand(words.slice(0, n).join(':'))
    if (c !== undefined) return c.id
  }
  return undefined
}

/** `  $ allocscope …`: an example command line. */
const EXAMPLE = /^( *)\$ /

/**
 * Help text fitted to `width`: a longer line is wrapped at spaces under its own indent — a flag's
 * description under the description's column; an example command line with a ` \\` at each break,
 * so that it still pastes into a shell as one command (a word longer than the width stays whole
 * there). Coloured lines are left as they are (their escapes are no columns).
 */
export function fitHelp(text: string, width: number): string {
  const out: string[] = []
  // The words a wrapped line left over, and their indent: they go on at the start of the next line
  // when that line goes on with the same paragraph (oclif wrapped it a column or two too wide, and
  // a word left alone on a line of its own read as `1 the first,` / `2` / `the second`).
  let carry: {indent: string; words: string} | undefined
  for (const line of text.split('\n')) {
    let l = line
    if (carry !== undefined && continues(l, carry.indent)) l = `${carry.indent}${carry.words} ${l.slice(carry.indent.length)}`
    else if (carry !== undefined) out.push(...wrapLine(carry.indent + carry.words, width, carry.indent))
    carry = undefined
    if (l.length <= width || l.includes('\x1b')) out.push(l)
    else if (EXAMPLE.test(l)) out.push(...wrapExample(l, width))
    else {
      const indent = hangingIndent(l)
      const pieces = wrapLine(l, width, indent)
      out.push(...pieces.slice(0, -1))
      carry = {indent, words: pieces.at(-1)!.slice(indent.length)}
    }
  }
  if (carry !== undefined) out.push(...wrapLine(carry.indent + carry.words, width, carry.indent))
  return out.join('\n')
}

/**
 * A line that goes on with the paragraph above it at `indent`: text at exactly that column, neither
 * a flag or a list item (one dash: `-j, --jobs`, `- item`), an option list nor a default. A long
 * flag named in the text (`--fail-on does for a finding`) is text.
 */
function continues(l: string, indent: string): boolean {
  return l.startsWith(indent) && l.length > indent.length && l[indent.length] !== ' ' && !/^(?:-(?!-)|<options:|\[default:|\$ )/.test(l.slice(indent.length))
}

/** Where a wrapped line goes on: under a flag's description (`  -d, --x=<value>  Stop …`), else under its own first word. */
function hangingIndent(l: string): string {
  const flag = /^( +-[^ ].*?  +)\S/.exec(l)
  return ' '.repeat(flag ? flag[1]!.length : /^ */.exec(l)![0].length)
}

/** A shell word: unquoted characters and quoted strings (which may hold spaces), run together. */
const SHELL_WORD = /(?:[^\s'"]+|'[^']*'|"[^"]*")+/g

/** An example broken between shell words only, each piece but the last ending with ` \\`, the rest indented under the command. */
function wrapExample(l: string, width: number): string[] {
  const lead = EXAMPLE.exec(l)![1]!
  const indent = ' '.repeat(lead.length + 4)
  const [first, ...words] = l.slice(lead.length).match(SHELL_WORD) ?? []
  const out: string[] = []
  let line = lead + first
  for (const w of words) {
    if (line.length + 1 + w.length + 2 > width) {
      out.push(`${line} \\`)
      line = indent + w
    } else line += ` ${w}`
  }
  return [...out, line]
}
