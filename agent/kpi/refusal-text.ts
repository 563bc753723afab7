/**
 * A refused manual value in the reader's language. The checks are recordManualValue's and
 * parseRecordedValue's, which say why in English and also as data (RecordRefusal); in English the
 * sentence is shown unchanged, in Chinese the same is said from the data here — on the console's
 * 手工填报 page and by `ops-agent record` under a Chinese locale. The console's own form fields
 * (zod) get Chinese sentences by field.
 */
import type { ValueRefusal } from "../form/recorded-value.js";
import type { RecordRefusal } from "./records.js";

type Lang = "zh" | "en";

function valueText(r: ValueRefusal): string {
  switch (r.kind) {
    case "empty":
      return "值为空";
    case "word":
      return `应为“${r.word}”或“不${r.word}”/“未${r.word}”（定性指标），收到“${r.got}”`;
    case "number":
      return `应为数字${r.unit === "" ? "" : `（单位：${r.unit}）`}，收到“${r.got}”`;
    case "percent":
      return `应为百分比，如“96.5%”，收到“${r.got}”`;
    case "percent_over":
      return `百分比最大为 100%，收到“${r.got}”（是否应为“${r.hint}”？）`;
    case "unit":
      return `单位不符：应为以“${r.unit || "无单位"}”计的数字（如“3${r.unit}”），收到“${r.got}”`;
  }
}

/** The Chinese sentence for a refusal; `nameOf` gives a row's Chinese name from its key. */
function chinese(r: RecordRefusal, nameOf: (key: string) => string | undefined): string {
  switch (r.kind) {
    case "value":
      return `${r.indicator.name}（${r.indicator.key}）：${valueText(r.value)}`;
    case "automatic":
      return `${r.indicator.name}（${r.indicator.key}）由代理自动测量，不接受手工填报`;
    case "unknown_indicator":
      return `没有键或名称为“${r.given}”的指标`;
    case "date_format":
      return `日期：应形如 2026-11-28，收到“${r.got}”`;
    case "date_future":
      return `日期：${r.date} 尚未到来`;
    case "note_long":
      return "说明：最多 2000 个字符";
    case "corrects_missing":
      return `更正：没有编号为 #${r.id} 的记录`;
    case "corrects_other": {
      const name = nameOf(r.original);
      return `更正：记录 #${r.id} 属于另一项指标（${name === undefined ? r.original : `${name}，${r.original}`}），更正不能换指标`;
    }
    case "evidence":
      return `佐证文件未能保存：${r.detail}`;
  }
}

export function refusalText(
  lang: Lang,
  refused: { error: string; refusal?: RecordRefusal },
  nameOf: (key: string) => string | undefined,
): string {
  return lang === "zh" && refused.refusal !== undefined ? chinese(refused.refusal, nameOf) : refused.error;
}

/** The console form's own field checks (before recordManualValue), by field, in Chinese. */
const FIELD_ZH: Readonly<Record<string, string>> = {
  value: "值：请按指标的单位填写（如 3、96.5%、及时），最多 200 个字符",
  date: "日期：应形如 2026-11-28",
  note: "说明：最多 2000 个字符，且不能含残缺字符",
  corrects: "更正：应为本行某条早先记录的编号（#），或留空",
};

export function formIssueText(
  lang: Lang,
  issues: readonly { path: PropertyKey[]; message: string }[],
): string {
  return issues
    .map((i) => {
      const field = i.path.map(String).join(".");
      return lang === "zh" && FIELD_ZH[field] !== undefined ? FIELD_ZH[field] : `${field}: ${i.message}`;
    })
    .filter((text, n, all) => all.indexOf(text) === n)
    .join("; ");
}
