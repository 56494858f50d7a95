// `allocscope help [COMMAND]`: @oclif/plugin-help's command, owned here (package.json no longer
// loads the plugin) so that its parse errors are allocscope's one line and exit 2 like every other
// command's. `help --json` is refused, not ignored: help has no JSON form, and a script that asked
// for JSON would otherwise get the help text on stdout and exit 0, which its JSON parser chokes on
// far from the cause (oclif printed ` ›   Error: Nonexistent flag: --json` and the whole root help).
import {commands} from '@oclif/plugin-help'
import {exitOnBooleanValue, exitOnUsageError} from '../cli/errors.js'
import {sanitizeLine} from '../render/sanitize.js'

export default class Help extends commands.help {
  async run(): Promise<void> {
    // help --help prints the root help, which says nothing of help's flag.
    exitOnBooleanValue(this, this.ctor, this.argv, `(see ${this.config.bin} help)`)
    return super.run()
  }

  protected async catch(err: Error & {oclif?: {exit?: number}}): Promise<unknown> {
    // Not `help --help`, the usual pointer: that prints the root help, which says nothing of help's
    // flags. The help of the command asked about, if one was, is what the user was after.
    const asked = this.argv.find((a) => !a.startsWith('-') && this.config.findCommand(a))
    const see = `(help takes one flag, --nested-commands; see ${this.config.bin} help${asked ? ` ${sanitizeLine(asked)}` : ''})`
    exitOnUsageError(this, this.ctor, err, false, see)
    throw err
  }
}
