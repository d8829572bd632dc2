import { useId } from "react";
import type { BarChartLayout } from "../charts.ts";

/**
 * A horizontal bar chart from a layout computed on the server (app/.server/charts.ts). Each bar
 * has its label and its figure written beside it, bars may link to the list they count, and a
 * reference line (the target) is dashed and labelled: readable in greyscale and when printed. A
 * stacked bar's parts differ in pattern as well as colour, and its figure says what each part is.
 */
export function BarChart({ layout, title, description }: { layout: BarChartLayout; title: string; description: string }) {
  const id = useId();
  // A fragment a url() finds however React spells its ids.
  const patternId = (kind: string) => `chart-${id.replace(/[^\w-]/g, "")}-${kind}`;
  const kinds = [...new Set(layout.bars.flatMap((b) => (b.parts ?? []).map((p) => p.kind)))];
  return (
    <svg
      className="ncm-chart"
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      width="100%"
      // A picture, unless its bars are links: then a group, so the links stay reachable and named.
      role={layout.bars.some((b) => b.href) ? "group" : "img"}
      aria-labelledby={`${id}-title ${id}-desc`}
      preserveAspectRatio="xMinYMin meet"
    >
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{description}</desc>
      {kinds.length > 0 ? (
        <defs>
          {kinds.map((kind) => (
            // Each kind of part its own ground and stripes, styled as ncm-chart__pattern--<kind>.
            <pattern
              key={kind}
              id={patternId(kind)}
              className={`ncm-chart__pattern--${kind}`}
              width="8"
              height="8"
              patternUnits="userSpaceOnUse"
              patternTransform="rotate(45)"
            >
              <rect width="8" height="8" className="ncm-chart__ground" />
              <line x1="0" y1="0" x2="0" y2="8" className="ncm-chart__stripe" />
            </pattern>
          ))}
        </defs>
      ) : null}
      <g transform={`translate(${layout.plotLeft},0)`}>
        {layout.ticks.map((t) => (
          // biome-ignore lint/a11y/noAriaHiddenOnFocusable: grid lines and tick labels only, nothing focusable; the figures are in the table
          <g key={t.x} transform={`translate(${t.x},0)`} aria-hidden="true">
            <line y1={layout.plotTop} y2={layout.plotBottom} className="ncm-chart__grid" />
            <text y={layout.plotBottom + 18} textAnchor="middle" className="ncm-chart__tick">
              {t.text}
            </text>
          </g>
        ))}
        {layout.bars.map((b) => {
          const bar = (
            <>
              {layout.labelsAbove ? (
                <text x={0} y={b.y - 6} className="ncm-chart__label">
                  {b.label}
                </text>
              ) : (
                <text x={-8} y={b.y + b.barHeight / 2} dy="0.35em" textAnchor="end" className="ncm-chart__label">
                  {b.label}
                </text>
              )}
              {b.parts ? (
                b.parts.map((part) => (
                  <rect
                    key={part.kind}
                    x={part.x}
                    y={b.y}
                    width={part.width}
                    height={b.barHeight}
                    className="ncm-chart__part"
                    fill={`url(#${patternId(part.kind)})`}
                  />
                ))
              ) : (
                <rect y={b.y} width={b.barWidth} height={b.barHeight} className="ncm-chart__bar" />
              )}
              <text x={b.barWidth + 6} y={b.y + b.barHeight / 2} dy="0.35em" className="ncm-chart__value">
                {b.valueText}
              </text>
            </>
          );
          return b.href ? (
            // Named by its own text, label then figure, as it reads (WCAG 2.5.3: the name contains what is seen).
            <a key={b.label} href={b.href}>
              {bar}
            </a>
          ) : (
            <g key={b.label}>{bar}</g>
          );
        })}
        {layout.marker ? (
          <g transform={`translate(${layout.marker.x},0)`}>
            <line y1={layout.plotTop - 4} y2={layout.plotBottom} className="ncm-chart__marker" />
            <text y={layout.plotTop - 8} textAnchor="middle" className="ncm-chart__marker-text">
              {layout.marker.text}
            </text>
          </g>
        ) : null}
      </g>
    </svg>
  );
}
