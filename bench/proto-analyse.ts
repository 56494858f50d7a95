// What the boot-log profile points at, measured: analyse a big log in-process (built dist/) the way
// src/analysis/read.ts does it today (one `await` per record through `stream.records`) and the way
// it could (one `await` per chunk through `stream.batches`, records pushed synchronously), plus the
// reader alone and a plain line split as floors. Evidence for the bench note; nothing here ships.
//   node --import tsx bench/proto-analyse.ts [file] [runs]
import {createReadStream} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {bootLog, REPO, sizeMiB} from './gen.js'
import {fmtMs, timeFn} from './harness.js'

const file = process.argv[2] ?? bootLog(100)
const runs = Number(process.argv[3] ?? 3)
const dist = (p: string) => import(pathToFileURL(join(REPO, 'dist', p)).href)
const {openBootLog} = await dist('readers/bootlog/index.js')
const {BootAnalyser} = await dist('analysis/analyser.js')
const mib = sizeMiB(file)

async function viaRecords(): Promise<number> {
  const s = await openBootLog(file)
  const a = new BootAnalyser(file)
  for await (const r of s.records) a.push(r)
  return s.stats().lines
}

async function viaBatches(): Promise<number> {
  const s = await openBootLog(file)
  const a = new BootAnalyser(file)
  for await (const b of s.batches) for (const r of b) a.push(r)
  return s.stats().lines
}

async function readerOnly(): Promise<number> {
  const s = await openBootLog(file)
  let n = 0
  for await (const b of s.batches) n += b.length
  return n
}

async function splitOnly(): Promise<number> {
  let n = 0
  for await (const c of createReadStream(file, {highWaterMark: 1 << 20})) {
    const b = c as Buffer
    for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) n++
  }
  return n
}

for (const [name, fn] of [
  ['analyse, per-record await (today)', viaRecords],
  ['analyse, per-batch await', viaBatches],
  ['reader only (batches)', readerOnly],
  ['newline count only (1 MiB chunks)', splitOnly],
] as const) {
  const s = await timeFn(fn, runs)
  console.log(`${name.padEnd(36)} ${fmtMs(s.median).padStart(9)} median of ${runs}  ${(mib / (s.median / 1000)).toFixed(1).padStart(6)} MiB/s`)
}
