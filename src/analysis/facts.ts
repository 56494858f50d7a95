// Host facts from boot messages, as a table of rules (docs/domain.md §5). Each fact keeps the line
// it was read from. When two messages give the same fact, the higher `priority` wins, then the
// first one printed.
import {type Count, addCounts, counterProblem, parseCount} from '../readers/count.js'
import {detach} from '../readers/lines.js'
import {put} from '../own.js'
import type {Fact, FactConflict, HostFacts, KlabCounts, LogRecord} from '../types.js'

type Key = keyof HostFacts
type Value = string | Count | boolean

interface FactRule {
  /**
   * A literal every line `re` matches contains: an unanchored rule's cheap test before its regex
   * (FACT_NEEDLES, the analyser's gate); an anchored rule is tested by its `starts` (mayMatch).
   */
  hint: string
  /** When `re` is anchored (^): what every line it matches starts with (the analyser's gate). */
  starts?: readonly string[]
  re: RegExp
  priority: number
  facts: (m: RegExpExecArray) => [Key, Value][]
  /**
   * The kernel prints it once per boot: printed again with another value, the lines are two boots'
   * (one without a `Linux version` banner or a clock restart between them), a conflict.
   */
  once?: true
}

const cmdlineFacts = (cmdline: string): [Key, Value][] => {
  const out: [Key, Value][] = [['cmdline', cmdline]]
  const p = /(?:^|\s)sysctl\.vm\.mem_profiling=(\S+)/.exec(cmdline)
  if (p) out.push(['memProfilingParam', p[1]])
  const c = /(?:^|\s)maxcpus=(\d+)/.exec(cmdline)
  if (c) out.push(['maxcpus', parseCount(c[1])])
  // arch/x86/mm/init.c: early_param("nogbpages") clears direct_gbpages: 2 MiB direct map.
  if (/(?:^|\s)nogbpages(?:\s|$)/.test(cmdline)) out.push(['gbPages', false])
  return out
}

const GB_PAGES = 'Using GB pages for direct mapping'
/** x86 e820__memory_setup(), before init_mem_mapping(): the log is an x86 boot that can print GB_PAGES. */
const X86_E820 = 'BIOS-provided physical RAM map'

