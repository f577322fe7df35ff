/**
 * Text for a terminal: control characters from the input (a crafted flow log or file name could carry
 * escape sequences) are shown as `\xNN` instead of being sent to the terminal. Newlines and tabs stay.
 * JSON output needs none of this: JSON.stringify escapes them.
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function printable(s: string): string {
  return CONTROL.test(s) ? s.replace(CONTROLS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`) : s;
}
