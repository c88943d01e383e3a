/** The built-in node types, in the order of the research workflow. */
import type { NodeType } from '../node-type.js';

export const builtinNodeTypes: NodeType[] = [];
