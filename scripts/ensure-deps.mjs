// Used by `npm run build|dev|zip`: install packages when missing or stale.
import { ensureNodeModules } from './lib/ensure.mjs';

ensureNodeModules();
