/**
 * The internal error a converter or expansion throws: Python's `ValueError` text, before supervisord's
 * section suffix (ERR-02). The reader catches it and turns it into a ConfigIssue with a location.
 */
export { ValueError } from "@tsupervisord/pycompat";
