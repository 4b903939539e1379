"""End-to-end tests of build/bin/hearth, run as a user would run it (ctest runs this file)."""
import json
import os
import struct
import subprocess
import sys
import tempfile
import unittest

HEARTH = os.environ.get("HEARTH_BIN", os.path.join(os.path.dirname(__file__), "../../build/bin/hearth"))
SHARED = os.environ.get("HEARTH_SHARED_DIR", os.path.join(os.path.dirname(__file__), "../../../shared"))
STORIES = os.path.join(SHARED, "models/stories260K.gguf")
EMBEDDERS = {"tiny-bert", "tiny-nomic-bert", "tiny-qwen3-embedding"}  # the tiny presets that pool
KNOWN = (" was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. "
         "She wanted to play with it, but she didn't want to play with")


def hearth(*args, stdin=b""):
    return subprocess.run([HEARTH, *args], input=stdin, capture_output=True, timeout=600)


def gguf_bytes(metadata):
    """A GGUF v3 file with string/uint32 metadata and no tensors."""
    out = bytearray(struct.pack("<IIQQ", 0x46554747, 3, 0, len(metadata)))
    for key, value in metadata:
        kb = key.encode()
        out += struct.pack("<Q", len(kb)) + kb
        if isinstance(value, str):
            vb = value.encode()
            out += struct.pack("<IQ", 8, len(vb)) + vb
        else:
            out += struct.pack("<II", 4, value)
    return bytes(out)


class RunTest(unittest.TestCase):
    def test_stories_known_greedy_continuation(self):
        r = hearth("run", "--model", STORIES, "--prompt", "Zoo", "-n", "57", "--temp", "0")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout.decode(), KNOWN)
        self.assertIn(b"tok/s", r.stderr)

    def test_seeded_sampling_is_reproducible(self):
        a = hearth("run", "--model", STORIES, "--prompt", "Once", "-n", "30", "--temp", "1.0", "--seed", "7")
        b = hearth("run", "--model", STORIES, "--prompt", "Once", "-n", "30", "--temp", "1.0", "--seed", "7")
        c = hearth("run", "--model", STORIES, "--prompt", "Once", "-n", "30", "--temp", "1.0", "--seed", "8",
                   "--top-k", "0", "--top-p", "1", "--min-p", "0")
        self.assertEqual(a.returncode, 0, a.stderr)
        self.assertEqual(a.stdout, b.stdout)
        self.assertNotEqual(a.stdout, c.stdout)

    def test_top_k_one_is_greedy(self):
        r = hearth("run", "--model", STORIES, "--prompt", "Zoo", "-n", "57", "--temp", "1.5", "--top-k", "1", "--seed", "3")
        self.assertEqual(r.stdout.decode(), KNOWN)


class TokenizeTest(unittest.TestCase):
    def test_vectors_through_the_cli(self):
        tokdir = os.path.join(SHARED, "tokenizers")
        checked = 0
        for name in sorted(os.listdir(tokdir)):
            if not name.endswith(".gguf.inp"):
                continue
            vocab = os.path.join(tokdir, name[:-4])
            with open(os.path.join(tokdir, name), encoding="utf-8") as f:
                inputs = f.read().split("\n__ggml_vocab_test__\n")
            with open(os.path.join(tokdir, name[:-4] + ".out"), encoding="utf-8") as f:
                outputs = f.read().split("\n")
            inputs[0] = inputs[0].split("__ggml_vocab_test__\n", 1)[-1] if inputs[0].startswith("__ggml") else inputs[0]
            for text, want in list(zip(inputs, outputs))[:12]:  # the full sets run in test_tokenizer
                r = hearth("tokenize", "--model", vocab, stdin=text.encode())
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertEqual(r.stdout.decode().strip(), want.strip(), f"{name}: {text!r}")
                checked += 1
        self.assertGreater(checked, 50)

    def test_special_flags_and_round_trip(self):
        plain = hearth("tokenize", "--model", STORIES, stdin=b"Zoo")
        self.assertEqual(plain.stdout.decode().split(), ["410", "469", "347"])
        bos = hearth("tokenize", "--model", STORIES, "--add-special", stdin=b"Zoo")
        self.assertEqual(bos.stdout.decode().split(), ["1", "410", "469", "347"])
        text = "Lily saw a big red ball."
        ids = hearth("tokenize", "--model", STORIES, stdin=text.encode()).stdout
        back = hearth("detokenize", "--model", STORIES, stdin=ids)
        self.assertEqual(back.returncode, 0, back.stderr)
        self.assertEqual(back.stdout.decode(), text)


