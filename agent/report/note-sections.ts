/**
 * The sections of the monthly report an operator can write into (`ops-agent report note
 * --section 问题`): the id the store keeps (identity), the short Chinese name people type, and the
 * heading it belongs to. Sections 七 and 八 are drafted from the figures; the others get the
 * operator's text as a paragraph after the figures.
 */
export const NOTE_SECTIONS = [
  { id: "overview", alias: "总体", heading: "一、总体运行情况" },
  { id: "platforms", alias: "平台", heading: "二、各平台运行情况" },
  { id: "machine-room", alias: "机房", heading: "三、机房与虚拟化资源" },
  { id: "security", alias: "安全", heading: "四、网络安全（无代理杀毒）" },
  { id: "videoconf", alias: "视频会议", heading: "五、视频会议" },
  { id: "faults", alias: "故障", heading: "六、故障与响应" },
  { id: "problems", alias: "问题", heading: "七、存在问题与整改措施" },
  { id: "plan", alias: "计划", heading: "八、下月工作计划" },
] as const;

export type NoteSectionId = (typeof NOTE_SECTIONS)[number]["id"];

/** The section for what a person typed: its id (problems) or its Chinese name (问题); undefined when neither. */
export function noteSection(input: string): (typeof NOTE_SECTIONS)[number] | undefined {
  const key = input.trim();
  return NOTE_SECTIONS.find((s) => s.id === key || s.alias === key || s.heading === key);
}

/** "问题 (problems)、计划 (plan)、…": what --section takes, for error messages and help. */
export function noteSectionChoices(): string {
  return NOTE_SECTIONS.map((s) => `${s.alias} (${s.id})`).join("、");
}
