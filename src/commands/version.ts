// `allocscope version`: the version line, as `--version` prints it; `--json` is the allocscope
// envelope like every other command's (it was @oclif/plugin-version's own document, which this
// command replaces: package.json no longer loads that plugin); `--verbose` adds where it runs.
import {Command, Flags} from '@oclif/core'
import {toJson} from '../render/json.js'
import {exitOnBooleanValue, exitOnUsageError} from '../cli/errors.js'

export default class Version extends Command {
  static summary = 'Print the version: allocscope/<version> <platform>-<arch> node-<version>.'

  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json', '<%= config.bin %> <%= command.id %> --verbose']

  static flags = {
    json: Flags.boolean({description: 'Print one JSON document {schema, command, result, warnings} on stdout.', default: false}),
    verbose: Flags.boolean({description: 'Also the operating system, the shell, the package root and the plugins.', default: false}),
  }

  async run(): Promise<void> {
    exitOnBooleanValue(this, this.ctor, this.argv)
    const {flags} = await this.parse(Version)
    const d = this.config.versionDetails
    const result = {
      version: this.config.version,
      cliVersion: d.cliVersion,
      architecture: d.architecture,
      nodeVersion: d.nodeVersion,
      ...(flags.verbose ? {osVersion: d.osVersion, shell: d.shell ?? 'unknown', rootPath: d.rootPath, plugins: [...this.config.plugins.values()].map((p) => `${p.name} ${p.version}`)} : {}),
    }
    if (flags.json) process.stdout.write(toJson(this.id ?? 'version', result))
    else if (!flags.verbose) process.stdout.write(`${this.config.userAgent}\n`)
    else process.stdout.write(Object.entries(result).map(([k, v]) => `${k.padEnd(12)} ${Array.isArray(v) ? v.join(', ') : v}`).join('\n') + '\n')
  }

  // oclif's parse errors (an unknown flag): one line and exit 2, as in every other command.
  protected async catch(err: Error & {oclif?: {exit?: number}}): Promise<unknown> {
    exitOnUsageError(this, this.ctor, err)
    throw err
  }
}
