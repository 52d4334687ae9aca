// OpenSSL's libcrypto (Debian: libssl-dev, already needed by libpq): SHA-256 through the EVP interface.
#include <openssl/evp.h>
