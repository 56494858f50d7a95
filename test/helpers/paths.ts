// Where the real data lives. CI clones the repo with a copy of shared/ beside it, so the golden
// corpus is always at <repo>/../shared.
import {existsSync, readdirSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const SHARED = resolve(REPO, '..', 'shared')
export const CAPTURES = join(SHARED, 'captures')
export const PEER = join(SHARED, 'peer', 'syzkaller-linux-report')
export const SAMPLES = join(REPO, 'samples')

/** Every capture directory in ../shared/captures (the golden corpus). */
export function captureDirs(): string[] {
  if (!existsSync(CAPTURES)) throw new Error(`golden corpus missing: ${CAPTURES}`)
  return readdirSync(CAPTURES, {withFileTypes: true})
    .filter((d) => d.isDirectory())
    .map((d) => join(CAPTURES, d.name))
    .sort()
}

/** The lab's own calibration boots (lab/calibration-boots.sh), committed in the repo. */
export const LAB_CAPTURES = join(REPO, 'lab', 'captures')

/**
 * A capture a profile's provenance names: the golden corpus first, else the lab's calibration
 * boots (their names start with `lab-`, so the two never collide).
 */
export function captureDir(name: string): string {
  const corpus = join(CAPTURES, name)
  if (existsSync(corpus)) return corpus
  const lab = join(LAB_CAPTURES, name)
  if (existsSync(lab)) return lab
  throw new Error(`capture ${name}: neither in ${CAPTURES} nor in ${LAB_CAPTURES}`)
}
