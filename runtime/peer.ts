/**
 * Broker clients are optional peer dependencies: a service installs only the one its transport
 * needs. Each transport loads its client through here, on first use, so that importing
 * `eventsmith/runtime` never needs one and a missing client is named with the command that adds it.
 */

/** Imports the peer package `name`; a missing one fails with an error saying how to install it. */
export async function loadPeer<T>(name: string, entry: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isMissing(error, name)) {
      throw new Error(`${entry} needs the '${name}' package, which is not installed: run \`npm install ${name}\``, { cause: error });
    }
    throw error;
  }
}

/** Whether `error` says the package `name` is not installed (rather than broken). */
export function isMissing(error: unknown, name: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && typeof message === 'string' && message.includes(`'${name}'`);
}
