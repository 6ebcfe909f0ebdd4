import { Box, Text } from "ink";
import { daemonUptime } from "../clock.js";
import { fit, formatDuration } from "../format.js";
import type { TopState } from "../reducer.js";
import { countByState } from "../rows.js";
import { STATE_COLOR } from "./theme.js";

/**
 * Two lines: who the daemon is and whether we are connected; then how many processes are in each state and the
 * view settings in force.
 *
 *   tsupervisord  demo  4.2.5  up 3h02m  pid 4121              ● connected  unix:///tmp/supervisor.sock
 *   7 processes  RUNNING 5  FATAL 1  STOPPED 1                        sort name  filter "web"  2 marked
 */
export function Header({ state, label }: { state: TopState; label: string }) {
  // One column short of the terminal: a line that fills the last column makes some terminals wrap.
  const width = state.viewport.columns - 1;
  const d = state.daemon;
  const uptime = daemonUptime(state, state.now);
  const ident = d
    ? `tsupervisord  ${d.identification}  ${d.version}${d.state === "RUNNING" ? "" : `  ${d.state}`}` +
      `${uptime === null ? "" : `  up ${formatDuration(uptime)}`}  pid ${d.pid}`
    : "tsupervisord";
  const conn = connectionText(state, label);

  const counts = countByState(state.processes.values());
  const total = `${state.processes.size} process${state.processes.size === 1 ? "" : "es"}  `;
  const countsWidth = counts.reduce((n, [s, c]) => n + `${s} ${c}  `.length, 0);
  const settings = settingsText(state);
  const gap = Math.max(1, width - total.length - countsWidth - settings.length);
  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold>{fit(ident, Math.max(0, width - conn.text.length - 1))}</Text>{" "}
        <Text color={conn.color}>{conn.text}</Text>
      </Text>
      <Text wrap="truncate">
        {total}
        {counts.map(([s, n]) => (
          <Text key={s} color={STATE_COLOR[s]}>{`${s} ${n}  `}</Text>
        ))}
        {" ".repeat(gap)}
        <Text dimColor>{settings}</Text>
      </Text>
    </Box>
  );
}

function connectionText(state: TopState, label: string): { text: string; color: string } {
  const c = state.connection;
  if (c.status === "connected") return { text: `● connected  ${label}`, color: "green" };
  if (c.status === "connecting") return { text: `◌ connecting…  ${label}`, color: "yellow" };
  const retry = c.retryAt === null ? "" : `, retry in ${Math.max(0, Math.ceil((c.retryAt - state.now) / 1000))}s`;
  return { text: `○ disconnected${retry}  ${label}`, color: "red" };
}

function settingsText(state: TopState): string {
  const parts = [`sort ${state.sort.key}${state.sort.reversed ? " (reversed)" : ""}`];
  if (state.filter !== "" && state.filterDraft === null) parts.push(`filter "${state.filter}"`);
  if (state.marked.size > 0) parts.push(`${state.marked.size} marked`);
  return parts.join("  ");
}
