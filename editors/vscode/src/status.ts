// Formats the switchboard/status notification for the status bar item.
// The payload's names as the server sends them (docs/lsp.md); model is null before
// any model has answered.
export interface StatusPayload {
  model?: string | null;
  in_flight?: number;
  spend_today_usd?: number;
  breakers?: Record<string, string>;
  pins?: { task: string; language?: string; model: string }[];
  inline_enabled?: boolean;
}

export interface StatusView {
  text: string;
  tooltip: string;
  warning: boolean;
}

export function formatStatus(s: StatusPayload | undefined): StatusView {
  if (!s) return { text: '$(radio-tower) switchboard', tooltip: 'switchboard: no request yet', warning: false };
  const spend = typeof s.spend_today_usd === 'number' ? `$${s.spend_today_usd.toFixed(4)}` : '';
  const inFlight = s.in_flight && s.in_flight > 0 ? ` $(sync~spin) ${s.in_flight}` : '';
  const open = Object.entries(s.breakers ?? {}).filter(([, state]) => state !== 'closed');
  const pins = s.pins ?? [];
  const off = s.inline_enabled === false;
  const text = `$(radio-tower) ${s.model ?? '-'}${spend ? ' ' + spend : ''}${inFlight}` +
    `${pins.length ? ` $(pinned) ${pins.length}` : ''}${off ? ' $(circle-slash) inline off' : ''}`;
  const lines = [
    `Last answer: ${s.model ?? '-'}`,
    `Spend today: ${spend || 'n/a'}`,
    `In flight: ${s.in_flight ?? 0}`,
  ];
  for (const [model, state] of open) lines.push(`Breaker ${state}: ${model}`);
  for (const p of pins) lines.push(`Pinned: ${p.task}${p.language ? '/' + p.language : ''} → ${p.model}`);
  lines.push(`Inline suggestions: ${off ? 'off' : 'on'} (click to turn ${off ? 'on' : 'off'})`);
  return { text, tooltip: lines.join('\n'), warning: open.length > 0 };
}
