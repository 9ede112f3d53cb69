#!/usr/bin/python3
"""Validate bulletin/1 JSON files against docs/schema/bulletin-1.schema.json.

Usage: validate.py [--schema SCHEMA] FILE...
Exit status 0 when every file is valid, 1 when any is not (each error is printed with its
JSON path), 2 on usage errors. Needs python3-jsonschema (Debian) >= 4.0 for draft 2020-12.
"""
import argparse
import json
import pathlib
import sys

import jsonschema


def main() -> int:
    default_schema = pathlib.Path(__file__).with_name("bulletin-1.schema.json")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schema", type=pathlib.Path, default=default_schema)
    parser.add_argument("files", nargs="+", type=pathlib.Path)
    args = parser.parse_args()

    schema = json.loads(args.schema.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

    failed = False
    for path in args.files:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            print(f"{path}: cannot read JSON: {error}")
            failed = True
            continue
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        for error in errors:
            where = "/".join(str(p) for p in error.absolute_path) or "(root)"
            print(f"{path}: {where}: {error.message}")
        if errors:
            failed = True
        else:
            print(f"{path}: valid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
