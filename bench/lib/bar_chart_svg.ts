/**
 * A small SVG writer for grouped bar charts (no dependency).
 *
 * @module
 */

/** One series of bars: a value per group (null: no bar). */
export interface BarSeries {
  readonly name: string;
  readonly color: string;
  readonly values: readonly (number | null)[];
}

/** A grouped bar chart. */
export interface BarChart {
  readonly title: string;
  readonly subtitle?: string;
  readonly yLabel: string;
  readonly groups: readonly string[];
  readonly series: readonly BarSeries[];
  /** A dashed horizontal line, e.g. at 1.0 for the baseline. */
  readonly reference?: { readonly value: number; readonly label: string };
  /** How a value is written above its bar (default: two decimals). */
  readonly format?: (v: number) => string;
}

/** Escapes text for an SVG text node or attribute. */
function esc(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** A "nice" step for an axis from 0 to `max` with about five ticks. */
function niceStep(max: number): number {
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * mag;
}

/** Rounds to 0.1 px, to keep the text short and stable. */
const px = (v: number): string => String(Math.round(v * 10) / 10);

/**
 * Draws `chart` as a standalone SVG document: a y axis from 0 with ticks,
 * one group of bars per group name (one bar per series that has a value
 * there, labelled with its value), the reference line, and a legend.
 *
 * @example
 * ```ts
 * import assert from "#assert";
 * import { barChartSvg } from "./bar_chart_svg.ts";
 * const svg = barChartSvg({
 *   title: "Unpack time",
 *   yLabel: "× raw zstd",
 *   groups: ["zstd", "gzip"],
 *   series: [{ name: "module", color: "#1f77b4", values: [1.02, 1.5] }],
 *   reference: { value: 1, label: "raw zstd" },
 * });
 * assert.ok(svg.startsWith("<svg "));
 * assert.equal(svg.match(/<rect class="bar"/g)?.length, 2);
 * ```
 */
export function barChartSvg(chart: BarChart): string {
  const fmt = chart.format ?? ((v: number) => v.toFixed(2));
  const values = chart.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const top = Math.max(...values, chart.reference?.value ?? 0, 1e-9);
  const step = niceStep(top * 1.1);
  const yMax = Math.ceil((top * 1.1) / step) * step;
  const left = 64, right = 16, plotTop = chart.subtitle ? 64 : 48, plotH = 300;
  const barW = 14, gap = 2, groupPad = 18;
  const groupW = chart.series.length * (barW + gap) - gap + groupPad * 2;
  const plotW = Math.max(groupW * chart.groups.length, 320);
  const legendRows = Math.ceil((chart.series.length + (chart.reference ? 1 : 0)) / 3);
  const width = left + plotW + right;
  const height = plotTop + plotH + 40 + legendRows * 20 + 12;
  const y = (v: number) => plotTop + plotH - (v / yMax) * plotH;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${px(width / 2)}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${
      esc(chart.title)
    }</text>`,
  );
  if (chart.subtitle) {
    out.push(
      `<text x="${px(width / 2)}" y="42" text-anchor="middle" fill="#555555">${
        esc(chart.subtitle)
      }</text>`,
    );
  }
  for (let v = 0; v <= yMax + step / 1000; v += step) {
    out.push(
      `<line x1="${left}" x2="${left + plotW}" y1="${px(y(v))}" y2="${
        px(y(v))
      }" stroke="#e5e5e5"/>`,
      `<text x="${left - 6}" y="${px(y(v) + 4)}" text-anchor="end">${
        esc(Number(v.toFixed(6)).toString())
      }</text>`,
    );
  }
  out.push(
    `<text x="14" y="${px(plotTop + plotH / 2)}" text-anchor="middle" transform="rotate(-90 14 ${
      px(plotTop + plotH / 2)
    })">${esc(chart.yLabel)}</text>`,
    `<line x1="${left}" x2="${left}" y1="${plotTop}" y2="${plotTop + plotH}" stroke="#333333"/>`,
    `<line x1="${left}" x2="${left + plotW}" y1="${plotTop + plotH}" y2="${
      plotTop + plotH
    }" stroke="#333333"/>`,
  );
  chart.groups.forEach((g, gi) => {
    const gx = left + gi * groupW;
    chart.series.forEach((s, si) => {
      const v = s.values[gi];
      if (v === null || v === undefined) return;
      const x = gx + groupPad + si * (barW + gap);
      out.push(
        `<rect class="bar" x="${px(x)}" y="${px(y(v))}" width="${barW}" height="${
          px(plotTop + plotH - y(v))
        }" fill="${esc(s.color)}"><title>${esc(`${s.name}, ${g}: ${fmt(v)}`)}</title></rect>`,
        `<text x="${px(x + barW / 2)}" y="${
          px(y(v) - 3)
        }" text-anchor="start" font-size="9" dy="0.35em" transform="rotate(-90 ${
          px(x + barW / 2)
        } ${px(y(v) - 3)})">${esc(fmt(v))}</text>`,
      );
    });
    out.push(
      `<text x="${px(gx + groupW / 2)}" y="${plotTop + plotH + 16}" text-anchor="middle">${
        esc(g)
      }</text>`,
    );
  });
  if (chart.reference) {
    const ry = px(y(chart.reference.value));
    out.push(
      `<line x1="${left}" x2="${
        left + plotW
      }" y1="${ry}" y2="${ry}" stroke="#d62728" stroke-dasharray="5 4"/>`,
    );
  }
  const legendTop = plotTop + plotH + 36;
  const colW = plotW / 3;
  const legend: { name: string; swatch: (x: number, y: number) => string }[] = chart.series.map(
    (s) => ({
      name: s.name,
      swatch: (x, y) =>
        `<rect x="${px(x)}" y="${y}" width="12" height="12" fill="${esc(s.color)}"/>`,
    }),
  );
  if (chart.reference) {
    legend.push({
      name: chart.reference.label,
      swatch: (x, y) =>
        `<line x1="${px(x)}" x2="${px(x + 12)}" y1="${y + 6}" y2="${
          y + 6
        }" stroke="#d62728" stroke-dasharray="3 2" stroke-width="2"/>`,
    });
  }
  legend.forEach((l, i) => {
    const lx = left + (i % 3) * colW;
    const ly = legendTop + Math.floor(i / 3) * 20;
    out.push(l.swatch(lx, ly), `<text x="${px(lx + 18)}" y="${ly + 10}">${esc(l.name)}</text>`);
  });
  out.push("</svg>");
  return out.join("\n") + "\n";
}
