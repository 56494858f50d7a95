// Mutation library for fuzzing: DERIVED inputs made from the real captures by damaging them the way
// logs get damaged in the wild (cut by a full disk or a killed VM, bit rot, a serial line that
// drops bytes, two consoles interleaved, CRLF from a Windows share, a runaway printk line).
// Every mutation is deterministic in (input, params) so a failing case replays from its numbers,
// and says which part of the input it left untouched, so properties can check that the findings of
// the untouched part did not change.

// The mutations draw from the model's seeded PRNG (mulberry32), never from Math.random.
import {mulberry32, pick, type Rng} from '../../src/model/prng.js'

export {mulberry32, type Rng}

/** The input as lines (without their '\n'), and whether the last one had a newline. */
export interface Lines {
  lines: Buffer[]
  finalNewline: boolean
}

export function splitLines(buf: Buffer): Lines {
  const lines: Buffer[] = []
  let start = 0
  for (;;) {
    const nl = buf.indexOf(0x0a, start)
    if (nl < 0) break
    lines.push(buf.subarray(start, nl))
    start = nl + 1
  }
  const finalNewline = start === buf.length
  if (!finalNewline) lines.push(buf.subarray(start))
  return {lines, finalNewline}
}

export function joinLines(lines: Buffer[], finalNewline = true, eol: Buffer = LF): Buffer {
  const parts: Buffer[] = []
  lines.forEach((l, i) => {
    parts.push(l)
    if (i < lines.length - 1 || finalNewline) parts.push(eol)
  })
  return Buffer.concat(parts)
}

const LF = Buffer.from('\n')

export interface Mutated {
  /** Mutation name and its parameters, enough to replay it. */
  name: string
  bytes: Buffer
  /**
   * 0-based index of the first original line that may differ: lines [0, untouched) are byte-identical,
   * at the same line numbers, and each still ends with '\n'.
   */
  untouched: number
  /** Only line endings changed: every record and finding must come out the same. */
  sameContent?: boolean
  /** Only the order or multiplicity of whole lines changed (duplicates, reordering). */
  linesPermuted?: boolean
  /** Exactly the same multiset of lines (reordering only): order-independent readers must agree. */
  sameLines?: boolean
  /** 1-based line of the `cut here` of a WARNING block that the mutation cut in the middle. */
  cutSplatLine?: number
  /**
   * The lines that cut resumes at start with copies of the block's own last lines (a console that
   * replayed them): they end the cut block as its own would, so it may read as a whole one.
   */
  cutResumesWithBlockEnd?: boolean
  /**
   * Set by mutators that leave the end of the input alone: original lines [tailFrom, end) come out
   * byte-identical after the damage; mutateChain() checks it and adds the offsets below.
   */
  tailFrom?: number
  /** Byte offsets of that tail in the input and in the output (readers count lines their own way). */
  tailStart?: number
  tailAt?: number
  /** Interleaving: blocks (1-based line of `cut here`) whose call trace got lines of the other log (1-based). */
  interleavedSplats?: Array<{cutHere: number; endTrace: number; foreign: number[]}>
}

export type Mutator = (input: Buffer, rng: Rng) => Mutated

/** Byte sequences that are not valid UTF-8: overlong, lone continuation, cut 4-byte, surrogates, 0xFF. */
export const INVALID_UTF8: readonly Buffer[] = [
  Buffer.from([0xc3, 0x28]),
  Buffer.from([0x80]),
  Buffer.from([0xff, 0xfe]),
  Buffer.from([0xc0, 0xaf]),
  Buffer.from([0xf0, 0x9f, 0x98]),
  Buffer.from([0xed, 0xa0, 0x80]),
  Buffer.from([0xe2, 0x82]),
]

/** Cut at a line end: lines before the cut are intact, everything after is gone. */
function truncateAtLineEnd(input: Buffer, rng: Rng): Mutated {
  const {lines} = splitLines(input)
  const k = pick(rng, lines.length + 1)
  return {name: `truncate-line-end(${k})`, bytes: joinLines(lines.slice(0, k)), untouched: k}
}

