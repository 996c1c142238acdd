import { ConfigError, quote } from '../../../config/errors.js';
import { map, type Infer, type Schema } from '../../../config/schema.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A plugin's own options: any map, handed to the plugin (empty when written without a value). */
const pluginOptions: Schema<Record<string, unknown>> = {
  describe: 'a map',
  decode(value, path, context) {
    if (value === null || value === undefined) return {};
    if (isPlainObject(value)) return value;
    context.errors.push(new ConfigError(path, `expected a map of plugin options, got ${Array.isArray(value) ? 'a list' : quote(value)}`));
    return undefined;
  },
};

/** `http.middlewares.<name>.plugin`: one entry, the plugin's name (as in `experimental.localPlugins`) and its options. */
export const pluginSchema = map(pluginOptions);

export type PluginConfig = Infer<typeof pluginSchema>;
