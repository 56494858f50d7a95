// oclif's command_not_found hook: one line with the nearest command, exit 2 (bad usage), instead of
// @oclif/plugin-not-found's interactive prompt and exit 127 (a shell's "command not found").
// `help <unknown>` says the same line (help.ts).
import type {Hook, Interfaces} from '@oclif/core'
import {EXIT} from '../errors.js'
import {sanitizeLine} from '../render/sanitize.js'
import {closest} from './suggest.js'

/** `allocscope: 'anlyse' is not a command; did you mean 'analyse'? (see allocscope help)`, with its newline. */
export function notCommandLine(config: Interfaces.Config, id: string): string {
  const ids = [...config.commandIDs, ...config.commands.flatMap((c) => [...c.aliases, ...(c.hiddenAliases ?? [])])]
  // With a space as topic separator oclif joins the words ("anlyse x" → "anlyse:x"): the first is the command.
  const [word, extra] = id.split(':')
  const bin = config.bin
  // A command that takes no argument, given one ("predict x"): oclif took the word for a subcommand.
  // Said as oclif's parser says it when a flag comes first ("predict --cpus 4 x").
  if (extra !== undefined && config.findCommand(word!) !== undefined) return `${bin}: Unexpected argument: ${sanitizeLine(extra)} (see ${bin} ${word} --help)\n`
  const guess = closest(word!, ids)
  return `${bin}: '${sanitizeLine(word!)}' is not a command${guess ? `; did you mean '${guess}'?` : ''} (see ${bin} help)\n`
}

const hook: Hook<'command_not_found'> = async function (opts) {
  process.stderr.write(notCommandLine(opts.config, opts.id))
  process.exitCode = EXIT.usage
  this.exit(EXIT.usage)
}

export default hook
