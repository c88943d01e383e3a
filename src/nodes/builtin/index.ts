/** The built-in node types, in the order of the research workflow. */
import type { NodeType } from '../node-type.js';
import { loadDataNodeType } from './load-data.js';

export const builtinNodeTypes: NodeType[] = [loadDataNodeType];
