// A table too long to hold (`predict --hosts` on a 10^6-row inventory), written as its rows come.
// --json, csv and markdown write each row and forget it: memory holds one row and the output buffer.
// table and text size every column before the first row: from a first pass over the rows when they
// can be read twice, else from the first rows held (writeFitted). The bytes are those writeOutput
// writes for the same rows held: the same JSON envelope (render/json.ts), CSV pieces (render/csv.ts) and markdown pieces (render/markdown.ts).
import {once} from 'node:events'
import {csvTableStream} from '../render/csv.js'
import {jsonEnvelopeStream} from '../render/json.js'
import {mdEscape, mdTableHeader, mdTableRow} from '../render/markdown.js'
import type {StreamedTable} from '../render/format.js'
import {type Cell, type TableBlock, cellText} from '../render/report.js'
import type {Severity} from '../types.js'
import {type OutputFlags, colorOptions, csvOptionsOf, outputFailed, pickBlocks, terminalWidth, writeWarnings} from './output.js'

export interface TableStream {
  command: string
  /** The result's key holding the rows' values: {"hosts": [...]} */
  key: string
  /** The table without rows, asked for once the first row has come (its columns may follow the input's header). */
  table: () => Omit<TableBlock, 'rows'>
  /** The rows in batches (one await per batch, not per row). */
  rows: AsyncIterable<StreamRow[]>
  /** The same rows once more from the start, when the input can be read twice (a regular file): table and text measure their columns in a first pass. */
  again?: () => AsyncIterable<StreamRow[]>
}

/** One row: its value in --json, its cells in the table. */
export interface StreamRow {
  value: unknown
  cells: Record<string, Cell>
}

/** A command run whose one table is streamed (CommandRun's counterpart): severities are known once it is written. */
export interface StreamRun {
  stream: Omit<TableStream, 'command'>
  severities: () => Severity[]
  warnings: string[]
}

/** Nothing is written before this much (an input error in the first rows leaves no output, as when held), then in CHUNK pieces. */
const FIRST_FLUSH = 1 << 20
const CHUNK = 1 << 16

/** stdout in chunks, waiting for it to drain: a write error is one line and exit 74 (outputFailed). */
class ChunkedStdout {
  private parts: string[] = []
  private size = 0
  private started = false

  /** A promise only when the buffer was flushed (await it: stdout may need to drain); most writes just buffer. */
  write(s: string): Promise<void> | undefined {
    this.parts.push(s)
    this.size += s.length
    return this.size >= (this.started ? CHUNK : FIRST_FLUSH) ? this.flush() : undefined
  }

  async flush(): Promise<void> {
    if (this.size === 0) return
    const text = this.parts.join('')
    this.parts = []
    this.size = 0
    this.started = true
    const ok = process.stdout.write(text, (err) => {
      if (err) outputFailed(err)
    })
    if (!ok) await once(process.stdout, 'drain')
  }
}

/** Writes the stream in the flags' format; `warnings` is read at the end (rows may add to it). */
export async function writeTableStream(flags: OutputFlags, t: TableStream, warnings: string[]): Promise<void> {
  // --block names a block: the streamed table is the only one (checked before anything is read).
  if (flags.block !== undefined) pickBlocks({blocks: [{...t.table(), rows: []}]}, flags.block)
  const out = new ChunkedStdout()
  if (flags.json) await writeJson(out, t, warnings)
  else if (flags.format === 'csv') await writeCsv(out, t, flags)
  else if (flags.format === 'markdown') await writeMarkdown(out, t)
  else await writeFitted(out, t, flags)
  await out.flush()
  if (!flags.json) writeWarnings(warnings)
}

async function writeJson(out: ChunkedStdout, t: TableStream, warnings: string[]): Promise<void> {
  const env = jsonEnvelopeStream(t.command, t.key)
  await out.write(env.head)
  let n = 0
  for await (const batch of t.rows) for (const r of batch) await out.write(env.item(r.value, n++))
  await out.write(env.tail(n, warnings))
}

async function writeCsv(out: ChunkedStdout, t: TableStream, flags: OutputFlags): Promise<void> {
  let csv: ReturnType<typeof csvTableStream> | undefined
  // Rows are quoted a batch at a time: csv-stringify's set-up per call costs more than a row.
  for await (const batch of t.rows) {
    csv ??= csvTableStream(t.table(), csvOptionsOf(flags, flags.block === undefined))
    await out.write(csv.head)
    csv.head = ''
    await out.write(csv.rows(batch.map((r) => r.cells)))
  }
  if (!csv) await out.write(csvTableStream(t.table(), csvOptionsOf(flags, flags.block === undefined)).head)
}

async function writeMarkdown(out: ChunkedStdout, t: TableStream): Promise<void> {
  let table: Omit<TableBlock, 'rows'> | undefined
  const title = (b: Omit<TableBlock, 'rows'>) => (b.title ? `### ${mdEscape(b.title)}\n\n` : '')
  for await (const batch of t.rows) {
    if (!table && batch.length) {
      table = t.table()
      await out.write(`${title(table)}${mdTableHeader(table)}\n`)
    }
    for (const r of batch) await out.write(`${mdTableRow(table!, r.cells)}\n`)
  }
  if (!table) {
    table = t.table()
    await out.write(`${title(table)}${mdEscape(table.empty ?? '(none)')}\n`)
  }
  // renderReport ends the document with a blank line.
  await out.write('\n')
}

/** Rows held to size table and text columns when the rows cannot be read twice (stdin, a pipe): the first ones, this many at most. */
const WINDOW_ROWS = 10_000
/** ... and at most this many characters of cells (a hostile inventory's huge cells). */
const WINDOW_CHARS = 8 << 20

/**
 * table and text size their columns before the first row is written. Rows that can be read again (a
 * regular file) are measured in a first pass, so the output is renderReport's, byte for byte, at
 * any size; otherwise the first rows (WINDOW_ROWS, WINDOW_CHARS) are held and measured, so a short
 * table is laid out as if held, and a later cell wider than its column wraps onto continuation lines.
 */
async function writeFitted(out: ChunkedStdout, t: TableStream, flags: OutputFlags): Promise<void> {
  const {streamedTable} = await import('../render/format.js')
  let table: StreamedTable | undefined
  const colors = await colorOptions(flags)
  const fitted = () => (table ??= streamedTable(t.table(), flags.format as 'table' | 'text', {...colors, width: terminalWidth()}))
  const first = t.rows[Symbol.asyncIterator]()
  const held: Record<string, Cell>[] = []
  let chars = 0
  let rest: AsyncIterator<StreamRow[]> = first
  if (t.again) {
    for (let b = await first.next(); !b.done; b = await first.next()) for (const r of b.value) fitted().measure(r.cells)
    rest = t.again()[Symbol.asyncIterator]()
  } else {
    while (held.length < WINDOW_ROWS && chars < WINDOW_CHARS) {
      const b = await first.next()
      if (b.done) break
      for (const r of b.value) {
        fitted().measure(r.cells)
        held.push(r.cells)
        for (const c of Object.values(r.cells)) chars += cellText(c).length
      }
    }
  }
  for (const r of held.splice(0)) await out.write(fitted().row(r))
  for (let b = await rest.next(); !b.done; b = await rest.next()) for (const r of b.value) await out.write(fitted().row(r.cells))
  await out.write(fitted().end())
}
