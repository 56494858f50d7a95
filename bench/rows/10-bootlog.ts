// One large boot log, `analyse --json`, against the honest anchors (issue 17): util-linux
// `dmesg -F` reading the same `dmesg -r` file (a C parser that splits it into records and prints
// them: the parser to beat) and `grep -cE` with the detectors' key words (one line scan, the limit).
// `dmesg --json` is no anchor: on plain text it emits one record (a copy), on the -r form its
// output is quadratic (bench/NOTES.md).
import {pathToFileURL} from 'node:url'
import {join} from 'node:path'
import {REPO, sizeMiB} from '../gen.js'
import {type BenchContext, both, hasCmd, ours, ratios} from '../context.js'

/** The detectors' key words (src/analysis/detectors.ts LINE_NEEDLES) and the splat banners. */
export async function keywords(): Promise<string> {
  const {LINE_NEEDLES} = (await import(pathToFileURL(join(REPO, 'dist', 'analysis', 'detectors.js')).href)) as {LINE_NEEDLES: string[]}
  return [...LINE_NEEDLES, 'WARNING:', 'BUG:', 'cut here'].join('|')
}

export default async function bootlog(ctx: BenchContext): Promise<void> {
  const file = ctx.inputs.bootRaw
  const mib = sizeMiB(file)
  const tp = (ms: number) => mib / (ms / 1000)
  const analyse = ours(`analyse --json (${mib.toFixed(0)} MiB, dmesg -r form)`, 'analyse', '--json', file)
  if (!hasCmd('dmesg')) ctx.unavailable('bootlog-dmesg', 'boot log vs dmesg -F', '≥ 2× faster', 'dmesg not found: apt-get install util-linux')
  else {
    ctx.anchors.add('dmesg')
    const r = ctx.pair(analyse, {label: `dmesg -F (${mib.toFixed(0)} MiB)`, cmd: ['dmesg', '-F', file]})
    if (typeof r === 'string') ctx.unavailable('bootlog-dmesg', 'boot log vs dmesg -F', '≥ 2× faster', r)
    else {
      const [o, a] = r
      const w = a.median / o.median
      ctx.rows.push({
        id: 'bootlog-dmesg',
        what: `\`analyse --json\`, ${mib.toFixed(0)} MiB \`dmesg -r\` log`,
        ours: `${tp(o.median).toFixed(1)} MiB/s (${both(o)})`,
        anchor: `\`dmesg -F\` (C parser): ${tp(a.median).toFixed(1)} MiB/s (${both(a)})`,
        ratio: ratios(w, o.cpu && a.cpu ? a.cpu.median / o.cpu.median : undefined, '× faster'),
        goal: '≥ 2× faster',
        status: w >= 2 ? 'met' : 'NOT met',
      })
      ctx.log(`  bootlog vs dmesg -F: ${w.toFixed(2)}× faster`)
    }
  }
  const pattern = await keywords()
  ctx.anchors.add('grep')
  const g = ctx.pair(analyse, {label: `grep -cE keywords (${mib.toFixed(0)} MiB)`, cmd: ['grep', '-cE', pattern, file]})
  if (typeof g === 'string') return ctx.unavailable('bootlog-grep', 'boot log vs grep -cE', '≥ 0.5×', g)
  const [o, a] = g
  const w = a.median / o.median
  ctx.rows.push({
    id: 'bootlog-grep',
    what: `\`analyse --json\`, same file`,
    ours: `${tp(o.median).toFixed(1)} MiB/s (${both(o)})`,
    anchor: `\`grep -cE\` detectors' key words (the line-scan limit): ${tp(a.median).toFixed(1)} MiB/s (${both(a)})`,
    ratio: ratios(w, o.cpu && a.cpu ? a.cpu.median / o.cpu.median : undefined),
    goal: '≥ 0.5× grep',
    status: w >= 0.5 ? 'met' : 'NOT met',
  })
  ctx.log(`  bootlog vs grep -cE: ${w.toFixed(2)}×`)
}
