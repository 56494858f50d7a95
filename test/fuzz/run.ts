// `npm run fuzz`: ≥ 100 000 cases per reader with a printed seed.
//   node --import tsx test/fuzz/run.ts [--seed N] [--runs N] [--target name,...]   (or FUZZ_SEED / FUZZ_RUNS)
// Each target runs in its own child process under a watchdog: a case that hangs (no progress for
// FUZZ_STALL_S seconds, default 60) kills the child and is reported with the seed to replay it.
import {spawn} from 'node:child_process'
import {fileURLToPath} from 'node:url'
import type {FuzzTarget} from '../helpers/fuzz.js'

/** Target name → module and export; a module that is not in the tree yet is reported and skipped. */
export const TARGETS: Record<string, [string, string]> = {
  allocinfo: ['../helpers/fuzz-allocinfo.js', 'allocinfoTarget'],
  bootlog: ['../helpers/fuzz-bootlog.js', 'bootlogTarget'],
  analysis: ['../helpers/fuzz-analysis.js', 'analysisTarget'],
  'capture-dir': ['../helpers/fuzz-capture.js', 'captureDirTarget'],
  inventory: ['../helpers/fuzz-inventory.js', 'inventoryTarget'],
  recording: ['../helpers/fuzz-recording.js', 'recordingTarget'],
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 ? process.argv[i + 1] : undefined
}

async function child(name: string, seed: number, runs: number): Promise<void> {
  const {runFuzz} = await import('../helpers/fuzz.js')
  const [mod, exp] = TARGETS[name]
  const target = (await import(mod))[exp] as FuzzTarget
  const r = await runFuzz(target, {seed, runs, caseBudgetMs: 10_000, every: 100, onProgress: (d) => process.stdout.write(`progress ${d}\n`)})
  process.stdout.write(`result ${JSON.stringify(r)}\n`)
}

async function main(): Promise<void> {
  const seed = Number(arg('seed') ?? process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31))
  const runs = Number(arg('runs') ?? process.env.FUZZ_RUNS ?? 100_000)
  const stallS = Number(process.env.FUZZ_STALL_S ?? 60)
  const names = (arg('target') ?? Object.keys(TARGETS).join(',')).split(',')
  const only = arg('child')
  if (only) return child(only, seed, runs)

  process.stdout.write(`allocscope fuzz: seed ${seed}, ${runs} cases per target (replay: FUZZ_SEED=${seed} FUZZ_RUNS=${runs} npm run fuzz)\n`)
  let failed = 0
  for (const name of names) {
    if (!TARGETS[name]) throw new Error(`unknown target ${name}; known: ${Object.keys(TARGETS).join(', ')}`)
    const self = fileURLToPath(import.meta.url)
    const t0 = Date.now()
    const code = await new Promise<number>((resolve) => {
      const p = spawn(process.execPath, [...process.execArgv, self, '--child', name, '--seed', String(seed), '--runs', String(runs)], {stdio: ['ignore', 'pipe', 'pipe']})
      let last = 0
      let lastAt = Date.now()
      let err = ''
      let buf = ''
      const dog = setInterval(() => {
        if (Date.now() - lastAt > stallS * 1000) {
          process.stdout.write(`  ${name}: no progress for ${stallS} s after ${last} cases: HANG (replay with seed ${seed}); killing\n`)
          p.kill('SIGKILL')
        }
      }, 1000)
      p.stdout.on('data', (d: Buffer) => {
        buf += d.toString()
        let nl
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl)
          buf = buf.slice(nl + 1)
          lastAt = Date.now()
          if (line.startsWith('progress ')) {
            last = Number(line.slice(9))
            if (last % 20_000 === 0) process.stdout.write(`  ${name}: ${last} cases so far (${((Date.now() - t0) / 1000).toFixed(0)} s)\n`)
          }
          else if (line.startsWith('result ')) {
            const r = JSON.parse(line.slice(7))
            process.stdout.write(
              `  ${name.padEnd(12)} ${String(r.runs).padStart(7)} cases ok in ${(r.ms / 1000).toFixed(1)} s  (${Object.entries(r.byKind).map(([k, v]) => `${k} ${v}`).join(', ')}); slowest ${r.slowestMs.toFixed(1)} ms\n`,
            )
            for (const [bug, n] of Object.entries(r.known as Record<string, number>)) process.stdout.write(`    KNOWN BUG still present (${n} cases): ${bug}\n`)
          } else process.stdout.write(`  ${line}\n`)
        }
      })
      p.stderr.on('data', (d: Buffer) => (err += d.toString()))
      p.on('close', (c) => {
        clearInterval(dog)
        if (err.includes('ERR_MODULE_NOT_FOUND') && c !== 0) {
          process.stdout.write(`  ${name.padEnd(12)} skipped: its reader is not in the tree yet (${err.match(/Cannot find module '([^']+)'/)?.[1] ?? 'module missing'})\n`)
          resolve(0)
          return
        }
        if (c !== 0) process.stdout.write(`  ${name}: FAILED after ${((Date.now() - t0) / 1000).toFixed(1)} s\n${err.split('\n').slice(0, 20).map((l) => `    ${l}`).join('\n')}\n`)
        resolve(c ?? 1)
      })
    })
    if (code !== 0) failed++
  }
  process.stdout.write(failed ? `fuzz: ${failed} target(s) failed (seed ${seed})\n` : `fuzz: all targets passed (seed ${seed})\n`)
  process.exitCode = failed ? 1 : 0
}

await main()
