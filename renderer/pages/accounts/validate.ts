// Checks as the user types, matching what the main process enforces (which checks again).
export function serverAddressProblem(text: string): string | undefined {
  const t = text.trim();
  if (!t) return 'Enter the server address';
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : `https://${t}`);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'The address must start with https:// or http://';
    if (url.username || url.password) return 'Put the user name and password in their own fields';
    if (url.search || url.hash) return 'The address cannot contain "?" or "#"';
  } catch {
    return 'This is not a valid server address';
  }
  return undefined;
}

export function serverPathProblem(text: string, what: string, allowRelative = false): string | undefined {
  const t = text.trim();
  if (!t) return `The ${what} cannot be empty`;
  if (!allowRelative && !t.startsWith('/')) return `The ${what} must start with "/"`;
  if (t.split('/').some((s) => s === '..' || s === '.')) return `The ${what} cannot contain "." or ".." folders`;
  if (t.includes('\\')) return `Use "/" between folders in the ${what}`;
  return undefined;
}
