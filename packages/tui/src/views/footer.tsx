import { Box, Text } from "ink";
import { fit } from "../format.js";
import type { TopState } from "../reducer.js";

const HINTS = "q quit  ? help  enter logs  e stdout/stderr  s start  x stop  r restart  R group  K signal  / filter  o sort";

/** The status line (action results, errors, the filter being typed) and a line of key hints. */
export function Footer({ state }: { state: TopState }) {
  const width = state.viewport.columns - 1;
  return (
    <Box flexDirection="column" height={2}>
      <StatusLine state={state} width={width} />
      <Text dimColor wrap="truncate">
        {fit(HINTS, width)}
      </Text>
    </Box>
  );
}

function StatusLine({ state, width }: { state: TopState; width: number }) {
  if (state.filterDraft !== null) {
    return (
      <Text wrap="truncate">
        <Text color="cyan">/</Text>
        {state.filterDraft}
        <Text inverse> </Text>
      </Text>
    );
  }
  if (state.connection.status === "disconnected" && state.connection.error !== null) {
    return (
      <Text color="red" wrap="truncate">
        {fit(`disconnected: ${state.connection.error}`, width)}
      </Text>
    );
  }
  if (state.status) {
    return (
      <Text color={state.status.level === "error" ? "red" : undefined} wrap="truncate">
        {fit(state.status.text, width)}
      </Text>
    );
  }
  return <Text> </Text>;
}