/** Cut inside a line, optionally inside its `[    1.234567]` prefix or a multi-byte character. */
function truncateMidLine(where: 'any' | 'prefix' | 'utf8'): Mutator {
  return (input, rng) => {
    const {lines} = splitLines(input)
    if (lines.length === 0) return {name: 'truncate-mid-line(empty)', bytes: input, untouched: 0}
    const k = pick(rng, lines.length)
    let line = lines[k]
    let at: number
    if (where === 'prefix') at = Math.min(line.length, 1 + pick(rng, 16))
    else if (where === 'utf8') {
      // Put a 3-byte character in the line and cut after its first or second byte.
      const pos = pick(rng, line.length + 1)
      line = Buffer.concat([line.subarray(0, pos), Buffer.from('€'), line.subarray(pos)])
      at = pos + 1 + pick(rng, 2)
    } else at = pick(rng, line.length + 1)
    const head = joinLines(lines.slice(0, k), true)
    return {name: `truncate-${where}(${k},${at})`, bytes: Buffer.concat([head, line.subarray(0, at)]), untouched: k}
  }
}

/** Flip 1–8 random bits in a window of three lines. */
function byteFlip(input: Buffer, rng: Rng): Mutated {
  const {lines, finalNewline} = splitLines(input)
  if (lines.length === 0) return {name: 'flip(empty)', bytes: input, untouched: 0}
  const k = pick(rng, lines.length)
  const window = Buffer.from(joinLines(lines.slice(k, k + 3), finalNewline || k + 3 < lines.length))
  const n = 1 + pick(rng, 8)
  for (let i = 0; i < n && window.length > 0; i++) window[pick(rng, window.length)] ^= 1 << pick(rng, 8)
  const head = joinLines(lines.slice(0, k), true)
  const tail = k + 3 < lines.length ? joinLines(lines.slice(k + 3), finalNewline) : Buffer.alloc(0)
  return {name: `flip(${k},${n})`, bytes: Buffer.concat([head, window, tail]), untouched: k, tailFrom: k + 3}
}

/** Insert bytes into line k at a random position. */
function insertInto(label: string, what: (rng: Rng) => Buffer): Mutator {
  return (input, rng) => {
    const {lines, finalNewline} = splitLines(input)
    if (lines.length === 0) return {name: `${label}(empty)`, bytes: what(rng), untouched: 0}
    const k = pick(rng, lines.length)
    const pos = pick(rng, lines[k].length + 1)
    const out = lines.slice()
    out[k] = Buffer.concat([lines[k].subarray(0, pos), what(rng), lines[k].subarray(pos)])
    return {name: `${label}(${k},${pos})`, bytes: joinLines(out, finalNewline), untouched: k, tailFrom: k + 1}
  }
}

const invalidUtf8 = insertInto('invalid-utf8', (rng) => INVALID_UTF8[pick(rng, INVALID_UTF8.length)])
const nulBytes = insertInto('nul', (rng) => Buffer.alloc(1 + pick(rng, 4)))
/** ANSI colour codes and a stray CR, as a serial console with a coloured shell prints them. */
const ansi = insertInto('ansi', (rng) => Buffer.from(['\x1b[0;32m', '\x1b[0m', '\r', '\x1b[2K', '\x07'][pick(rng, 5)]))

/** Every '\n' → '\r\n' (serial console), or → '\r' (old Mac / some terminals), or mixed. */
function lineEndings(kind: 'crlf' | 'cr' | 'mixed'): Mutator {
  return (input, rng) => {
    // CR and CRLF already end lines for the readers: normalise them first so the line structure is kept.
    const {lines, finalNewline} = splitLines(Buffer.from(input.toString('latin1').replace(/\r\n?/g, '\n'), 'latin1'))
    if (kind !== 'mixed') return {name: kind, bytes: joinLines(lines, finalNewline, Buffer.from(kind === 'crlf' ? '\r\n' : '\r')), untouched: 0, sameContent: true}
    const eols = ['\n', '\r\n', '\r'].map((s) => Buffer.from(s))
    const parts: Buffer[] = []
    lines.forEach((l, i) => {
      parts.push(l)
      if (i < lines.length - 1 || finalNewline) {
        let e = pick(rng, 3)
        // A CR before an empty line would join it: CR then LF reads as CRLF, CR then CRLF as CR CR
        // LF (one line end, lines.ts), and no bare CR is left to say the numbers moved. LF instead.
        if (e === 2 && i + 1 < lines.length && lines[i + 1].length === 0) e = 0
        parts.push(eols[e])
      }
    })
    return {name: 'mixed-eol', bytes: Buffer.concat(parts), untouched: 0, sameContent: true}
  }
}

