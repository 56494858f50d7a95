// predict's flag defaults as oclif gives them (src/commands/predict.ts), for the in-process tests
// of src/model/run.ts and src/model/host-input.ts, and runPredict's run for one host or a sweep.
import type {CommandRun} from '../../src/cli/output.js'
import {runPredict, type PredictFlags, type PredictOutput} from '../../src/model/run.js'

export const PREDICT_FLAGS: PredictFlags = {
  memory: '1G',
  nodes: 1,
  'page-size': '4K',
  'word-bits': '64',
  debug: true,
  'early-page-ext': false,
  'deferred-init': true,
  compressed: false,
  'gb-pages': true,
  kasan: false,
  kmemleak: false,
  tracker: 'both',
  seed: 1,
  points: 64,
  plot: false,
}

/**
 * runPredict for one host or a sweep: its CommandRun, checked. A fleet (--hosts) is a StreamRun,
 * with no report or result: a test that gets one where it asked for one host fails here.
 */
export async function predictRun(f: PredictFlags, out: PredictOutput): Promise<CommandRun> {
  const r = await runPredict(f, out)
  if (!('report' in r)) throw new Error('runPredict gave a fleet\'s stream (--hosts), not one host or a sweep')
  return r
}
