// Bench rows for `record` and `trend` (issue 19), called from bench/run.ts:
//   trend   1 000 snapshots × 5 000 sites, end to end (`trend --json`), goal < 3 s; peak RSS.
//   record  CPU per 5 000-site sample (read, parse, delta-encode, compress, write), goal < 20 ms.
// Input DERIVED from the real linux-7.2-pool-c64-m1024 allocinfo (bench/gen.ts bigAllocinfo, 5 000
// sites): every snapshot changes ~5 % of the sites by a random walk, a few sites leak; the
// recording is written with the real RecordingWriter/DeltaEncoder from dist/.
import {execFileSync} from 'node:child_process'
import {existsSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {bigAllocinfo, OUT, REPO} from './gen.js'
import {fmtMs, measure, peakRss} from './harness.js'
import type {Row} from './context.js'

/** A bench row, as every row module returns it (bench/context.ts). */
export type TrendRow = Row

const SNAPSHOTS = 1000
const SITES = 5000

async function dist<T>(rel: string): Promise<T> {
  return (await import(pathToFileURL(join(REPO, 'dist', rel)).href)) as T
}

/** The DERIVED recording (cached in bench/out by name). */
async function recording(): Promise<string> {
  const path = join(OUT, `trend-${SNAPSHOTS}x${SITES}.arec.gz`)
  if (existsSync(path)) return path
  const {readFileSync} = await import('node:fs')
  const {parseAllocInfoText} = await dist<typeof import('../src/readers/allocinfo.js')>('readers/allocinfo.js')
  const {DeltaEncoder, RecordingWriter} = await dist<typeof import('../src/trend/recording.js')>('trend/recording.js')
  const base = parseAllocInfoText(readFileSync(bigAllocinfo('linux-7.2-pool-c64-m1024', SITES, 'allocinfo-5k.txt'), 'utf8'), 'derived')
  const w = new RecordingWriter(path, {created: '2026-01-01T00:00:00Z', source: 'DERIVED (bench/trend.ts)', tool: 'bench'})
  const enc = new DeltaEncoder()
  let seed = 12345
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31)
  const sites = base.sites.map((s) => ({...s}))
  for (let i = 0; i < SNAPSHOTS; i++) {
    for (const s of sites) {
      if (rnd() >= 0.05) continue
      const d = BigInt(Math.round((rnd() - 0.5) * 8192))
      if (s.bytes + d > 0n) s.bytes += d
    }
    for (let k = 0; k < 3; k++) sites[k * 100].bytes += 4096n
    w.write(enc.encode({...base, sites}, {time: new Date(Date.UTC(2026, 0, 1) + i * 10_000)}))
  }
  w.close()
  return path
}

export async function trendRows(o: {runs: number; node: string; bin: string; env: NodeJS.ProcessEnv}): Promise<TrendRow[]> {
  const rows: TrendRow[] = []
  const rec = await recording()
  const mib = statSync(rec).size / 2 ** 20
  const m = measure(`trend --json (${SNAPSHOTS} × ${SITES})`, [o.node, o.bin, 'trend', '--json', rec], {runs: o.runs, env: o.env})
  const rss = peakRss([o.node, o.bin, 'trend', '--json', rec], {env: o.env})
  const rssText = 'error' in rss ? `RSS: ${rss.error}` : `peak RSS ${rss.mib.toFixed(0)} MiB`
  rows.push({
    id: 'trend', what: `trend --json, ${SNAPSHOTS} snapshots × ${SITES} sites (recording ${mib.toFixed(1)} MiB, ~5 % of sites change per snapshot), end to end`,
    ours: `${fmtMs(m.median)} wall${m.cpu ? `, ${fmtMs(m.cpu.median)} CPU` : ''}; ${rssText}`, anchor: 'goal 3 s', ratio: `${(m.median / 3000).toFixed(2)} of goal`, goal: '< 3 s',
    status: m.median < 3000 ? 'met' : 'NOT met',
  })
  const src = bigAllocinfo('linux-7.2-pool-c64-m1024', SITES, 'allocinfo-5k.txt')
  const out = join(OUT, 'record-bench.arec.gz')
  let cpu: number | undefined
  try {
    const r = execFileSync(o.node, [o.bin, 'record', '--source', src, '--interval', '20ms', '--count', '50', '--out', out, '--force', '--json'], {env: o.env, encoding: 'utf8'})
    cpu = JSON.parse(r).result.cpuMsMedian
  } catch {
    cpu = undefined
  }
  rows.push({
    id: 'record', what: `record: CPU per ${SITES}-site sample (read, parse, encode, compress, write), median of 50`,
    ours: cpu === undefined ? '—' : fmtMs(cpu), anchor: 'goal 20 ms', ratio: cpu === undefined ? '—' : `${(cpu / 20).toFixed(2)} of goal`, goal: '< 20 ms',
    status: cpu === undefined ? 'n/a' : cpu < 20 ? 'met' : 'NOT met',
  })
  return rows
}
