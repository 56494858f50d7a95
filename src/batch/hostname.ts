// The host's name, where a log carries one: the syslog / `journalctl -k` short host field, the
// journal's _HOSTNAME, or systemd's "Hostname set to <name>." logged to the kernel ring. Read from
// the first bytes of the input only (the same head the kind is sniffed from): a name is printed on
// every line of the formats that have one.

const PATTERNS: RegExp[] = [
  // RFC 3164 syslog / journalctl short: "Mar  4 10:00:01 host kernel: ..."
  /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d (\S+) kernel(?:\[\d+\])?:/m,
  // ISO-stamped syslog / journalctl -o short-iso: "2026-03-04T10:00:01+0000 host kernel: ..."
  /^\d{4}-\d\d-\d\dT\S+ (\S+) kernel(?:\[\d+\])?:/m,
  // journalctl -o json
  /"_HOSTNAME"\s*:\s*"([^"\\]+)"/,
  // systemd, early in boot, through /dev/kmsg
  /systemd\[1\]: Hostname set to <([^>\s]+)>/,
]

export function hostnameOf(head: string): string | undefined {
  for (const re of PATTERNS) {
    const m = re.exec(head)
    if (m) return m[1]
  }
  return undefined
}
