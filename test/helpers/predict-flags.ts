// predict's flag defaults as oclif gives them (src/commands/predict.ts), for the in-process tests
// of src/model/run.ts and src/model/host-input.ts.
import type {PredictFlags} from '../../src/model/run.js'

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
