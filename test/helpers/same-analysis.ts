// What "reads a real boot exactly as the plain log does" means for a format DERIVED from a real
// dmesg: the same host facts (value and text; line numbers differ between formats), the same
// profiling state and the same findings.
import type {BootAnalysis} from '../../src/types.js'

/** Reasons quote the line they stand on: the number, not the reasoning, differs between formats. */
const noLines = (s: string | undefined): string | undefined => s?.replace(/\blines? \d+(?:[-–]\d+)?/g, 'line N')

export function comparable(a: BootAnalysis): unknown {
  const host = Object.fromEntries(Object.entries(a.host).map(([k, f]) => [k, {value: f.value, text: f.text, reason: noLines(f.reason)}]))
  const {modeLine: _modeLine, ...p} = a.profiling
  // A log's line is the format's (a dump's is the dump's own, the same in every format of the log).
  const debugSource = p.debugSource.from === 'log' || p.debugSource.from === 'inferred' ? {from: p.debugSource.from} : p.debugSource
  const profiling = {...p, modeReason: noLines(p.modeReason), debugReason: noLines(p.debugReason), debugSource, recorderReason: noLines(p.recorderReason)}
  const findings = a.findings.map((f) => ({
    id: f.id,
    severity: f.severity,
    title: f.title,
    signature: f.signature,
    text: f.text,
    time: f.time,
    data: f.data,
    count: f.count,
    corrupted: f.corrupted,
    frames: f.splat?.frames.map((x) => x.raw),
  }))
  return {host, profiling, findings, klab: a.klab.map((k) => ({kind: k.kind, values: k.values})), records: a.records}
}
