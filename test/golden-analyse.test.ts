// Golden tests: `analyse` of every capture in samples/ against samples/<name>/expected/analyse.json
// (the --json document) and analyse.txt (--format text --traces). Regenerate only with
// `UPDATE_GOLDEN=1 npm test`, and review the diff of the expectations like code.
import {existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {join, relative} from 'node:path'
import {describe, expect, it} from 'vitest'
import {summariseAllocInfo} from '../src/analysis/allocinfo-summary.js'
import {analyseBootLog} from '../src/analysis/read.js'
import {type AnalyseResult, buildAnalyseReport} from '../src/analysis/report.js'
import {resolveCapture} from '../src/capture/dir.js'
import {readAllocInfo} from '../src/capture/allocinfo.js'
import {renderReport} from '../src/render/format.js'
import {toJson} from '../src/render/json.js'
import {REPO, SAMPLES} from './helpers/paths.js'

const UPDATE = process.env.UPDATE_GOLDEN === '1'

/** What `allocscope analyse samples/<name> --json` prints, with repo-relative paths. */
export async function analyseSample(dir: string): Promise<{json: string; text: string}> {
  const cap = resolveCapture(dir)
  const result: AnalyseResult = await analyseBootLog(cap.bootLog!, {source: relative(REPO, cap.bootLog!)})
  if (cap.allocinfo) result.allocinfo = {...summariseAllocInfo(await readAllocInfo(cap.allocinfo)), source: relative(REPO, cap.allocinfo)}
  return {
    json: toJson('analyse', result),
    text: renderReport(buildAnalyseReport(result, {traces: true}), 'text', {color: false, width: 80}),
  }
}

const samples = readdirSync(SAMPLES, {withFileTypes: true})
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort()

describe('analyse goldens (samples/*/expected)', () => {
  it('there are samples', () => expect(samples.length).toBeGreaterThanOrEqual(7))

  it.each(samples)('%s', async (name) => {
    const dir = join(SAMPLES, name)
    const {json, text} = await analyseSample(dir)
    const exp = join(dir, 'expected')
    const files: [string, string][] = [
      ['analyse.json', json],
      ['analyse.txt', text],
    ]
    for (const [f, got] of files) {
      const path = join(exp, f)
      if (UPDATE) {
        mkdirSync(exp, {recursive: true})
        writeFileSync(path, got)
        continue
      }
      expect(existsSync(path), `${path} missing: run UPDATE_GOLDEN=1 npm test`).toBe(true)
      expect(got, `${name}/${f} differs from the golden (UPDATE_GOLDEN=1 to regenerate after review)`).toBe(readFileSync(path, 'utf8'))
    }
    for (const l of text.split('\n')) expect(l.length).toBeLessThan(80)
  })
})
