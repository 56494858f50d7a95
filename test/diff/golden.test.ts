// Golden text of the allocinfo diff of two samples (pure data: no model, no analysis involved).
// Regenerate explicitly with UPDATE_GOLDEN=1 and review the diff of the expectation like code.
import {readFileSync, writeFileSync} from 'node:fs'
import {dirname, join, relative} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'
import {readAllocInfo} from '../../src/capture/allocinfo.js'
import {diffAllocInfo} from '../../src/diff/allocinfo.js'
import {allocDiffBlocks} from '../../src/diff/report-allocinfo.js'
import {renderReport} from '../../src/render/format.js'
import {REPO, SAMPLES} from '../helpers/paths.js'

const GOLDEN = join(dirname(fileURLToPath(import.meta.url)), 'golden')

const CASES = [
  {name: 'pool-c64-vs-legacylate-c255.top15.txt', a: 'linux-7.2-pool-c64-m1024', b: 'linux-7.2-legacylate-c255-m1024', opts: {top: 15}},
  {name: 'nodebug-6.12-vs-pool-7.2.func.calls.txt', a: 'linux-6.12-nodebug_smp064_1G', b: 'linux-7.2-pool-c64-m1024', opts: {top: 12, keyBy: 'func' as const, metric: 'calls' as const}},
]

describe('golden allocinfo diffs (text format)', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      // Relative paths, as a user would type them from the repository.
      const pa = relative(REPO, join(SAMPLES, c.a, 'allocinfo.txt'))
      const pb = relative(REPO, join(SAMPLES, c.b, 'allocinfo.txt'))
      const a = await readAllocInfo(join(REPO, pa))
      const b = await readAllocInfo(join(REPO, pb))
      const d = diffAllocInfo({...a, source: pa}, {...b, source: pb}, c.opts)
      const text = renderReport({blocks: allocDiffBlocks(d)}, 'text', {color: false, width: 80})
      const file = join(GOLDEN, c.name)
      if (process.env.UPDATE_GOLDEN) writeFileSync(file, text)
      expect(text).toBe(readFileSync(file, 'utf8'))
    })
  }
})
