#!/usr/bin/env python3
"""Regenerates docs/diagnostics.md from the generator's DiagnosticCatalog.cs (run from the repository root)."""
import re

source = open("generators/FofaDsl.Generators/Diagnostics/DiagnosticCatalog.cs").read()
pattern = re.compile(r'=\s*(Error|Warning)\("(FOFA\d+)",\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"\);', re.S)


def unescape(text):
    return text.replace('\\"', '"')


lines = ["# FofaDsl diagnostics", "",
         "Every diagnostic the generator reports, with what to change. Messages name the values involved and point at the "
         "offending attribute argument. Generated from `generators/FofaDsl.Generators/Diagnostics/DiagnosticCatalog.cs` by "
         "`eng/make-diagnostics-doc.py`; a test keeps this page complete.", ""]
for severity, rule, title, message, fix in pattern.findall(source):
    lines += [f"## {rule.lower()}", "", f"**{rule}** ({severity.lower()}): {unescape(title)}.", "",
              f"Message: `{unescape(message)}`", "", f"Fix: {unescape(fix)}", ""]
open("docs/diagnostics.md", "w").write("\n".join(lines))
