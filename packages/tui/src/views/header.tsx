import { Box, Text } from "ink";
import { daemonUptime } from "../clock.js";
import { fit, formatDuration } from "../format.js";
import type { HostConnection } from "../model.js";
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
      {state.hosts.size > 0 ? (
        <HostsLine state={state} />
      ) : (
        <Text wrap="truncate">
          <Text bold>{fit(ident, Math.max(0, width - conn.text.length - 1))}</Text>{" "}
          <Text color={conn.color}>{conn.text}</Text>
        </Text>
      )}
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

/**
 * issue 19: with several hosts the first line is each host and its connection instead of one daemon's identity:
 *
 *   tsupervisord  2 hosts   web1 ● connected   web2 ○ lost: connect ECONNREFUSED 10.0.0.2:9001
 */
function HostsLine({ state }: { state: TopState }) {
  const hosts = [...state.hosts.values()];
  return (
    <Text wrap="truncate">
      <Text bold>{`tsupervisord  ${hosts.length} host${hosts.length === 1 ? "" : "s"} `}</Text>
      {hosts.map((h) => {
        const { text, color } = hostText(h);
        return (
          <Text key={h.name}>
            {`  ${h.name} `}
            <Text color={color}>{text}</Text>
          </Text>
        );
      })}
    </Text>
  );
}

export function hostText(h: HostConnection): { text: string; color: string } {
  if (h.status === "connected") return { text: "● connected", color: "green" };
  if (h.status === "connecting") return { text: `◌ connecting…${h.error === null ? "" : ` (was: ${h.error})`}`, color: "yellow" };
  return { text: `○ lost: ${h.error ?? "unknown"}`, color: "red" };
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
