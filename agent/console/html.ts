/**
 * HTML built by a tagged template that escapes every interpolated value (agent/report/escape.ts)
 * unless it is already Html: a VM name such as `<img src=x onerror=alert(1)>` becomes text, and a
 * page cannot forget to escape one string.
 */
import { escapeHtml } from "../report/escape.js";

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type HtmlValue = Html | string | number | boolean | null | undefined | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value as string | number | boolean));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new Html(out);
}

/** Markup the console wrote itself from constants (never from input). */
export function trusted(text: string): Html {
  return new Html(text);
}
