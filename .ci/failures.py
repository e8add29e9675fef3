"""Prints each failed test of a TRX file with the first lines of its message and stack."""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}

root = ET.parse(sys.argv[1]).getroot()
for result in root.iterfind(".//t:UnitTestResult", NS):
    if result.get("outcome") not in ("Failed", "Error", "Timeout", "Aborted"):
        continue
    print(f"FAILED {result.get('testName')} ({result.get('duration')})")
    for part in ("Message", "StackTrace"):
        node = result.find(f"t:Output/t:ErrorInfo/t:{part}", NS)
        if node is not None and node.text:
            for line in node.text.strip().splitlines()[:15]:
                print(f"    {line}")
