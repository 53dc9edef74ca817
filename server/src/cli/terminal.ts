import { styleText } from 'node:util';

export type Style = Parameters<typeof styleText>[0];

/** Colours only for a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function painter(stream: NodeJS.WriteStream): (style: Style, text: string) => string {
  const enabled = process.env.FORCE_COLOR
    ? process.env.FORCE_COLOR !== '0'
    : stream.isTTY && !process.env.NO_COLOR;
  return enabled ? (style, text) => styleText(style, text) : (_style, text) => text;
}

/** A progress line on stderr that rewrites itself; silent when stderr is not a terminal. */
export function progressLine(stream: NodeJS.WriteStream): { update(text: string): void; clear(): void } {
  if (!stream.isTTY) return { update() {}, clear() {} };
  let shown = false;
  return {
    update(text) {
      stream.write(`\r\u001b[2K${text}`);
      shown = true;
    },
    clear() {
      if (shown) stream.write('\r\u001b[2K');
    },
  };
}
