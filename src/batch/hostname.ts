// The host's name from a log's line prefix, where its format has one: the syslog / `journalctl -k`
// short host field or the journal's _HOSTNAME. Read from the first bytes of the input only (the
// same head the kind is sniffed from): these formats print the name on every line. systemd's
// `Hostname set to <name>.` is not here: it comes late in a boot, so the analyser reads it as a
// host fact of each boot (analysis/facts.ts), and record.ts takes it from there.

// Each RegExp runs only when the head holds the text it cannot match without (batch reads every
// input's head; a multi-line RegExp tries each line's start, and a dmesg log has neither text).
const SYSLOG: RegExp[] = [
  // RFC 3164 syslog / journalctl short: "Mar  4 10:00:01 host kernel: ..."
  /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d (\S+) kernel(?:\[\d+\])?:/m,
  // ISO-stamped syslog / journalctl -o short-iso: "2026-03-04T10:00:01+0000 host kernel: ..."
  /^\d{4}-\d\d-\d\dT\S+ (\S+) kernel(?:\[\d+\])?:/m,
]
// journalctl -o json
const JOURNAL = /"_HOSTNAME"\s*:\s*"([^"\\]+)"/

export function hostnameOf(head: string): string | undefined {
  // Both syslog shapes need the tag `kernel:` or `kernel[pid]:`: one search for the two.
  if (head.includes('kernel:') || head.includes('kernel[')) {
    for (const re of SYSLOG) {
      const m = re.exec(head)
      if (m) return m[1]
    }
  }
  return head.includes('"_HOSTNAME"') ? JOURNAL.exec(head)?.[1] : undefined
}
