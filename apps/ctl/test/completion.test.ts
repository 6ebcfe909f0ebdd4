import { describe, expect, it } from "vitest";
import { complete, currentWord } from "../src/completion.js";
import { COMPLETION_SCRIPTS } from "../src/completion-scripts.js";

const infos = [
  { name: "web", group: "web" },
  { name: "w-high", group: "workers" },
  { name: "w-low", group: "workers" },
];
let asked = 0;
const source = async () => {
  asked++;
  return infos;
};

describe("shell completion (CTL-05)", () => {
  it("the word under the cursor keeps `:`, `*` and `-`", () => {
    expect(currentWord("start workers:w-h")).toBe("workers:w-h");
    expect(currentWord("stop ")).toBe("");
  });
  it("actions on an empty line and for the first word", async () => {
    const [all] = await complete("", source);
    expect(all[0]).toBe("help ");
    expect(all).toContain("version ");
    expect(await complete("st", source)).toEqual([["start ", "status ", "stop "], "st"]);
    expect(await complete("help re", source)).toEqual([["reload ", "remove ", "reread ", "restart "], "re"]);
  });
  it("process names: `name` for single-process groups, `group:name` and `group:*` otherwise", async () => {
    expect(await complete("start ", source)).toEqual([["web ", "workers:w-high ", "workers:* ", "workers:w-low "], ""]);
    expect(await complete("stop workers:w-", source)).toEqual([["workers:w-high ", "workers:w-low "], "workers:w-"]);
    // Once a `:` is typed every process is offered as group:name.
    expect((await complete("tail web:", source))[0]).toEqual(["web:web ", "web:* "]);
  });
  it("group names after add/remove/update; nothing after other actions; names asked only when needed", async () => {
    asked = 0;
    expect(await complete("update w", source)).toEqual([["web ", "workers "], "w"]);
    expect(await complete("version ", source)).toEqual([[], ""]);
    expect(await complete("sta", source)).toEqual([["start ", "status "], "sta"]);
    expect(asked).toBe(1);
  });
});

describe("completion scripts", () => {
  it("bash, zsh and fish scripts name tsctl", () => {
    expect(COMPLETION_SCRIPTS["bash"]).toContain("complete -F _tsctl tsctl");
    expect(COMPLETION_SCRIPTS["zsh"]).toContain("compdef _tsctl tsctl");
    expect(COMPLETION_SCRIPTS["fish"]).toContain("complete -c tsctl");
  });
});
