// The fuzz engine shared by the CI slice (test/fuzz/*.test.ts, fixed seed, few runs) and
// `npm run fuzz` (test/fuzz/run.ts, ≥ 100 000 cases per reader, printed seed). A target is one
// reader plus the properties it must keep; the cases are arbitrary bytes, kernel-looking text,
// and DERIVED mutations of the real captures (test/helpers/mutate.ts).
import {mkdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import fc from 'fast-check'
import {interleave, MUTATOR_NAMES, mutateChain, type Mutated} from './mutate.js'
import {REPO} from './paths.js'

export interface CorpusFile {
  name: string
  bytes: Buffer
}

export interface FuzzCase {
  kind: 'bytes' | 'kernelish' | 'mutation' | 'layout'
  bytes: Buffer
  /** For targets with their own inputs (a directory layout, a CSV table): what was generated. */
  layout?: unknown
  /** For mutations: what was done, and the real file it was done to. */
  mutated?: Mutated
  original?: CorpusFile
}

export interface FuzzTarget {
  name: string
  /** The real inputs mutations start from (loaded once). */
  corpus: () => CorpusFile[]
  /** Runs the reader on one case; throws (with a clear message) when a property is broken. */
  check: (c: FuzzCase) => void | Promise<void>
  /** Largest arbitrary input in bytes (default 4096). */
  maxBytes?: number
  /** Mutations this target is fuzzed with (default: all). */
  mutators?: string[]
  /** Kernel-looking fragments this target's text arbitrary draws from (default: KERNEL_FRAGMENTS). */
  fragments?: readonly string[]
  /** Known bugs (reported, in others' files) the target counted instead of failing on: bug → cases. */
  known?: () => Map<string, number>
  /** Replaces the default case mix (targets whose input is not one byte string). */
  arbitrary?: () => fc.Arbitrary<FuzzCase>
}

/** Pieces of real kernel output and of every supported format, for text that nearly parses. */
export const KERNEL_FRAGMENTS: readonly string[] = [
  '[    0.000000] ', '[    1.234567] ', '[ 8.508168][    T1] ', '[    9.582133] [  C0] ', '<4>[    1.5] ', '<12>', 'kern  :warn  : [    2.0] ',
  '6,1234,5678901,-;', '4,2,100,c;', ' SUBSYSTEM=memory', ' DEVICE=+memory:memory0', 'Nov 26 00:52:36 vm kernel: ',
  '2026-11-26T00:52:36.123456+00:00 vm kernel: ', '-- Boot 0123456789abcdef --', '-- No entries --',
  '{"dmesg":[', '{"pri":4,"time":1.25,"msg":"', '{"fac":"kern","pri":"warn","time":   1.000000,"msg":"', '"},', ']}',
  '{"MESSAGE":[104,105],"_TRANSPORT":"kernel","PRIORITY":"4","_SOURCE_MONOTONIC_TIMESTAMP":"1234"}',
  '\\x0a', '\\x', '===KLAB-DMESG-BEGIN===', '~ # ', '\x1b[0m', '** 5 printk messages dropped **',
  '------------[ cut here ]------------', 'alloc_tag was not set', 'alloc_tag was not cleared (got tag for lib/x.c:12)',
  'current->alloc_tag not set', 'WARNING: CPU: 3 PID: 1 at include/linux/alloc_tag.h:190 __free_pages+0x1/0x2',
  'WARNING: include/linux/alloc_tag.h:190 at __free_pages+0x1/0x2, CPU#0: swapper/0/1', 'Modules linked in:',
  'CPU: 0 UID: 0 PID: 1 Comm: swapper/0 Not tainted 7.2.13 #1', 'Hardware name: QEMU Standard PC (Q35 + ICH9, 2009)',
  'Call Trace:', ' <TASK>', ' </TASK>', ' <IRQ>', ' ? free_unref_page+0x10/0x20', ' __free_pages+0x1/0x2 mm/page_alloc.c:1',
  '---[ end trace 0000000000000000 ]---', 'RIP: 0010:alloc_tag_sub+0x1/0x2',
  'Early page allocations before page_ext init exceeded EARLY_ALLOC_PFN_MAX (8192)', 'early PFN tracking page allocation failed',
  'Memory allocation profiling is enabled without compression and is turned on!', 'Memory allocation profiling is disabled!',
  'allocated 2097152 bytes of page_ext', 'smp: Brought up 1 node, 64 CPUs', 'setup_percpu: NR_CPUS:512 nr_cpumask_bits:64 nr_cpu_ids:64 nr_node_ids:1',
  'Linux version 7.2.13 (root@vm)', 'Command line: console=ttyS0 sysctl.vm.mem_profiling=1', 'Memory: 982156K/1048052K available',
  'klab: early_pfn recorded=142 pools=1 race_frees=0 alloc_fail=0 untagged_calls=143 untagged_pages=497 nocodetag_calls=1 cpus=1 possible=64',
  'lib/x.c:1 module m func:f has 4096 allocated at module unload',
  'allocinfo - version: 2.0', '#     <size>  <calls> <tag info>', '        4096        1 mm/a.c:1 func:f ', '       -4096 18446744073709551615 mm/b.c:2 [mod] func:g accurate:no k:v ',
  'hostname,cpus,memory,nodes', 'h1,8192,64G,2', '"quoted,cell"', 'CPU#', 'PID: ', ':', ' ', '\t', '\r', '\n', '\r\n', '\0', '9'.repeat(30), '-', '+0x', '/0x',
]

/** Text made of kernel-looking fragments and noise: reaches deep parser states that random bytes don't. */
export function kernelishArbitrary(fragments: readonly string[] = KERNEL_FRAGMENTS): fc.Arbitrary<Buffer> {
  const piece = fc.oneof(
    {weight: 6, arbitrary: fc.constantFrom(...fragments)},
    {weight: 2, arbitrary: fc.string({maxLength: 20})},
    {weight: 1, arbitrary: fc.string({unit: 'binary', maxLength: 10})},
  )
  const line = fc.array(piece, {maxLength: 6}).map((ps) => ps.join(''))
  return fc.array(line, {maxLength: 40}).map((ls) => Buffer.from(ls.join('\n') + (ls.length % 2 ? '\n' : '')))
}

/** The mix every target is fuzzed with: 15 % raw bytes, 25 % kernel-looking text, 60 % mutations of real files. */
export function caseArbitrary(target: FuzzTarget): fc.Arbitrary<FuzzCase> {
  const corpus = target.corpus()
  const names = [...(target.mutators ?? MUTATOR_NAMES), 'interleave']
  const bytes = fc.uint8Array({maxLength: target.maxBytes ?? 4096}).map((u): FuzzCase => ({kind: 'bytes', bytes: Buffer.from(u)}))
  const kernelish = kernelishArbitrary(target.fragments).map((b): FuzzCase => ({kind: 'kernelish', bytes: b}))
  const mutation = fc
    .record({
      file: fc.nat({max: corpus.length - 1}),
      other: fc.nat({max: corpus.length - 1}),
      ops: fc.array(fc.constantFrom(...names), {minLength: 1, maxLength: 3}),
      seed: fc.integer(),
    })
    .map(({file, other, ops, seed}): FuzzCase => {
      const original = corpus[file]
      // interleave: the lines of another real file of the same kind, mixed in (two consoles, one file).
      const mutated = mutateChain(original.bytes, ops, seed, {interleave: interleave(corpus[other].bytes)})
      return {kind: 'mutation', bytes: mutated.bytes, mutated, original}
    })
  return fc.oneof({weight: 15, arbitrary: bytes}, {weight: 25, arbitrary: kernelish}, {weight: 60, arbitrary: mutation})
}

export interface FuzzOptions {
  seed: number
  runs: number
  /** A single case slower than this is reported as a (near-)hang. */
  caseBudgetMs?: number
  /** Called every `every` cases (progress for the watchdog of `npm run fuzz`). */
  onProgress?: (done: number) => void
  every?: number
}

export interface FuzzResult {
  target: string
  seed: number
  runs: number
  ms: number
  slowestMs: number
  slowest?: string
  byKind: Record<string, number>
  known: Record<string, number>
}

export function describeCase(c: FuzzCase): string {
  if (c.kind === 'layout') return `layout ${JSON.stringify(c.layout, (_k, v) => (typeof v === 'string' && v.length > 80 ? v.slice(0, 80) + '…' : v))}`
  if (c.kind === 'mutation') return `mutation ${c.mutated!.name} of ${c.original!.name} (${c.bytes.length} bytes)`
  return `${c.kind} (${c.bytes.length} bytes): ${JSON.stringify(c.bytes.toString('latin1').slice(0, 120))}`
}

/** Runs one target; on failure saves the input under .fuzz/ and throws with seed, path and case. */
export async function runFuzz(target: FuzzTarget, opts: FuzzOptions): Promise<FuzzResult> {
  const budget = opts.caseBudgetMs ?? 5000
  const byKind: Record<string, number> = {}
  let done = 0
  let slowestMs = 0
  let slowest: string | undefined
  let lastCase: FuzzCase | undefined
  const t0 = performance.now()
  const prop = fc.asyncProperty(target.arbitrary ? target.arbitrary() : caseArbitrary(target), async (c) => {
    lastCase = c
    const s = performance.now()
    await target.check(c)
    const ms = performance.now() - s
    if (ms > slowestMs) {
      slowestMs = ms
      slowest = describeCase(c)
    }
    if (ms > budget) throw new Error(`case took ${ms.toFixed(0)} ms (> ${budget} ms budget): a near-hang on ${describeCase(c)}`)
    byKind[c.kind] = (byKind[c.kind] ?? 0) + 1
    done++
    if (opts.onProgress && done % (opts.every ?? 1000) === 0) opts.onProgress(done)
  })
  const details = await fc.check(prop, {seed: opts.seed, numRuns: opts.runs, endOnFailure: true})
  if (details.failed) {
    const ce = details.counterexample?.[0] as FuzzCase | undefined
    const c = ce ?? lastCase
    let saved = ''
    if (c) {
      const dir = join(REPO, '.fuzz')
      mkdirSync(dir, {recursive: true})
      saved = join(dir, `${target.name}-seed${opts.seed}-${details.counterexamplePath ?? 'x'}.bin`)
      writeFileSync(saved, c.bytes)
    }
    const err = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)
    throw new Error(
      `fuzz ${target.name}: property failed (seed ${opts.seed}, path ${details.counterexamplePath}, after ${details.numRuns} cases)\n` +
        `  case: ${c ? describeCase(c) : '?'}\n  input saved: ${saved}\n  error: ${err.split('\n').slice(0, 6).join('\n  ')}`,
    )
  }
  const known = Object.fromEntries(target.known?.() ?? [])
  return {target: target.name, seed: opts.seed, runs: done, ms: performance.now() - t0, slowestMs, slowest, byKind, known}
}

/** A property failure with the facts needed to understand it. */
export function fail(c: FuzzCase, what: string): never {
  throw new Error(`${what}\n  on ${describeCase(c)}`)
}
