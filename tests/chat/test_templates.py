"""Every template in shared/templates, on a set of conversations, rendered by `hearth template` and
by Python's jinja2 (render_reference.py): the outputs must be byte-identical, and where jinja2 raises
hearth must fail with the same message. Env: HEARTH_BIN, HEARTH_SHARED_DIR."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render_reference  # noqa: E402
import snippets  # noqa: E402

BIN = os.environ["HEARTH_BIN"]
TEMPLATES = os.path.join(os.environ["HEARTH_SHARED_DIR"], "templates")
BOS, EOS = "<|bos|>", "<|eos|>"

TOOLS = [
    {"type": "function", "function": {
        "name": "get_weather", "description": "Current weather for a city.",
        "parameters": {"type": "object", "properties": {
            "city": {"type": "string", "description": "City name, e.g. \"Paris\""},
            "unit": {"enum": ["celsius", "fahrenheit"]}},  # no type: templates that look one up
            "required": ["city"]}}},
    {"type": "function", "function": {
        "name": "add", "description": "Adds two numbers.",
        "parameters": {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
                       "required": ["a", "b"]}}},
]
SYSTEM = {"role": "system", "content": "You are a terse assistant. Answer in one line."}
USER1 = {"role": "user", "content": "Hello! What's 2+2?"}
ASSIST1 = {"role": "assistant", "content": "4."}
USER2 = {"role": "user", "content": "Und auf Deutsch, bitte: «vier»?\nDanke 🙂"}
CALL = {"role": "assistant", "content": "", "tool_calls": [{"id": "call_1", "type": "function", "function": {
    "name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}}]}
RESULT = {"role": "tool", "tool_call_id": "call_1", "name": "get_weather", "content": "{\"temp\": 21.5, \"sky\": \"clear\"}"}
ASSIST_AFTER = {"role": "assistant", "content": "It is 21.5 °C and clear in Paris."}
WEATHER_Q = {"role": "user", "content": "Weather in Paris?"}
# Mistral wants 9-character alphanumeric ids; arguments given as a JSON string, as some clients send
CALL9 = {"role": "assistant", "content": "", "tool_calls": [
    {"id": "abc123XYZ", "type": "function", "function": {"name": "add", "arguments": "{\"a\": 1, \"b\": 2.5}"}},
    {"id": "def456UVW", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Oslo"}}}]}
RESULTS9 = [{"role": "tool", "tool_call_id": "abc123XYZ", "name": "add", "content": "3.5"},
            {"role": "tool", "tool_call_id": "def456UVW", "name": "get_weather", "content": "snow"}]

CONVERSATIONS = {
    "single_user": ([USER1], None),
    "system_user": ([SYSTEM, USER1], None),
    "multi_turn": ([USER1, ASSIST1, USER2], None),
    "system_multi_turn": ([SYSTEM, USER1, ASSIST1, USER2, {"role": "assistant", "content": "Vier."}], None),
    "tools_defined": ([WEATHER_Q], TOOLS),
    "system_tools": ([SYSTEM, WEATHER_Q], TOOLS),
    "tool_call_and_result": ([WEATHER_Q, CALL, RESULT, ASSIST_AFTER], TOOLS),
    "system_tool_call": ([SYSTEM, WEATHER_Q, CALL, RESULT], TOOLS),
    "parallel_tool_calls": ([WEATHER_Q, CALL9] + RESULTS9 + [ASSIST_AFTER, USER2], TOOLS),
    "tool_call_null_content": ([WEATHER_Q, dict(CALL9, content=None)] + RESULTS9, TOOLS),
    # more shapes real clients send
    "string_arguments_call": ([WEATHER_Q, {"role": "assistant", "content": None, "tool_calls": [{"id": "call_2", "type": "function",
        "function": {"name": "get_weather", "arguments": "{\"city\": \"Lima\"}"}}]}, dict(RESULT, tool_call_id="call_2")], TOOLS),
    "three_results_then_user": ([WEATHER_Q, CALL9] + RESULTS9 + [dict(RESULTS9[0], content="again"), USER2], TOOLS),
    "empty_contents": ([{"role": "user", "content": ""}, {"role": "assistant", "content": ""}, {"role": "user", "content": "?"}], None),
    "system_only": ([SYSTEM], None),
    "consecutive_users": ([USER1, USER2], None),
    "consecutive_assistants": ([USER1, ASSIST1, {"role": "assistant", "content": "Also 4."}], None),
    "system_after_user": ([USER1, SYSTEM, ASSIST1], None),
    "tools_no_calls_multi_turn": ([SYSTEM, USER1, ASSIST1, WEATHER_Q], TOOLS),
}


def run_hearth(template_path, messages, tools, add_gen, tmp):
    mpath = os.path.join(tmp, "messages.json")
    with open(mpath, "w", encoding="utf-8") as f:
        json.dump(messages, f, ensure_ascii=False)
    cmd = [BIN, "template", "--template", template_path, "--messages", mpath, "--bos-token", BOS, "--eos-token", EOS,
           "--now", "2024-07-26"]
    if tools is not None:
        tpath = os.path.join(tmp, "tools.json")
        with open(tpath, "w", encoding="utf-8") as f:
            json.dump(tools, f, ensure_ascii=False)
        cmd += ["--tools", tpath]
    if add_gen:
        cmd.append("--add-generation-prompt")
    p = subprocess.run(cmd, capture_output=True)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def main():
    names = sorted(n for n in os.listdir(TEMPLATES) if n.endswith(".jinja"))
    assert names, "no templates found in " + TEMPLATES
    failures, matched, raised = [], 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            path = os.path.join(TEMPLATES, name)
            with open(path, encoding="utf-8") as f:
                source = f.read()
            for conv, (messages, tools) in CONVERSATIONS.items():
                for add_gen in (False, True):
                    case = f"{name} / {conv} / add_generation_prompt={add_gen}"
                    ok, want = render_reference.render(source, messages, tools, add_gen, BOS, EOS)
                    rc, got, err = run_hearth(path, messages, tools, add_gen, tmp)
                    if ok and rc == 0 and got == want:
                        matched += 1
                    elif not ok and rc != 0 and want in err:
                        raised += 1
                    elif ok:
                        failures.append(f"{case}: jinja2 rendered, hearth rc={rc} {err.strip()}\n--- want\n{want!r}\n--- got\n{got!r}")
                    else:
                        failures.append(f"{case}: jinja2 raised {want!r}, hearth rc={rc} stderr={err.strip()!r}")
        for i, source in enumerate(snippets.SNIPPETS):
            path = os.path.join(tmp, f"snippet{i}.jinja")
            with open(path, "w", encoding="utf-8") as f:
                f.write(source)
            case = f"snippet {i}: {source!r}"
            ok, want = render_reference.render(source, snippets.MESSAGES, None, False, BOS, EOS)
            rc, got, err = run_hearth(path, snippets.MESSAGES, None, False, tmp)
            if ok and rc == 0 and got == want:
                matched += 1
            elif not ok and rc != 0 and want in err:
                raised += 1
            elif ok:
                failures.append(f"{case}: jinja2 rendered, hearth rc={rc} {err.strip()}\n--- want\n{want!r}\n--- got\n{got!r}")
            else:
                failures.append(f"{case}: jinja2 raised {want!r}, hearth rc={rc} stderr={err.strip()!r}")
    for f in failures:
        print("MISMATCH", f, "\n")
    print(f"{len(names)} templates and {len(snippets.SNIPPETS)} snippets: {matched} renders identical, {raised} identical errors, {len(failures)} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
