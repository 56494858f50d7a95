// The host's name from a log's line prefix, where its format has one: the syslog / `journalctl -k`
// short-* host field, or the journal's _HOSTNAME (-o export, -o json). Read from the first bytes of
// the input only (the same head the kind is sniffed from): these formats print the name on every
// line (entry). systemd's `Hostname set to <name>.` is not here: it comes late in a boot, so the
// analyser reads it as a host fact of each boot (analysis/facts.ts), and record.ts takes it from there.
//
// Each shape is read by its reader's own grammar (one home per format): a line is parsed as
// PrefixedReader parses it (every stamp it reads: short, short-precise, short-iso, short-full,
// short-unix, short-monotonic, kern.log), an export field as JournalExportReader reads a
// `NAME=value` line, a JSON entry as JournalJsonReader reads it.
import {exportTextField} from '../readers/bootlog/journal-export.js'
import {journalJsonHost} from '../readers/bootlog/json-formats.js'
import {syslogPrefix} from '../readers/bootlog/text-formats.js'

// Each grammar runs only on what holds the text it cannot match without (batch reads every
// input's head, and a dmesg log has none of them, or a few lines holding `kernel:`).
export function hostnameOf(head: string): string | undefined {
  return prefixHost(head) ?? (head.includes('_HOSTNAME=') ? exportTextField(head, '_HOSTNAME') : undefined) ?? (head.includes('"_HOSTNAME"') ? jsonHost(head) : undefined)
}

/** The end of the line holding `at`. */
const lineEnd = (head: string, at: number): number => {
  const lf = head.indexOf('\n', at)
  return lf === -1 ? head.length : lf
}

/** The host field of the first kernel line (tag `kernel:` or `kernel[pid]:`, RFC 5424 app name `kernel`) that has one. */
function prefixHost(head: string): string | undefined {
  for (let k = head.indexOf('kernel'); k !== -1; k = head.indexOf('kernel', k + 6)) {
    const next = head.charCodeAt(k + 6)
    const start = head.lastIndexOf('\n', k) + 1
    // RFC 5424's app name is followed by a space (`<4>1 <stamp> vm kernel - - - …`): only on a line starting with its `<PRI>`.
    if (next !== 58 /* : */ && next !== 91 /* [ */ && !(next === 32 && head.charCodeAt(start) === 60 /* < */)) continue
    const end = lineEnd(head, k)
    const p = syslogPrefix(head.slice(start, end))
    if (p?.tag === 'kernel' && p.host !== undefined) return p.host
    k = end
  }
  return undefined
}

/** `_HOSTNAME` of the first JSON entry that has one. */
function jsonHost(head: string): string | undefined {
  for (let k = head.indexOf('"_HOSTNAME"'); k !== -1; k = head.indexOf('"_HOSTNAME"', k + 1)) {
    const end = lineEnd(head, k)
    const h = journalJsonHost(head.slice(head.lastIndexOf('\n', k) + 1, end))
    if (h !== undefined) return h
    k = end
  }
  return undefined
}
