// Flags that several commands take, defined once so their options and help stay the same
// everywhere (the per-command flags stay in each command).
import {Flags} from '@oclif/core'
import {KNOWN_RECORDERS} from '../types.js'

/** --recorder: the early-PFN recorder the kernel carries, overriding the inference (analyse, diff; predict with its own description). */
export const recorderFlag = Flags.option({
  options: KNOWN_RECORDERS,
  description: 'The early-PFN recorder the kernel carries, when you know better than the inference.',
})

/** --boot: which boot of a log holding several, numbered as `journalctl -b` (analyse, diff, predict --from). */
export const bootFlag = () =>
  Flags.integer({
    description:
      'Which boot of a log holding several, as journalctl -b counts: 1 the first, 2 the second, ...; 0 the last, -1 the one before it (write --boot=-1). Default: analyse reports every boot and batch writes a record for each; diff and predict --from use the last and say so.',
  })

/** A flag that means something only beside another (allocinfo --depth with --tree). */
export type Needs = {needs: {flag: string; why: string}}

/**
 * The flag, marked as meaningful only when `flag` is given too: given without it, the command says
 * so in one line and exits 2 (missingNeed) rather than ignoring it. oclif's dependsOn cannot say
 * this of a flag with a default (it is always "given") nor of a boolean (false counts as given).
 */
export function needs<F extends object>(flag: string, why: string, def: F): F {
  // F, not F & Needs: oclif's flag type inference (the value's type, its default) reads F alone.
  return Object.assign(def, {needs: {flag, why}})
}

/** Whether argv (up to `--`) gives the flag: `--name`, `--name=v`, `--no-name`, `-c`, `-cv`. */
function given(argv: readonly string[], name: string, char: string | undefined): boolean {
  for (const t of argv) {
    if (t === '--') return false
    if (t === `--${name}` || t.startsWith(`--${name}=`) || t === `--no-${name}`) return true
    if (char && /^-[^-]/.test(t) && t[1] === char) return true
  }
  return false
}

/** The message for the first flag argv gives without the flag it needs; undefined when none. */
export function missingNeed(argv: readonly string[], flags: Record<string, {char?: string; needs?: Needs['needs']}>): string | undefined {
  for (const [name, f] of Object.entries(flags)) {
    if (!f.needs || !given(argv, name, f.char) || given(argv, f.needs.flag, flags[f.needs.flag]?.char)) continue
    return `--${name} needs --${f.needs.flag}: ${f.needs.why}`
  }
  return undefined
}
