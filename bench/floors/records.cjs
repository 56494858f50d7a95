// Floor (bench/rows/90-floors.ts): the least an analysis of a boot log does per record, on both
// cores. Every record's time is read (boot segmentation and the replay check compare each stamp
// with the last one) and the text is searched for the detectors' key words (the pattern `grep -cE`
// is given, one global RegExp per 1 MiB piece, not per line). UTF-8 decoded as a reader must.
// No record object, no boot, no finding, no output but three counts. Two threads, each half the
// file, cut after a newline. Not allocscope code: a yardstick for `analyse` ≥ 0.5× `grep -cE`.
//   node records.cjs <log> <pattern>
'use strict'
const fs = require('node:fs')
const {StringDecoder} = require('node:string_decoder')
const {Worker, isMainThread, parentPort, workerData} = require('node:worker_threads')

/** Lines, key-word hits and the sum of the stamps' digits (kept so that no work is skipped) of [from, to). */
function scan(path, from, to, pattern) {
  const re = new RegExp(pattern, 'g')
  const fd = fs.openSync(path, 'r')
  const buf = Buffer.allocUnsafe(1 << 20)
  const dec = new StringDecoder('utf8')
  const n = {lines: 0, hits: 0, stamps: 0}
  let carry = ''
  for (let pos = from; pos < to; ) {
    const got = fs.readSync(fd, buf, 0, Math.min(buf.length, to - pos), pos)
    if (got <= 0) break
    pos += got
    const s = dec.write(got === buf.length ? buf : buf.subarray(0, got))
    // The line cut by the previous read is joined alone: the piece itself is never copied.
    const first = s.indexOf('\n')
    if (first === -1) {
      carry += s
      continue
    }
    lines(carry + s.slice(0, first + 1), 0, first + carry.length + 1, re, n)
    const last = s.lastIndexOf('\n')
    lines(s, first + 1, last + 1, re, n)
    carry = s.slice(last + 1)
  }
  if (carry !== '') lines(carry + '\n', 0, carry.length + 1, re, n)
  fs.closeSync(fd)
  return n
}

/** The lines of s[from, to) (to is after a newline): each one's stamp, then the key words over the span. */
function lines(s, from, to, re, n) {
  for (let p = from, nl = s.indexOf('\n', p); nl !== -1 && nl < to; p = nl + 1, nl = s.indexOf('\n', p)) {
    n.lines++
    const open = s.indexOf('[', p)
    if (open === -1 || open > nl) continue
    let v = 0
    for (let i = open + 1, c = s.charCodeAt(i); c !== 93 && i < nl; c = s.charCodeAt(++i)) if (c >= 48 && c <= 57) v = v * 10 + c - 48
    n.stamps += v
  }
  re.lastIndex = from
  for (let m = re.exec(s); m !== null && m.index < to; m = re.exec(s)) n.hits++
}

/** The first offset after a newline at or past `at`. */
function lineStart(path, at) {
  const fd = fs.openSync(path, 'r')
  const b = Buffer.allocUnsafe(1 << 16)
  for (let pos = at; ; pos += b.length) {
    const got = fs.readSync(fd, b, 0, b.length, pos)
    if (got <= 0) return pos
    const nl = b.subarray(0, got).indexOf(10)
    if (nl !== -1) return pos + nl + 1
  }
}

if (!isMainThread) parentPort.postMessage(scan(workerData.path, workerData.from, workerData.to, workerData.pattern))
else {
  const [path, pattern] = process.argv.slice(2)
  const size = fs.statSync(path).size
  const cut = lineStart(path, size >> 1)
  const w = new Worker(__filename, {workerData: {path, from: cut, to: size, pattern}})
  const mine = scan(path, 0, cut, pattern)
  w.once('message', (theirs) => {
    process.stdout.write(`${mine.lines + theirs.lines} ${mine.hits + theirs.hits} ${mine.stamps + theirs.stamps}\n`)
  })
}
