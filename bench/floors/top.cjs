// Floor (bench/rows/90-floors.ts): the least a Node program answering `allocinfo --top N` can do —
// read the file whole, sum bytes per `file:line func` key (duplicates exist), keep the N largest.
// Numbers stay doubles, no line is checked, nothing is counted but bytes: not allocscope code, a
// yardstick for the start-up goal.
'use strict'
const text = require('node:fs').readFileSync(process.argv[2], 'latin1')
const n = Number(process.argv[3] ?? 10)
const sums = new Map()
for (let pos = 0, nl = text.indexOf('\n'); nl !== -1; pos = nl + 1, nl = text.indexOf('\n', pos)) {
  const bytes = parseInt(text.slice(pos, pos + 13), 10)
  if (Number.isNaN(bytes)) continue
  const key = text.slice(pos + 22, nl).trim()
  sums.set(key, (sums.get(key) ?? 0) + bytes)
}
const top = [...sums].sort((a, b) => b[1] - a[1]).slice(0, n)
process.stdout.write(top.map(([k, v]) => `${v} ${k}`).join('\n') + '\n')
