#!/usr/bin/env python3
"""Compares the pipeline's JSON with the generator's ground truth, field by field.

    check.py TRUTH_DIR OUTPUT_DIR [--quiet]

For each TRUTH_DIR/NAME.json, reads OUTPUT_DIR/NAME.json (what `bulletin run` or `bulletin
batch` wrote) and compares the structure: masthead (series, issue number/total, publisher,
date), article titles, paragraphs and bylines, and distribution blocks. Prints the differences
and a summary line "N passed, M failed"; exits 1 when any document differs. Standard library
only.
"""

import json
import os
import sys


def structure(doc: dict) -> dict:
    m = doc.get("masthead") or {}
    issue = m.get("issue")
    return {
        "masthead": {
            "series": m.get("series"),
            "issue": None if not issue else {"number": issue.get("number"), "total": issue.get("total")},
            "publisher": m.get("publisher"),
            "date": m.get("date"),
        },
        "articles": [
            {"title": a.get("title"), "paragraphs": a.get("paragraphs"),
             "byline": None if not a.get("byline") else
             {"department": a["byline"].get("department"), "authors": a["byline"].get("authors")}}
            for a in doc.get("articles") or []
        ],
        "distribution": [{"label": b.get("label"), "recipients": b.get("recipients")}
                         for b in doc.get("distribution") or []],
    }


def diff(path: str, want, got, out: list) -> None:
    if isinstance(want, dict) and isinstance(got, dict):
        for k in want:
            diff(f"{path}.{k}", want[k], got.get(k), out)
    elif isinstance(want, list) and isinstance(got, list) and len(want) == len(got):
        for i, (w, g) in enumerate(zip(want, got)):
            diff(f"{path}[{i}]", w, g, out)
    elif want != got:
        out.append(f"  {path}: expected {json.dumps(want, ensure_ascii=False)[:300]}\n"
                   f"  {' ' * len(path)}  got      {json.dumps(got, ensure_ascii=False)[:300]}")


def main(argv: list) -> int:
    quiet = "--quiet" in argv
    args = [a for a in argv if a != "--quiet"]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    truth_dir, out_dir = args
    passed = failed = 0
    for name in sorted(os.listdir(truth_dir)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(truth_dir, name), encoding="utf-8") as f:
            want = structure(json.load(f))
        out_path = os.path.join(out_dir, name)
        problems: list = []
        if not os.path.exists(out_path):
            problems.append(f"  no output {out_path}")
        else:
            with open(out_path, encoding="utf-8") as f:
                diff("", want, structure(json.load(f)), problems)
        if problems:
            failed += 1
            if not quiet or failed <= 3:
                print(f"{name}:\n" + "\n".join(problems))
        else:
            passed += 1
    print(f"corpus: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
