import { describe, expect, it } from "vitest";
import { hashPassword, SCRYPT_PARAMS, verifyPassword } from "../../agent/console/password.js";

describe("console password hashes", () => {
  it("writes the parameters into the line and verifies the password, not another", async () => {
    const line = await hashPassword("正确的口令 correct horse");
    expect(line.startsWith(`scrypt$${SCRYPT_PARAMS.N}$${SCRYPT_PARAMS.r}$${SCRYPT_PARAMS.p}$`)).toBe(true);
    expect(await verifyPassword("正确的口令 correct horse", line)).toBe(true);
    expect(await verifyPassword("正确的口令 correct horse ", line)).toBe(false);
  });

  it("keeps verifying hashes written with earlier parameters (N=2^14, p=5)", async () => {
    const older = await hashPassword("an older password", { N: 16_384, r: 8, p: 5 });
    expect(older.startsWith("scrypt$16384$8$5$")).toBe(true);
    expect(await verifyPassword("an older password", older)).toBe(true);
  });

  it("never matches a malformed line or one whose cost is out of bounds", async () => {
    const line = await hashPassword("pw");
    expect(await verifyPassword("pw", line.replace("scrypt$", "bcrypt$"))).toBe(false);
    const [, , r, p, salt, key] = line.split("$");
    expect(await verifyPassword("pw", `scrypt$${2 ** 22}$${r}$${p}$${salt}$${key}`)).toBe(false);
    expect(await verifyPassword("pw", `scrypt$1000$${r}$${p}$${salt}$${key}`)).toBe(false);
  });
});
