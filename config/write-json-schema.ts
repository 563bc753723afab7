/**
 * Writes config/ops-agent.schema.json, a JSON Schema of the config file generated from the zod
 * schema, so editors (yaml-language-server: the first line of example.yaml) complete and check
 * option names while a config is written. The agent itself never reads it: zod stays the
 * authority, and checks a JSON Schema cannot express (durations, cron, time zones, URLs, every:
 * vs cron:, retention order) are made only when the agent loads the config.
 *
 * Regenerate after changing the schema or a plugin's options: `npm run schema`
 * (a test fails while the committed file is out of date).
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as z from "zod";
import { configSchema } from "./schema.js";

/** A name, not a download location: editors find the file through the `$schema=` modeline. */
export const JSON_SCHEMA_ID = "urn:ops-agent:config";

/** Where the generated schema is committed: next to this file's source, config/ops-agent.schema.json. */
export const JSON_SCHEMA_PATH = fileURLToPath(
  new URL(
    // From dist/config/ (the built script) or config/ (tests via vitest), the source tree's config/.
    import.meta.url.includes("/dist/config/")
      ? "../../config/ops-agent.schema.json"
      : "./ops-agent.schema.json",
    import.meta.url,
  ),
);

export function buildJsonSchema(): Record<string, unknown> {
  // io: "input" describes what a person writes (durations as "30s", defaults as written), not the
  // parsed config; "any" turns what JSON Schema cannot express (transforms) into {} instead of throwing.
  const generated = z.toJSONSchema(configSchema, {
    io: "input",
    unrepresentable: "any",
    target: "draft-2020-12",
  }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: JSON_SCHEMA_ID,
    title: "ops-agent configuration",
    description:
      "The ops-agent config file (YAML). Generated from config/schema.ts by `npm run schema`; do not edit. " +
      'config/example.yaml documents every option. Durations are strings like "30s", "5m", "35d"; ' +
      'secrets are references ("${ENV_VAR}" or "file:/path"), never values. Some checks (durations, cron, ' +
      "time zones, URLs, every: vs cron:) are made only when the agent loads the config.",
    ...rest,
  };
}

export function jsonSchemaText(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}

export function writeJsonSchema(path: string = JSON_SCHEMA_PATH): void {
  writeFileSync(path, jsonSchemaText());
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeJsonSchema();
  process.stdout.write(`wrote ${JSON_SCHEMA_PATH}\n`);
}
