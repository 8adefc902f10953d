// Pure helpers for launching the server: where the binary is, the launch options,
// and which settings go to the server as initializationOptions. No 'vscode' import,
// so they are unit-tested under plain node.
import * as fs from 'fs';
import * as path from 'path';

export interface LaunchOptions {
  command: string;
  args: string[];
  // vscode-languageclient's TransportKind.stdio is 0; kept numeric to stay vscode-free.
  transport: 0;
}

// Settings that configure the extension itself rather than the server.
const CLIENT_ONLY = new Set(['path', 'configFile', 'logLevel', 'trace']);

export function findOnPath(name: string, envPath: string | undefined = process.env.PATH): string | undefined {
  if (name.includes('/') || name.includes('\\')) {
    return isExecutable(name) ? name : undefined;
  }
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function resolveServerPath(settingPath: string | undefined, envPath?: string): string | undefined {
  const configured = (settingPath ?? '').trim();
  if (configured) return findOnPath(configured, envPath);
  return findOnPath('switchboard', envPath);
}

// The languageclient appends --stdio itself for the stdio transport.
export function buildLaunchOptions(command: string, settings: Record<string, unknown>): LaunchOptions {
  const args: string[] = [];
  const configFile = typeof settings.configFile === 'string' ? settings.configFile.trim() : '';
  if (configFile) args.push('--config', configFile);
  const level = typeof settings.logLevel === 'string' ? settings.logLevel : '';
  if (['error', 'warn', 'info', 'debug'].includes(level)) args.push('--log-level', level);
  return { command, args, transport: 0 };
}

// switchboard.* settings minus the client-only ones, with empty values dropped so the
// config file's values are not overridden by VS Code defaults.
export function settingsToInitOptions(settings: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (CLIENT_ONLY.has(key) || typeof value === 'function') continue;
    if (value === '' || value === null || value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if (typeof value === 'object' && !Array.isArray(value) && Object.keys(value as object).length === 0) continue;
    out[key] = value;
  }
  return out;
}
