// Fuzz target: capture directories (src/readers/dir.ts) and every reader that opens one — the
// boot-log analysis, the allocinfo reader, the model's capture facts, diff's input classifier.
// Layouts are generated: some of dmesg.txt / console.log / allocinfo.txt / meta.json / *.gz present,
// as files (real content, DERIVED mutations of it, gzip, garbage, empty), as directories, or as
// dangling symlinks. Property: each reader returns or throws an InputError naming a path — never
// another error — and what resolveCapture picks exists and follows its documented priority.
import {existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {gzipSync} from 'node:zlib'
import fc from 'fast-check'
import {analyseBootLog} from '../../src/analysis/read.js'
import {readAllocInfo} from '../../src/readers/allocinfo.js'
import {resolveCapture} from '../../src/readers/dir.js'
import {classifyInput} from '../../src/diff/inputs.js'
import {InputError, NotImplementedError} from '../../src/errors.js'
import {readCaptureFacts} from '../../src/model/capture-facts.js'
import {fail, type FuzzCase, type FuzzTarget} from './fuzz.js'
import {MUTATOR_NAMES, mutateChain} from './mutate.js'
import {captureDir} from './paths.js'

const NAMES = ['dmesg.txt', 'dmesg.txt.gz', 'console.log', 'console.log.gz', 'dmesg-excerpt.txt', 'kern.log', 'allocinfo.txt', 'allocinfo', 'allocinfo.txt.gz', 'meta.json', 'qemu.stderr'] as const
/** resolveCapture's documented order (src/readers/dir.ts BOOTLOG_NAMES). */
const BOOTLOG_ORDER = ['dmesg.txt', 'dmesg.txt.gz', 'dmesg.json', 'kern.log', 'journal.txt', 'journal.json', 'console.log', 'console.log.gz', 'dmesg-excerpt.txt']
const ALLOCINFO_ORDER = ['allocinfo.txt', 'allocinfo', 'allocinfo.txt.gz']

const REAL = 'linux-7.2-notrack-c8-m1024-shrink'
const real = {
  dmesg: () => readFileSync(join(captureDir(REAL), 'dmesg.txt')),
  console: () => readFileSync(join(captureDir('linux-7.2-pool-c255-m1024'), 'console.log')),
  allocinfo: () => readFileSync(join(captureDir(REAL), 'allocinfo.txt')),
  meta: () => readFileSync(join(captureDir(REAL), 'meta.json')),
}
type Source = keyof typeof real | 'empty' | 'garbage' | 'json-null' | 'json-array'

interface Entry {
  name: (typeof NAMES)[number]
  as: 'file' | 'dir' | 'dangling-symlink'
  source: Source
  ops: string[]
  seed: number
  gzip: boolean
}

const entry: fc.Arbitrary<Entry> = fc.record({
  name: fc.constantFrom(...NAMES),
  as: fc.constantFrom('file', 'file', 'file', 'file', 'dir', 'dangling-symlink'),
  source: fc.constantFrom<Source>('dmesg', 'console', 'allocinfo', 'meta', 'empty', 'garbage', 'json-null', 'json-array'),
  ops: fc.array(fc.constantFrom(...MUTATOR_NAMES), {maxLength: 2}),
  seed: fc.integer(),
  gzip: fc.boolean(),
})

function content(e: Entry): Buffer {
  let b: Buffer
  if (e.source === 'empty') b = Buffer.alloc(0)
  else if (e.source === 'garbage') b = Buffer.from(Array.from({length: 64}, (_, i) => (i * 37 + e.seed) & 255))
  else if (e.source === 'json-null') b = Buffer.from('null')
  else if (e.source === 'json-array') b = Buffer.from('[1,2]')
  else b = real[e.source]()
  if (e.ops.length > 0) b = mutateChain(b, e.ops, e.seed).bytes
  // A .gz name usually holds gzip; sometimes a plain file misnamed .gz, or gzip cut short.
  if (e.name.endsWith('.gz') && e.gzip) b = gzipSync(b)
  else if (e.gzip && e.seed % 3 === 0) b = gzipSync(b).subarray(0, Math.max(2, b.length >> 1))
  return b
}

let root: string | undefined
let n = 0

/**
 * Bugs found by this fuzzer and reported to the lead (not fixed here: not our files). A case that
 * hits one is counted, not failed, so the fuzzer goes on looking for others; `npm run fuzz` prints
 * the counts. Remove a row when its bug is fixed.
 */
export const KNOWN_BUGS: Array<{what: RegExp; error: RegExp; bug: string}> = [
  // Found and fixed: readCaptureFacts (src/model/capture-facts.ts) threw a raw EISDIR on a boot log that is a directory.
]
export const knownHits = new Map<string, number>()

async function expectInputError(c: FuzzCase, what: string, f: () => unknown): Promise<boolean> {
  try {
    await f()
    return true
  } catch (e) {
    if (e instanceof InputError || e instanceof NotImplementedError) return false
    const known = KNOWN_BUGS.find((k) => k.what.test(what) && k.error.test(String((e as Error).message)))
    if (known) {
      knownHits.set(known.bug, (knownHits.get(known.bug) ?? 0) + 1)
      return false
    }
    fail(c, `${what} threw ${(e as Error).name} instead of an InputError: ${(e as Error).stack?.split('\n').slice(0, 4).join(' | ')}`)
  }
}

export const captureDirTarget: FuzzTarget = {
  name: 'capture-dir',
  known: () => knownHits,
  corpus: () => [],
  arbitrary: () =>
    fc.uniqueArray(entry, {selector: (e) => e.name, maxLength: 5}).map((entries): FuzzCase => ({kind: 'layout', bytes: Buffer.alloc(0), layout: entries})),
  async check(c: FuzzCase) {
    const entries = c.layout as Entry[]
    root ??= mkdtempSync(join(tmpdir(), 'allocscope-fuzzdir-'))
    const dir = join(root, `c${n++}`)
    mkdirSync(dir)
    try {
      for (const e of entries) {
        const p = join(dir, e.name)
        if (e.as === 'dir') mkdirSync(p)
        else if (e.as === 'dangling-symlink') symlinkSync(join(dir, 'nowhere', e.name), p)
        else writeFileSync(p, content(e))
      }
      let cap: ReturnType<typeof resolveCapture> | undefined
      await expectInputError(c, 'resolveCapture', () => (cap = resolveCapture(dir)))
      if (cap) {
        // The boot log it picks is the first name in its order that is a regular file (a directory
        // of that name, or a dangling symlink, is passed over).
        const present = (nm: string) => existsSync(join(dir, nm)) && statSync(join(dir, nm)).isFile()
        const wantLog = BOOTLOG_ORDER.find(present)
        const wantAi = ALLOCINFO_ORDER.find(present)
        if (cap.bootLog !== (wantLog && join(dir, wantLog))) fail(c, `bootLog ${cap.bootLog}, expected ${wantLog}`)
        if (cap.allocinfo !== (wantAi && join(dir, wantAi))) fail(c, `allocinfo ${cap.allocinfo}, expected ${wantAi}`)
        const meta = entries.find((e) => e.name === 'meta.json' && e.as === 'file')
        if (meta && cap.meta !== undefined && JSON.stringify(cap.meta) !== JSON.stringify(JSON.parse(content(meta).toString('utf8')))) fail(c, 'meta differs from meta.json')
        if (cap.bootLog) await expectInputError(c, `analyseBootLog(${cap.bootLog})`, () => analyseBootLog(cap!.bootLog!))
        if (cap.allocinfo) await expectInputError(c, `readAllocInfo(${cap.allocinfo})`, () => readAllocInfo(cap!.allocinfo!))
      }
      await expectInputError(c, 'readCaptureFacts', () => readCaptureFacts(dir))
      await expectInputError(c, 'classifyInput', () => classifyInput(dir))
    } finally {
      if (lstatSync(dir, {throwIfNoEntry: false})) rmSync(dir, {recursive: true, force: true})
    }
  },
}

export function cleanupCaptureFuzz(): void {
  if (root) rmSync(root, {recursive: true, force: true})
  root = undefined
}
