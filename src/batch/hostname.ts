// The host's name from a log's line prefix, where its format has one: the syslog / `journalctl -k`
// short host field or the journal's _HOSTNAME. Read from the first bytes of the input only (the
// same head the kind is sniffed from): these formats print the name on every line. systemd's
// `Hostname set to <name>.` is not here: it comes late in a boot, so the analyser reads it as a
// host fact of each boot (analysis/facts.ts), and record.ts takes it from there.

/**
 * Each pattern with a text it cannot match without: a plain search for it first spares most heads
 * the RegExps (batch reads every input's head; a multi-line RegExp tries each line's start).
 */
const PATTERNS: {needs: string[]; re: RegExp}[] = [
  // RFC 3164 syslog / journalctl short: "Mar  4 10:00:01 host kernel: ..."
  {needs: ['kernel:', 'kernel['], re: /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d (\S+) kernel(?:\[\d+\])?:/m},
  // ISO-stamped syslog / journalctl -o short-iso: "2026-03-04T10:00:01+0000 host kernel: ..."
  {needs: ['kernel:', 'kernel['], re: /^\d{4}-\d\d-\d\dT\S+ (\S+) kernel(?:\[\d+\])?:/m},
  // journalctl -o json
  {needs: ['"_HOSTNAME"'], re: /"_HOSTNAME"\s*:\s*"([^"\\]+)"/},
]

export function hostnameOf(head: string): string | undefined {
  for (const {needs, re} of PATTERNS) {
    if (!needs.some((n) => head.includes(n))) continue
    const m = re.exec(head)
    if (m) return m[1]
  }
  return undefined
}
