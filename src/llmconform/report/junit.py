"""JUnit XML: one testcase per check, so CI systems show the verdicts natively."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET


def render(report: dict[str, Any]) -> str:
    summary = report["summary"]
    suite = ET.Element("testsuite", {
        "name": f"llmconform.{report['vendor']}",
        "tests": str(len(report["results"])),
        "failures": str(summary["fail"]),
        "errors": str(summary["error"]),
        "skipped": str(summary["skip"]),
        "time": str(report["duration_s"]),
    })
    for row in report["results"]:
        case = ET.SubElement(suite, "testcase", {"classname": row["id"].rsplit("/", 1)[0].replace("/", "."),
                                                 "name": row["id"]})
        if row["verdict"] == "fail":
            ET.SubElement(case, "failure", {"message": row["message"][:500]}).text = row.get("reproduce", "")
        elif row["verdict"] == "error":
            ET.SubElement(case, "error", {"message": row["message"][:500]})
        elif row["verdict"] == "skip":
            ET.SubElement(case, "skipped", {"message": row["message"][:500]})
        elif row["verdict"] == "warn":
            ET.SubElement(case, "system-out").text = f"WARN: {row['message']}"
    ET.indent(suite)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"
