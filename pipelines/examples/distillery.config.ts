// The project config of the examples: it registers the custom node type
// `item-stats` for every pipeline in this folder. `distillery run` finds
// it beside the pipeline file; `--config FILE` names another.
import { defineConfig } from 'distillery';
import { itemStats } from './node-types/item-stats.js';

export default defineConfig({ nodeTypes: [itemStats] });
