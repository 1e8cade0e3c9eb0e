// The HTTP API as the console calls it: same origin, `Authorization: Bearer <key>` from
// sessionStorage (the key lives only as long as the browser tab's session), JSON errors turned
// into ApiError with the server's code, message and details.

const KEY_ITEM = 'answergraph.key';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code || 'http_error';
    this.details = body?.details;
  }

  /** Validation errors of a refused write: [{file, line, field, message}]. */
  get errors() {
    return this.details?.errors || [];
  }
}

export function storedKey() {
  return sessionStorage.getItem(KEY_ITEM);
}

export function storeKey(key) {
  sessionStorage.setItem(KEY_ITEM, key);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY_ITEM);
}

const signedOutListeners = [];
/** `listener` runs when the server refuses the stored key (401). */
export function onSignedOut(listener) {
  signedOutListeners.push(listener);
}

/**
 * Calls the API. `json` is sent as a JSON body; `body` + `type` as a raw body. Resolves to the
 * parsed JSON response; rejects with ApiError.
 */
export async function call(method, path, { json, body, type, key } = {}) {
  const headers = { Accept: 'application/json' };
  const token = key ?? storedKey();
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload;
  if (json !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(json);
  } else if (body !== undefined) {
    headers['Content-Type'] = type;
    payload = body;
  }
  let response;
  try {
    response = await fetch(path, { method, headers, body: payload, cache: 'no-store' });
  } catch (error) {
    throw new ApiError(0, { code: 'network', message: String(error.message || error) });
  }
  const text = await response.text();
  let parsed = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = { message: text };
  }
  if (!response.ok) {
    const error = new ApiError(response.status, parsed);
    if (response.status === 401 && key === undefined) signedOutListeners.forEach((l) => l(error));
    throw error;
  }
  return parsed;
}

/** `/v1/nodes/<id>` with the id percent-encoded (ids contain `/`). */
export function nodePath(id, suffix = '') {
  return `/v1/nodes/${encodeURIComponent(id)}${suffix}`;
}

export const api = {
  whoami: (key) => call('GET', '/v1/whoami', { key }),
  ready: () => call('GET', '/readyz'),
  schema: () => call('GET', '/v1/schema'),
  answer: (question, sessionId) =>
    call('POST', '/v1/answer', { json: sessionId ? { question, session_id: sessionId } : { question } }),
  feedback: (body) => call('POST', '/v1/feedback', { json: body }),
  search: (body) => call('POST', '/v1/search', { json: body }),
  findNodes: ({ q = '', kind = '', limit = 50, offset = 0 } = {}) => {
    const params = new URLSearchParams({ q, limit, offset });
    if (kind) params.set('kind', kind);
    return call('GET', `/v1/nodes?${params}`);
  },
  node: (id) => call('GET', nodePath(id)),
  neighbors: (id, { hops = 1, rels = [], limit = 200 } = {}) => {
    const params = new URLSearchParams({ hops, limit });
    if (rels.length) params.set('rel', rels.join(','));
    return call('GET', nodePath(id, `/neighbors?${params}`));
  },
  deleteNode: (id, dryRun) => call('DELETE', nodePath(id, dryRun ? '?dry_run=true' : '')),
  putNode: (id, node) => call('PUT', nodePath(id), { json: node }),
  importBody: (text, type, dryRun) =>
    call('POST', `/v1/import${dryRun ? '?dry_run=true' : ''}`, { body: text, type }),
  changes: (since, limit) => call('GET', `/v1/changes?since=${since}&limit=${limit}`),
  analytics: (since, top = 10) =>
    call('GET', `/v1/analytics?since=${encodeURIComponent(since)}&top=${top}`),
  series: (since, buckets) =>
    call('GET', `/v1/analytics/series?since=${encodeURIComponent(since)}&buckets=${buckets}`),
};