class InfoAndLogitsTest(unittest.TestCase):
    def test_info(self):
        r = hearth("info", "--model", STORIES)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout.decode()
        self.assertIn("architecture: llama", out)
        self.assertIn("layers: 5, embedding: 64", out)
        self.assertIn("vocab: 512", out)
        self.assertIn("tokenizer: llama", out)

    def test_logits_json_and_raw_file(self):
        with tempfile.TemporaryDirectory() as d:
            raw = os.path.join(d, "logits.f32")
            r = hearth("logits", "--model", STORIES, "--prompt", "Zoo", "--top", "3", "--out", raw)
            self.assertEqual(r.returncode, 0, r.stderr)
            lines = [json.loads(l) for l in r.stdout.decode().splitlines()]
            self.assertEqual([l["pos"] for l in lines], [0, 1, 2, 3])
            self.assertEqual([l["token"] for l in lines], [1, 410, 469, 347])
            self.assertEqual(len(lines[0]["top"]), 3)
            with open(raw, "rb") as f:
                data = f.read()
            self.assertEqual(len(data), 4 * 512 * 4)
            last = struct.unpack("<512f", data[3 * 2048:])
            best = max(range(512), key=lambda i: last[i])
            self.assertEqual(lines[3]["top"][0][0], best)
            self.assertAlmostEqual(lines[3]["top"][0][1], last[best], places=4)
            # the greedy continuation's first token (" was") is the last position's best
            first = hearth("tokenize", "--model", STORIES, stdin=b" was").stdout.decode().split()
            self.assertIn(str(best), first)


class MaskbenchTest(unittest.TestCase):
    VOCAB = os.path.join(SHARED, "tokenizers/ggml-vocab-deepseek-llm.gguf")

    def test_dev_set_prefix_and_a_plain_jsonl(self):
        r = hearth("maskbench", "--data", os.path.join(SHARED, "schemas/maskbench-dev.jsonl.gz"),
                   "--model", self.VOCAB, "--limit", "60", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = [json.loads(l) for l in r.stdout.decode().splitlines()]
        summary = lines[-1]
        self.assertEqual(summary["schemas"], 60)
        self.assertEqual(len(lines), 61)  # one line per schema, the summary last
        self.assertEqual(summary["invalidation_error"], 0)
        self.assertGreaterEqual(summary["passing"], 50)
        self.assertGreater(summary["tbm_us"]["count"], 100)
        # a plain .jsonl the test writes: one schema that passes, one whose valid test is refused
        # by an unsupported keyword (a compile error), one invalid instance that must be refused
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "mine.jsonl")
            with open(path, "w") as f:
                f.write(json.dumps({"name": "ok", "schema": {"type": "object", "properties": {"n": {"type": "integer", "maximum": 9}},
                                    "required": ["n"]}, "tests": [{"valid": True, "data": {"n": 7}}, {"valid": False, "data": {"n": 10}}]}) + "\n")
                f.write(json.dumps({"name": "unsupported", "schema": {"not": {"const": 1}}, "tests": []}) + "\n")
            r = hearth("maskbench", "--data", path, "--model", self.VOCAB, "--json")
            self.assertEqual(r.returncode, 0, r.stderr)
            lines = [json.loads(l) for l in r.stdout.decode().splitlines()]
            self.assertEqual([l.get("status") for l in lines[:2]], ["passing", "compile_error"])
            self.assertIn("not", lines[1]["message"])
            self.assertEqual(lines[2]["passing"], 1)


class ErrorTest(unittest.TestCase):
    def assert_fails(self, r, code, fragment):
        self.assertEqual(r.returncode, code, r.stderr)
        self.assertIn(fragment, r.stderr.decode())

    def test_missing_file(self):
        self.assert_fails(hearth("info", "--model", "/nonexistent.gguf"), 1, "cannot open")

    def test_truncated_and_garbage_files(self):
        with tempfile.TemporaryDirectory() as d:
            cut = os.path.join(d, "cut.gguf")
            with open(STORIES, "rb") as f, open(cut, "wb") as out:
                out.write(f.read(50000))
            self.assert_fails(hearth("run", "--model", cut, "--prompt", "x"), 1, "truncated")
            junk = os.path.join(d, "junk.gguf")
            with open(junk, "wb") as out:
                out.write(b"hello world, not a model" * 10)
            self.assert_fails(hearth("info", "--model", junk), 1, "not a GGUF file")

    def test_unsupported_architecture(self):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "mamba.gguf")
            with open(p, "wb") as out:
                out.write(gguf_bytes([("general.architecture", "mamba")]))
            self.assert_fails(hearth("info", "--model", p), 1, "architecture 'mamba' is not supported")

    def test_bad_flags(self):
        self.assert_fails(hearth("run", "--model", STORIES, "--prompt", "x", "--bogus", "1"), 2, "unknown flag")
        self.assert_fails(hearth("run", "--model", STORIES, "--prompt", "x", "--temp", "hot"), 2, "--temp must be")
        self.assert_fails(hearth("run", "--model", STORIES), 2, "missing required flag --prompt")
        self.assert_fails(hearth("frobnicate"), 2, "unknown command")
        self.assert_fails(hearth("gen", "--arch", "gpt-5", "--type", "q4_0", "-o", "/tmp/x.gguf"), 2, "gpt-5")
        self.assert_fails(hearth("gen", "--arch", "tiny-llama", "--type", "q9_9", "-o", "/tmp/x.gguf"), 2, "q9_9")
        self.assert_fails(hearth("gen", "--arch", "tiny-llama", "--type", "q4_0", "--threads", "0", "-o", "/tmp/x.gguf"), 2, "--threads must be")


