#!/usr/bin/python3
"""Checks one run's reports with real consumers: matrix.json against its schema
(python3-jsonschema), junit.xml with a JUnit parser (python3-junitparser), the
DOM that headless Chromium rendered of matrix.html, and all against the text
matrix's own counts.

Usage: check_reports.py SCHEMA REPORT_DIR [DOM]. Prints what is wrong and exits
1, or prints the counts and exits 0."""

import html.parser
import json
import re
import sys

import jsonschema
import junitparser


class Cells(html.parser.HTMLParser):
    """The matrix cells of a rendered page: (server, client, column) → verdict."""

    def __init__(self):
        super().__init__()
        self.cells = {}
        self.server = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == 'table' and 'data-server' in attrs:
            self.server = attrs['data-server']
        if tag == 'td' and 'cell' in attrs.get('class', '').split():
            self.cells[(self.server, attrs['data-client'], attrs['data-column'])] = attrs['data-verdict']


def worst(verdicts):
    order = ['SKIP', 'PASS', 'XFAIL', 'WARN', 'XPASS', 'FAIL', 'NO-VERDICT']
    return max(verdicts, key=order.index)


def check_dom(dom_path: str, matrix: dict) -> list:
    parser = Cells()
    with open(dom_path, encoding='utf-8') as file:
        parser.feed(file.read())
    expected = {}
    for record in matrix['records']:
        key = (record['server'], record['client'], record['column'])
        expected.setdefault(key, []).append(record['verdict'])
    expected = {key: worst(verdicts) for key, verdicts in expected.items()}
    problems = []
    shown = len(set(parser.cells) & set(expected))
    if shown != len(expected) or len(parser.cells) != len(expected):
        problems.append(f'matrix.html shows {shown} of {len(expected)} cells '
                        f'({len(parser.cells)} in all)')
    for key, verdict in expected.items():
        if key in parser.cells and parser.cells[key] != verdict:
            problems.append(f'matrix.html: {key} shows {parser.cells[key]}, the records {verdict}')
    return problems


def main(schema_path: str, reports: str, dom_path: str = '') -> int:
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
    if dom_path:
        problems += check_dom(dom_path, matrix)
    if problems:
        return fail(problems)
    print(f'reports agree: {declared} cases, {counts}; junit {len(cases)} cases, '
          f'{failed} failures, {skipped} skipped' + ('; the page shows every cell' if dom_path else ''))
    return 0


def fail(problems) -> int:
    for problem in problems:
        print(problem)
    return 1


if __name__ == '__main__':
    sys.exit(main(*sys.argv[1:4]))
