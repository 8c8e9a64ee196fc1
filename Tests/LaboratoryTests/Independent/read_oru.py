#!/usr/bin/env python3
"""Independent reader for Sentinel's HL7 tests (python-hl7 from PyPI, not the product): stdin is a JSON list of
ORU^R01 messages; stdout a JSON list of {"tube", "value", "numbers"} per message, read the way issue 5 maps them:
the tube from SPM-2 (first subcomponent), else OBR-3, else OBR-2; the first coded/text OBX-5 (first component);
the numeric OBX-5 values in order."""
import json
import sys

import hl7


def first(field):
    """The first subcomponent of the first component of the first repetition, unescaped by python-hl7."""
    value = field
    while isinstance(value, list):
        if not value:
            return ""
        value = value[0]
    return str(value)


out = []
for text in json.load(sys.stdin):
    message = hl7.parse(text)
    tube = ""
    for name, index in (("SPM", 2), ("OBR", 3), ("OBR", 2)):
        try:
            segment = message.segment(name)
        except KeyError:
            continue
        if len(segment) > index and first(segment[index]):
            tube = first(segment[index]).split("&")[0]
            break
    value, numbers = None, []
    for obx in message.segments("OBX"):
        kind = str(obx[2])
        if kind == "NM":
            numbers.append(float(str(obx[5])))
        elif value is None and kind in ("CWE", "CE", "ST", "TX"):
            value = first(obx[5])
    out.append({"tube": message.unescape(tube), "value": message.unescape(value or ""), "numbers": numbers})
print(json.dumps(out, ensure_ascii=False))
