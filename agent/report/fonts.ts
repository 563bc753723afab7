/**
 * The report's fonts, declared as chains that name a face on every reader's machine, so no viewer
 * substitutes silently: body text in a 宋体-like serif face, headings in a 黑体-like sans face.
 * Windows and WPS have 宋体 (SimSun) and 黑体 (SimHei) / 微软雅黑; macOS has Songti SC / PingFang
 * SC; Linux (and LibreOffice there) has Noto Serif / Sans CJK SC (fonts-noto-cjk), and where only
 * the sans face is installed the body chain ends in it rather than in an unknown default.
 */

/** CSS font-family lists (HTML and the charts' SVG). */
export const CSS_BODY_FONTS =
  '"SimSun", "宋体", "NSimSun", "Songti SC", "Noto Serif CJK SC", "Source Han Serif SC", "Noto Sans CJK SC", serif';
export const CSS_HEADING_FONTS =
  '"SimHei", "黑体", "Microsoft YaHei", "微软雅黑", "PingFang SC", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif';

/**
 * WordprocessingML names one face per script; the document's font table gives each its
 * alternative names, its GB2312 character set (86) and family, which Word, WPS and LibreOffice use
 * to pick the closest installed face (LibreOffice maps 宋体 → Noto Serif/Sans CJK SC).
 */
export const DOCX_FONTS = {
  body: { eastAsia: "宋体", latin: "Times New Roman" },
  heading: { eastAsia: "黑体", latin: "Arial" },
} as const;

export const DOCX_FONT_TABLE: readonly {
  name: string;
  altName?: string;
  charset: string;
  family: string;
  pitch: string;
}[] = [
  { name: "宋体", altName: "SimSun", charset: "86", family: "auto", pitch: "variable" },
  { name: "黑体", altName: "SimHei", charset: "86", family: "modern", pitch: "fixed" },
  { name: "Times New Roman", charset: "00", family: "roman", pitch: "variable" },
  { name: "Arial", charset: "00", family: "swiss", pitch: "variable" },
];
