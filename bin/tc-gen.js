#!/usr/bin/env node
// The tc-gen command: runs the TypeScript sources through tsx's loader, so the
// CLI always matches the checked-out code without a separate build step.
import { register } from 'tsx/esm/api';

register();
await import('../generator/cli.ts');
