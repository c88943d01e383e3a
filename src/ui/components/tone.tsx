/**
 * Styled text that honours the colour setting: with colour off it renders
 * plain text, with no escape sequences at all (no bold or dim either).
 */
import { Text } from 'ink';
import type { ReactNode } from 'react';
import { useUiOptions } from '../ui-context.js';

/** Props of `Tone`. */
export interface ToneProps {
  /** Ink colour name, for example `green`. */
  color?: string;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
  /** Ink wrap mode for text wider than its box. @default 'truncate-end' */
  wrap?: 'wrap' | 'truncate-end';
  children?: ReactNode;
}

/** Text with optional colour and style, dropped when colour is off. */
export function Tone(props: ToneProps) {
  const { color } = useUiOptions();
  const wrap = props.wrap ?? 'truncate-end';
  if (!color) {
    return <Text wrap={wrap}>{props.children}</Text>;
  }

  return (
    <Text
      wrap={wrap}
      color={props.color}
      bold={props.bold}
      dimColor={props.dim}
      inverse={props.inverse}
    >
      {props.children}
    </Text>
  );
}
