import { PAINT } from './style.js';
// C0 controls but tab and newline, DEL, C1 controls, the bidi overrides that reorder what is shown;
// ESC is handled on its own
const CONTROL = /[\x00-\x08\x0b-\x1a\x1c-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;
// the colour codes of our own painter (style.ts): the only escape sequences ever written as such
const OURS = new RegExp(`${PAINT}(\\[[0-9;]*m)`, 'g');

/**
 * Text for a terminal that cannot be steered by what people typed: a title or note with escape
 * sequences (cursor moves, screen clears, window titles, colours, conceal) is shown with the
 * escapes visible, as U+241B ␛ and the control pictures. The colour codes our painter added are
 * written as colour when `keepColor`, else dropped; an escape from anywhere else never is.
 */
export function terminalSafe(text: string, keepColor: boolean): string {
  const shown = text.replaceAll('\x1b', '\u241b').replace(CONTROL, (c) => (c.charCodeAt(0) < 0x20 ? String.fromCharCode(0x2400 + c.charCodeAt(0)) : '\ufffd'));
  return shown.replace(OURS, (_, sgr: string) => (keepColor ? `\x1b${sgr}` : ''));
}

