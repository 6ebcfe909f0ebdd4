import { describe, expect, it } from "vitest";
import { pyInt as parsePythonInt, pyRepr as pythonRepr } from "@tsupervisord/pycompat";

describe("Python behaviours in messages", () => {
  it("repr of a str picks its quotes and escapes as Python does", () => {
    expect(pythonRepr("stdboth")).toBe("'stdboth'");
    expect(pythonRepr("it's")).toBe(`"it's"`);
    expect(pythonRepr(`'"`)).toBe(`'\\'"'`);
    expect(pythonRepr("a\tb\\")).toBe("'a\\tb\\\\'");
  });
  it("int() of tail's -N: signs, underscores, no junk", () => {
    expect(parsePythonInt("100")).toBe(100);
    expect(parsePythonInt("-5")).toBe(-5);
    expect(parsePythonInt("1_000")).toBe(1000);
    expect(parsePythonInt("f")).toBeNull();
    expect(parsePythonInt("")).toBeNull();
    expect(parsePythonInt("1.5")).toBeNull();
  });
});
