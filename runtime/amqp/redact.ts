/**
 * Broker URLs carry passwords; error messages and logs end up in log aggregators and tickets.
 * Everything the AMQP transport logs or throws about a connection goes through these helpers.
 */

/** `amqps://user:secret@host/vhost` → `amqps://user:***@host/vhost`; unparseable input is masked whole. */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not a URL we can take apart: hide anything between '//' and '@' that could be credentials.
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
  if (parsed.password !== '') parsed.password = '***';
  for (const key of [...parsed.searchParams.keys()]) {
    if (/pass|secret|token|key/i.test(key)) parsed.searchParams.set(key, '***');
  }
  return parsed.toString();
}

/** Replaces every occurrence of the URL, and of its password, in free text (e.g. an error message). */
export function redactText(text: string, url: string): string {
  let result = text.split(url).join(redactUrl(url));
  let password = '';
  try {
    password = new URL(url).password;
  } catch {
    // Nothing more to hide than the whole URL, done above.
  }
  if (password.length > 0) {
    result = result.split(password).join('***');
    const decoded = safeDecode(password);
    if (decoded.length > 0 && decoded !== password) result = result.split(decoded).join('***');
  }
  return result;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
