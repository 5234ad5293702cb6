#!/usr/bin/env python3
"""Regenerates docs/diagnostics.md from the generator's DiagnosticCatalog.cs (run from the repository root)."""
import re

source = open("generators/FofaDsl.Generators/Diagnostics/DiagnosticCatalog.cs").read()
pattern = re.compile(r'=\s*(Error|Warning)\("(FOFA\d+)",\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)",\s*"((?:[^"\\]|\\.)*)"\);', re.S)


# Diagnostics with a code fix in generators/FofaDsl.CodeFixes (a test there checks these lines).
CODE_FIXES_INTRO = 'Five diagnostics have a code fix in the IDE (light bulb, with "fix all" in document, project or solution), from `generators/FofaDsl.CodeFixes`: FOFA001, FOFA004, FOFA005 (repeated stages), FOFA010 and FOFA024. The others need a choice that only the author can make (which architecture, which of two values to change, which stage was meant), so they have none.'
CODE_FIXES = {'FOFA001': "Code fix: *Make 'X' partial* adds `partial` after the class's other modifiers (`public sealed partial class X`).", 'FOFA004': 'Code fix: *Use Queries = M* replaces a literal `Queries = N` with the nearest valid count M = 4*g*g (a tie goes to the larger: 50 becomes 64, 40 becomes 36). A constant or an expression is left as it is.', 'FOFA005': 'Code fix: *Remove repeated prompt stages* keeps the first occurrence of each stage (`new[] { 1, 3, 1 }` becomes `new[] { 1, 3 }`). A stage outside 1..4 has no fix: it may be a typo for any stage.', 'FOFA010': 'Code fix: *Remove X* deletes the setting from the attribute; choosing an architecture that has it is left to you.', 'FOFA024': 'Code fix: *Use Channels = C* sets the tap to the output channels the model\'s code builds the member with; tapping another member instead is left to you.'}


def unescape(text):
    return text.replace('\\"', '"')


lines = ["# FofaDsl diagnostics", "",
         "Every diagnostic the generator reports, with what to change. Messages name the values involved and point at the "
         "offending attribute argument. Generated from `generators/FofaDsl.Generators/Diagnostics/DiagnosticCatalog.cs` by "
         "`eng/make-diagnostics-doc.py`; a test keeps this page complete.", "", CODE_FIXES_INTRO, ""]
for severity, rule, title, message, fix in pattern.findall(source):
    lines += [f"## {rule.lower()}", "", f"**{rule}** ({severity.lower()}): {unescape(title)}.", "",
              f"Message: `{unescape(message)}`", "", f"Fix: {unescape(fix)}", ""]
    if rule in CODE_FIXES:
        lines += [CODE_FIXES[rule], ""]
open("docs/diagnostics.md", "w").write("\n".join(lines))
