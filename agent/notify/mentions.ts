/**
 * Who one message @s on one route. The on-duty people (mobiles, user ids) are @-ed when an
 * incident the route sends is opened; everyone (@all) when it is at least `all_from` urgent (P1
 * by default). Acknowledgements and resolutions @ nobody: nobody has to act on them. The test
 * message (`ops-agent notify test`) @s the people, never everyone, so a test wakes no group.
 */
import { PRIORITIES } from "../incidents/types.js";
import { NO_MENTIONS, type Mentions } from "./channels/common.js";
import type { MentionsConfig } from "./config.js";
import type { NotifyEvent } from "./message.js";

export function mentionsFor(config: MentionsConfig | undefined, event: NotifyEvent | undefined): Mentions {
  if (config === undefined) return NO_MENTIONS;
  const people = { mobiles: config.mobiles, userIds: config.user_ids };
  if (event === undefined) return { ...people, all: false };
  if (event.kind !== "open") return NO_MENTIONS;
  const all =
    config.all_from !== "none" &&
    PRIORITIES.indexOf(event.incident.priority) <= PRIORITIES.indexOf(config.all_from);
  return { ...people, all };
}
