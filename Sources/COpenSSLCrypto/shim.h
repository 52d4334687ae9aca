// The system's libcrypto (Debian: libssl-dev): HMAC-SHA256 for signing Jupyter messages, and a
// constant-time comparison of signatures.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
