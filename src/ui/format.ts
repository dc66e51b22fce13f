// C0 controls but tab and newline, DEL, C1 controls, the bidi overrides that reorder what is shown;
// ESC is handled on its own
const CONTROL = /[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
const SGR = /^\x1b\[[0-9;]*m/;

/**
 * Text for a terminal that cannot be steered by what people typed: a title or note with escape
 * sequences (cursor moves, screen clears, window titles) is shown with the escapes visible, as
 * U+241B ␛ and the control pictures. With colour on, the colour codes we add (SGR) are kept.
 */
export function terminalSafe(text: string, keepColor: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\x1b') {
      const sgr = keepColor ? SGR.exec(text.slice(i, i + 32)) : null;
      if (sgr) {
        out += sgr[0];
        i += sgr[0].length - 1;
      } else out += '\u241b';
    } else out += ch;
  }
  return out.replace(CONTROL, (c) => (c.charCodeAt(0) < 0x20 ? String.fromCharCode(0x2400 + c.charCodeAt(0)) : '\ufffd'));
}

