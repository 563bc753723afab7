/**
 * config/example.yaml is the config reference: it must load, and it must mention every option of
 * the schema — top level, log, http, store, the common collector options and every plugin's options
 * (targets of the http plugin included). The keys are read from the zod schemas themselves, so a
 * new option fails this test until it is documented.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { loadConfigFile, parseConfigText } from "../../config/load.js";
import { configSchema } from "../../config/schema.js";
import { plugins } from "../../collectors/index.js";

// example.yaml shows secrets as references; the one it names must resolve for the file to load.
process.env.DSM_API_KEY ??= "example-api-key";
process.env.VCENTER_PASSWORD ??= "example-password";

const configFile = (name: string) => fileURLToPath(new URL(`../../config/${name}`, import.meta.url));
const EXAMPLE = configFile("example.yaml");
const exampleText = readFileSync(EXAMPLE, "utf8");

/** The object schema inside default/prefault/optional wrappers, or undefined. */
function objectIn(schema: unknown): z.ZodObject | undefined {
  let node = schema;
  while (node instanceof z.ZodDefault || node instanceof z.ZodPrefault || node instanceof z.ZodOptional) {
    node = node.unwrap();
  }
  return node instanceof z.ZodObject ? node : undefined;
}

function arrayElement(schema: unknown): unknown {
  let node = schema;
  while (node instanceof z.ZodDefault || node instanceof z.ZodPrefault || node instanceof z.ZodOptional) {
    node = node.unwrap();
  }
  return node instanceof z.ZodArray ? node.element : undefined;
}

function keysOf(schema: unknown): string[] {
  const object = objectIn(schema);
  if (!object)
    throw new Error("expected a zod object schema (the schema's structure changed: update this test)");
  return Object.keys(object.shape);
}

type Mapping = Record<string, unknown>;
const isMapping = (v: unknown): v is Mapping => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Options shown commented out, because they have no default and setting them would change the
 * example's behaviour (store.path, tls_ca_file) or cannot be combined (every: / cron:), are
 * written as "# key: value" lines.
 */
const commentedKeys = new Set(
  [...exampleText.matchAll(/^\s*#\s?([a-z_]+):(?:\s|$)/gm)].map((m) => m[1] as string),
);

const example = parse(exampleText) as Mapping;
const collectorEntries = (example.collectors as Mapping[] | undefined) ?? [];

function missing(expected: string[], present: Iterable<string>): string[] {
  const have = new Set(present);
  return expected.filter((key) => !have.has(key) && !commentedKeys.has(key));
}

describe("config/example.yaml", () => {
  it("starts with the yaml-language-server schema line", () => {
    expect(exampleText.split("\n")[0]).toBe("# yaml-language-server: $schema=./ops-agent.schema.json");
  });

  it("is a valid config", () => {
    const result = loadConfigFile(EXAMPLE);
    expect(result.ok ? [] : result.errors).toEqual([]);
  });

  it("runs a host collector and an http collector probing the agent's own /healthz", () => {
    const result = loadConfigFile(EXAMPLE);
    if (!result.ok) throw new Error(result.errors.join("\n"));
    const types = result.config.collectors.filter((c) => c.enabled).map((c) => c.type);
    expect(types).toContain("host");
    expect(types).toContain("http");
    const http = result.config.collectors.find((c) => c.type === "http") as unknown as {
      targets: { url: string }[];
    };
    expect(http.targets.map((t) => t.url)).toContain("http://127.0.0.1:9464/healthz");
  });

  it("the zod schema is introspectable as this test assumes (refinements keep the ZodObject)", () => {
    expect(configSchema).toBeInstanceOf(z.ZodObject);
    expect(objectIn(configSchema.shape.log)).toBeDefined();
    expect(arrayElement(configSchema.shape.collectors)).toBeInstanceOf(z.ZodDiscriminatedUnion);
  });

  it("mentions every top-level option", () => {
    expect(missing(keysOf(configSchema), Object.keys(example))).toEqual([]);
  });

  for (const section of ["log", "http", "store"] as const) {
    it(`mentions every ${section}: option`, () => {
      const written = isMapping(example[section]) ? Object.keys(example[section]) : [];
      expect(missing(keysOf(configSchema.shape[section]), written)).toEqual([]);
    });
  }

  const union = arrayElement(configSchema.shape.collectors) as z.ZodDiscriminatedUnion<z.ZodObject[]>;
  for (const variant of union.options) {
    const type = (variant.shape as { type: z.ZodLiteral<string> }).type.value;
    it(`mentions every option of a "${type}" collector (common and plugin options)`, () => {
      const entries = collectorEntries.filter((c) => c.type === type);
      expect(entries.length, `example.yaml has no "${type}" collector`).toBeGreaterThan(0);
      expect(
        missing(
          keysOf(variant),
          entries.flatMap((e) => Object.keys(e)),
        ),
      ).toEqual([]);
    });
  }

  it("mentions every option of an http target", () => {
    const targetSchema = arrayElement(plugins.http.schema.shape.targets);
    const targets = collectorEntries
      .filter((c) => c.type === "http")
      .flatMap((c) => (Array.isArray(c.targets) ? (c.targets as Mapping[]) : []));
    expect(
      missing(
        keysOf(targetSchema),
        targets.flatMap((t) => Object.keys(t)),
      ),
    ).toEqual([]);
  });

  it("sets top-level, log, http and store options to their defaults", () => {
    const loaded = loadConfigFile(EXAMPLE);
    const empty = parseConfigText("");
    if (!loaded.ok || !empty.ok) throw new Error("example.yaml or the empty config does not load");
    const { collectors: _a, ...exampleSettings } = loaded.config;
    const { collectors: _b, ...defaults } = empty.config;
    expect(exampleSettings).toEqual(defaults);
  });

  it("sets the host plugin's options and the common timing options to their defaults", () => {
    const loaded = loadConfigFile(EXAMPLE);
    if (!loaded.ok) throw new Error(loaded.errors.join("\n"));
    const host = loaded.config.collectors.find((c) => c.type === "host") as Record<string, unknown>;
    const pluginDefaults = plugins.host.schema.parse({}) as Record<string, unknown>;
    for (const [key, value] of Object.entries(pluginDefaults)) expect(host[key], key).toEqual(value);
    const common = parseConfigText("collectors: [{ type: host }]");
    if (!common.ok) throw new Error(common.errors.join("\n"));
    for (const key of ["timeout", "jitter", "enabled"] as const) {
      expect(host[key], key).toEqual(common.config.collectors[0]?.[key]);
    }
  });
});

describe("config/default.yaml", () => {
  it.skipIf(!existsSync(configFile("default.yaml")))("is a valid config", () => {
    const result = loadConfigFile(configFile("default.yaml"));
    expect(result.ok ? [] : result.errors).toEqual([]);
  });
});
