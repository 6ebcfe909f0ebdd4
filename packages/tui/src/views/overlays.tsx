import { Box, Text } from "ink";
import { fit } from "../format.js";
import { KEY_HELP } from "../keymap.js";
import { SIGNALS, type Modal } from "../reducer.js";
import { describeTargets } from "../commands.js";

/** A modal drawn in place of the table and log pane (help, a confirm question, the signal picker). */
export function Overlay({ modal, height, width }: { modal: Modal; height: number; width: number }) {
  return (
    <Box flexDirection="column" height={height} borderStyle="round" borderColor="cyan" paddingX={1} width={width}>
      {modal.kind === "help" ? <Help /> : null}
      {modal.kind === "confirm" ? (
        <>
          <Text bold>{modal.prompt}</Text>
          <Text> </Text>
          <Text>
            <Text color="green">y / enter</Text> yes   <Text color="red">n / esc</Text> no
          </Text>
        </>
      ) : null}
      {modal.kind === "signal" ? (
        <>
          <Text bold>Send a signal to {describeTargets(modal.targets)}</Text>
          {SIGNALS.map((s, i) => (
            <Text key={s} inverse={i === modal.index}>
              {`${i + 1}  SIG${s}`}
            </Text>
          ))}
          <Text dimColor>↑ ↓ choose, enter or 1-9 send, esc cancel</Text>
        </>
      ) : null}
    </Box>
  );
}

function Help() {
  const keyWidth = Math.max(...KEY_HELP.map(([k]) => k.length)) + 2;
  return (
    <>
      <Text bold>tsctl top: keys</Text>
      {KEY_HELP.map(([k, what]) => (
        <Text key={k} wrap="truncate">
          <Text color="cyan">{fit(k, keyWidth)}</Text>
          {what}
        </Text>
      ))}
      <Text dimColor>any key closes this help</Text>
    </>
  );
}
