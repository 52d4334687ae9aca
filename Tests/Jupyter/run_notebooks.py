"""Executes notebooks with the Tilt kernel (nbclient), as `jupyter nbconvert --execute` would, and fails on
any error output or standard-error stream. The kernelspec is installed into a temporary prefix first.

Usage: python3 Tests/Jupyter/run_notebooks.py PATH/TO/tilt NOTEBOOK.ipynb…
"""
import os
import subprocess
import sys
import tempfile

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

TILT = os.path.abspath(sys.argv[1])
NOTEBOOKS = sys.argv[2:]


def main():
    prefix = tempfile.mkdtemp(prefix="tilt-notebooks-")
    subprocess.run([TILT, "kernel", "install", "--prefix", prefix], check=True, capture_output=True)
    os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")
    passed = failed = 0
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(notebook, kernel_name="tilt", timeout=1200, allow_errors=False,
                                resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
        try:
            client.execute()
        except CellExecutionError as error:
            failed += 1
            print(f"FAIL  {path}: {str(error)[:2000]}")
            continue
        problems = []
        for index, cell in enumerate(notebook.cells):
            for output in cell.get("outputs", []):
                if output.output_type == "error" or (output.output_type == "stream" and output.name == "stderr"):
                    problems.append(f"cell {index}: {output}")
            if cell.cell_type == "code" and cell.source.strip() and not cell.get("outputs") and "let " not in cell.source:
                problems.append(f"cell {index} shows nothing: {cell.source[:60]!r}")
        if problems:
            failed += 1
            print(f"FAIL  {path}: " + "\n  ".join(problems))
        else:
            passed += 1
            print(f"ok    {path} ({sum(c.cell_type == 'code' for c in notebook.cells)} code cells)")
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
