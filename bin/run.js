#!/usr/bin/env node
// Output that cannot be written: a reader that closed the pipe (`allocscope ... | head`) ends the
// run quietly (exit 0); anything else (a full disk, an I/O error) is one line and exit 74
// (sysexits EX_IOERR, README "Exit status"), never a stack trace or the status of a finding.
const EXIT_OUTPUT = 74
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0)
  // "ENOSPC: no space left on device, write" → "no space left on device"
  const what = /^[A-Z]+: ([^,]+)/.exec(err.message)?.[1] ?? err.message
  process.stderr.write(`allocscope: writing output: ${what}\n`)
  process.exit(EXIT_OUTPUT)
})
// The same for stderr (`allocscope ... 2>&1 | head -1` closes both): a warning written after the
// reader left must not turn into an uncaught error and exit 1. Nothing can be said where nothing
// reads; a broken stderr that is not a closed pipe still gives 74.
process.stderr.on('error', (err) => process.exit(err.code === 'EPIPE' ? 0 : EXIT_OUTPUT))

// A clone that was installed (npm ci) but not built has no dist/: every command, help and oclif's
// own hooks live there, and oclif would print a MODULE_NOT_FOUND stack. One line instead, exit 70
// (sysexits EX_SOFTWARE, README "Exit status": the program is incomplete, the input is not at fault).
const EXIT_NOT_BUILT = 70
// Looked for only when dist/cli/fast.js cannot be loaded (or oclif is forced): nothing on a normal start-up.
async function requireBuild() {
  const {existsSync} = await import('node:fs')
  const {fileURLToPath} = await import('node:url')
  if (existsSync(new URL('../dist/commands/', import.meta.url))) return
  const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '')
  process.stderr.write(`allocscope: not built: ${root}/dist is missing; run \`npm run build\` in ${root} (npm ci installs, it does not build)\n`)
  process.exit(EXIT_NOT_BUILT)
}

// Fast path: `--version` needs no command loading (start-up is measured in npm run bench).
const argv = process.argv.slice(2)
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
  const {readFileSync} = await import('node:fs')
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`allocscope/${pkg.version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else {
  // Fast path: `allocinfo` and `diff` run without loading oclif when their flags parse plainly
  // (dist/cli/fast.js; ALLOCSCOPE_NO_FAST=1 forces oclif). undefined: oclif runs the command.
  let status
  if (!process.env.ALLOCSCOPE_NO_FAST) {
    const fast = await import('../dist/cli/fast.js').catch(requireBuild)
    status = await fast?.runFast(argv)
  } else await requireBuild()
  if (status !== undefined) process.exitCode = status
  else {
    const {execute} = await import('@oclif/core')
    await execute({dir: import.meta.url})
  }
}