/** A runaway line of `size` bytes (printable, a few spaces) inserted before line k. */
export function longLine(size: number): Mutator {
  return (input, rng) => {
    const {lines, finalNewline} = splitLines(input)
    const k = pick(rng, lines.length + 1)
    const big = Buffer.alloc(size, 'x')
    for (let i = 0; i < size; i += 97) big[i] = 0x20
    const out = [...lines.slice(0, k), big, ...lines.slice(k)]
    return {name: `long-line(${k},${size})`, bytes: joinLines(out, finalNewline || k === lines.length), untouched: k, tailFrom: k}
  }
}

/** Interleave the lines of another log, keeping each log's own order (two consoles on one file). */
export function interleave(other: Buffer): Mutator {
  return (input, rng) => {
    const a = splitLines(input).lines
    const b = splitLines(other).lines
    const out: Buffer[] = []
    const from: number[] = [] // 0 = this log, 1 = the other
    let i = 0
    let j = 0
    let first = -1
    const pA = 0.3 + rng() * 0.6
    while (i < a.length || j < b.length) {
      if (j >= b.length || (i < a.length && rng() < pA)) {
        out.push(a[i++])
        from.push(0)
      } else {
        if (first < 0) first = out.length
        out.push(b[j++])
        from.push(1)
      }
    }
    // Blocks of either log whose call trace (Call Trace: .. end trace) now holds a line of the other.
    const interleavedSplats: Array<{cutHere: number; endTrace: number; foreign: number[]}> = []
    for (const who of [0, 1]) {
      const idx = from.flatMap((f, k) => (f === who ? [k] : []))
      for (const [s, e] of splatRanges(idx.map((k) => out[k]))) {
        const ct = idx.slice(s, e + 1).find((k) => out[k].toString('latin1').includes('Call Trace:'))
        if (ct === undefined) continue
        const foreign = from.flatMap((f, k) => (k > ct && k < idx[e] && f !== who ? [k + 1] : []))
        if (foreign.length > 0) interleavedSplats.push({cutHere: idx[s] + 1, endTrace: idx[e] + 1, foreign})
      }
    }
    return {name: `interleave(${pA.toFixed(2)})`, bytes: joinLines(out), untouched: first < 0 ? out.length : first, interleavedSplats}
  }
}

/** 0-based [cutHere, endTrace] line ranges of the WARNING/BUG blocks of a log. */
export function splatRanges(lines: Buffer[]): Array<[number, number]> {
  const out: Array<[number, number]> = []
  let start = -1
  lines.forEach((l, i) => {
    const s = l.toString('latin1')
    if (s.includes('[ cut here ]')) start = i
    else if (start >= 0 && s.includes('---[ end trace')) {
      out.push([start, i])
      start = -1
    }
  })
  return out
}

/**
 * Cut a WARNING block in the middle: either the log ends there (VM killed) or the rest of the block is
 * lost and the log goes on (dropped printk messages). The block must then be reported corrupted.
 */
