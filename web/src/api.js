// The JSON API as the web app uses it. Every call returns parsed JSON or throws an ApiError
// whose message is the server's human sentence (the same one the CLI prints).

/** An error answered by the server ({error: {code, message}}) or a failed connection. */
export class ApiError extends Error {
  constructor(message, code, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** Calls `method path` with an optional JSON body; `signal` aborts it. */
export async function api(method, path, body, signal) {
  const init = { method, headers: { Accept: 'application/json' }, signal };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (err) {
    if (err.name === 'AbortError') throw err;
    throw new ApiError('Empathic is not reachable. Is `empathic serve` still running?', 'offline', 0);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = data && data.error;
    throw new ApiError(
      error ? error.message : `The server answered ${response.status}.`,
      error ? error.code : 'http',
      response.status,
    );
  }
  return data;
}

export const get = (path, signal) => api('GET', path, undefined, signal);
export const post = (path, body, signal) => api('POST', path, body ?? {}, signal);
export const put = (path, body) => api('PUT', path, body);
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

/** "?a=1&b=x" from an object, skipping empty values; arrays repeat the key. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) value.forEach((v) => search.append(key, v));
    else search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
