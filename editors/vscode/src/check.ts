// "switchboard: Check Configuration": runs `switchboard check --json` and formats the
// document (its shape is in docs/configuration.md) as markdown, instead of scraping the
// text output. No 'vscode' import, so it is unit-tested under plain node.
import { execFile } from 'child_process';

export interface CheckFinding {
  severity: 'warning' | 'error';
  path: string | null;
  message: string;
}

export interface CheckProvider {
  name: string;
  kind: string;
  base_url: string;
  key: { needed: boolean; present: boolean; source: string | null };
  local: boolean;
  reachable: boolean | null;
}

export interface CheckDocument {
  valid: boolean;
  config: { path: string | null; source: string };
  providers?: CheckProvider[];
  models?: { name: string; provider: string; model: string }[];
  routes?: { label: string; targets: string[]; strategy: string }[];
  findings: CheckFinding[];
}

export function checkArgs(configFile: string | undefined): string[] {
  const file = (configFile ?? '').trim();
  return file ? ['check', '--json', '--config', file] : ['check', '--json'];
}

// Resolves with the document for exit 0 (valid) and 2 (invalid); rejects with the
// output when the binary gave no document (it failed to start, or is too old).
export function runCheck(command: string, configFile: string | undefined): Promise<CheckDocument> {
  return new Promise((resolve, reject) => {
    execFile(command, checkArgs(configFile), { timeout: 30000 }, (err, stdout, stderr) => {
      try {
        const doc = JSON.parse(stdout) as CheckDocument;
        if (typeof doc.valid === 'boolean' && Array.isArray(doc.findings)) return resolve(doc);
      } catch {
        // reported below
      }
      reject(new Error(`${command} ${checkArgs(configFile).join(' ')} failed: ${err?.message ?? ''} ${stderr}`.trim()));
    });
  });
}

function findingLine(f: CheckFinding): string {
  return `- ${f.severity}: ${f.path ? `\`${f.path}\`: ` : ''}${f.message}`;
}

function providerLine(p: CheckProvider): string {
  const key = !p.key.needed ? 'no key needed'
    : p.key.present ? `key set (${p.key.source})` : `key missing (${p.key.source})`;
  const server = p.reachable === null ? '' : p.reachable ? ', server reachable' : ', server unreachable';
  return `- ${p.name} (${p.kind}) ${p.base_url}: ${key}${server}`;
}

export function formatCheck(doc: CheckDocument): string {
  const lines = [`Configuration: ${doc.config.path ?? 'defaults'} (${doc.config.source})`, ''];
  if (!doc.valid) {
    lines.push('**The configuration is invalid**; the server keeps the last good one.', '');
    lines.push(...doc.findings.map(findingLine));
    return lines.join('\n');
  }
  const providers = doc.providers ?? [];
  const models = doc.models ?? [];
  const routes = doc.routes ?? [];
  lines.push(`Valid: ${providers.length} providers, ${models.length} models, ${routes.length} routes`, '');
  lines.push('## Providers', '', ...providers.map(providerLine), '');
  lines.push('## Models', '', ...models.map((m) => `- ${m.name}: ${m.provider} / ${m.model}`), '');
  lines.push('## Routes', '', ...routes.map((r) => `- ${r.label} -> ${r.targets.join(', ')} [${r.strategy}]`), '');
  if (doc.findings.length) lines.push('## Findings', '', ...doc.findings.map(findingLine));
  return lines.join('\n');
}
