// What `fleet` reads: NDJSON from `batch` (files or stdin), and earlier fleet summaries — the
// `fleet --json` envelope (pretty-printed, one document per file) or a bare allocscope/fleet-v1
// object on one line — so that summaries merge again. Records are folded as they are read.
import {createReadStream} from 'node:fs'
import {createInterface} from 'node:readline'
import {BATCH_SCHEMA, type BatchRecord} from '../batch/schema.js'
import {describeOpenError} from '../readers/bootlog/source.js'
import {InputError} from '../errors.js'
import {SCHEMA} from '../render/json.js'
import {summaryOfRecord} from './record.js'
import {emptySummary, FLEET_SCHEMA, Folder, type FleetSummary, mergeSummaries} from './summary.js'

const EXPECTED = `expected NDJSON records of allocscope batch (${BATCH_SCHEMA}) or a fleet summary (${FLEET_SCHEMA}, or fleet --json)`

/** One parsed JSON value → the summary it stands for. */
export function summaryOfValue(v: unknown, where: string, line: number): FleetSummary {
  const o = v as {schema?: unknown; command?: unknown; result?: unknown}
  if (o?.schema === BATCH_SCHEMA) return summaryOfRecord(v as BatchRecord)
  if (o?.schema === FLEET_SCHEMA) return v as FleetSummary
  if (o?.schema === SCHEMA && o.command === 'fleet') return summaryOfValue(o.result, where, line)
  throw new InputError(`${where}:${line}: schema ${JSON.stringify(o?.schema)}: ${EXPECTED}`, where, line)
}

function parse(text: string, where: string, line: number): unknown {
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new InputError(`${where}:${line}: not JSON (${(e as Error).message}); ${EXPECTED}`, where, line)
  }
}

/** Folds one input: line by line, or as one document when its first line is a lone `{` (a pretty-printed envelope). */
export async function readFleetInput(path: string): Promise<FleetSummary> {
  const where = path === '-' ? '<stdin>' : path
  const stream = path === '-' ? process.stdin : createReadStream(path)
  const opened = new Promise<void>((res, rej) => {
    if (path === '-') return res()
    stream.once('open', () => res())
    stream.once('error', (e: Error) => rej(describeOpenError(path, e)))
  })
  await opened
  const fold = new Folder()
  let doc: string[] | undefined
  let n = 0
  for await (const l of createInterface({input: stream, crlfDelay: Infinity})) {
    n++
    if (doc) doc.push(l)
    else if (n === 1 && l.trim() === '{') doc = [l]
    else if (l.trim() !== '') fold.add(summaryOfValue(parse(l, where, n), where, n))
  }
  if (doc) fold.add(summaryOfValue(parse(doc.join('\n'), where, 1), where, 1))
  return fold.result()
}

export async function readFleetInputs(paths: string[]): Promise<FleetSummary> {
  let sum = emptySummary()
  for (const p of paths) sum = mergeSummaries(sum, await readFleetInput(p))
  return sum
}
