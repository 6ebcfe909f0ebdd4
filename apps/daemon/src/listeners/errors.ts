/** A listener that cannot be opened: the daemon prints `Error: <message>` and exits 2 (§7.2 step 7). */
export class ListenerError extends Error {
  override readonly name = "ListenerError";
}

export const ADDRESS_IN_USE_MESSAGE =
  "Another program is already listening on a port that one of our HTTP servers is configured to use.  " +
  "Shut this program down first before starting supervisord.";
