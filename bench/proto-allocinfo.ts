// Where `allocinfo --top 10` spends its time, measured in-process on the built dist/: the reader
// as it is (scanAllocInfoText: one 7-group regex, BigInt and a site object with a lines array per
// line) against a byte-level scan that keeps Numbers while they are exact and allocates only for
// the top N — the floor a reader could reach. And the process floor: node start-up + oclif.
//   node --import tsx bench/proto-allocinfo.ts [file] [runs]
import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {bigAllocinfo, REPO} from './gen.js'
import {fmtMs, timeFn} from './harness.js'

const file = process.argv[2] ?? bigAllocinfo('linux-7.2-pool-c64-m1024', 20_000, 'allocinfo-20k.txt')
const runs = Number(process.argv[3] ?? 5)
const {scanAllocInfoText} = await import(pathToFileURL(join(REPO, 'dist', 'capture', 'allocinfo.js')).href)

/** Top-N by bytes with one pass over the bytes: no regex, no BigInt unless a value has > 15 digits. */
function topBytes(buf: Buffer, n: number): Array<[number | bigint, number]> {
  const top: Array<[number | bigint, number]> = []
  let i = 0
  const len = buf.length
  while (i < len) {
    const start = i
    let j = i
    while (j < len && buf[j] === 32) j++
    let neg = false
    if (buf[j] === 45) {
      neg = true
      j++
    }
    const d0 = j
    let v = 0
    while (j < len && buf[j] >= 48 && buf[j] <= 57) v = v * 10 + (buf[j++] - 48)
    let val: number | bigint = neg ? -v : v
    if (j - d0 > 15) val = BigInt(buf.toString('latin1', d0 - (neg ? 1 : 0), j))
    const nl = buf.indexOf(10, j)
    i = nl === -1 ? len : nl + 1
    if (j === d0) continue // header or garbage: skipped
    if (top.length < n || val > top[top.length - 1][0]) {
      top.push([val, start])
      top.sort((a, b) => (a[0] > b[0] ? -1 : a[0] < b[0] ? 1 : 0))
      if (top.length > n) top.pop()
    }
  }
  return top
}

const text = readFileSync(file, 'utf8')
const buf = readFileSync(file)
const a = await timeFn(() => scanAllocInfoText(text, file), runs)
const b = await timeFn(() => topBytes(buf, 10), runs)
console.log(`reader as it is (scanAllocInfoText)   ${fmtMs(a.median).padStart(9)} median of ${runs}`)
console.log(`byte scan, top 10 only (floor)        ${fmtMs(b.median).padStart(9)} median of ${runs}`)
const ver = await timeFn(() => spawnSync(process.execPath, [join(REPO, 'bin', 'run.js'), '--version']), runs)
const help = await timeFn(() => spawnSync(process.execPath, [join(REPO, 'bin', 'run.js'), 'allocinfo', '--help']), runs)
const node0 = await timeFn(() => spawnSync(process.execPath, ['-e', '0']), runs)
const sort = await timeFn(() => spawnSync('bash', ['-c', `sort -g '${file}' | tail | numfmt --to=iec`]), runs)
console.log(`process: node -e 0 ${fmtMs(node0.median)}, allocscope --version ${fmtMs(ver.median)}, allocinfo --help (oclif loads the commands) ${fmtMs(help.median)}`)
console.log(`anchor: sort -g | tail | numfmt ${fmtMs(sort.median)} → the 2× goal needs ≤ ${fmtMs(sort.median / 2)} end to end`)
