// The help class (package.json oclif.helpClass): the command summary is printed once, at the top,
// not again as the first line of DESCRIPTION — for `allocscope help analyse` (plugin-help, which
// does not read oclif.helpOptions) as for `allocscope analyse --help`. Help for a command that does
// not exist is the one line an unknown command gets (not-found.ts), exit 2, not oclif's
// ` ›   Error: Command nosuch not found.`
import {Errors, Help, type Interfaces} from '@oclif/core'
import {EXIT} from '../errors.js'
import {notCommandLine} from './not-found.js'

export default class AllocscopeHelp extends Help {
  constructor(config: Interfaces.Config, opts: Partial<Interfaces.HelpOptions> = {}) {
    super(config, {...opts, hideCommandSummaryInDescription: true})
  }

  async showHelp(argv: string[]): Promise<void> {
    try {
      await super.showHelp(argv)
    } catch (error) {
      // oclif's Help ends with error(`Command ${subject} not found.`) when nothing matched.
      const m = /^Command (.+) not found\.$/.exec((error as Error).message)
      if (!m) throw error
      process.stderr.write(notCommandLine(this.config, m[1]!))
      Errors.exit(EXIT.usage)
    }
  }
}
