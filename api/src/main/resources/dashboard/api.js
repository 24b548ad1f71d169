// The REST API of this origin. Every answer is an APIResponse envelope; a failure throws an Error whose message is
// the server's words (the page shows them as they are) and whose status is the HTTP status (0: no answer at all).
const KEY = 'agentforge.api_key';

export class ApiError extends Error {
  constructor(status, message, details) {
    super(message);
    this.status = status;
    this.details = details;
  }
}

export async function api(path, { method = 'GET', body, raw = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const key = sessionStorage.getItem(KEY);
  if (key) headers.Authorization = 'Bearer ' + key;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, 'the API does not answer (' + e.message + ')');
  }
  if (response.status === 401 && askForKey()) {
    return api(path, { method, body, raw });
  }
  if (raw) {
    if (!response.ok) throw new ApiError(response.status, 'HTTP ' + response.status);
    return response;
  }
  let envelope;
  try {
    envelope = await response.json();
  } catch (e) {
    throw new ApiError(response.status, 'HTTP ' + response.status + ' without a JSON answer');
  }
  if (!response.ok || envelope.success === false) {
    throw new ApiError(response.status, envelope.error || envelope.message || 'HTTP ' + response.status,
      envelope.details);
  }
  return envelope.data;
}

// A 401 means this API wants a key: ask once per failure and keep it for this tab only.
function askForKey() {
  const key = window.prompt('This Agent Forge API asks for an API key. It is kept for this tab only.');
  if (!key) return false;
  sessionStorage.setItem(KEY, key.trim());
  return true;
}

// A link or WebSocket address cannot carry an Authorization header: with a key, it goes as ?token=.
export function withToken(url) {
  const key = sessionStorage.getItem(KEY);
  if (!key || !url) return url;
  return url + (url.includes('?') ? '&' : '?') + 'token=' + encodeURIComponent(key);
}