function splatCut(input: Buffer, rng: Rng): Mutated {
  const {lines, finalNewline} = splitLines(input)
  const ranges = splatRanges(lines)
  if (ranges.length === 0) return truncateAtLineEnd(input, rng)
  const [s, e] = ranges[pick(rng, ranges.length)]
  // Keep at least the banner (cut-here + message + WARNING line) so the block is recognisable.
  const c = Math.min(e, s + 3 + pick(rng, Math.max(1, e - s - 3)))
  const endLog = rng() < 0.5
  const out = endLog ? lines.slice(0, c) : [...lines.slice(0, c), ...lines.slice(e + 1)]
  const name = `splat-cut(${s + 1},${c + 1},${endLog ? 'eof' : 'resume'})`
  const resumesWithEnd = !endLog && resumesWithBlockEnd(lines, c, e)
  return {name, bytes: joinLines(out, endLog || finalNewline), untouched: c, cutSplatLine: s + 1, tailFrom: endLog ? undefined : e + 1, ...(resumesWithEnd ? {cutResumesWithBlockEnd: true} : {})}
}

/** Lines e+1.. start with copies of lines e-k+1..e, the block's last k lines, all of them among those cut (c..e). */
function resumesWithBlockEnd(lines: Buffer[], c: number, e: number): boolean {
  for (let k = 1; k <= e - c + 1 && e + k < lines.length; k++) {
    if (lines.slice(e + 1, e + 1 + k).every((l, i) => l.equals(lines[e - k + 1 + i]))) return true
  }
  return false
}

/** Duplicate a block of 1–5 lines right after itself (a console that replays its buffer). */
function duplicateLines(input: Buffer, rng: Rng): Mutated {
  const {lines, finalNewline} = splitLines(input)
  if (lines.length === 0) return {name: 'dup(empty)', bytes: input, untouched: 0}
  const k = pick(rng, lines.length)
  const m = 1 + pick(rng, 5)
  const block = lines.slice(k, k + m)
  const out = [...lines.slice(0, k + m), ...block, ...lines.slice(k + m)]
  return {name: `dup(${k},${m})`, bytes: joinLines(out, true), untouched: Math.min(lines.length, k + m), linesPermuted: finalNewline, tailFrom: k + m}
}

/** Swap two adjacent blocks of lines. */
function reorderLines(input: Buffer, rng: Rng): Mutated {
  const {lines, finalNewline} = splitLines(input)
  if (lines.length < 2) return {name: 'reorder(short)', bytes: input, untouched: lines.length}
  const k = pick(rng, lines.length - 1)
  const m1 = 1 + pick(rng, Math.min(5, lines.length - k - 1))
  const m2 = 1 + pick(rng, Math.min(5, lines.length - k - m1))
  const a = lines.slice(k, k + m1)
  const b = lines.slice(k + m1, k + m1 + m2)
  const out = [...lines.slice(0, k), ...b, ...a, ...lines.slice(k + m1 + m2)]
  return {name: `reorder(${k},${m1},${m2})`, bytes: joinLines(out, true), untouched: k, linesPermuted: finalNewline, sameLines: finalNewline, tailFrom: k + m1 + m2}
}

/** Delete a block of 1–10 lines. */
function deleteLines(input: Buffer, rng: Rng): Mutated {
  const {lines, finalNewline} = splitLines(input)
  const k = pick(rng, lines.length + 1)
  const m = 1 + pick(rng, 10)
  const out = [...lines.slice(0, k), ...lines.slice(k + m)]
  return {name: `delete(${k},${m})`, bytes: joinLines(out, finalNewline || k + m < lines.length), untouched: k, tailFrom: k + m}
}

/** Replace a line with random bytes (which may contain newlines). */
function garbageLine(input: Buffer, rng: Rng): Mutated {
  const {lines, finalNewline} = splitLines(input)
  const k = pick(rng, lines.length + 1)
  const g = Buffer.alloc(1 + pick(rng, 200))
  for (let i = 0; i < g.length; i++) g[i] = pick(rng, 256)
  const out = [...lines.slice(0, k), g, ...lines.slice(k + 1)]
  return {name: `garbage(${k},${g.length})`, bytes: joinLines(out, finalNewline || k >= lines.length - 1), untouched: k, tailFrom: k + 1}
}

