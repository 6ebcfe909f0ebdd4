/**
 * The fault a call failed with. The client rebuilds a SupervisorError (`@tsupervisord/errors`); the e2e package
 * does not depend on that package directly, so the shape is checked structurally.
 */
export interface Fault {
  name: string;
  code: string;
  detail: string | undefined;
  message: string;
}

export function isFault(err: unknown): err is Fault {
  return err instanceof Error && err.name === "SupervisorError" && typeof (err as Partial<Fault>).code === "string";
}

export async function fault(promise: Promise<unknown>): Promise<Fault> {
  try {
    await promise;
  } catch (err) {
    if (isFault(err)) return err;
    throw err;
  }
  throw new Error("expected a fault");
}
