/**
 * The root component of the live UI. It only composes the parts; state
 * comes from the store, and each part lives in its own file.
 */
import { Box } from 'ink';
import { useSyncExternalStore } from 'react';
import {
  useNow,
  useRunKeys,
  useSelection,
  useTerminalSize,
  type StopKey,
} from '../hooks.js';
import type { RunStore } from '../run-store.js';
import type { NodeState, RunState } from '../state.js';
import { Footer, FOOTER_LOG_LINES } from './footer.js';
import { Header } from './header.js';
import { NodeList } from './node-list.js';
import { NodeProgress } from './node-progress.js';
import { StoppingBanner, countBannerRows } from './stopping-banner.js';
import { Summary } from './summary.js';

/** Maximum number of running nodes shown with a progress panel. */
export const MAX_PROGRESS_PANELS = 2;

/** Maximum lines of one progress panel, with its top margin. */
const PROGRESS_PANEL_ROWS = 6;
/** Minimum node rows shown, however short the terminal is. */
const MIN_LIST_ROWS = 3;

/** Props of `RunView`. */
export interface RunViewProps {
  store: RunStore;
  /** Called when the user presses `q` or Ctrl-C, with the key. */
  onStop: (key: StopKey) => void;
  /** Width in columns, replacing the output stream's (for tests). */
  columns?: number;
}

/** Renders the whole live view. */
export function RunView({ store, onStop, columns: override }: RunViewProps) {
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { columns, rows } = useTerminalSize(override);
  const selection = useSelection(state);
  const nowMs = useNow(state.run !== undefined && !state.finished);
  const keysActive = useRunKeys(selection.move, onStop);

  const selected =
    selection.selectedId === undefined
      ? undefined
      : state.nodes[selection.selectedId];
  const panels = state.finished ? [] : pickProgressNodes(state, selected);
  // The final frame stays in the terminal's scrollback, so it lists every
  // node however tall it gets.
  const maxListRows =
    rows === undefined || state.finished
      ? undefined
      : Math.max(
          MIN_LIST_ROWS,
          rows - countReservedRows(state, panels, columns),
        );

  return (
    <Box flexDirection="column" width={columns}>
      <Header state={state} nowMs={nowMs} columns={columns} />
      <Box marginTop={1}>
        <NodeList
          state={state}
          selectedId={selection.selectedId}
          nowMs={nowMs}
          columns={columns}
          maxRows={maxListRows}
        />
      </Box>
      {panels.map((node) => (
        <Box key={node.info.id} marginTop={1}>
          <NodeProgress node={node} nowMs={nowMs} columns={columns} />
        </Box>
      ))}
      {state.stopping ? (
        <StoppingBanner
          stopping={state.stopping}
          stopped={state.finished !== undefined}
          columns={columns}
        />
      ) : null}
      {state.finished ? (
        <Summary state={state} finished={state.finished} columns={columns} />
      ) : (
        <Box marginTop={1}>
          <Footer
            state={state}
            node={selected}
            columns={columns}
            showKeys={keysActive}
          />
        </Box>
      )}
    </Box>
  );
}

/** Picks the running nodes that get a panel, the selected one first. */
function pickProgressNodes(
  state: RunState,
  selected: NodeState | undefined,
): NodeState[] {
  const running = state.order
    .map((id) => state.nodes[id])
    .filter((node) => node.status === 'running' && node !== selected);
  const first = selected?.status === 'running' ? [selected] : [];

  return [...first, ...running].slice(0, MAX_PROGRESS_PANELS);
}

/**
 * Counts the lines the view needs besides the node list, so the list can
 * scroll instead of pushing the frame past the terminal's height (where
 * Ink clears the whole screen on every redraw).
 */
function countReservedRows(
  state: RunState,
  panels: NodeState[],
  columns: number,
): number {
  const header = 2;
  const footer = 1 + 1 + FOOTER_LOG_LINES + 1;
  const banner = state.stopping
    ? countBannerRows(state.stopping, state.finished !== undefined, columns)
    : 0;
  const failedLines = state.order.filter(
    (id) => state.nodes[id].status === 'failed',
  ).length;
  // One more line for the list's top margin and one for the cursor line
  // Ink leaves below the frame.
  return (
    header +
    2 +
    panels.length * PROGRESS_PANEL_ROWS +
    banner +
    footer +
    failedLines
  );
}
