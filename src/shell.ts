// Commands the tool prints for people to type back (resume, verify): words a shell reads as written.

/** A word a POSIX shell reads back as it is: bare when safe, else in single quotes. */
export function shellWord(s: string): string {
  return /^[\w./:@%+=-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}
