/**
 * config/ops-agent.schema.json is generated from the zod schema (config/write-json-schema.ts) and
 * committed, for editors. It must match the zod schema, and it must accept the configs we ship.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { configSchema } from "../../config/schema.js";
import { plugins } from "../../collectors/index.js";
import { buildJsonSchema, JSON_SCHEMA_PATH, jsonSchemaText } from "../../config/write-json-schema.js";

const configFile = (name: string) => fileURLToPath(new URL(`../../config/${name}`, import.meta.url));

type Schema = Record<string, unknown>;

/**
 * A validator for the subset of JSON Schema the generator emits. It throws on any keyword it does
 * not know, so it can never pass a config by ignoring a rule.
 */
function validate(schema: Schema, value: unknown, path = "$"): string[] {
  const errors: string[] = [];
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v);
  for (const [keyword, rule] of Object.entries(schema)) {
    switch (keyword) {
      case "$schema":
      case "$id":
      case "title":
      case "description":
      case "default":
      case "propertyNames": // only { type: "string" } is generated; YAML mapping keys are strings here
        break;
      case "type": {
        // A single type or, as zod writes a union of scalars, a list of them.
        const isType = (type: unknown) =>
          type === "object"
            ? isObject(value)
            : type === "array"
              ? Array.isArray(value)
              : type === "integer"
                ? Number.isInteger(value)
                : typeof value === type;
        const ok = Array.isArray(rule) ? rule.some(isType) : isType(rule);
        if (!ok) errors.push(`${path}: not ${String(rule)}`);
        break;
      }
      case "properties":
        if (isObject(value)) {
          for (const [key, sub] of Object.entries(rule as Record<string, Schema>)) {
            if (key in value) errors.push(...validate(sub, value[key], `${path}.${key}`));
          }
        }
        break;
      case "additionalProperties":
        if (isObject(value)) {
          const known = Object.keys((schema.properties ?? {}) as object);
          for (const key of Object.keys(value).filter((k) => !known.includes(k))) {
            if (rule === false) errors.push(`${path}.${key}: not allowed`);
            else errors.push(...validate(rule as Schema, value[key], `${path}.${key}`));
          }
        }
        break;
      case "required":
        if (isObject(value)) {
          for (const key of rule as string[]) if (!(key in value)) errors.push(`${path}.${key}: required`);
        }
        break;
      case "items":
        if (Array.isArray(value))
          value.forEach((item, i) => errors.push(...validate(rule as Schema, item, `${path}[${i}]`)));
        break;
      case "minItems":
        if (Array.isArray(value) && value.length < (rule as number)) errors.push(`${path}: too few items`);
        break;
      case "oneOf": {
        const matching = (rule as Schema[]).filter((sub) => validate(sub, value, path).length === 0);
        if (matching.length !== 1) errors.push(`${path}: matches ${matching.length} of oneOf`);
        break;
      }
      case "enum":
        if (!(rule as unknown[]).includes(value)) errors.push(`${path}: not in enum`);
        break;
      case "const":
        if (value !== rule) errors.push(`${path}: not ${JSON.stringify(rule)}`);
        break;
      case "pattern":
        if (typeof value === "string" && !new RegExp(rule as string, "u").test(value))
          errors.push(`${path}: pattern`);
        break;
      case "minLength":
        if (typeof value === "string" && [...value].length < (rule as number))
          errors.push(`${path}: too short`);
        break;
      case "maxLength":
        if (typeof value === "string" && [...value].length > (rule as number))
          errors.push(`${path}: too long`);
        break;
      case "minimum":
        if (typeof value === "number" && value < (rule as number)) errors.push(`${path}: below minimum`);
        break;
      case "maximum":
        if (typeof value === "number" && value > (rule as number)) errors.push(`${path}: above maximum`);
        break;
      default:
        throw new Error(
          `validate(): JSON Schema keyword ${keyword} at ${path} is not supported; extend the test`,
        );
    }
  }
  return errors;
}

describe("config/ops-agent.schema.json", () => {
  const schema = buildJsonSchema();

  it("is up to date with the zod schema", () => {
    expect(existsSync(JSON_SCHEMA_PATH), "config/ops-agent.schema.json is missing: run npm run schema").toBe(
      true,
    );
    expect(
      readFileSync(JSON_SCHEMA_PATH, "utf8"),
      "config/ops-agent.schema.json is out of date: run npm run schema",
    ).toBe(jsonSchemaText());
  });

  it("is a draft 2020-12 schema with an id, a title and a description", () => {
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    expect(schema.$id).toEqual(expect.any(String));
    expect(schema.title).toEqual(expect.any(String));
    expect(schema.description).toEqual(expect.any(String));
    expect(Object.keys(schema).slice(0, 4)).toEqual(["$schema", "$id", "title", "description"]);
  });

  it("has every top-level option and rejects unknown ones", () => {
    expect(schema.type).toBe("object");
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties as object).sort()).toEqual(Object.keys(configSchema.shape).sort());
  });

  it("offers every collector type, each with its own options", () => {
    const collectors = (schema.properties as Record<string, Schema>).collectors as Schema;
    const variants = (collectors.items as { oneOf: Schema[] }).oneOf;
    const types = variants.map((v) => ((v.properties as Record<string, Schema>).type as Schema).const);
    expect(types.sort()).toEqual(Object.keys(plugins).sort());
    for (const variant of variants) {
      const type = ((variant.properties as Record<string, Schema>).type as Schema)
        .const as keyof typeof plugins;
      expect(variant.required).toContain("type");
      expect(variant.additionalProperties).toBe(false);
      expect(Object.keys(variant.properties as object)).toEqual(
        expect.arrayContaining([
          "type",
          "name",
          "every",
          "cron",
          "timeout",
          "jitter",
          "enabled",
          ...Object.keys(plugins[type].schema.shape),
        ]),
      );
    }
  });

  for (const name of ["example.yaml", "default.yaml"]) {
    it.skipIf(!existsSync(configFile(name)))(`accepts config/${name}`, () => {
      const input: unknown = parse(readFileSync(configFile(name), "utf8"));
      expect(validate(schema, input)).toEqual([]);
    });
  }

  it("the test's validator does reject what the schema forbids", () => {
    expect(validate(schema, { sitee: "x" })).toEqual(["$.sitee: not allowed"]);
    expect(validate(schema, { collectors: [{ type: "snmp" }] })).toEqual([
      "$.collectors[0]: matches 0 of oneOf",
    ]);
    expect(validate(schema, { collectors: [{ type: "http", every: "1m" }] })).toEqual([
      "$.collectors[0]: matches 0 of oneOf",
    ]);
    expect(validate(schema, { log: { level: "loud" } })).toEqual(["$.log.level: not in enum"]);
    expect(validate(schema, { stale_after_periods: 2.5 })).toEqual(["$.stale_after_periods: not integer"]);
  });
});
