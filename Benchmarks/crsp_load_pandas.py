"""The Python equivalent of `tilt bench load` on a WRDS-style monthly extract (Benchmarks/crsp_scale.sh):
pandas reads the CSV, turns letter codes into missing values, takes |PRC| x SHROUT as the cap, folds the
delisting rows' DLRET into the month's return (Shumway's -30% for a missing performance-related DLRET), and
keeps the stock-months as a long frame (no dense months x stocks panel). Prints wall time and peak memory.
Usage: python3 Benchmarks/crsp_load_pandas.py FILE   (pip install pandas)"""
import resource
import sys
import time

import numpy as np
import pandas as pd

start = time.perf_counter()
frame = pd.read_csv(sys.argv[1], usecols=["PERMNO", "date", "SHRCD", "EXCHCD", "SICCD", "PRC", "RET", "SHROUT",
                                          "DLSTCD", "DLRET", "DLSTDT"], dtype={"RET": str, "DLRET": str})
frame["month"] = frame["date"].astype(str).str.slice(0, 7)
frame["ret"] = pd.to_numeric(frame["RET"], errors="coerce")
frame["dlret"] = pd.to_numeric(frame["DLRET"], errors="coerce")
data = frame[frame["RET"].notna() | frame["PRC"].notna()].copy()
data["cap"] = data["PRC"].abs() * data["SHROUT"]
delist = frame[frame["DLSTCD"].notna() & (frame["DLSTCD"] != 100)][["PERMNO", "DLSTDT", "DLSTCD", "dlret"]].copy()
delist["month"] = delist["DLSTDT"].astype(str).str.slice(0, 7)
performance = (delist["DLSTCD"] == 500) | delist["DLSTCD"].between(520, 584)
delist["dlret"] = delist["dlret"].fillna(pd.Series(np.where(performance, -0.3, 0.0), index=delist.index))
panel = data.merge(delist[["PERMNO", "month", "dlret"]], on=["PERMNO", "month"], how="outer", suffixes=("", "_d"))
has = panel["dlret_d"].notna()
panel.loc[has, "ret"] = (1 + panel.loc[has, "ret"].fillna(0)) * (1 + panel.loc[has, "dlret_d"]) - 1
panel["common"] = panel["SHRCD"].isin([10, 11]) & panel["EXCHCD"].isin([1, 2, 3])
panel = panel[["PERMNO", "month", "ret", "cap", "SICCD", "common"]].sort_values(["PERMNO", "month"])
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"pandas: {len(panel)} stock-months, {panel['PERMNO'].nunique()} stocks, {elapsed:.2f} s, peak memory {peak:.0f} MB")
