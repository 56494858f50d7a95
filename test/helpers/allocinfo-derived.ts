// Derived allocinfo inputs: each takes the text of a REAL capture and changes one thing the way a
// kernel could (duplicate key, accounting bug, module tags, a new 2.0 token, no header, CRLF, cut).
// Names say "derived"; nothing here is a hand-written capture.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {captureDir} from './paths.js'

export const REAL_72 = join(captureDir('linux-7.2-pool-c64-m1024'), 'allocinfo.txt')
export const REAL_612 = join(captureDir('linux-6.12-instr_smp064_2G_numa2'), 'allocinfo.txt')

export function realText(path = REAL_72): string {
  return readFileSync(path, 'utf8')
}

const isData = (l: string) => /^\s*-?\d+\s+\d+\s/.test(l)

function mapDataLine(text: string, nth: number, f: (l: string) => string): string {
  let n = -1
  return text
    .split('\n')
    .map((l) => (isData(l) && ++n === nth ? f(l) : l))
    .join('\n')
}

/** The nth data line (0-based) of the real text. */
export function dataLine(text: string, nth: number): string {
  return text.split('\n').filter(isData)[nth]
}

/** derived: the nth data line repeated at the end (an inlined helper's second codetag). */
export function derivedDuplicate(text: string, nth: number): string {
  return text.replace(/\n?$/, '\n') + dataLine(text, nth) + '\n'
}

/** derived: the nth data line's bytes replaced by a negative value (a free without its allocation). */
export function derivedNegativeBytes(text: string, nth: number, bytes = -4096n): string {
  return mapDataLine(text, nth, (l) => l.replace(/^\s*-?\d+/, String(bytes).padStart(12)))
}

/** derived: the nth data line's calls wrapped below zero as the kernel's u64 would print it. */
export function derivedWrappedCalls(text: string, nth: number, below = 3n): string {
  const wrapped = (1n << 64n) - below
  return mapDataLine(text, nth, (l) => l.replace(/^(\s*-?\d+)\s+\d+/, `$1 ${String(wrapped).padStart(8)}`))
}

/** derived: every data line whose file starts with prefix tagged with ` [module]`, as codetag_to_text() prints module tags. */
export function derivedModuleTags(text: string, prefix: string, module: string): string {
  return text
    .split('\n')
    .map((l) => (isData(l) ? l.replace(new RegExp(`( ${prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\S*:\\d+) func:`), `$1 [${module}] func:`) : l))
    .join('\n')
}

/** derived: a trailing `key:value` token (format 2.0 allows more) on the nth data line. */
export function derivedExtraToken(text: string, nth: number, token = 'node:1'): string {
  return mapDataLine(text, nth, (l) => l.replace(/ ?$/, ` ${token} `))
}

/** derived: the two header lines removed (the first 6.10 format had none). */
export function derivedNoHeader(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/^allocinfo - version:/.test(l) && !/^#/.test(l))
    .join('\n')
}

/** derived: CRLF line ends, as a serial console delivers them. */
export function derivedCrlf(text: string): string {
  return text.replace(/\n/g, '\r\n')
}

/** derived: cut at `keep` characters (a copy interrupted mid-line). */
export function derivedCut(text: string, keep: number): string {
  return text.slice(0, keep)
}

/** derived: the data lines reordered by `reorder` (e.g. a fast-check shuffle), header kept first. */
export function derivedReordered(text: string, reorder: (data: string[]) => string[]): string {
  const lines = text.split('\n').filter((l) => l !== '')
  return [...lines.filter((l) => !isData(l)), ...reorder(lines.filter(isData))].join('\n') + '\n'
}

/** The data lines of a text (for tests that build derived inputs). */
export function dataLines(text: string): string[] {
  return text.split('\n').filter(isData)
}
