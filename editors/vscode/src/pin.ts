// Quick-pick items for "switchboard: Pin a Model" from a switchboard.explainRoute
// result: each target with local or cloud, the estimated cost of the task and, when
// the adaptive estimates have any, the share of answers users kept.
export interface RouteTarget {
  model?: string;
  local?: boolean;
  estimated_cost_usd?: number;
  skipped?: boolean;
  code?: string;
  reason?: string;
  pinned?: boolean;
}

export interface RouteExplanation {
  targets?: RouteTarget[];
  adaptive?: { estimates?: { model?: string; answers?: number; accepted?: number }[] };
}

export interface PinChoice {
  label: string;
  description: string;
  detail?: string;
  model: string;
}

export function pinChoices(result: RouteExplanation | undefined): PinChoice[] {
  const kept = new Map<string, number>();
  for (const e of result?.adaptive?.estimates ?? [])
    if (e.model && e.answers && e.answers > 0) kept.set(e.model, (e.accepted ?? 0) / e.answers);
  const out: PinChoice[] = [];
  for (const t of result?.targets ?? []) {
    if (!t.model) continue;
    const parts = [t.local ? 'local' : 'cloud', `~$${(t.estimated_cost_usd ?? 0).toFixed(4)}`];
    const share = kept.get(t.model);
    if (share !== undefined) parts.push(`${Math.round(share * 100)}% kept`);
    if (t.pinned) parts.push('pinned');
    out.push({ label: t.model, description: parts.join(' · '), detail: t.skipped ? t.reason : undefined, model: t.model });
  }
  return out;
}
