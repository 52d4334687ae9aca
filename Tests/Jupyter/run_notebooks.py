"""Executes notebooks with the Tilt kernel (nbclient), as `jupyter nbconvert --execute` would, and fails on
any error output or standard-error stream. The kernelspec is installed into a temporary prefix first.

A notebook that reads real data lists its files in its metadata (`"tilt": {"data_files": [...]}`); they are
looked for in `TILT_DATA`, else `../shared/data` beside the repository, which the kernel is then given as
`TILT_DATA`. Without them the notebook is skipped with the reason printed — unless TILT_REQUIRE_SERVICES=1
(as on CI), where missing data is a failure.

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
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def data_folder():
    """The shared data folder: TILT_DATA, else ../shared/data beside the repository; None when neither exists."""
    folder = os.environ.get("TILT_DATA") or os.path.join(os.path.dirname(ROOT), "shared", "data")
    return os.path.abspath(folder) if os.path.isdir(folder) else None


def main():
    prefix = tempfile.mkdtemp(prefix="tilt-notebooks-")
    subprocess.run([TILT, "kernel", "install", "--prefix", prefix], check=True, capture_output=True)
    os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")
    data = data_folder()
    if data:
        os.environ["TILT_DATA"] = data
    required = os.environ.get("TILT_REQUIRE_SERVICES") == "1"
    passed = failed = skipped = 0
    for path in NOTEBOOKS:
        notebook = nbformat.read(path, as_version=4)
        needs = notebook.metadata.get("tilt", {}).get("data_files", [])
        missing = [name for name in needs if not (data and os.path.isfile(os.path.join(data, name)))]
        if missing:
            reason = f"{path}: needs {', '.join(missing)} in TILT_DATA or ../shared/data ({data or 'neither exists'})"
            if required:
                failed += 1
                print(f"FAIL  {reason} (TILT_REQUIRE_SERVICES=1)")
            else:
                skipped += 1
                print(f"skip  {reason}")
            continue
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
    print(f"{passed} passed, {failed} failed, {skipped} skipped")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
