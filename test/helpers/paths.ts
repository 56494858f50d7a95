// Where the real data lives: all of it inside the repository, so a fresh clone passes its tests.
// Each real capture has exactly one home (see testdata/README.md):
//   samples/<name>        the captures a user tries first (shipped in the package)
//   testdata/captures/    the rest of the lab corpus (not shipped)
//   lab/captures/         the lab's calibration boots (lab-*), made by lab/calibration-boots.sh
// captureDir(name) finds a capture wherever it lives; captureDirs() lists the corpus (samples +
// testdata), the set every per-capture expectation covers.
import {existsSync, readdirSync} from 'node:fs'
import {dirname, join, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const TESTDATA = join(REPO, 'testdata')
/** The corpus README: provenance and the true counts of every corpus capture. */
export const CORPUS_README = join(TESTDATA, 'captures', 'README.md')
export const TESTDATA_CAPTURES = join(TESTDATA, 'captures')
export const PEER = join(TESTDATA, 'peer', 'syzkaller')
export const SAMPLES = join(REPO, 'samples')
/** The lab's own calibration boots (lab/calibration-boots.sh), committed in the repo. */
export const LAB_CAPTURES = join(REPO, 'lab', 'captures')

const HOMES = [SAMPLES, TESTDATA_CAPTURES, LAB_CAPTURES]

const subdirs = (dir: string): string[] =>
  readdirSync(dir, {withFileTypes: true}).filter((d) => d.isDirectory()).map((d) => d.name)

/** Every corpus capture directory (samples/ and testdata/captures/), sorted by name. */
export function captureDirs(): string[] {
  return [SAMPLES, TESTDATA_CAPTURES]
    .flatMap((home) => subdirs(home).map((n) => join(home, n)))
    .sort((a, b) => (a.split('/').pop()! < b.split('/').pop()! ? -1 : 1))
}

/** Name of a capture directory (its last path component). */
export const captureName = (dir: string): string => dir.split('/').pop()!

/** A capture by name, wherever its one home is (samples, testdata, lab). */
export function captureDir(name: string): string {
  for (const home of HOMES) {
    const dir = join(home, name)
    if (existsSync(dir)) return dir
  }
  throw new Error(`capture ${name}: not in ${HOMES.join(', ')}`)
}
