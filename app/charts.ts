// The shape of a bar chart as the server lays it out (app/.server/charts.ts, with d3-scale) and
// the page draws it (app/components/BarChart.tsx): shared by both, so the component imports no
// server module.

export interface BarInput {
  label: string;
  value: number;
  /** The figure as the bar's label shows it, e.g. "1,204" or "12.5 days". */
  valueText: string;
  href?: string | undefined;
  /**
   * A bar made of parts (open reviews by SLA band), in the order drawn from the axis, summing to
   * `value`; each part's `kind` names its style (`ncm-chart__bar--<kind>`).
   */
  parts?: { value: number; kind: string }[] | undefined;
}

export interface BarChartLayout {
  width: number;
  height: number;
  /** Where the bars start: labels sit to the left of it, or above each bar when `labelsAbove`. */
  plotLeft: number;
  /** Long labels (a criterion's title) go on a line of their own above their bar. */
  labelsAbove: boolean;
  plotWidth: number;
  /** The band the bars occupy, top to bottom (room above it for the marker's label). */
  plotTop: number;
  plotBottom: number;
  bars: {
    label: string;
    valueText: string;
    href: string | null;
    y: number;
    barHeight: number;
    barWidth: number;
    /** A stacked bar's parts, where each starts and how wide it is; null for a plain bar. */
    parts: { kind: string; x: number; width: number }[] | null;
  }[];
  ticks: { x: number; text: string }[];
  /** A reference line, e.g. the national target, with its label. */
  marker: { x: number; text: string } | null;
}
