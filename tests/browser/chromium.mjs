// Debian's Chromium, headless, driven by playwright-core, the way the notes
// say it works on these machines: never a downloaded browser, a fresh
// profile per suite, the background-networking flags (the machines have no
// network but the package registries).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const BASE = (process.env.INNKEEP_TEST_BASE_URL || '').replace(/\/+$/, '');
const CHROMIUM = process.env.INNKEEP_TEST_CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Starts a browser with a fresh profile; close() stops it and removes the profile.
export async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'innkeep-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    timeout: 60_000,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

// Where screenshots go: $INNKEEP_TEST_ARTIFACTS (script/test keeps it),
// else a fresh temporary folder.
export function artifactsDir() {
  const dir = process.env.INNKEEP_TEST_ARTIFACTS
    || mkdtempSync(join(tmpdir(), 'innkeep-screenshots-'));
  mkdirSync(dir, { recursive: true });
  return dir;
}
