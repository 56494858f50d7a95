// The help class (package.json oclif.helpClass): the command summary is printed once, at the top,
// not again as the first line of DESCRIPTION — for `allocscope help analyse` (plugin-help, which
// does not read oclif.helpOptions) as for `allocscope analyse --help`.
import {Help, type Interfaces} from '@oclif/core'

export default class AllocscopeHelp extends Help {
  constructor(config: Interfaces.Config, opts: Partial<Interfaces.HelpOptions> = {}) {
    super(config, {...opts, hideCommandSummaryInDescription: true})
  }
}
