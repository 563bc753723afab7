/** Small option types several config sections share: a time zone and an http(s) URL. */
import * as z from "zod";

/** An IANA time zone name, e.g. Asia/Shanghai (whatever this Node's Intl knows). */
export const timeZoneSchema = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected an IANA time zone like "Asia/Shanghai"' },
);

/** An absolute http:// or https:// URL, kept as written. */
export const httpUrlSchema = z.string().superRefine((text, ctx) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: "custom", message: "expected an absolute http:// or https:// URL" });
    return;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    ctx.addIssue({
      code: "custom",
      message: `unsupported URL scheme "${url.protocol.slice(0, -1)}": only http and https are supported`,
    });
  }
});