export const FACT_RULES: readonly FactRule[] = [
  {hint: 'Linux version ', starts: ['Linux version '], re: /^Linux version (\S+) (.*)$/, priority: 2, facts: (m) => [['release', m[1]], ['build', m[2]]]},
  // An excerpt without the banner: the release printed in a splat's `CPU: ... Not tainted <release> #n`.
  {hint: 'Comm: ', starts: ['CPU: '], re: /^CPU: \d+ (?:UID: \d+ )?PID: \d+ Comm: \S+\s+(?:Not tainted|Tainted: .*?)\s+(\d+\.\d+\S*) #/, priority: 1, facts: (m) => [['release', m[1]]]},
  // x86 prints `Command line:` from setup_arch(), every arch `Kernel command line:` later.
  {hint: 'ommand line: ', starts: ['Kernel command line: ', 'Kernel Command line: ', 'Command line: ', 'command line: '], re: /^(?:Kernel )?[Cc]ommand line: (.*)$/, priority: 1, facts: (m) => cmdlineFacts(m[1].trim())},
  {
    hint: 'setup_percpu: ',
    starts: ['setup_percpu: '],
    re: /^setup_percpu: NR_CPUS:(\d+) nr_cpumask_bits:(\d+) nr_cpu_ids:(\d+) nr_node_ids:(\d+)/,
    priority: 2,
    once: true,
    facts: (m) => [['nrCpusConfig', parseCount(m[1])], ['possibleCpus', parseCount(m[3])], ['numaNodes', parseCount(m[4])]],
  },
  {hint: 'NR_CPUS=', re: /RCU restricting CPUs from NR_CPUS=(\d+)/, priority: 1, facts: (m) => [['nrCpusConfig', parseCount(m[1])]]},
  // x86 >= 6.9: `CPU topo: Allowing N present CPUs plus M hotplug CPUs`
  {
    hint: 'present CPUs plus',
    re: /Allowing (\d+) present CPUs plus (\d+) hotplug CPUs/,
    priority: 1,
    facts: (m) => [['presentCpus', parseCount(m[1])], ['hotplugCpus', parseCount(m[2])], ['possibleCpus', addCounts(parseCount(m[1]), parseCount(m[2]))]],
  },
  // older x86: `smpboot: Allowing N CPUs, M hotplug CPUs` (N = possible)
  {
    hint: 'hotplug CPUs',
    re: /Allowing (\d+) CPUs, (\d+) hotplug CPUs/,
    priority: 1,
    facts: (m) => [['possibleCpus', parseCount(m[1])], ['hotplugCpus', parseCount(m[2])], ['presentCpus', addCounts(parseCount(m[1]), -parseCount(m[2]))]],
  },
  {
    hint: 'Brought up ',
    starts: ['smp: Brought up ', 'Brought up '],
    re: /^(?:smp: )?Brought up (?:(\d+) nodes?, )?(\d+) CPUs?\b/,
    priority: 2,
    once: true,
    facts: (m) => (m[1] ? [['onlineCpus', parseCount(m[2])], ['numaNodes', parseCount(m[1])]] : [['onlineCpus', parseCount(m[2])]]),
  },
  {hint: 'processors activated', re: /Total of (\d+) processors activated/, priority: 1, facts: (m) => [['onlineCpus', parseCount(m[1])]]},
  {
    hint: 'Memory: ',
    starts: ['Memory: '],
    re: /^Memory: (\d+)K\/(\d+)K available/,
    priority: 1,
    once: true,
    facts: (m) => [['memoryAvailableKiB', parseCount(m[1])], ['memoryTotalKiB', parseCount(m[2])]],
  },
  {hint: 'bytes of page_ext', starts: ['allocated '], re: /^allocated (\d+) bytes of page_ext/, priority: 1, facts: (m) => [['pageExtBytes', parseCount(m[1])]]},
  {hint: 'deferred pages initialised', starts: ['node '], re: /^node (\d+) deferred pages initialised in/, priority: 1, facts: () => [['deferredInit', true]]},
  // arch/x86/mm/init.c probe_page_size_mask(): printed when direct_gbpages && X86_FEATURE_GBPAGES (pdpe1gb).
  {hint: 'Using GB pages', starts: [GB_PAGES], re: /^Using GB pages for direct mapping/, priority: 2, facts: () => [['gbPages', true]]},
  // mm/mm_init.c zone_sizes_init() → free_area_init(): "  Normal   empty" or "  Normal   [mem …]".
  {hint: 'Normal ', re: /^\s*Normal\s+(empty|\[mem )/, priority: 1, facts: (m) => [['normalZone', m[1] !== 'empty']]},
  // mm/kasan/{generic,sw_tags,hw_tags}.c: kasan_init_*() prints the mode once the shadow is up.
  {hint: 'KernelAddressSanitizer initialized', starts: ['KernelAddressSanitizer initialized'], re: /^KernelAddressSanitizer initialized(?: \(([\w-]+))?/, priority: 1, facts: (m) => [['kasan', m[1] ?? 'yes']]},
  // mm/kmemleak.c kmemleak_late_init(): "initialized" when on, "disabled" with kmemleak=off.
  {hint: 'Kernel memory leak detector ', starts: ['kmemleak: Kernel memory leak detector '], re: /^kmemleak: Kernel memory leak detector (initialized|disabled)/, priority: 1, facts: (m) => [['kmemleak', m[1] === 'initialized']]},
  // systemd (PID 1) logs through /dev/kmsg until journald runs, after the kernel's `Run /init as
  // init process`: usually far into the log. One per boot (a log of several boots: each its own).
  {hint: 'Hostname set to <', starts: ['systemd[1]: Hostname set to <'], re: /^systemd\[1\]: Hostname set to <([^>\s]+)>/, priority: 1, facts: (m) => [['hostname', m[1]]]},
  {hint: 'DMI: ', starts: ['DMI: '], re: /^DMI: (.+)$/, priority: 2, facts: (m) => [['hardware', m[1].trim()]]},
  {hint: 'Hardware name: ', starts: ['Hardware name: '], re: /^Hardware name: (.+)$/, priority: 1, facts: (m) => [['hardware', m[1].trim()]]},
]

const SMP_UP = /^(?:smp: )?Brought up (?:\d+ nodes?, )?\d+ CPUs?\b/
const SMP_START = 'smp: Bringing up secondary CPUs'
const KLAB_START = 'klab: '

/**
 * A record that starts with none of FACT_STARTS and contains none of FACT_NEEDLES changes nothing
 * here: the anchored rules (and SMP_UP, SMP_START, KLAB) need a line start, the others a hint.
 */
export const FACT_STARTS: readonly string[] = [...FACT_RULES.flatMap((r) => r.starts ?? []), 'smp: Brought up', 'Brought up', SMP_START, KLAB_START, X86_E820]
export const FACT_NEEDLES: readonly string[] = FACT_RULES.filter((r) => !r.starts).map((r) => r.hint)
/** klab: lines kept (a lab kernel prints a handful; bounded memory on anything else). */
export const MAX_KLAB = 64
/** Conflicts kept (each once-per-boot rule gives at most one). */
const MAX_CONFLICTS = 16
const KLAB = /^klab: (early_page_allocs|early_pfn_legacy|early_pfn_walk|early_pfn) (.*)$/

/**
 * The cheap test before a rule's regex: an anchored rule's line starts (a few characters compared
 * instead of the hint looked for along the line), another's hint. Every anchored regex matches only
 * lines that begin with its `starts` (gate.test.ts) and contain its hint. (No measurable gain on the
 * 100 MiB bench log: `facts.push` stayed ~89 ms of self time; the cost is in setting ~85 000 facts.)
 */
function mayMatch(rule: FactRule, text: string): boolean {
  if (rule.starts === undefined) return text.includes(rule.hint)
  for (const s of rule.starts) if (text.startsWith(s)) return true
  return false
}

/** Accumulates host facts and `klab:` counts from a stream of records. */
export class FactCollector {
  readonly host: HostFacts = {}
  readonly klab: KlabCounts[] = []
  /** klab: lines beyond MAX_KLAB, counted only. */
  klabNotStored = 0
  /** Record index of the first `smp: Brought up` and of the page_ext line, for the window. */
  private smpAt?: number
  private pageExtAt?: number
  /** Record index of the banner, of the x86 e820 map and of `Memory:`, for the GB pages inference. */
  private bootAt?: number
  private e820At?: number
  private memoryAt?: number
  private n = 0
  private smpStart?: {line: number; text: string}
  private prio = new Map<Key, number>()
  private active = [...FACT_RULES]
  /** Once-per-boot rules that matched: watched for a second line with other values. */
  private printed: {rule: FactRule; values: [Key, Value][]; line: number; text: string}[] = []
  /** A once-per-boot message printed again in the boot with other values (FactRule.once). */
  readonly conflicts: FactConflict[] = []

  /**
   * @param at the record's index in the stream (default: one more than the last pushed), for a
   * caller that does not push the records containing none of FACT_NEEDLES.
   */
  push(r: LogRecord, at = this.n): void {
    // Record order, not line numbers: one-line formats (compact JSON) put every record on line 1.
    this.n = at + 1
    const text = r.text
    if (this.printed.length) this.checkAgain(r)
    for (let i = 0; i < this.active.length; i++) {
      const rule = this.active[i]
      if (!mayMatch(rule, text)) continue
      const m = rule.re.exec(text)
      if (!m) continue
      // First one wins at equal priority, so a rule that matched once can never change a fact again.
      this.active.splice(i--, 1)
      const facts = rule.facts(m)
      if (rule.once) this.printed.push({rule, values: facts, line: r.line, text: detach(text)})
      for (const [k, v] of facts) {
        if ((this.prio.get(k) ?? 0) >= rule.priority) continue
        this.prio.set(k, rule.priority)
        if (k === 'pageExtBytes') this.pageExtAt = at
        if (k === 'build') this.bootAt = at
        if (k === 'memoryTotalKiB') this.memoryAt = at
        ;(this.host as Record<string, Fact<Value>>)[k] = {value: typeof v === 'string' ? detach(v) : v, line: r.line, text: detach(text)}
      }
    }
    if (this.smpAt === undefined && text.includes('Brought up') && SMP_UP.test(text)) this.smpAt = at
    if (this.e820At === undefined && text.startsWith(X86_E820)) this.e820At = at
    if (!this.smpStart && text.startsWith(SMP_START)) this.smpStart = {line: r.line, text: detach(text)}
    if (text.startsWith(KLAB_START)) {
      const k = KLAB.exec(text)
      if (k && this.klab.length < MAX_KLAB) this.klab.push({kind: detach(k[1]) as KlabCounts['kind'], ...parseKv(k[2]), line: r.line})
      else if (k) this.klabNotStored++
    }
  }

  /** A once-per-boot message printed again: with another value, a conflict (and that rule is watched no more). */
  private checkAgain(r: LogRecord): void {
    for (let i = 0; i < this.printed.length; i++) {
      const p = this.printed[i]!
      if (!mayMatch(p.rule, r.text)) continue
      const m = p.rule.re.exec(r.text)
      const now = m ? p.rule.facts(m) : undefined
      const diff = now?.findIndex(([k, v], j) => p.values[j]?.[0] !== k || String(p.values[j]![1]) !== String(v))
      if (diff === undefined || diff < 0) continue
      this.printed.splice(i--, 1)
      const [fact, second] = now![diff]!
      const first = p.values.find(([k]) => k === fact)?.[1]
      if (this.conflicts.length < MAX_CONFLICTS) {
        this.conflicts.push({fact, first: {value: String(first), line: p.line, text: p.text}, second: {value: String(second), line: r.line, text: detach(r.text)}})
      }
    }
  }

  /**
   * Where page_ext came up: before `smp: Brought up` (early_page_ext: only the boot CPU's early
   * work is untagged) or after it (deferred init: every CPU's bring-up work is untagged too).
   */
  finish(): HostFacts {
    const pe = this.host.pageExtBytes
    if (pe) {
      const before = this.smpAt === undefined || (this.pageExtAt ?? 0) < this.smpAt
      this.host.pageExtWindow = {value: before ? 'before-smp' : 'after-smp', line: pe.line, text: pe.text}
    }
    // smp_init() printed its start but never `smp: Brought up`: the boot stopped bringing CPUs up.
    if (this.smpStart && this.smpAt === undefined) this.host.logEndsDuring = {value: 'SMP bring-up', ...this.smpStart}
    this.inferGbPages()
    return this.host
  }

  /**
   * GB_PAGES is printed from init_mem_mapping() in setup_arch(), long before mm_core_init() prints
   * `Memory:`. An x86 log that runs from the banner past `Memory:` without it had a 2 MiB direct
   * map (CPU without pdpe1gb, or 32-bit). A log that starts later or stops earlier says nothing.
   */
  private inferGbPages(): void {
    const mem = this.host.memoryTotalKiB
    const boot = this.host.build
    if (this.host.gbPages || !mem || !boot || this.bootAt === undefined || this.e820At === undefined || this.memoryAt === undefined) return
    if (!(this.bootAt < this.e820At && this.e820At < this.memoryAt)) return
    this.host.gbPages = {
      value: false,
      line: mem.line,
      text: mem.text,
      reason: `no "${GB_PAGES}" between Linux version (line ${boot.line}) and Memory: (line ${mem.line}); init_mem_mapping() prints it before Memory: when the CPU has pdpe1gb: 2 MiB direct map`,
    }
  }
}

/** `k=v ...` of a klab: line, exact; a value no kernel counter can have is kept and listed in `bad`. */
function parseKv(s: string): Pick<KlabCounts, 'values' | 'bad'> {
  const values: Record<string, Count> = {}
  const bad: NonNullable<KlabCounts['bad']> = []
  for (const m of s.matchAll(/(\w+)=(-?\d+)/g)) {
    const metric = detach(m[1])
    put(values, metric, parseCount(m[2]))
    const problem = counterProblem(values[metric])
    // The digits as printed (a prefix of a digit run no counter could have).
    if (problem) bad.push({metric, digits: m[2].length > 44 ? `${m[2].slice(0, 40)}...(${m[2].length} digits)` : detach(m[2]), problem})
  }
  return bad.length ? {values, bad} : {values}
}
