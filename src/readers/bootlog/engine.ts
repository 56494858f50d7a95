// What a format's reader looks like to the stream: text or bytes in (never both), records into a
// Sink. Line-based formats only write a LineReader and get the splitting from lineEngine().
import {ByteLineSplitter, LineSplitter, TextChunker} from '../lines.js'
import type {Sink} from './sink.js'

export interface LineReader {
  /** @param plain the line holds no ESC (ByteLineSplitter checked its piece): no need to look. */
  line(s: string, no: number, plain?: boolean): void
}

/** What a format's reader is given when it is opened. */
export interface ReadContext {
  sink: Sink
  /** The log carries printk time stamps (decides what a line without one is). */
  timed: boolean
  /** Longest line (or entry) kept: bytes for files and stdin, UTF-16 units for text. */
  maxLine: number
}

export interface FormatReader {
  /** Text already decoded (NUL bytes dropped unless the format keeps them, see FormatEntry.bytes). */
  push(text: string): void
  /** Raw bytes (files, stdin). */
  pushBytes(buf: Buffer): void
  end(): void
  /** Input lines so far (a last line without a newline counts). */
  lines(): number
  /** Pieces a bare CR split off a line, each read as a line of its own under that line's number (LineNumbers); 0 for formats read otherwise. */
  crSplits?(): number
  /** Lines (or entries) longer than the limit, cut or dropped. */
  truncated(): number
  /** The first of them, when the reader knows it. */
  firstTruncatedLine?(): number | undefined
  /** The input started with this many blank lines that were counted but not read: number lines after them. */
  skipLeading(lines: number): void
}

/** A line-based format: the reader sees one line at a time, LF/CRLF line ends, a bare CR splitting a line (lines.ts LineNumbers). */
export function lineEngine(make: (ctx: ReadContext) => LineReader): (ctx: ReadContext) => FormatReader {
  return (ctx) => {
    const reader = make(ctx)
    let cut = 0
    let firstCut: number | undefined
    const onLine = (l: string, no: number, plain?: boolean): void => {
      // A line cut at the limit: note where the first one was (the command warns about it).
      if (text.truncated + bytes.truncated !== cut) {
        cut = text.truncated + bytes.truncated
        firstCut ??= no
      }
      reader.line(l, no, plain)
    }
    const text = new LineSplitter(onLine, ctx.maxLine)
    const bytes = new ByteLineSplitter(onLine, ctx.maxLine)
    return {
      firstTruncatedLine: () => firstCut,
      skipLeading: (n) => bytes.skipLines(n),
      push: (t) => text.push(t),
      pushBytes: (b) => bytes.push(b),
      end: () => {
        text.end()
        bytes.end()
      },
      lines: () => text.lines + bytes.lines,
      crSplits: () => text.crSplits + bytes.crSplits,
      truncated: () => text.truncated + bytes.truncated,
    }
  }
}

/** A format read as a text stream (its own tokenizer, not lines): bytes are decoded to text first. */
export interface TextReader {
  push(text: string): void
  end(): void
  lines(): number
  skipLeading(lines: number): void
}

export function textEngine(make: (ctx: ReadContext) => TextReader): (ctx: ReadContext) => FormatReader {
  return (ctx) => {
    const r = make(ctx)
    const chunker = new TextChunker()
    return {
      push: (t) => r.push(t),
      pushBytes: (b) => r.push(chunker.write(b)),
      end: () => {
        r.push(chunker.end())
        r.end()
      },
      lines: () => r.lines(),
      truncated: () => 0,
      skipLeading: (n) => r.skipLeading(n),
    }
  }
}
