// The `diff` command's work, without oclif: flags → DiffRequest → the engine (src/diff/engine.ts).
// src/commands/diff.ts (oclif) and the fast path (src/cli/fast.ts) both call it. The engine loads
// the boot-log reader and the model only for the diffs that need them.
import {siteScope} from '../allocinfo/scope.js'
import type {CommandRun} from '../cli/output.js'
import {UsageError} from '../errors.js'
import {parseSize} from '../render/units.js'
import type {BootLogFormat, Recorder} from '../types.js'
import type {AllocDiffOptions, AllocKeyBy, AllocMetric, AllocSort} from './allocinfo.js'
import {type DiffWhat, runDiff} from './engine.js'

export interface DiffFlags {
  rules: boolean
  what: string
  metric: string
  sort: string
  'min-delta'?: string
  top: number
  key: string
  all: boolean
  predicted: boolean
  'legacy-max'?: number
  profile?: string
  allocinfo?: string
  'input-format'?: string
  recorder?: string
  boot?: number
  module?: string
  file?: string
  function?: string
  'from-snap'?: number
  'to-snap'?: number
}

export async function runDiffCommand(args: {a?: string; b?: string}, f: DiffFlags): Promise<CommandRun> {
  if (f.rules) {
    const {ruleList, ruleListBlocks} = await import('./report-rules.js')
    return {result: ruleList(), report: {blocks: ruleListBlocks()}, severities: [], warnings: []}
  }
  if (args.a === undefined) throw new UsageError('diff: expected a capture, boot log, allocinfo dump or prediction to check (or two to compare), or --rules')
  const run = await runDiff({
    a: args.a,
    b: args.b,
    predicted: f.predicted,
    what: f.what as DiffWhat,
    alloc: allocOptions(f),
    all: f.all,
    model: {profile: f.profile, legacyMax: f['legacy-max']},
    allocinfo: f.allocinfo,
    snaps: {from: f['from-snap'], to: f['to-snap']},
    read: {format: f['input-format'] as BootLogFormat | undefined, recorder: f.recorder as Recorder | undefined, ...(f.boot !== undefined ? {boot: f.boot} : {})},
  })
  return {result: run.result, report: {blocks: run.blocks}, severities: run.severities, warnings: run.warnings}
}

/** The allocinfo diff flags, checked: --min-delta in the metric's unit, the regular expressions. */
function allocOptions(f: {metric: string; sort: string; top: number; key: string; 'min-delta'?: string; module?: string; file?: string; function?: string}): AllocDiffOptions {
  const metric = f.metric as AllocMetric
  let minDelta: bigint | undefined
  if (f['min-delta'] !== undefined) {
    const n = metric === 'bytes' ? parseSize(f['min-delta']) : /^\d+$/.test(f['min-delta']) ? Number(f['min-delta']) : undefined
    if (n === undefined) throw new UsageError(`--min-delta: '${f['min-delta']}' is not ${metric === 'bytes' ? 'a size; expected e.g. 4K, 1M or a byte count' : 'a count; expected a whole number of calls'}`)
    minDelta = BigInt(n)
  }
  const filter = {...(f.module !== undefined ? {module: f.module} : {}), ...(f.file !== undefined ? {file: f.file} : {}), ...(f.function !== undefined ? {func: f.function} : {})}
  // Compiled once for the run, now (a bad one: one message, shared with allocinfo and trend); the engine applies this.
  const scope = siteScope(filter)
  return {metric, sort: f.sort as AllocSort, minDelta, top: f.top > 0 ? f.top : undefined, filter, scope, keyBy: f.key as AllocKeyBy}
}

