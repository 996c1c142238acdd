// Copies the dashboard's static files (page, styles) beside its compiled scripts in dist/dashboard/.
import { cpSync } from 'node:fs';

cpSync(new URL('./public/', import.meta.url), new URL('../dist/dashboard/', import.meta.url), { recursive: true });
