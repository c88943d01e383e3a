/**
 * React hooks of the run view: terminal size, a ticking clock, the
 * selected node and the keys.
 */
import { useInput, useStdin, useStdout } from 'ink';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PlannedNodeId } from '../events/events.js';
import { moveSelection, pickFollowedNode } from './selection.js';
import type { RunState } from './state.js';
import { useUiOptions } from './ui-context.js';

/** Width assumed when the output stream does not report one. */
export const DEFAULT_COLUMNS = 80;

/** How often elapsed times refresh while nothing else changes. */
export const CLOCK_TICK_MS = 1000;

/** Size of the terminal in character cells. */
export interface TerminalSize {
  columns: number;
  /** Rows, when the stream reports them. */
  rows?: number;
}

/**
 * Reads the size from the output stream and re-renders on `resize`.
 * `columnsOverride` replaces the stream's width (for tests).
 */
export function useTerminalSize(columnsOverride?: number): TerminalSize {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => readSize(stdout, columnsOverride));

  useEffect(() => {
    const onResize = (): void => {
      const next = readSize(stdout, columnsOverride);
      setSize((previous) =>
        previous.columns === next.columns && previous.rows === next.rows
          ? previous
          : next,
      );
    };
    onResize();
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, columnsOverride]);

  return size;
}

function readSize(
  stdout: NodeJS.WriteStream,
  columnsOverride: number | undefined,
): TerminalSize {
  return {
    columns: columnsOverride ?? (stdout.columns || DEFAULT_COLUMNS),
    rows: stdout.rows || undefined,
  };
}

/**
 * Returns the current time, re-rendering every `CLOCK_TICK_MS` while
 * `ticking` is true so that elapsed times advance.
 */
export function useNow(ticking: boolean): number {
  const { now } = useUiOptions();
  const [, setTick] = useState(0);

  useEffect(() => {
    if (!ticking) {
      return undefined;
    }

    const timer = setInterval(() => setTick((tick) => tick + 1), CLOCK_TICK_MS);
    timer.unref?.();
    return () => clearInterval(timer);
  }, [ticking]);

  return now();
}

/** The selected node and a way to move the selection. */
export interface Selection {
  selectedId: PlannedNodeId | undefined;
  move(delta: number): void;
}

/**
 * Follows the busy node until the user moves the selection, then keeps
 * the node they chose.
 */
export function useSelection(state: RunState): Selection {
  const [chosenId, setChosenId] = useState<PlannedNodeId>();
  const selectedId = resolveSelection(state, chosenId);
  // Ink 6.8 was seen calling the input handler of an earlier render, so
  // `move` reads the state through a ref instead of closing over it.
  const stateRef = useRef(state);
  stateRef.current = state;

  const move = useCallback((delta: number) => {
    setChosenId((previous) => {
      const latest = stateRef.current;
      const from = resolveSelection(latest, previous);
      return moveSelection(latest.order, from, delta);
    });
  }, []);

  return { selectedId, move };
}

function resolveSelection(
  state: RunState,
  chosenId: PlannedNodeId | undefined,
): PlannedNodeId | undefined {
  return chosenId !== undefined && state.nodes[chosenId] !== undefined
    ? chosenId
    : pickFollowedNode(state);
}

/** The key that asked to stop the run. */
export type StopKey = 'q' | 'ctrl-c';

/**
 * Handles the keys of the live view: up and down (or `k` and `j`) move
 * the selection, `q` and Ctrl-C call `onStop` with the key. Returns
 * whether keys are read at all, which needs a stdin that supports raw
 * mode.
 */
export function useRunKeys(
  onMove: (delta: number) => void,
  onStop: (key: StopKey) => void,
): boolean {
  const { isRawModeSupported } = useStdin();
  const active = isRawModeSupported === true;

  useInput(
    (input, key) => {
      if (key.upArrow || input === 'k') {
        onMove(-1);
      } else if (key.downArrow || input === 'j') {
        onMove(1);
      } else if (key.ctrl && input === 'c') {
        onStop('ctrl-c');
      } else if (input === 'q') {
        onStop('q');
      }
    },
    { isActive: active },
  );

  return active;
}
