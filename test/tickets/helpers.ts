import { ticketsConfig, type TicketsConfig, type TicketsConfigInput } from "../../agent/tickets/config.js";

/** The mapping of the fixtures (a typical Chinese helpdesk export). */
export const CHINESE_MAPPING = {
  id: "工单号",
  category: "分类",
  priority: "优先级",
  created: "创建时间",
  first_response: "首次响应时间",
  resolved: "解决时间",
  title: "标题",
};

export const CATEGORY_MAP = {
  视频会议: "videoconf",
  大平台: "platform",
  机房: "machine_room",
  杀毒: "antivirus",
} as const;

export const PRIORITY_MAP = { 紧急: "P1", 高: "P2", 中: "P3", 低: "P4" } as const;

/** A parsed config with the fixtures' mapping; `over` replaces top-level keys. */
export function config(over: Partial<TicketsConfigInput> = {}): TicketsConfig {
  return ticketsConfig.parse({
    mapping: CHINESE_MAPPING,
    category_map: CATEGORY_MAP,
    priority_map: PRIORITY_MAP,
    ...over,
  });
}
