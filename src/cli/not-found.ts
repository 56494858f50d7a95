// oclif's command_not_found hook: one line with the nearest command, exit 2 (bad usage), instead of
// @oclif/plugin-not-found's interactive prompt and exit 127 (a shell's "command not found").
import type {Hook} from '@oclif/core'
import {EXIT} from '../errors.js'
import {sanitizeLine} from '../render/sanitize.js'
import {closest} from './suggest.js'

const hook: Hook<'command_not_found'> = async function (opts) {
  const ids = [...opts.config.commandIDs, ...opts.config.commands.flatMap((c) => [...c.aliases, ...(c.hiddenAliases ?? [])])]
  // With a space as topic separator oclif joins the words ("anlyse x" → "anlyse:x"): the first is the command.
  const word = opts.id.split(':')[0]
  const guess = closest(word, ids)
  const bin = opts.config.bin
  process.stderr.write(`${bin}: '${sanitizeLine(word)}' is not a command${guess ? `; did you mean '${guess}'?` : ''} (see ${bin} help)\n`)
  process.exitCode = EXIT.usage
  this.exit(EXIT.usage)
}

export default hook
