/**
 * The monthly platform operations report (大平台月度运营报告) as data: everything the renderers
 * (HTML, Markdown, DOCX) print, already computed and checked, so each format shows the same
 * figures. Strings from the outside world (VM names, reasons, notes, titles) are raw here; each
 * renderer escapes them for its format.
 */
import type { UnprotectedVm } from "../figures/unprotected.js";
import type { VideoconfSystemHealth } from "../figures/videoconf.js";
import type { KpiStatus } from "../kpi/evaluate.js";

export type Lang = "zh" | "en";

/** A KPI row of the summary: one operational indicator for one period. */
export interface SummaryRow {
  key: string;
  /** The form's Chinese name. */
  name: string;
  /** Measured value in the form's notation ("96.3%", "253个", "及时"); "—" without data. */
  value: string;
  /** The target in force for that period, as written on the form ("≥95%"). */
  target: string;
  status: KpiStatus;
  /** 0–1, or null when coverage has no meaning for the indicator. */
  coverage: number | null;
  /** How it was computed (one sentence). */
  how: string;
}

export interface SummaryPeriod {
  /** "2026-10", "2026-H1", "2026". */
  label: string;
  /** Chinese caption, e.g. "10月", "上半年", "年初至今". */
  caption: string;
  rows: SummaryRow[];
}

/** One day of a chart series (local date). */
export interface DailyPoint {
  /** YYYY-MM-DD. */
  day: string;
  /** The day's figure (a ratio 0–1, or a count such as the VM count); null when nothing was measured. */
  value: number | null;
}

export interface Outage {
  /** The application's id (probe target name). */
  application: string;
  start: Date;
  end: Date;
  durationMinutes: number;
  /** Reason code of the first failed probe (status, timeout, connect, …). */
  reason: string;
  /** Raw detail (e.g. "status 502, expected 200") when known. */
  detail?: string;
  /**
   * Still down at the range's end (no sample that is not down followed): `end` is where the range
   * stopped looking, not a recovery. For a range that ends now, the outage is going on.
   */
  openAtEnd?: true;
}

export interface ApplicationAvailabilityRow {
  /** The application's id: its probe target's name (the slug, printed only in the appendix). */
  application: string;
  /** What a person calls it: the target's `system:` label, else the id. */
  name: string;
  /** Last month's availability, 0–1; null when last month had no figure (环比 无数据). */
  previousMonth: number | null;
  /** Down probes outside maintenance × the probe interval, minutes (the basis of the error budget). */
  downMinutes: number;
  /** Probes inside maintenance windows × the probe interval, minutes. */
  maintenanceMinutes: number;
  /** The month's longest outage (outages below), minutes; null without one. */
  longestOutageMinutes: number | null;
  outageCount: number;
  /** The month's availability, 0–1; null without data. */
  month: number | null;
  monthCoverage: number;
  yearToDate: number | null;
  /** Error budget left against the full-year 95 %, minutes (negative: overspent). */
  budgetLeftMinutes: number | null;
  daily: DailyPoint[];
}

export interface InventoryChange {
  at: Date;
  /** added, removed, powered_on, powered_off, renamed, … */
  kind: string;
  vm: string;
  detail?: string;
}

/** One video-conference system over the month: the read model's figure (agent/figures/videoconf.ts). */
export type VideoconfSystemRow = VideoconfSystemHealth;

export interface IncidentRow {
  id: number;
  /** The category's id (videoconf, platform, …); labels.ts says it in Chinese. */
  category: string;
  priority: string;
  title: string;
  start: Date;
  responseMinutes: number | null;
  resolutionMinutes: number | null;
  withinSla: "within" | "late" | "pending";
}

export interface FaultSummary {
  total: number;
  byCategory: {
    category: string;
    count: number;
    within: number;
    late: number;
    pending: number;
    share: number | null;
    timely: boolean;
  }[];
  /**
   * Response times per bucket, the buckets' edges at the SLA bounds (P1 15 min, P2 30 min, …):
   * `maxMinutes` the bucket's upper edge (Infinity for the last, null for the unanswered), `priority` the bound it is.
   */
  responseDistribution: { maxMinutes: number | null; priority?: string; count: number }[];
  /** Faults started per local day of the month. */
  daily: DailyPoint[];
  longest: IncidentRow[];
}

export interface MaintenanceRow {
  name: string;
  /** "每周六 02:00 起 2小时" / a one-off range, in the centre's time zone. */
  when: string;
  applications: string;
  source: "config" | "cli";
}

/** An operator's text for a section (`ops-agent report note`), kept across regenerations. */
export interface SectionNote {
  id: number;
  /** The section's id (note-sections.ts). */
  section: string;
  text: string;
  mode: "add" | "replace";
  author: string;
  createdAt: Date;
}

/** A manual record in force for the month (a corrected record is replaced by its correction). */
export interface ManualRecordRow {
  indicator: string;
  name: string;
  day: string;
  value: string;
  by: string;
  note?: string;
  /** The record this one corrects: its id and the value it replaced. */
  corrects?: number;
  correctedValue?: string;
}

export interface MonthlyReport {
  lang: Lang;
  /** "2026-10". */
  month: string;
  /** "2026-09": the month the 环比 compares with. */
  previousMonth: string;
  /**
   * Set when the month had not ended when the report was built: the figures run to this instant,
   * the title says 截至…, and the report does not count toward the form's row (a draft).
   */
  runningAsOf: Date | null;
  /** The centre named on the report (config report.organisation: 苏州市电化教育馆 by default). */
  organisation: string;
  site: string;
  timeZone: string;
  generatedAt: Date;
  /** Share of the month the agent observed (collector runs), 0–1. */
  coverage: number;
  summary: SummaryPeriod[];
  availability: {
    overallMonth: number | null;
    overallYearToDate: number | null;
    applications: ApplicationAvailabilityRow[];
    outages: Outage[];
  };
  machineRoom: {
    vmCount: number | null;
    /** The scope's expected count (vms_expected, else the form's vm_count target); null when neither. */
    vmExpected: number | null;
    vmCountDaily: DailyPoint[];
    changes: InventoryChange[];
    antivirusCoverage: number | null;
    antivirusDaily: DailyPoint[];
    unprotected: UnprotectedVm[];
    /** VMs by power state at the month's end, each counted once by id; null without data. */
    powerStates: { on: number; off: number; suspended: number } | null;
  };
  videoconf: { systems: VideoconfSystemRow[]; incidents: IncidentRow[] };
  faults: FaultSummary;
  maintenance: MaintenanceRow[];
  records: ManualRecordRow[];
  /** The accounting rules used, each one paragraph (DESIGN.md). */
  rules: { title: string; text: string }[];
  /** Last month's headline figures for the 环比 (each null when last month had none). */
  previous: {
    overallMonth: number | null;
    vmCount: number | null;
    antivirusCoverage: number | null;
    faultTotal: number | null;
  };
  /** The SLA response bounds per priority, minutes (for the response chart and the rules). */
  slaMinutes: Record<string, number>;
  /** The share within SLA a period needs to be 及时 (0.95). */
  timelyShare: number;
  notes: SectionNote[];
}

export type { UnprotectedVm };