class GeneratedModelsTest(unittest.TestCase):
    def test_embed_flags_and_errors(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "bert.gguf")
            self.assertEqual(hearth("gen", "--arch", "tiny-bert", "--type", "f32", "-o", path).returncode, 0)
            short = hearth("embed", "--model", path, "--dimensions", "32", "--pooling", "mean", stdin=b"a b c\n")
            self.assertEqual(short.returncode, 0, short.stderr)
            self.assertEqual(len(json.loads(short.stdout)["embedding"]), 32)
            long_line = b"word " * 600 + b"\n"
            refused = hearth("embed", "--model", path, stdin=long_line)
            self.assertEqual(refused.returncode, 2)
            self.assertIn(b"truncate", refused.stderr)
            cut = hearth("embed", "--model", path, "--truncate", stdin=long_line)
            self.assertEqual(cut.returncode, 0, cut.stderr)
            lm = os.path.join(d, "lm.gguf")
            self.assertEqual(hearth("gen", "--arch", "tiny-llama", "--type", "q8_0", "-o", lm).returncode, 0)
            r = hearth("embed", "--model", lm, stdin=b"x\n")
            self.assertEqual(r.returncode, 2)
            self.assertIn(b"no pooling type", r.stderr)
            pooled = hearth("embed", "--model", lm, "--pooling", "last", stdin=b"x\n")  # a decoder as an embedder
            self.assertEqual(pooled.returncode, 0, pooled.stderr)

    def test_every_tiny_preset_generates_runs_and_benches(self):
        presets = [p for p in hearth("gen", "--list").stdout.decode().split() if p.startswith("tiny-")]
        self.assertGreaterEqual(len(presets), 6)
        with tempfile.TemporaryDirectory() as d:
            for preset in presets:
                for qtype in ("q8_0", "q4_k_m"):
                    path = os.path.join(d, f"{preset}-{qtype}.gguf")
                    g = hearth("gen", "--arch", preset, "--type", qtype, "-o", path)
                    self.assertEqual(g.returncode, 0, g.stderr)
                    if preset in EMBEDDERS:  # embedding models embed, and refuse to generate
                        r = hearth("run", "--model", path, "--prompt", "Hello world", "-n", "8")
                        self.assertEqual(r.returncode, 2)
                        self.assertIn(b"embedding model", r.stderr)
                        e = hearth("embed", "--model", path, stdin=b"Hello world\nsecond line\n")
                        self.assertEqual(e.returncode, 0, e.stderr)
                        lines = [json.loads(x) for x in e.stdout.decode().splitlines()]
                        self.assertEqual([x["index"] for x in lines], [0, 1])
                        for x in lines:
                            self.assertAlmostEqual(sum(v * v for v in x["embedding"]), 1.0, places=4)
                        continue
                    r = hearth("run", "--model", path, "--prompt", "Hello world", "-n", "8", "--temp", "0", "--ignore-eos")
                    self.assertEqual(r.returncode, 0, r.stderr)
                    self.assertIn(b"generated 8 tokens", r.stderr)
            # the thread count (default: every core) splits the quantizing, not the bytes
            one, three = (os.path.join(d, f"t{n}.gguf") for n in (1, 3))
            for path_n, n in ((one, "1"), (three, "3")):
                g = hearth("gen", "--arch", "tiny-qwen3", "--type", "q4_k_m", "--threads", n, "-o", path_n)
                self.assertEqual(g.returncode, 0, g.stderr)
            with open(one, "rb") as a, open(three, "rb") as b3:
                self.assertEqual(a.read(), b3.read())
            b = hearth("bench", "--model", one, "-p", "16", "-n", "4", "--json")
            self.assertEqual(b.returncode, 0, b.stderr)
            stats = json.loads(b.stdout)
            self.assertGreater(stats["prefill_tok_s"], 0)
            self.assertGreater(stats["decode_tok_s"], 0)
            e = hearth("bench", "--model", os.path.join(d, "tiny-bert-q8_0.gguf"), "-p", "16", "--json")
            self.assertEqual(e.returncode, 0, e.stderr)
            stats = json.loads(e.stdout)
            self.assertEqual(stats["kind"], "embedding")
            self.assertEqual([r["batch"] for r in stats["batches"]], [1, 16, 64])
            self.assertTrue(all(r["inputs_s"] > 0 and abs(r["tok_s"] - 16 * r["inputs_s"]) < 1 for r in stats["batches"]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
