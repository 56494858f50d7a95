// `allocscope predict`: what the kernel's early-PFN recorders will record, drop, allocate and leak
// on a host, re-executed event by event. Thin: flags → src/model/run.ts (host, sweep or fleet →
// model → Report) → emit() → gate().
import {Flags} from '@oclif/core'
import {BaseCommand, baseFlagsFor} from '../cli/base.js'
import {bootFlag, pathFlag, recorderFlag} from '../cli/flags.js'
import {INVENTORY_COLUMNS} from '../model/inventory.js'
import {runPredict} from '../model/run.js'

export default class Predict extends BaseCommand<typeof Predict> {
  static summary = 'Predict the early-PFN recorders for a host, sweep or fleet.'

  static baseFlags = baseFlagsFor('predict')

  static description =
    'Predict what the early-PFN recorders will do on a host: how many page allocations happen before page_ext is ready ' +
    '(from a workload profile fitted on instrumented boots), then both recorders executed event by event with a seeded ' +
    'scheduler: the legacy 8192-slot array (recorded, dropped, when the overflow warning fires) and the pfn_pool list ' +
    '(recorded, pool pages, cmpxchg race frees, tracking bytes, leaked accounting), and which dropped pages would trip ' +
    '"alloc_tag was not set" if freed. Ask for one host (--cpus, --memory, ... or --from a boot log), a CPU sweep ' +
    '(--sweep, with the CPU count at which the legacy array overflows, --plot/--svg for the curve), or a fleet ' +
    `(--hosts inventory.csv with columns ${Object.keys(INVENTORY_COLUMNS).join(', ')}; other columns are passed through). ` +
    "Exits 1 with --fail-on warning when the kernel's own recorder would drop PFNs on a DEBUG host, or when a count measured by --from lies OUTSIDE its 90 % interval (a notice when the drops are on a non-DEBUG host, where nothing warns, or only a what-if recorder's; with --hosts the same per row, shown in the severity column)."

  static examples = [
    '<%= config.bin %> <%= command.id %> --cpus 64',
    '<%= config.bin %> <%= command.id %> --cpus 8192 --memory 2T --no-debug',
    '<%= config.bin %> <%= command.id %> --from samples/linux-7.2-pool-c64-m1024',
    '<%= config.bin %> <%= command.id %> --sweep 1..8192 --no-debug --plot',
    '<%= config.bin %> <%= command.id %> --sweep 1..1024 --no-debug --svg curve.svg --format text',
    '<%= config.bin %> <%= command.id %> --hosts samples/inventory.csv --format csv',
    '<%= config.bin %> <%= command.id %> --cpus 255 --no-debug --tracker legacy --json',
  ]

  static flags = {
    cpus: Flags.integer({description: 'CPUs: possible and online (unless --possible / --online say otherwise).', min: 1}),
    possible: Flags.integer({description: 'Possible CPUs (nr_cpu_ids).', min: 1}),
    online: Flags.integer({description: 'CPUs brought up at boot (maxcpus=).', min: 1}),
    memory: Flags.string({description: 'Memory, e.g. 64G, 512M.', default: '1G'}),
    nodes: Flags.integer({description: 'NUMA nodes.', default: 1, min: 1}),
    'page-size': Flags.option({options: ['4K', '16K', '64K'] as const, description: 'Page size.', default: '4K' as const})(),
    'word-bits': Flags.option({options: ['64', '32'] as const, description: 'Word size in bits.', default: '64' as const})(),
    debug: Flags.boolean({description: 'MEM_ALLOC_PROFILING_DEBUG (sets early_page_ext: page_ext before SMP).', default: true, allowNo: true}),
    'early-page-ext': Flags.boolean({description: 'early_page_ext on the command line.', default: false}),
    'deferred-init': Flags.boolean({description: 'DEFERRED_STRUCT_PAGE_INIT.', default: true, allowNo: true}),
    compressed: Flags.boolean({description: 'mem_profiling compressed mode (no page_ext, no recorder).', default: false}),
    'gb-pages': Flags.boolean({
      description:
        'x86 direct map in 1 GiB pages (the CPU has pdpe1gb and the command line has no nogbpages). --no-gb-pages: 2 MiB pages, ' +
        'more early page-table pages (QEMU -cpu qemu64); counted when the profile has the noGbPages term.',
      default: true,
      allowNo: true,
    }),
    kasan: Flags.boolean({description: 'KASAN (before SMP counted by KASAN terms of the 7.2 profile; after SMP by the 7.2 KASAN profile, picked for a KASAN host; both fitted on KASAN + kmemleak lab boots; predict notes which).', default: false}),
    kmemleak: Flags.boolean({description: 'kmemleak (no term, as --kasan; noted).', default: false}),
    kernel: Flags.string({description: 'Kernel release to pick the shipped profile (e.g. 7.2).'}),
    profile: pathFlag.profile({description: 'Profile name (profiles/*.json) or a profile file from calibrate.'}),
    tracker: Flags.option({options: ['legacy', 'pool', 'both'] as const, description: 'Which recorder(s) to run.', default: 'both' as const})(),
    recorder: recorderFlag({
      description:
        'The early-PFN recorder the kernel carries (default: read from --from: the recorder\'s messages, klab lines, the release). ' +
        'none: nothing is recorded, every early page stays untagged (and would warn if freed on a DEBUG kernel).',
    }),
    // mulberry32's state is 32 bits (model/prng.ts): a larger seed would alias a smaller one.
    seed: Flags.integer({description: 'Scheduler seed, 0 to 4294967295 (interleaving of CPUs; only race counts depend on it).', default: 1, min: 0, max: 2 ** 32 - 1}),
    'legacy-max': Flags.integer({description: 'EARLY_ALLOC_PFN_MAX (default: with --from, the size the kernel printed in its overflow warning, else 8192).', min: 1}),
    from: pathFlag.either({description: 'Take the host from a boot log or capture directory.'}),
    boot: bootFlag(),
    sweep: Flags.string({description: 'Sweep CPUs over a range LO..HI (possible = online).'}),
    points: Flags.integer({description: 'Points of the sweep (every integer when the range is smaller).', default: 64, min: 2, max: 512}),
    hosts: pathFlag.file({
      description: `Fleet inventory CSV, one host per row, header line first, # comments allowed. Columns: ${Object.entries(INVENTORY_COLUMNS)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ')}. Any other column is passed through to the output.`,
    }),
    plot: Flags.boolean({description: 'Draw the sweep curve with the legacy limit line in the terminal.', default: false}),
    svg: pathFlag.file({description: 'Write the sweep curve as an SVG file.'}),
  }

  async run(): Promise<void> {
    this.noteStdin(this.flags.hosts, 'the inventory')
    this.noteStdin(this.flags.from, 'the boot log')
    const run = await runPredict({...this.flags, given: this.given}, {format: this.flags.format, width: this.width()})
    // --hosts is streamed (a fleet of 10^6 rows is never held); a host or a sweep is one result.
    if ('stream' in run) await this.finishStream(run)
    else this.finish(run)
  }
}
