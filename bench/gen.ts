// Bench inputs, all DERIVED from the real captures of the corpus (samples/, testdata/captures/) by repetition, written
// under bench/out/ (gitignored) and reused while their recipe is unchanged:
//   boot-<N>M.raw.txt      real dmesg.txt files concatenated in a fixed order until N MiB, in `dmesg -r`
//                          form (`<pri>[time] text`), the form util-linux parses (100 MiB; 10 with --quick)
//   boot-1024M.txt         the same in plain form, for the peak-RSS row
//   allocinfo-20k.txt      a real 7.2 allocinfo repeated with shifted line numbers: 20 000 unique sites
//   allocinfo-20k-a/b.txt  two 20 000-site captures (pool c4 vs c64) for the diff
import {closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync, writeSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {captureDir, captureDirs} from '../test/helpers/paths.js'

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const OUT = join(REPO, 'bench', 'out')
const MiB = 1024 * 1024

function fresh(path: string, recipe: string): boolean {
  const stamp = `${path}.recipe`
  return existsSync(path) && existsSync(stamp) && readFileSync(stamp, 'utf8') === recipe
}

function stamp(path: string, recipe: string): void {
  writeFileSync(`${path}.recipe`, recipe)
}

/** Every real dmesg.txt, in name order (the truncated c255 boot has none). */
export function realDmesgFiles(): string[] {
  // Name order, whichever home a capture lives in, so the derived inputs do not depend on it.
  return captureDirs()
    .filter((d) => existsSync(join(d, 'dmesg.txt')))
    .map((d) => join(d, 'dmesg.txt'))
}

/** `dmesg -r` form of plain dmesg lines: the kernel's `<pri>` in front (6 = kern.info; 4 for WARNING lines). */
function toRaw(text: string): string {
  return text.replace(/^(?=\[)/gm, '<6>').replace(/^<6>(\[[^\]]*\] (?:WARNING|------------\[ cut here))/gm, '<4>$1')
}

/** A boot log of at least `mib` MiB made by repeating the real dmesg.txt files; returns its path. */
export function bootLog(mib: number, raw = false): string {
  mkdirSync(OUT, {recursive: true})
  const path = join(OUT, `boot-${mib}M${raw ? '.raw' : ''}.txt`)
  const files = realDmesgFiles()
  const recipe = `v1 concat ${files.length} real dmesg.txt until ${mib} MiB${raw ? ' as dmesg -r' : ''}`
  if (fresh(path, recipe)) return path
  const unit = Buffer.from(files.map((f) => (raw ? toRaw(readFileSync(f, 'utf8')) : readFileSync(f, 'utf8'))).join(''))
  const fd = openSync(path, 'w')
  let written = 0
  while (written < mib * MiB) written += writeSync(fd, unit)
  closeSync(fd)
  stamp(path, recipe)
  return path
}

/**
 * A real 7.2 allocinfo repeated with the line number of each site shifted by 100000 per copy, so
 * every key is distinct: `n` site lines under the file's own 2.0 header.
 */
export function bigAllocinfo(capture: string, n: number, name: string): string {
  mkdirSync(OUT, {recursive: true})
  const path = join(OUT, name)
  const src = join(captureDir(capture), 'allocinfo.txt')
  const recipe = `v1 ${capture}/allocinfo.txt x shifted line numbers, ${n} sites`
  if (fresh(path, recipe)) return path
  const lines = readFileSync(src, 'utf8').split('\n').filter((l) => l !== '')
  const header = lines.filter((l) => l.startsWith('allocinfo') || l.startsWith('#'))
  const sites = lines.filter((l) => !header.includes(l))
  const out = [...header]
  for (let copy = 0; out.length - header.length < n; copy++) {
    for (const l of sites) {
      if (out.length - header.length >= n) break
      out.push(copy === 0 ? l : l.replace(/:(\d+)( \[[^\]]+\])? func:/, (_m, ln: string, mod = '') => `:${Number(ln) + 100000 * copy}${mod} func:`))
    }
  }
  writeFileSync(path, out.join('\n') + '\n')
  stamp(path, recipe)
  return path
}

export interface BenchInputs {
  /** The large boot log in `dmesg -r` form (the form util-linux parses into records). */
  bootRaw: string
  boot1G?: string
  allocinfo: string
  diffA: string
  diffB: string
}

export function generate(opts: {quick: boolean; huge: boolean}): BenchInputs {
  const inputs: BenchInputs = {
    bootRaw: bootLog(opts.quick ? 10 : 100, true),
    allocinfo: bigAllocinfo('linux-7.2-pool-c64-m1024', 20_000, 'allocinfo-20k.txt'),
    diffA: bigAllocinfo('linux-7.2-pool-c4-m1024', 20_000, 'allocinfo-20k-a.txt'),
    diffB: bigAllocinfo('linux-7.2-pool-c64-m1024', 20_000, 'allocinfo-20k-b.txt'),
  }
  if (opts.huge) inputs.boot1G = bootLog(1024)
  return inputs
}

export const sizeMiB = (p: string) => statSync(p).size / MiB

// `node --import tsx bench/gen.ts [--quick] [--huge]` only generates.
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const r = generate({quick: process.argv.includes('--quick'), huge: process.argv.includes('--huge')})
  for (const [k, p] of Object.entries(r)) if (p) console.log(`${k.padEnd(10)} ${sizeMiB(p).toFixed(1).padStart(8)} MiB  ${p}`)
}
