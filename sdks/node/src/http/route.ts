/** `POST /v1/chat/completions`; segments that look like ids (with a digit, or long) become `{id}`, so routes group. */
export function routeOf(method: string, path: string): string {
  const query = path.search(/[?#]/);
  if (query >= 0) path = path.slice(0, query);
  let route = method + ' ';
  for (const segment of path.split('/')) {
    if (segment.length === 0) continue;
    const colon = segment.indexOf(':');
    const name = colon >= 0 ? segment.slice(0, colon) : segment;
    route += '/' + (isId(name) ? '{id}' : name) + (colon >= 0 ? segment.slice(colon) : '');
  }
  return route.endsWith(' ') ? route + '/' : route;
}

// v1, v1beta, v2 are versions, not ids.
function isId(segment: string): boolean {
  return segment.length > 24 || (/\d/.test(segment) && !(segment.length >= 2 && segment.length <= 8 && segment[0] === 'v' && /\d/.test(segment[1]!)));
}

/** The model in a path such as Gemini's `/v1beta/models/gemini-2.5-flash:generateContent`. */
export function modelInPath(path: string): string | undefined {
  const at = path.indexOf('/models/');
  if (at < 0) return undefined;
  const rest = path.slice(at + 8);
  const end = rest.search(/[:/?]/);
  if (end <= 0) return undefined;
  try {
    return decodeURIComponent(rest.slice(0, end));
  } catch {
    return rest.slice(0, end);
  }
}
