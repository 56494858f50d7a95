// Floor (bench/rows/90-floors.ts): the least a Node program answering `diff a b --json` can do —
// read both files whole, one bytes/calls map per file keyed by `file:line func`, the sites that
// changed (or appeared, or went) as JSON. No check, no total, no anomaly: not allocscope code, a
// yardstick for the start-up goal.
'use strict'
const fs = require('node:fs')
function sites(path) {
  const text = fs.readFileSync(path, 'latin1')
  const m = new Map()
  for (let pos = 0, nl = text.indexOf('\n'); nl !== -1; pos = nl + 1, nl = text.indexOf('\n', pos)) {
    const bytes = parseInt(text.slice(pos, pos + 13), 10)
    if (Number.isNaN(bytes)) continue
    m.set(text.slice(pos + 22, nl).trim(), [bytes, parseInt(text.slice(pos + 13, pos + 22), 10)])
  }
  return m
}
const a = sites(process.argv[2])
const b = sites(process.argv[3])
const rows = []
for (const [key, [bytes, calls]] of b) {
  const old = a.get(key)
  if (old === undefined || old[0] !== bytes || old[1] !== calls) rows.push({key, oldBytes: old?.[0] ?? 0, newBytes: bytes, deltaBytes: bytes - (old?.[0] ?? 0), oldCalls: old?.[1] ?? 0, newCalls: calls})
}
for (const [key, [bytes, calls]] of a) if (!b.has(key)) rows.push({key, oldBytes: bytes, newBytes: 0, deltaBytes: -bytes, oldCalls: calls, newCalls: 0})
rows.sort((x, y) => Math.abs(y.deltaBytes) - Math.abs(x.deltaBytes))
process.stdout.write(JSON.stringify({rows}) + '\n')
