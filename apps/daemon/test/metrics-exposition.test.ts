import { describe, expect, it } from "vitest";
import { family, labelText, render } from "../src/metrics/exposition.js";

describe("Prometheus text exposition (issue 17)", () => {
  it("writes HELP/TYPE once per family, escapes label values and help, formats special values", () => {
    const f = family("x_state", "gauge", "a\\b\nc");
    f.samples.push({ labels: labelText({ name: 'we"ird\\na\nme', state: "RUNNING" }), value: 1 });
    f.samples.push({ labels: "", value: NaN });
    const g = family("x_total", "counter", "c");
    g.samples.push({ labels: "", value: Infinity }, { labels: "", value: -Infinity }, { labels: "", value: 1.5e-7 });
    expect(render([f, g, family("x_empty", "gauge", "left out")])).toBe(
      "# HELP x_state a\\\\b\\nc\n# TYPE x_state gauge\n" +
        'x_state{name="we\\"ird\\\\na\\nme",state="RUNNING"} 1\n' +
        "x_state NaN\n" +
        "# HELP x_total c\n# TYPE x_total counter\nx_total +Inf\nx_total -Inf\nx_total 1.5e-7\n",
    );
  });
});