/** The mutations every reader is fuzzed with (the 10 MB line is a separate, single test). */
export const MUTATORS: Record<string, Mutator> = {
  'truncate-line-end': truncateAtLineEnd,
  'truncate-mid-line': truncateMidLine('any'),
  'truncate-mid-prefix': truncateMidLine('prefix'),
  'truncate-mid-utf8': truncateMidLine('utf8'),
  'byte-flip': byteFlip,
  'invalid-utf8': invalidUtf8,
  nul: nulBytes,
  ansi,
  crlf: lineEndings('crlf'),
  cr: lineEndings('cr'),
  'mixed-eol': lineEndings('mixed'),
  'long-line-64k': longLine(64 * 1024),
  'splat-cut': splatCut,
  duplicate: duplicateLines,
  reorder: reorderLines,
  delete: deleteLines,
  garbage: garbageLine,
}

export const MUTATOR_NAMES = Object.keys(MUTATORS)

/** Apply the named mutations in a row (`extra` adds mutators that need more input, e.g. interleave) (the untouched prefix is the smallest of them). */
export function mutateChain(input: Buffer, names: string[], seed: number, extra: Record<string, Mutator> = {}): Mutated {
  const rng = mulberry32(seed)
  let cur: Mutated = {name: '', bytes: input, untouched: Number.MAX_SAFE_INTEGER, sameContent: true, linesPermuted: true, sameLines: true}
  const applied: string[] = []
  let cutAt = -1
  for (const n of names) {
    const m = (extra[n] ?? MUTATORS[n])(cur.bytes, rng)
    applied.push(m.name)
    // A later change before the cut may have destroyed the cut block: then expect nothing of it.
    let cutSplatLine = cur.cutSplatLine
    let cutResumesWithBlockEnd = cur.cutResumesWithBlockEnd
    if (m.cutSplatLine !== undefined) {
      cutSplatLine = m.cutSplatLine
      cutResumesWithBlockEnd = m.cutResumesWithBlockEnd
      cutAt = m.untouched
    } else if (!m.sameContent && m.untouched < cutAt) cutSplatLine = undefined
    cur = {
      name: applied.join('+'),
      bytes: m.bytes,
      untouched: Math.min(cur.untouched, m.untouched),
      sameContent: Boolean(cur.sameContent && m.sameContent),
      linesPermuted: Boolean(cur.linesPermuted && (m.linesPermuted || m.sameContent)),
      sameLines: Boolean(cur.sameLines && m.sameLines),
      cutSplatLine,
      ...(cutResumesWithBlockEnd ? {cutResumesWithBlockEnd} : {}),
    }
    // Only a lone interleave says which blocks it mixed: later changes would move them.
    if (names.length === 1 && m.interleavedSplats) cur.interleavedSplats = m.interleavedSplats
    // Likewise the untouched tail: checked here rather than trusted.
    if (names.length === 1 && m.tailFrom !== undefined) Object.assign(cur, tailOf(input, m.bytes, m.tailFrom))
  }
  if (cur.untouched === Number.MAX_SAFE_INTEGER) cur.untouched = splitLines(cur.bytes).lines.length
  // Another change above the cut block (a stray CR there adds a line for the readers) moves it: expect nothing of it.
  if (cur.cutSplatLine !== undefined && cur.untouched < cur.cutSplatLine) cur.cutSplatLine = undefined
  return cur
}

/** A DERIVED log of at least `bytes` bytes: the real input repeated (for huge-input and progress tests). */
export function repeatToSize(input: Buffer, bytes: number): Buffer {
  const n = Math.max(1, Math.ceil(bytes / Math.max(1, input.length)))
  return Buffer.concat(Array.from({length: n}, () => input))
}

/** Where original line `tailFrom` and everything after it sit in the output, if they came through unchanged. */
function tailOf(input: Buffer, output: Buffer, tailFrom: number): {tailFrom?: number; tailStart?: number; tailAt?: number} {
  const {lines} = splitLines(input)
  if (tailFrom <= 0 || tailFrom >= lines.length) return {}
  let start = 0
  for (let i = 0; i < tailFrom; i++) start = input.indexOf(0x0a, start) + 1
  const tail = input.subarray(start)
  const at = output.length - tail.length
  if (at <= 0 || !output.subarray(at).equals(tail) || output[at - 1] !== 0x0a) return {}
  return {tailFrom, tailStart: start, tailAt: at}
}
