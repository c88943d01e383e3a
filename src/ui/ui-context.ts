/**
 * Options every component reads: whether to colour, and the clock.
 */
import { createContext, useContext } from 'react';

/** Rendering options shared by the components. */
export interface UiOptions {
  /** Whether to emit colours and text styles. */
  color: boolean;
  /** Current time in epoch milliseconds, for elapsed times. */
  now: () => number;
}

/** Context carrying `UiOptions`; defaults to colour on, the system clock. */
export const UiOptionsContext = createContext<UiOptions>({
  color: true,
  now: () => Date.now(),
});

/** Reads the shared rendering options. */
export function useUiOptions(): UiOptions {
  return useContext(UiOptionsContext);
}
