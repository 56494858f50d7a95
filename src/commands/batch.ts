// `allocscope batch`: the map step over many inputs. Thin: flags → task list (inputs.ts) → worker
// pool (pool.ts) → NDJSON (output.ts); records are described in batch/schema.ts.
import {availableParallelism} from 'node:os'
import {Args, Flags} from '@oclif/core'
import {listTasks, parseShard, readList, shardOf} from '../batch/inputs.js'
import {fileOutput, type Output, recordedInputs, remainingTasks, stdoutOutput} from '../batch/output.js'
import {BatchPool} from '../batch/pool.js'
import {progress} from '../batch/progress.js'
import {BaseCommand} from '../cli/base.js'
import {UsageError} from '../errors.js'
import {SEVERITIES} from '../types.js'

export default class Batch extends BaseCommand<typeof Batch> {
  static summary = 'Analyse many inputs at once, one NDJSON record per input.'

  static description =
    'Analyse many inputs at once and write one NDJSON record per input (schema allocscope/batch-v1, see README): files, ' +
    'directories (walked; a capture directory is one input), glob patterns, .tar/.tar.gz/.tgz archives (each member an input, ' +
    'read as a stream) and --files-from lists. Each record has the input, its kind, host facts, profiling state, findings, ' +
    'allocinfo totals and, for a boot log, the model\'s prediction for that host; an input that cannot be read is a record ' +
    'with an error, never the end of the run. Records come in input order (--unordered: as they finish). Summarise with `allocscope fleet`.'

  static examples = [
    '<%= config.bin %> <%= command.id %> samples testdata/captures lab/captures > corpus.ndjson',
    "<%= config.bin %> <%= command.id %> 'logs/**/*.log' hosts.tar.gz --jobs 8 --out run.ndjson --resume",
    'find /srv/logs -name "dmesg*" | <%= config.bin %> <%= command.id %> --files-from - --shard 2/4 --unordered',
    '<%= config.bin %> <%= command.id %> samples | <%= config.bin %> fleet',
  ]

  static strict = false

  static args = {
    // ignoreStdin: oclif would otherwise read stdin into a missing argument; stdin is --files-from -.
    inputs: Args.string({description: 'files, directories, glob patterns (quoted), .tar/.tar.gz/.tgz archives', ignoreStdin: true}),
  }

  static flags = {
    'files-from': Flags.string({description: 'Read input paths from this file, one per line (- for stdin).'}),
    jobs: Flags.integer({char: 'j', description: 'Worker threads (default: the number of cores).', min: 1}),
    unordered: Flags.boolean({description: 'Write records as inputs finish instead of in input order.', default: false}),
    out: Flags.string({char: 'o', description: 'Write the NDJSON to this file instead of stdout.'}),
    resume: Flags.boolean({description: 'With --out: keep the records already in the file and skip their inputs.', default: false}),
    list: Flags.boolean({description: 'Only print the inputs, one path per line (after --shard and duplicate removal), as a --files-from list; analyse nothing.', default: false}),
    shard: Flags.string({description: 'Only the inputs of shard K of N (K/N, by a hash of each input path): N machines split one listing.'}),
  }

  async run(): Promise<void> {
    const {argv} = await this.parse(Batch)
    const f = this.flags
    if (f.resume && !f.out) throw new UsageError('--resume needs --out FILE (the records to resume from)')
    const args = [...(argv as string[]), ...(f['files-from'] ? readList(f['files-from']) : [])]
    if (args.length === 0) throw new UsageError('no inputs: give files, directories, patterns or --files-from FILE')
    const listed = listTasks(args)
    let tasks = listed.tasks
    if (listed.duplicates > 0) process.stderr.write(`allocscope: warning: ${listed.duplicates} duplicate input(s) skipped (the same file named twice)\n`)
    if (f.shard) {
      const [k, n] = parseShard(f.shard)
      tasks = tasks.filter((t) => shardOf(t.path, n) === k)
    }
    if (f.list) {
      for (const t of tasks) process.stdout.write(`${t.path}\n`)
      return
    }
    const out: Output = f.out ? fileOutput(f.out, f.resume) : stdoutOutput()
    if (f.out && f.resume) tasks = remainingTasks(tasks, recordedInputs(f.out))
    const bar = progress(tasks.length)
    const pool = new BatchPool(tasks, {jobs: f.jobs ?? availableParallelism(), ordered: !f.unordered, write: (l) => out.write(l), onTaskDone: (d) => bar.update(d)})
    const stop = (signal: NodeJS.Signals) => void pool.stop().then(() => this.interrupted(out, signal))
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    const r = await pool.run()
    if (r.stopped) return
    bar.end()
    out.close()
    if (f.out || process.stderr.isTTY) process.stderr.write(`allocscope: ${tasks.length} input(s), ${r.records} record(s), ${r.errors} error(s)\n`)
    this.gate(r.maxSeverity >= 0 ? [SEVERITIES[r.maxSeverity]!] : [])
  }

  /** After SIGINT/SIGTERM: the output holds whole lines only; exit as a signalled process would. */
  private interrupted(out: Output, signal: NodeJS.Signals): void {
    out.close()
    process.stderr.write(`\nallocscope: batch stopped by ${signal}; the output holds complete records only${this.flags.out ? ' (--resume goes on)' : ''}\n`)
    process.exit(signal === 'SIGINT' ? 130 : 143)
  }
}
