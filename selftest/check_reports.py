#!/usr/bin/python3
"""Checks one run's reports with real consumers: matrix.json against its schema
(python3-jsonschema), junit.xml with a JUnit parser (python3-junitparser), and
both against the text matrix's own counts.

Usage: check_reports.py SCHEMA REPORT_DIR. Prints what is wrong and exits 1, or
prints the counts and exits 0."""

import json
import re
import sys

import jsonschema
import junitparser


def main(schema_path: str, reports: str) -> int:
    problems = []
    with open(schema_path, encoding='utf-8') as file:
        schema = json.load(file)
    with open(f'{reports}/matrix.json', encoding='utf-8') as file:
        matrix = json.load(file)
    validator = jsonschema.Draft202012Validator(schema)
    for error in sorted(validator.iter_errors(matrix), key=str)[:5]:
        problems.append(f'matrix.json: {"/".join(map(str, error.absolute_path))}: {error.message}')

    with open(f'{reports}/matrix.txt', encoding='utf-8') as file:
        text = file.read()
    summary = re.search(r'from (\d+) declared cases(?: \(([^)]*)\))?', text)
    if not summary:
        return fail(problems + ['matrix.txt: no "N cells from M declared cases" line'])
    declared = int(summary.group(1))
    counts = {verdict: int(n) for n, verdict in
              (part.split(' ') for part in (summary.group(2) or '').split(', ') if part)}
    if matrix['counts'] != counts:
        problems.append(f'matrix.json counts {matrix["counts"]} != matrix.txt {counts}')
    if len(matrix['records']) != declared:
        problems.append(f'matrix.json has {len(matrix["records"])} records, matrix.txt {declared} cases')

    xml = junitparser.JUnitXml.fromfile(f'{reports}/junit.xml')
    cases = [case for suite in xml for case in suite]
    failed = sum(1 for case in cases if any(isinstance(r, junitparser.Failure) for r in case.result))
    skipped = sum(1 for case in cases if any(isinstance(r, junitparser.Skipped) for r in case.result))
    gate_failing = sum(counts.get(v, 0) for v in ('FAIL', 'XPASS', 'NO-VERDICT'))
    if (len(cases), failed, skipped) != (declared, gate_failing, counts.get('SKIP', 0)):
        problems.append(f'junit.xml: {len(cases)} cases, {failed} failures, {skipped} skipped; '
                        f'matrix.txt: {declared} cases, {gate_failing} failing the gate, '
                        f'{counts.get("SKIP", 0)} SKIP')
    names = {case.name for case in cases}
    missing = [r['name'] for r in matrix['records'] if r['name'] not in names]
    if missing:
        problems.append(f'junit.xml lacks {missing[:3]}')
    if problems:
        return fail(problems)
    print(f'reports agree: {declared} cases, {counts}; junit {len(cases)} cases, '
          f'{failed} failures, {skipped} skipped')
    return 0


def fail(problems) -> int:
    for problem in problems:
        print(problem)
    return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2]))
