// Bundled samples (the package ships samples/ and the trend lab's series, testdata/trend/): help
// examples name them as `samples/<dir>`, `testdata/trend/<series>` or `--sample <name>`, and all
// but the recipes (examples.ts) must work from any directory after a global install. Such an
// argument that does not exist where the user is, but exists in the package, is the package's; an
// existing path always wins.
import {existsSync, readdirSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {UsageError} from '../errors.js'

export function sampleNames(root: string): string[] {
  try {
    return readdirSync(join(root, 'samples'), {withFileTypes: true})
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()
  } catch {
    return []
  }
}

/** `pool-c64`, `linux-7.2-pool-c64-m1024` or `pool-c64/allocinfo.txt` → the bundled path. */
export function samplePath(root: string, name: string): string {
  const [dir, ...rest] = name.split('/')
  const names = sampleNames(root)
  const exact = names.find((n) => n === dir)
  const partial = names.filter((n) => n.includes(dir))
  const hit = exact ?? (partial.length === 1 ? partial[0] : undefined)
  if (!hit || !existsSync(join(root, 'samples', hit, ...rest))) {
    const why = partial.length > 1 ? `'${dir}' matches ${partial.join(', ')}` : `no bundled sample '${name}'`
    throw new UsageError(`--sample ${name}: ${why}; expected one of ${names.join(', ')}`)
  }
  return join(root, 'samples', hit, ...rest)
}

/** Folders of the package that arguments may name relative to it (package.json `files` ships them). */
const BUNDLED = /^(samples|testdata\/trend)(\/|$)/

function bundled(token: string, root: string): string {
  const folder = BUNDLED.exec(token)?.[1]
  if (folder === undefined || existsSync(token)) return token
  const inPackage = join(root, token)
  if (existsSync(inPackage)) return inPackage
  // A pattern over a bundled folder (`batch 'samples/*/'`, its capture directories only): the
  // package's when the folder is not where the user is; batch expands it.
  return /[*?[{]/.test(token) && !existsSync(folder) && existsSync(join(root, folder)) ? inPackage : token
}

/**
 * What `--sample NAME` stands for in each command (the one place that says so: the help of
 * --sample, base.ts's baseFlagsFor, and resolveSampleArgs read it). A command not listed takes the
 * sample's path as an input, any number of them (batch, calibrate). `most`: how many inputs (or
 * `flag`s) the command reads, so one more --sample is refused saying so, not as the parse error
 * about a path the user never typed that it would meet. `refused`: the command has no use for a
 * capture, so --sample is not offered and, given anyway, this says why (exit 2).
 */
export type SampleUse =
  | {kind: 'input'; most?: number}
  | {kind: 'flag'; flag: '--from' | '--source'; help: string; file?: string; most: 1}
  | {kind: 'refused'; why: string}

const SAMPLE_USE: Record<string, SampleUse> = {
  analyse: {kind: 'input', most: 1},
  allocinfo: {kind: 'input', most: 1},
  // diff: one capture to check, or two to compare (a, then b).
  diff: {kind: 'input', most: 2},
  predict: {kind: 'flag', flag: '--from', most: 1, help: 'stands for --from <its path>, the host to predict'},
  // record samples one allocinfo file: a capture directory's own dump.
  record: {kind: 'flag', flag: '--source', file: 'allocinfo.txt', most: 1, help: 'its allocinfo.txt is the --source to sample (a fixed file: every sample is the same)'},
  trend: {
    kind: 'refused',
    why: 'trend needs a series of snapshots and a bundled sample is one (its allocinfo.txt); try the bundled recording testdata/trend/leak/recording.arec.gz, or record a series: allocscope record --sample NAME --interval 1s --count 10 --out FILE',
  },
  fleet: {kind: 'refused', why: 'fleet reads the NDJSON records of allocscope batch, not a capture: allocscope batch --sample NAME | allocscope fleet'},
  capture: {kind: 'refused', why: 'capture boots a kernel; it reads no sample'},
}

export function sampleUse(id: string): SampleUse {
  return SAMPLE_USE[id] ?? {kind: 'input'}
}

/** The help of --sample for a command; undefined when it does not take one. */
export function sampleHelp(id: string): string | undefined {
  const use = sampleUse(id)
  const what = use.kind === 'input' ? `stands for its path as ${INPUT_HELP[use.most ?? 0] ?? 'an input (repeatable)'}` : use.kind === 'flag' ? use.help : undefined
  return what && `A bundled sample by name (e.g. pool-c64, see samples/): ${what}.`
}

const INPUT_HELP: Record<number, string> = {1: 'the input', 2: 'an input (a, then b, in the order given)'}
const COUNT = ['no', 'one', 'two']

/** More --sample than the command reads: said in its words (analyse reads one input). */
function refuseMore(paths: string[], use: SampleUse, id: string): void {
  if (use.kind === 'refused' || use.most === undefined || paths.length <= use.most) return
  const what = use.kind === 'flag' ? use.flag : use.most === 1 ? 'input' : 'inputs'
  throw new UsageError(`--sample: given ${paths.length === 2 ? 'twice' : `${paths.length} times`}; ${id} reads ${COUNT[use.most]} ${what}`)
}

/**
 * The --sample paths as the command takes them: inputs where each --sample stood among the other
 * words (`diff a.txt --sample pool-c64`: a is a.txt, b the sample, in the order given; a command of
 * one input takes the sample first), or its flag before them. `at`: for each path, how many other words came before its --sample.
 */
function placeSamples(paths: string[], rest: string[], id: string, at: number[] = []): string[] {
  const use = sampleUse(id)
  if (use.kind === 'refused') throw new UsageError(`--sample: ${use.why}`)
  refuseMore(paths, use, id)
  // One input (analyse, allocinfo): the sample first, so a path besides it is the one too many the parse error names (errors.ts).
  if (use.kind === 'input' && use.most === 1) return [...paths, ...rest]
  if (use.kind === 'input') {
    const out = [...rest]
    // From the last: the earlier places stay where they were.
    for (let k = paths.length - 1; k >= 0; k--) out.splice(at[k] ?? 0, 0, paths[k]!)
    return out
  }
  if (rest.some((t) => t === use.flag || t.startsWith(`${use.flag}=`))) throw new UsageError(`--sample and ${use.flag} both name the input of ${id}: give one`)
  const files = paths.map((p) => {
    if (use.file === undefined || !statSync(p).isDirectory()) return p
    if (!existsSync(join(p, use.file))) throw new UsageError(`--sample: ${p} has no ${use.file} for ${id} to read`)
    return join(p, use.file)
  })
  return [...files.flatMap((p) => [use.flag, p]), ...rest]
}

/** Whether a command-line word is --sample (or --sample=NAME): what resolveSampleArgs takes out. */
export const isSampleFlag = (t: string): boolean => t === '--sample' || t.startsWith('--sample=')

/**
 * argv with `--sample NAME` replaced by the sample's path as the command takes it (SAMPLE_USE) and
 * `samples/...` resolved as above.
 */
export function resolveSampleArgs(argv: string[], root: string, id: string): string[] {
  const inputs: string[] = []
  const at: number[] = []
  const rest: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i]
    if (t === '--') {
      rest.push(...argv.slice(i))
      break
    }
    if (isSampleFlag(t)) {
      const name = t === '--sample' ? argv[++i] : t.slice('--sample='.length)
      if (name === undefined) throw new UsageError('--sample: expected the name of a bundled sample, e.g. --sample pool-c64')
      // Refused before the name is looked up: the reason is the point, not the name.
      if (sampleUse(id).kind === 'refused') placeSamples([], [], id)
      inputs.push(samplePath(root, name))
      at.push(rest.length)
      continue
    }
    const eq = /^(--[\w-]+=)(.*)$/.exec(t)
    rest.push(eq ? eq[1] + bundled(eq[2], root) : bundled(t, root))
  }
  return inputs.length === 0 ? rest : placeSamples(inputs, rest, id, at)
}
