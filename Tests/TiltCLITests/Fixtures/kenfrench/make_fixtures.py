"""Makes the small Ken French-style zip that tests of `tilt data fetch kenfrench` serve from a local HTTP server,
and prints the SHA-256 of the zip and of the CSV inside it (the test compares SOURCES.json with these)."""
import hashlib
import zipfile

csv = (
    "This file was created by CMPT_ME_PRIOR_RETS using the 202412 CRSP database.\r\n"
    "It contains a momentum factor (a small test copy, not Ken French's data).\r\n"
    "\r\n"
    ",Mom   \r\n"
    "202401,   1.25\r\n"
    "202402,  -0.50\r\n"
    "\r\n"
    " Annual Factors: January-December \r\n"
    ",Mom\r\n"
    "  2024,   0.74\r\n"
).encode()

with zipfile.ZipFile("F-F_Momentum_Factor_CSV.zip", "w", compression=zipfile.ZIP_DEFLATED) as z:
    info = zipfile.ZipInfo("F-F_Momentum_Factor.CSV", date_time=(2025, 1, 31, 12, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, csv)

print("csv", hashlib.sha256(csv).hexdigest())
print("zip", hashlib.sha256(open("F-F_Momentum_Factor_CSV.zip", "rb").read()).hexdigest())
