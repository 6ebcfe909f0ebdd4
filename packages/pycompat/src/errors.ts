/** Python's `ValueError`: the message is Python's text, which supervisord prints (callers add their context). */
export class ValueError extends Error {
  override readonly name = "ValueError";
}
