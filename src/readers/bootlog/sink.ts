// Where the format parsers put what they read: records (drained in batches by the stream) and
// skipped lines, kept bounded on multi-GB inputs (the first MAX_SKIPPED entries plus a count per
// reason). Every input line ends up either in a record or counted as skipped.
import type {LogRecord, Skipped} from '../../types.js'
import {detach} from '../lines.js'

export const MAX_SKIPPED = 1000
/** Skipped entries keep this much of the line's text, enough to recognise it. */
const SKIPPED_TEXT = 120

export class Sink {
  /** Records not yet handed out (the stream drains this after every chunk). */
  batch: LogRecord[] = []
  records = 0
  /** Input lines that are part of a record (a kmsg record's continuation lines, a JSON object's lines). */
  recordLines = 0
  skipped: Skipped[] = []
  skippedTotal = 0
  skippedByReason: Record<string, number> = {}
  droppedMessages = 0
  /** The input ends in the middle of a document (dmesg --json cut short): what was cut, for the stats' truncatedInput. */
  cutShort?: string
  /**
   * A one-document format (dmesg --json) whose structure is broken at a line: the input is not of
   * the format. The reader goes on (every line accounted for); the stream refuses the input.
   */
  broken?: {line: number; what: string}
  /** Hand out orphan lines (see LogRecord.orphan) as records besides counting them as skipped. */
  keepOrphans = false

  record(r: LogRecord, lines = 1): void {
    this.batch.push(r)
    this.records++
    this.recordLines += lines
  }

  /** Lines that belong to the record just emitted (continuations); they make no record. */
  attach(lines = 1): void {
    this.recordLines += lines
  }

  /** @param reason a fixed phrase (the per-reason table must stay small), never per-line data. */
  skip(line: number, reason: string, text?: string): void {
    this.skippedTotal++
    this.skippedByReason[reason] = (this.skippedByReason[reason] ?? 0) + 1
    if (this.skipped.length < MAX_SKIPPED) {
      const s: Skipped = {line, reason}
      // A copy: the line may be a slice of a whole read chunk.
      if (text !== undefined && text.length > 0) s.text = detach(text.length > SKIPPED_TEXT ? text.slice(0, SKIPPED_TEXT) + '…' : text)
      this.skipped.push(s)
    }
  }

  /** A line the format does not make a record of, kept as an orphan record when asked for. */
  orphan(line: number, reason: string, text: string): void {
    this.skip(line, reason, text)
    if (this.keepOrphans) this.batch.push({line, text: detach(text), orphan: true})
  }

  /** `count` lines from `first` on, skipped for one reason without being read one by one (leading padding). */
  skipRun(first: number, count: number, reason: string): void {
    this.skippedTotal += count
    this.skippedByReason[reason] = (this.skippedByReason[reason] ?? 0) + count
    if (this.skipped.length < MAX_SKIPPED) this.skipped.push({line: first, reason, text: `lines ${first}-${first + count - 1}`})
  }

  drain(): LogRecord[] {
    const b = this.batch
    this.batch = []
    return b
  }
}
