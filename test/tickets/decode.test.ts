import { describe, expect, it } from "vitest";
import { DecodeError, decodeText } from "../../agent/tickets/decode.js";

/** "视频会议" in GBK, encoded by hand (checked against Python's "视频会议".encode("gbk")). */
const GBK_VIDEOCONF = [0xca, 0xd3, 0xc6, 0xb5, 0xbb, 0xe1, 0xd2, 0xe9];
/** "机房" in GBK. */
const GBK_MACHINE_ROOM = [0xbb, 0xfa, 0xb7, 0xbf];

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));

function decodeError(input: Uint8Array, choice?: "auto" | "utf-8" | "gbk"): string {
  try {
    decodeText(input, choice);
  } catch (err) {
    expect(err).toBeInstanceOf(DecodeError);
    return (err as Error).message;
  }
  throw new Error("expected a DecodeError");
}

describe("decodeText", () => {
  it("reads UTF-8, with and without a BOM", () => {
    expect(decodeText(Buffer.from("分类\n视频会议\n"))).toEqual({
      text: "分类\n视频会议\n",
      encoding: "utf-8",
      bom: false,
    });
    const withBom = decodeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("分类")]));
    expect(withBom).toEqual({ text: "分类", encoding: "utf-8", bom: true });
    expect(decodeText(Buffer.from("plain ascii"), "gbk").text).toBe("plain ascii");
  });

  it("falls back to GBK for bytes that are not UTF-8", () => {
    const input = bytes("id,", GBK_VIDEOCONF, "\r\n1,", GBK_MACHINE_ROOM, "\r\n");
    expect(decodeText(input)).toEqual({ text: "id,视频会议\r\n1,机房\r\n", encoding: "gbk", bom: false });
    expect(decodeText(input, "gbk").text).toBe("id,视频会议\r\n1,机房\r\n");
  });

  it("with encoding utf-8, names the first bad byte and its line", () => {
    const input = bytes("id,category\n", "1,ok\n", "2,", GBK_VIDEOCONF, "\n");
    expect(decodeError(input, "utf-8")).toBe(
      "not valid UTF-8: byte 0xca at offset 19 on line 3 (a GBK export? set encoding: gbk or auto)",
    );
    // A BOM promises UTF-8: GBK bytes after it are an error even in auto mode.
    expect(decodeError(bytes([0xef, 0xbb, 0xbf], "a,", GBK_VIDEOCONF))).toBe(
      "not valid UTF-8: byte 0xca at offset 5 on line 1",
    );
  });

  it("rejects binary, UTF-16 and xlsx files with a clear message", () => {
    expect(decodeError(bytes("id\n1\n", [0x00, 0x01, 0x02, 0xff, 0xfe, 0xfd]))).toBe(
      "neither UTF-8 nor GBK text: is it a binary file, or another encoding?",
    );
    expect(decodeError(bytes("id\n", [0x00, 0x10], "\n"))).toMatch(
      /^not a text file: control character U\+0000 on line 2 \(read as utf-8\)/,
    );
    expect(decodeError(bytes([0xff, 0xfe], "i\0d\0"))).toMatch(/^UTF-16 text/);
    expect(decodeError(bytes("PK", [0x03, 0x04], "xl/workbook.xml"))).toMatch(
      /^a ZIP file \(an \.xlsx workbook\?\)/,
    );
  });
});
