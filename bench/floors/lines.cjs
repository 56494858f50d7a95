// Floor (bench/rows/90-floors.ts): the least a Node program reading a boot log can do — stream
// the file in 1 MiB reads and count its lines (every fact needs its line number). No record, no
// detector, no output but the count. Not allocscope code: a yardstick for the goals.
'use strict'
const fs = require('node:fs')
const fd = fs.openSync(process.argv[2], 'r')
const buf = Buffer.allocUnsafe(1 << 20)
let lines = 0
for (let got = fs.readSync(fd, buf); got > 0; got = fs.readSync(fd, buf)) {
  const b = got === buf.length ? buf : buf.subarray(0, got)
  for (let i = b.indexOf(10); i !== -1; i = b.indexOf(10, i + 1)) lines++
}
process.stdout.write(`${lines}\n`)
