// The system's libcrypto (Debian: libssl-dev): HMAC-SHA256 for signing Jupyter messages and a
// constant-time comparison of signatures (TiltKernel); SHA-256 of data files through the EVP interface
// (TiltData's `SHA256Digest`, for run.json's provenance and `tilt data fetch`'s SOURCES.json).
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
