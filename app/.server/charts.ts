import { scaleBand, scaleLinear } from "d3-scale";

/**
 * Chart geometry, worked out on the server with d3-scale so the browser gets plain numbers and
 * none of d3's code (the page must stay inside its JavaScript budget). app/components/BarChart.tsx
 * draws it as SVG. Every bar carries its figure as text and every chart has a table of the same
 * numbers beside it, so nothing depends on colour or on seeing the picture.
 */

export type { BarChartLayout, BarInput } from "../charts.ts";
import type { BarChartLayout, BarInput } from "../charts.ts";

const NUMBER = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 1 });

export function barChartLayout(
  bars: BarInput[],
  options: {
    width?: number;
    labelWidth?: number;
    labelsAbove?: boolean;
    barHeight?: number;
    marker?: { value: number; text: string };
  } = {},
): BarChartLayout {
  const width = options.width ?? 640;
  const labelsAbove = options.labelsAbove ?? false;
  const plotLeft = labelsAbove ? 0 : (options.labelWidth ?? 240);
  // Room after the longest bar for its figure, as long as the longest figure's words
  // ("42.2 days (3 submissions)") at about 8 px a character in the chart's 15 px type.
  const figureRoom = Math.max(90, 8 * Math.max(0, ...bars.map((b) => b.valueText.length)) + 12);
  const plotWidth = width - plotLeft - figureRoom;
  // A label above its bar needs a line of its own.
  const rowHeight = (options.barHeight ?? 24) + 12 + (labelsAbove ? 20 : 0);
  const axisHeight = 28;
  const plotTop = options.marker ? 22 : 0;
  const max = Math.max(1, options.marker?.value ?? 0, ...bars.map((b) => b.value));
  const x = scaleLinear().domain([0, max]).range([0, plotWidth]).nice();
  const y = scaleBand<number>()
    .domain(bars.map((_, i) => i))
    .range([0, bars.length * rowHeight])
    .paddingInner(0.3)
    .paddingOuter(0.15);
  return {
    width,
    height: plotTop + bars.length * rowHeight + axisHeight,
    plotLeft,
    labelsAbove,
    plotWidth,
    plotTop,
    plotBottom: plotTop + bars.length * rowHeight,
    bars: bars.map((b, i) => ({
      label: b.label,
      valueText: b.valueText,
      href: b.href ?? null,
      y: plotTop + (y(i) ?? 0) + (labelsAbove ? 20 : 0),
      barHeight: y.bandwidth() - (labelsAbove ? 20 : 0),
      barWidth: Math.max(b.value > 0 ? 2 : 0, x(b.value)),
      parts: b.parts ? stacked(b.parts, x) : null,
    })),
    ticks: x.ticks(5).map((t) => ({ x: x(t), text: NUMBER.format(t) })),
    marker: options.marker ? { x: x(options.marker.value), text: options.marker.text } : null,
  };
}

/** Each part of a stacked bar from where the one before it ends. */
function stacked(parts: { value: number; kind: string }[], x: (value: number) => number) {
  let from = 0;
  return parts
    .filter((p) => p.value > 0)
    .map((p) => {
      const part = { kind: p.kind, x: x(from), width: x(from + p.value) - x(from) };
      from += p.value;
      return part;
    });
}
