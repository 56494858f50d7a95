// Profiles a CLI run with `node --cpu-prof` and prints where the time goes: self time per function
// and per source file (node_modules grouped by package), from the .cpuprofile JSON.
//   node --import tsx bench/profile.ts [--top N] -- <allocscope args...>
//   node --import tsx bench/profile.ts --read file.cpuprofile
import {spawnSync} from 'node:child_process'
import {mkdirSync, readdirSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {OUT, REPO} from './gen.js'

interface Node {
  id: number
  callFrame: {functionName: string; url: string; lineNumber: number}
  hitCount?: number
  children?: number[]
}
interface Profile {
  nodes: Node[]
  samples: number[]
  timeDeltas: number[]
  startTime: number
  endTime: number
}

export interface Hot {
  name: string
  ms: number
  pct: number
}

function where(url: string): string {
  if (!url) return '(native/V8)'
  const u = url.replace('file://', '')
  const nm = u.lastIndexOf('node_modules/')
  if (nm >= 0) {
    const rest = u.slice(nm + 13).split('/')
    return `npm:${rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]}`
  }
  if (u.startsWith('node:')) return u
  return u.replace(REPO + '/', '')
}

/** Self time per function and per file, in ms, from a .cpuprofile. */
export function aggregate(p: Profile): {total: number; fns: Hot[]; files: Hot[]} {
  const byId = new Map(p.nodes.map((n) => [n.id, n]))
  const self = new Map<number, number>()
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)))
  const fn = new Map<string, number>()
  const file = new Map<string, number>()
  let total = 0
  for (const [id, us] of self) {
    const n = byId.get(id)!
    const f = where(n.callFrame.url)
    const name = `${n.callFrame.functionName || '(anonymous)'} ${f}${n.callFrame.url ? `:${n.callFrame.lineNumber + 1}` : ''}`
    fn.set(name, (fn.get(name) ?? 0) + us)
    file.set(f, (file.get(f) ?? 0) + us)
    total += us
  }
  const list = (m: Map<string, number>) =>
    [...m].map(([name, us]) => ({name, ms: us / 1000, pct: (100 * us) / total})).sort((a, b) => b.ms - a.ms)
  return {total: total / 1000, fns: list(fn), files: list(file)}
}

export function profileRun(args: string[]): {file: string; wallMs: number} {
  const dir = join(OUT, 'prof')
  rmSync(dir, {recursive: true, force: true})
  mkdirSync(dir, {recursive: true})
  const t0 = performance.now()
  const r = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '200', join(REPO, 'bin', 'run.js'), ...args], {
    cwd: REPO,
    env: {...process.env, NO_COLOR: '1'},
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  })
  const wallMs = performance.now() - t0
  if (r.status !== 0) throw new Error(`allocscope ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().trim()}`)
  const f = readdirSync(dir).find((x) => x.endsWith('.cpuprofile'))
  if (!f) throw new Error('no .cpuprofile written')
  return {file: join(dir, f), wallMs}
}

export function report(file: string, top = 15): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile
  const a = aggregate(p)
  const lines = [`profile ${file}: ${a.total.toFixed(0)} ms sampled`, 'self time by file/package:']
  for (const h of a.files.slice(0, 10)) lines.push(`  ${h.ms.toFixed(1).padStart(8)} ms ${h.pct.toFixed(1).padStart(5)} %  ${h.name}`)
  lines.push('self time by function:')
  for (const h of a.fns.slice(0, top)) lines.push(`  ${h.ms.toFixed(1).padStart(8)} ms ${h.pct.toFixed(1).padStart(5)} %  ${h.name}`)
  return lines.join('\n')
}

if (process.argv[1]?.endsWith('profile.ts')) {
  const argv = process.argv.slice(2)
  const ti = argv.indexOf('--top')
  const top = ti >= 0 ? Number(argv[ti + 1]) : 15
  const ri = argv.indexOf('--read')
  if (ri >= 0) console.log(report(argv[ri + 1], top))
  else {
    const dd = argv.indexOf('--')
    const args = dd >= 0 ? argv.slice(dd + 1) : argv
    const {file, wallMs} = profileRun(args)
    console.log(`allocscope ${args.join(' ')}: ${wallMs.toFixed(0)} ms wall`)
    console.log(report(file, top))
  }
}
